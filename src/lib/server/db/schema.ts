import { sql } from 'drizzle-orm';
import {
	type AnySQLiteColumn,
	check,
	index,
	integer,
	primaryKey,
	real,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';

export const roles = ['member', 'facilitator', 'owner'] as const;
export type Role = (typeof roles)[number];

const createdAt = () =>
	integer({ mode: 'timestamp_ms' })
		.notNull()
		.default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

export const user = sqliteTable('user', {
	id: text().primaryKey(),
	// Stored lower-cased so that "Ana@x.org" and "ana@x.org" are one account.
	email: text().notNull().unique(),
	displayName: text().notNull(),
	passwordHash: text().notNull(),
	// When the person last proved they read mail at `email` (by a link sent there); null until
	// then, and again after the address changes. Unverified accounts get no email and cannot be
	// instance operators.
	emailVerifiedAt: integer({ mode: 'timestamp_ms' }),
	// Set for the made-up people of a sample group (groups/sample.ts): they cannot log in, get no
	// email, and go when their sample group is deleted.
	sampleGroupId: text().references((): AnySQLiteColumn => group.id, { onDelete: 'cascade' }),
	createdAt: createdAt()
});

export const session = sqliteTable(
	'session',
	{
		// SHA-256 of the cookie's token, hex. The token itself is never stored.
		id: text().primaryKey(),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
		expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
		// What the account page lists: a browser family ("Firefox on Android"), never an address,
		// and the day (midnight UTC) of last use, coarse so that it cannot time what the person did.
		browser: text().notNull().default(''),
		lastUsedOn: integer({ mode: 'timestamp_ms' })
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

export const accountTokenPurposes = ['verify-email', 'reset-password'] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

// One-time links sent by email. Only the token's SHA-256 is kept, so a copy of the database
// opens no account; using a link deletes its row.
export const accountToken = sqliteTable(
	'account_token',
	{
		id: text().primaryKey(),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		purpose: text({ enum: accountTokenPurposes }).notNull(),
		// The address the link was sent to: confirming it confirms that address and no later one.
		email: text().notNull(),
		expiresAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('account_token_user_idx').on(t.userId, t.purpose)]
);

export const minimumThreshold = 3;

export const group = sqliteTable(
	'group',
	{
		id: text().primaryKey(),
		slug: text().notNull().unique(),
		name: text().notNull(),
		// How many members must answer a review before anyone sees its results (k).
		anonymityThreshold: integer().notNull().default(5),
		// A sample group, made to show a newcomer what the app does: whom it was made for. Deleting
		// that account deletes the sample.
		sampleFor: text().references((): AnySQLiteColumn => user.id, { onDelete: 'cascade' }),
		createdAt: createdAt()
	},
	(t) => [check('group_threshold_min', sql`${t.anonymityThreshold} >= 3`)]
);

// Every statement of a group's purpose, oldest first. Version 1 is the original; nothing is ever
// overwritten, so a restatement keeps what the group first said it was for.
export const purpose = sqliteTable(
	'purpose',
	{
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		version: integer().notNull(),
		text: text().notNull(),
		reason: text(),
		setBy: text().references(() => user.id, { onDelete: 'set null' }),
		setAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.groupId, t.version] })]
);

export const membership = sqliteTable(
	'membership',
	{
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		role: text({ enum: roles }).notNull(),
		joinedAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('membership_user_idx').on(t.userId)]
);

export const invite = sqliteTable(
	'invite',
	{
		id: text().primaryKey(),
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		// SHA-256 of the link's token: a leaked database does not hand out working links.
		tokenHash: text().notNull().unique(),
		role: text({ enum: roles }).notNull(),
		// The owner's own label ("October meeting"), to tell links apart: the token is not kept.
		note: text(),
		maxUses: integer().notNull(),
		useCount: integer().notNull().default(0),
		expiresAt: integer({ mode: 'timestamp_ms' }).notNull(),
		revokedAt: integer({ mode: 'timestamp_ms' }),
		createdBy: text().references(() => user.id, { onDelete: 'set null' }),
		createdAt: createdAt()
	},
	(t) => [index('invite_group_idx').on(t.groupId)]
);

// Who an owner removed from a group: an invitation link they still hold does not let them back
// in until an owner lets them back (on the members page). Leaving by oneself leaves no row.
export const removal = sqliteTable(
	'removal',
	{
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		removedAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.groupId, t.userId] })]
);

// Fixed-window counters for brute-force protection. Kept in the database, not in memory, so
// that a restart does not reset them and several app instances share them.
export const rateLimit = sqliteTable('rate_limit', {
	key: text().primaryKey(),
	hits: integer().notNull(),
	resetAt: integer().notNull()
});

