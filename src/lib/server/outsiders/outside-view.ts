// A review's outside view: asking outsiders, their links, their answers and what may be shown.
// Outsiders have no account. A personal link works once; the shared link works up to its cap.
// Neither kind of link is ever connected to an answer: a used personal link is a flag flipped in
// place, the shared link a counter, and answers carry a random key and nothing else.
import { and, asc, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { db, prepared, transaction } from '$lib/server/db';
import {
	outsiderAnswer,
	outsiderLink,
	outsiderQuestion,
	outsiderResponse,
	outsideView,
	group,
	review
} from '$lib/server/db/schema';
import { forgetSoon, shuffleStoredOutsiderResponses } from '$lib/server/anonymity';
import { outsidersRevealed } from '$lib/server/outsiders/gap';
import { outsiderInstrument, purposeGuessKey } from '$lib/server/outsiders/questions';
import { ok, refuse, type Result } from '$lib/server/result';
import { generateToken, hashToken, newId } from '$lib/server/tokens';
import { scoreMoments, spreadOf } from '$lib/server/reviews/score-moments';
import { questionKeysOf } from '$lib/server/reviews/reviews';

/** Personal links are made in batches of 1 to this many. */
export const maxLinksAtOnce = 200;
export const defaultSharedCap = 50;

export type AskRefusal = 'not-found' | 'closed' | 'asked-already' | 'no-questions';

/**
 * Adds an outside view to a draft or open review: the outward-facing questions the review asks,
 * reworded for outsiders (or only those in `keys`), and outsiders' own purpose question. Its
 * threshold is the group's k now, as a review's is when it opens.
 */
export function askOutsiders(
	groupId: string,
	reviewId: string,
	keys?: string[]
): Result<undefined, AskRefusal> {
	return transaction((tx): Result<undefined, AskRefusal> => {
		const [row] = tx
			.select({ status: review.status, threshold: group.anonymityThreshold })
			.from(review)
			.innerJoin(group, eq(group.id, review.groupId))
			.where(and(eq(review.id, reviewId), eq(review.groupId, groupId)))
			.all();
		if (!row) return refuse('not-found');
		if (row.status === 'closed') return refuse('closed');
		const scored = outsiderChoices(reviewId).filter((q) => !keys || keys.includes(q.key));
		if (scored.length === 0) return refuse('no-questions');
		const chosen = [...scored, ...outsiderInstrument.filter((q) => q.key === purposeGuessKey)];
		const inserted = tx
			.insert(outsideView)
			.values({ reviewId, threshold: row.threshold })
			.onConflictDoNothing()
			.returning({ reviewId: outsideView.reviewId })
			.all();
		if (inserted.length === 0) return refuse('asked-already');
		tx.insert(outsiderQuestion)
			.values(chosen.map((q, position) => ({ ...q, reviewId, position })))
			.run();
		return ok(undefined);
	});
}

// The reads below are prepared once on the app's one connection, so they also run inside a
// transaction open on it (transactions are synchronous: nothing else runs meanwhile).
const questionsForOutsiders = prepared(() =>
	db
		.select()
		.from(outsiderQuestion)
		.where(eq(outsiderQuestion.reviewId, sql.placeholder('reviewId')))
		.orderBy(asc(outsiderQuestion.position))
		.prepare()
);

export function outsiderQuestionsOf(reviewId: string) {
	return questionsForOutsiders().all({ reviewId });
}

/**
 * `count` new personal links (1 to 200), as tokens to hand out: shown once, stored only hashed.
 * Written in one statement, in hash order (WITHOUT ROWID), so their places say nothing either.
 */
export function makePersonalLinks(
	reviewId: string,
	count: number
): Result<string[], 'not-found' | 'closed' | 'bad-count'> {
	if (!Number.isInteger(count) || count < 1 || count > maxLinksAtOnce) return refuse('bad-count');
	const view = viewOf(reviewId);
	if (!view) return refuse('not-found');
	if (view.closed) return refuse('closed');
	const tokens = Array.from({ length: count }, () => generateToken());
	db.insert(outsiderLink)
		.values(tokens.map((token) => ({ id: hashToken(token), reviewId })))
		.run();
	return ok(tokens);
}

/** The shared link's token, new each time it is made: the previous one stops working. */
export function makeSharedLink(
	reviewId: string,
	cap = defaultSharedCap
): Result<string, 'not-found' | 'closed'> {
	const view = viewOf(reviewId);
	if (!view) return refuse('not-found');
	if (view.closed) return refuse('closed');
	const token = generateToken();
	db.update(outsideView)
		.set({ sharedLinkHash: hashToken(token), sharedCap: cap })
		.where(eq(outsideView.reviewId, reviewId))
		.run();
	return ok(token);
}

/** What the outsiders' page says of who is asking: the group, the review and its threshold. */
export function askingOf(reviewId: string) {
	return whoIsAsking().get({ reviewId });
}

const whoIsAsking = prepared(() =>
	db
		.select({ groupName: group.name, reviewTitle: review.title, threshold: outsideView.threshold })
		.from(outsideView)
		.innerJoin(review, eq(review.id, outsideView.reviewId))
		.innerJoin(group, eq(group.id, review.groupId))
		.where(eq(outsideView.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

const viewOfReview = prepared(() =>
	db
		.select()
		.from(outsideView)
		.where(eq(outsideView.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

function viewOf(reviewId: string) {
	return viewOfReview().get({ reviewId });
}

export type LinkRefusal = 'unknown' | 'used' | 'full' | 'closed' | 'not-open-yet';

const personalLink = prepared(() =>
	db
		.select()
		.from(outsiderLink)
		.where(eq(outsiderLink.id, sql.placeholder('hash')))
		.prepare()
);
const viewOfSharedLink = prepared(() =>
	db
		.select()
		.from(outsideView)
		.where(eq(outsideView.sharedLinkHash, sql.placeholder('hash')))
		.prepare()
);

/** The personal link a token is (if it is one) and the outside view it opens, if any. */
function linkOf(hash: string) {
	const personal = personalLink().get({ hash });
	const view = personal ? viewOf(personal.reviewId) : viewOfSharedLink().get({ hash });
	return { personal, view };
}

/** What a link opens, for its page: the review it belongs to and whether it can still be used. */
export function findOutsiderLink(
	token: string
): Result<
	{ reviewId: string; kind: 'personal' | 'shared'; open: boolean },
	Exclude<LinkRefusal, 'not-open-yet'>
> {
	const { personal, view } = linkOf(hashToken(token));
	if (!view) return refuse('unknown');
	const standing = standingOf(view.reviewId);
	if (view.closed || standing === 'closed') return refuse('closed');
	if (personal?.used) return refuse('used');
	if (!personal && view.sharedAnswers >= view.sharedCap) return refuse('full');
	// a draft's link is handed out early: its page names the group and says to come back
	return ok({
		reviewId: view.reviewId,
		kind: personal ? 'personal' : 'shared',
		open: standing === 'open'
	});
}

/** Links may be handed out while the review is a draft; they take answers only while it is open. */
const reviewStanding = prepared(() =>
	db
		.select({ status: review.status, closesAt: review.closesAt })
		.from(review)
		.where(eq(review.id, sql.placeholder('reviewId')))
		.prepare()
);

function standingOf(reviewId: string): 'draft' | 'open' | 'closed' {
	const row = reviewStanding().get({ reviewId });
	if (!row || row.status === 'closed' || (row.closesAt && row.closesAt <= new Date()))
		return 'closed';
	return row.status;
}

export interface OutsiderAnswer {
	questionKey: string;
	score: number | null;
	text: string | null;
}

/**
 * Takes one outsider's answers through `token`. A personal link is used up by flipping its flag,
 * which only one of any number of simultaneous tries can do; the shared link counts up to its
 * cap in the same single statement. Either way the answer itself carries no trace of the link.
 */
export function submitOutsiderAnswers(
	token: string,
	answers: OutsiderAnswer[]
): Result<undefined, LinkRefusal> {
	const hash = hashToken(token);
	const outcome = transaction((tx): Result<undefined, LinkRefusal> => {
		const { personal, view } = linkOf(hash);
		if (!view) return refuse('unknown');
		const standing = standingOf(view.reviewId);
		if (view.closed || standing === 'closed') return refuse('closed');
		if (standing === 'draft') return refuse('not-open-yet');
		if (personal) {
			const flipped = tx
				.update(outsiderLink)
				.set({ used: true })
				.where(and(eq(outsiderLink.id, hash), eq(outsiderLink.used, false)))
				.returning({ id: outsiderLink.id })
				.all();
			if (flipped.length === 0) return refuse('used');
			tx.update(outsideView)
				.set({ personalAnswers: sql`${outsideView.personalAnswers} + 1` })
				.where(eq(outsideView.reviewId, view.reviewId))
				.run();
		} else {
			const counted = tx
				.update(outsideView)
				.set({ sharedAnswers: sql`${outsideView.sharedAnswers} + 1` })
				.where(
					and(
						eq(outsideView.reviewId, view.reviewId),
						sql`${outsideView.sharedAnswers} < ${outsideView.sharedCap}`
					)
				)
				.returning({ reviewId: outsideView.reviewId })
				.all();
			if (counted.length === 0) return refuse('full');
		}
		const responseId = newId();
		tx.insert(outsiderResponse).values({ id: responseId, reviewId: view.reviewId }).run();
		if (answers.length > 0)
			tx.insert(outsiderAnswer)
				.values(answers.map((a) => ({ ...a, responseId })))
				.run();
		// A new cell goes just below the previous one in its page, so while the review is open the
		// file would keep the order outsiders answered in (Kendall tau 1 in anonymity-file.test.ts).
		// Rewriting this view's answers under new keys at each answer, as closing does, leaves only
		// key order. It costs O(answers so far): about 14 ms at 100 outsiders, 120 ms at 1,000.
		shuffleStoredOutsiderResponses(tx, view.reviewId);
		return ok(undefined);
	});
	// as for members: the log holds the flipped flag beside the new answer only for a moment
	if (outcome.ok) forgetSoon();
	return outcome;
}

/** Ends the outside view early, by hand; it ends with its review in any case. */
export function closeOutsideView(reviewId: string) {
	db.update(outsideView).set({ closed: true }).where(eq(outsideView.reviewId, reviewId)).run();
}

export interface OutsiderAggregate {
	key: string;
	mean: number;
	standardDeviation: number;
	count: number;
}

/**
 * What may be shown of the outside view: nothing below its own threshold; at or above it, the
 * answers by kind of link, each scored question's mean, spread and count, and the texts.
 */
export function outsiderResults(reviewId: string) {
	const view = viewOf(reviewId);
	if (!view) return null;
	const answered = view.personalAnswers + view.sharedAnswers;
	const byKind = { personal: view.personalAnswers, shared: view.sharedAnswers };
	if (!outsidersRevealed(answered, view.threshold))
		return { revealed: false as const, answered, threshold: view.threshold, byKind };
	const responses = db
		.select({ id: outsiderResponse.id })
		.from(outsiderResponse)
		.where(eq(outsiderResponse.reviewId, reviewId));
	const scores = db
		.select({
			key: outsiderAnswer.questionKey,
			...scoreMoments(outsiderAnswer.score)
		})
		.from(outsiderAnswer)
		.where(inArray(outsiderAnswer.responseId, responses))
		.groupBy(outsiderAnswer.questionKey)
		.all()
		.filter((row) => row.count > 0)
		.map((row): OutsiderAggregate => ({
			key: row.key,
			mean: row.mean,
			standardDeviation: spreadOf(row),
			count: row.count
		}));
	return {
		revealed: true as const,
		answered,
		threshold: view.threshold,
		byKind,
		scores,
		texts: outsiderTextsOf(reviewId)
	};
}

/**
 * Outsiders' comments and answers, each with an id of its own. One outsider's texts share a
 * response key; shown in that key's order, the first comment on one question and the first on
 * another would be the same person's. Each text's id hashes its key with its question, so every
 * question's list is shuffled independently of the others, and an id names no response.
 */
function outsiderTextsOf(reviewId: string) {
	return db
		.select({
			responseId: outsiderAnswer.responseId,
			key: outsiderAnswer.questionKey,
			text: outsiderAnswer.text
		})
		.from(outsiderAnswer)
		.innerJoin(outsiderResponse, eq(outsiderResponse.id, outsiderAnswer.responseId))
		.where(and(eq(outsiderResponse.reviewId, reviewId), isNotNull(outsiderAnswer.text)))
		.all()
		.map(({ responseId, key, text }) => ({
			id: hashToken(`${responseId}:${key}`).slice(0, 24),
			key,
			text: text!
		}))
		.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** How many outsiders answered, for the review's own page: one read, of the view's counters. */
export function outsiderTally(reviewId: string) {
	const view = viewOf(reviewId);
	if (!view) return null;
	return { answered: view.personalAnswers + view.sharedAnswers, closed: view.closed };
}

const personalLinksMade = prepared(() =>
	db
		.select({ made: count() })
		.from(outsiderLink)
		.where(eq(outsiderLink.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

/** What the facilitator's page shows of a review's outside view; null before outsiders are asked. */
export function outsideViewSummary(reviewId: string) {
	const view = viewOf(reviewId);
	if (!view) return null;
	const links = personalLinksMade().get({ reviewId })!;
	return {
		threshold: view.threshold,
		closed: view.closed,
		hasSharedLink: view.sharedLinkHash !== null,
		sharedCap: view.sharedCap,
		personalLinks: links.made,
		answered: { personal: view.personalAnswers, shared: view.sharedAnswers },
		questions: outsiderQuestionsOf(reviewId)
	};
}

/** The outward-facing questions a review could put to outsiders: those it asks members too. */
export function outsiderChoices(reviewId: string) {
	const asked = questionKeysOf(reviewId);
	return outsiderInstrument.filter((q) => q.kind === 'scale' && asked.has(q.key));
}