export const reviewStatuses = ['draft', 'open', 'closed'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
export const questionKinds = ['scale', 'text'] as const;
export type QuestionKind = (typeof questionKinds)[number];

export const review = sqliteTable(
	'review',
	{
		id: text().primaryKey(),
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		title: text().notNull(),
		status: text({ enum: reviewStatuses }).notNull().default('draft'),
		opensAt: integer({ mode: 'timestamp_ms' }),
		closesAt: integer({ mode: 'timestamp_ms' }),
		openedAt: integer({ mode: 'timestamp_ms' }),
		closedAt: integer({ mode: 'timestamp_ms' }),
		// Fixed when the review opens: the group's k then, the members then, its purpose then.
		threshold: integer(),
		eligibleCount: integer(),
		// How many of them joined in the two weeks before: shown to every member, so that a review
		// padded with invented accounts to single one person out does not go unnoticed.
		recentJoinerCount: integer(),
		purposeVersion: integer(),
		// Fixed when the review closes.
		responseCount: integer(),
		createdBy: text().references(() => user.id, { onDelete: 'set null' }),
		createdAt: createdAt()
	},
	(t) => [
		// A group's reviews, its closed ones in the order they closed: the review before another,
		// the latest closed and how many (health's cache key) are read off the index, not sorted.
		index('review_group_closed_idx').on(t.groupId, t.status, t.closedAt),
		// The scheduler and review pages look for due drafts and due closings across all groups.
		index('review_due_open_idx').on(t.status, t.opensAt),
		index('review_due_close_idx').on(t.status, t.closesAt),
		// At most one open review per group, whatever races the app loses.
		uniqueIndex('review_one_open_per_group')
			.on(t.groupId)
			.where(sql`status = 'open'`),
		check('review_threshold_min', sql`${t.threshold} is null or ${t.threshold} >= 3`)
	]
);

/** A question as a review asks it: members' (`question`) and outsiders' (`outsider_question`). */
const questionColumns = () => ({
	// Stable across reviews for the same dimension ("democracy"), so results compare.
	key: text().notNull(),
	position: integer().notNull(),
	kind: text({ enum: questionKinds }).notNull(),
	title: text().notNull(),
	prompt: text().notNull(),
	lowLabel: text(),
	highLabel: text()
});

// Each review's own copy of its questions, so that later edits elsewhere never change it.
export const question = sqliteTable(
	'question',
	{
		reviewId: text()
			.notNull()
			.references(() => review.id, { onDelete: 'cascade' }),
		...questionColumns()
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.key] })]
);

// Who may answer (the members when the review opened) and THAT each has answered, never WHAT or
// WHEN. Every row is written when the review opens, in a shuffled order, so rowids and cell
// positions say nothing about people; answering flips `answered` from 0 to 1, which SQLite
// overwrites in place (both values take no bytes in the record, so the cell keeps its size and
// its spot). Nothing here moves when, or in which order, members answer: no timestamp, no
// inserted row, no index over `answered`. Deleting an account keeps its row with no user, so
// turnout does not move and does not tell the group whether that person had answered.
export const eligibility = sqliteTable(
	'eligibility',
	{
		reviewId: text()
			.notNull()
			.references(() => review.id, { onDelete: 'cascade' }),
		userId: text().references(() => user.id, { onDelete: 'set null' }),
		answered: integer({ mode: 'boolean' }).notNull().default(false)
	},
	(t) => [uniqueIndex('eligibility_review_user_unique').on(t.reviewId, t.userId)]
);

// WHAT was answered, never by whom: no user, session, address, agent or time, a random key, and
// (in the migration) WITHOUT ROWID, so rows are stored in key order, not in submission order.
export const response = sqliteTable(
	'response',
	{
		id: text().primaryKey(),
		reviewId: text()
			.notNull()
			.references(() => review.id, { onDelete: 'cascade' }),
		// SHA-256 of the receipt code the respondent was shown once.
		receiptHash: text().notNull().unique()
	},
	(t) => [index('response_review_idx').on(t.reviewId)]
);

/** One answer to one question: members' (`answer`) and outsiders' (`outsider_answer`). */
const answerColumns = () => ({
	questionKey: text().notNull(),
	score: integer(),
	text: text()
});
const answerRules = (
	table: string,
	t: {
		responseId: AnySQLiteColumn;
		questionKey: AnySQLiteColumn;
		score: AnySQLiteColumn;
		text: AnySQLiteColumn;
	}
) => [
	primaryKey({ columns: [t.responseId, t.questionKey] }),
	check(`${table}_score_range`, sql`${t.score} is null or ${t.score} between 1 and 5`),
	check(`${table}_text_length`, sql`${t.text} is null or length(${t.text}) <= 4000`)
];

export const answer = sqliteTable(
	'answer',
	{
		responseId: text()
			.notNull()
			.references(() => response.id, { onDelete: 'cascade' }),
		...answerColumns()
	},
	(t) => answerRules('answer', t)
);

// Computed once when a revealed review closes; result pages read these and nothing else.
export const dimensionResult = sqliteTable(
	'dimension_result',
	{
		reviewId: text()
			.notNull()
			.references(() => review.id, { onDelete: 'cascade' }),
		questionKey: text().notNull(),
		count: integer().notNull(),
		mean: real().notNull(),
		// population standard deviation: how far members' scores are from each other
		standardDeviation: real().notNull(),
		// how many members gave 1, 2, 3, 4 and 5
		distribution: text({ mode: 'json' }).$type<[number, number, number, number, number]>().notNull()
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.questionKey] })]
);

// Comments and open answers copied at close, each with a fresh random key per question, so that
// neither their order nor their position across questions says which came from one person.
export const revealedText = sqliteTable(
	'revealed_text',
	{
		reviewId: text()
			.notNull()
			.references(() => review.id, { onDelete: 'cascade' }),
		questionKey: text().notNull(),
		id: text().notNull(),
		text: text().notNull()
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.questionKey, t.id] })]
);

export type User = typeof user.$inferSelect;
export type Session = typeof session.$inferSelect;
export type Group = typeof group.$inferSelect;
export type Purpose = typeof purpose.$inferSelect;
export type Membership = typeof membership.$inferSelect;
export type Invite = typeof invite.$inferSelect;
export type Review = typeof review.$inferSelect;
export type Question = typeof question.$inferSelect;
export type DimensionResult = typeof dimensionResult.$inferSelect;

// The outsiders' panel (issue 16): people outside the group answer a review too, through links,
// without an account. The same promises as members': what was answered, never by whom or when.

/** A review's outside view: its own threshold, its shared link, and answers counted by kind. */
export const outsideView = sqliteTable(
	'outside_view',
	{
		reviewId: text()
			.primaryKey()
			.references(() => review.id, { onDelete: 'cascade' }),
		// Fixed when outsiders are first asked, like a review's own k, and counted apart from it.
		threshold: integer().notNull(),
		// SHA-256 of the one shared link's token (for a meeting or a flyer); null when there is none.
		sharedLinkHash: text().unique(),
		sharedCap: integer().notNull().default(50),
		// How many answered through each kind of link: plain counts, overwritten in place.
		personalAnswers: integer().notNull().default(0),
		sharedAnswers: integer().notNull().default(0),
		closed: integer({ mode: 'boolean' }).notNull().default(false)
	},
	(t) => [
		check('outside_view_threshold_min', sql`${t.threshold} >= 3`),
		check('outside_view_cap', sql`${t.sharedCap} between 1 and 1000`)
	]
);

/** The questions outsiders get: reworded copies of some of the review's, and their own. */
export const outsiderQuestion = sqliteTable(
	'outsider_question',
	{
		reviewId: text()
			.notNull()
			.references(() => outsideView.reviewId, { onDelete: 'cascade' }),
		// its key is the members' question's it mirrors ("execution"), or outsiders' own
		...questionColumns()
	},
	(t) => [primaryKey({ columns: [t.reviewId, t.key] })]
);

// Personal links, one use each: only the token's SHA-256, made in one batch, and `used` flipped
// in place when answered (like eligibility.answered): no time, no order, no address, nothing
// that points at the answer. WITHOUT ROWID (in the migration): stored in hash order.
export const outsiderLink = sqliteTable(
	'outsider_link',
	{
		id: text().primaryKey(),
		reviewId: text()
			.notNull()
			.references(() => outsideView.reviewId, { onDelete: 'cascade' }),
		used: integer({ mode: 'boolean' }).notNull().default(false)
	},
	(t) => [index('outsider_link_review_idx').on(t.reviewId)]
);

// What outsiders answered, as `response` and `answer` are for members: a random key, WITHOUT
// ROWID, rewritten in key order when the review closes.
export const outsiderResponse = sqliteTable(
	'outsider_response',
	{
		id: text().primaryKey(),
		reviewId: text()
			.notNull()
			.references(() => outsideView.reviewId, { onDelete: 'cascade' })
	},
	(t) => [index('outsider_response_review_idx').on(t.reviewId)]
);

export const outsiderAnswer = sqliteTable(
	'outsider_answer',
	{
		responseId: text()
			.notNull()
			.references(() => outsiderResponse.id, { onDelete: 'cascade' }),
		...answerColumns()
	},
	(t) => answerRules('outsider_answer', t)
);
