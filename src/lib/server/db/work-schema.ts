// Divisions of labor: the board's tasks, areas of responsibility, delegation, and the reminders
// and mail that keep the work moving.
import { sql } from 'drizzle-orm';
import {
	index,
	integer,
	primaryKey,
	sqliteTable,
	text,
	uniqueIndex
} from 'drizzle-orm/sqlite-core';
import { group, review, user } from './schema';

export const taskStatuses = ['todo', 'doing', 'blocked', 'done'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const recurrences = ['weekly', 'monthly', 'quarterly'] as const;
export type Recurrence = (typeof recurrences)[number];

export const area = sqliteTable(
	'area',
	{
		id: text().primaryKey(),
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		name: text().notNull(),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [uniqueIndex('area_group_name_idx').on(t.groupId, sql`lower(${t.name})`)]
);

export const areaOwner = sqliteTable(
	'area_owner',
	{
		areaId: text()
			.notNull()
			.references(() => area.id, { onDelete: 'cascade' }),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.areaId, t.userId] }), index('area_owner_user_idx').on(t.userId)]
);

export const task = sqliteTable(
	'task',
	{
		id: text().primaryKey(),
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		title: text().notNull(),
		description: text().notNull().default(''),
		status: text({ enum: taskStatuses }).notNull().default('todo'),
		// A calendar day, YYYY-MM-DD: what people mean by "due Friday". Reminders count in UTC days.
		dueOn: text(),
		areaId: text().references(() => area.id, { onDelete: 'set null' }),
		createdBy: text().references(() => user.id, { onDelete: 'set null' }),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
		updatedAt: integer({ mode: 'timestamp_ms' }).notNull(),
		completedAt: integer({ mode: 'timestamp_ms' }),
		archivedAt: integer({ mode: 'timestamp_ms' }),
		recurrence: text({ enum: recurrences }),
		// The instance this one was created from; unique, so a task recurs once however often the
		// scheduler or a second instance looks at it.
		recursFrom: text().unique(),
		// A follow-up of a review finding: the review, the dimension, and the quoted open answer.
		// The quote is the text alone; nobody knows who wrote it.
		reviewId: text().references(() => review.id, { onDelete: 'set null' }),
		dimensionKey: text(),
		quote: text()
	},
	(t) => [
		index('task_group_status_idx').on(t.groupId, t.status),
		// Each board column in its order (live tasks by due day, none last, then latest changed;
		// done by latest finished): SQLite reads a column's first cards off the index instead of
		// sorting all of its tasks. The expressions match the board's ORDER BY (board.ts).
		index('task_column_order_idx')
			.on(t.groupId, t.status, sql`(${t.dueOn} is null)`, t.dueOn, sql`${t.updatedAt} desc`)
			.where(sql`${t.archivedAt} is null`),
		index('task_column_latest_idx')
			.on(t.groupId, t.status, sql`${t.updatedAt} desc`)
			.where(sql`${t.archivedAt} is null`),
		index('task_review_idx').on(t.reviewId),
		index('task_due_idx').on(t.dueOn)
	]
);

export const taskOwner = sqliteTable(
	'task_owner',
	{
		taskId: text()
			.notNull()
			.references(() => task.id, { onDelete: 'cascade' }),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.taskId, t.userId] }), index('task_owner_user_idx').on(t.userId)]
);

// Who asked whom to take a task, in order: an assignment by someone else starts the chain, each
// hand-on extends it. The chain's length is how many layers of people got others to do it.
export const delegation = sqliteTable(
	'delegation',
	{
		id: text().primaryKey(),
		taskId: text()
			.notNull()
			.references(() => task.id, { onDelete: 'cascade' }),
		fromUserId: text().references(() => user.id, { onDelete: 'set null' }),
		toUserId: text().references(() => user.id, { onDelete: 'set null' }),
		note: text(),
		// 1 for the first ask, one more for each hand-on after it.
		depth: integer().notNull(),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('delegation_task_idx').on(t.taskId)]
);

export const taskComment = sqliteTable(
	'task_comment',
	{
		id: text().primaryKey(),
		taskId: text()
			.notNull()
			.references(() => task.id, { onDelete: 'cascade' }),
		userId: text().references(() => user.id, { onDelete: 'set null' }),
		body: text().notNull(),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('task_comment_task_idx').on(t.taskId)]
);

export const notificationKinds = [
	'task_assigned',
	'task_due',
	'review_opened',
	'review_closing',
	'review_closed'
] as const;
export type NotificationKind = (typeof notificationKinds)[number];
export const channels = ['email', 'in_app', 'none'] as const;
export type Channel = (typeof channels)[number];

// One row per reminder to one person. The unique key makes producing a reminder idempotent; the
// claim columns make delivering it a job that exactly one scheduler takes (see reminders.ts).
/**
 * The group, review and task a reminder or notice is about, as foreign keys: their titles quote
 * them, so they go when what they are about is deleted.
 */
const subject = () => ({
	groupId: text().references(() => group.id, { onDelete: 'cascade' }),
	reviewId: text().references(() => review.id, { onDelete: 'cascade' }),
	taskId: text().references(() => task.id, { onDelete: 'cascade' })
});

export const reminder = sqliteTable(
	'reminder',
	{
		id: text().primaryKey(),
		key: text().notNull().unique(),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		kind: text({ enum: notificationKinds }).notNull(),
		title: text().notNull(),
		body: text().notNull(),
		link: text().notNull(),
		// What it is about: deleting that deletes the reminder, its notice and its mail with it.
		...subject(),
		status: text({ enum: ['pending', 'sent', 'skipped', 'failed'] })
			.notNull()
			.default('pending'),
		attempts: integer().notNull().default(0),
		nextAttemptAt: integer({ mode: 'timestamp_ms' }).notNull(),
		claimedBy: text(),
		claimedUntil: integer({ mode: 'timestamp_ms' }),
		lastError: text(),
		sentAt: integer({ mode: 'timestamp_ms' }),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [
		index('reminder_due_idx').on(t.status, t.nextAttemptAt),
		// for the deletes that cascade from what reminders are about
		index('reminder_group_idx').on(t.groupId),
		index('reminder_review_idx').on(t.reviewId),
		index('reminder_task_idx').on(t.taskId)
	]
);

export const notification = sqliteTable(
	'notification',
	{
		id: text().primaryKey(),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		// The reminder it came from: one notice per reminder, however often delivery is retried.
		reminderId: text().unique(),
		kind: text({ enum: notificationKinds }).notNull(),
		title: text().notNull(),
		body: text().notNull(),
		link: text().notNull(),
		...subject(),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull(),
		readAt: integer({ mode: 'timestamp_ms' })
	},
	(t) => [
		index('notification_user_idx').on(t.userId, t.readAt),
		index('notification_group_idx').on(t.groupId),
		index('notification_review_idx').on(t.reviewId),
		index('notification_task_idx').on(t.taskId)
	]
);

export const notificationPreference = sqliteTable(
	'notification_preference',
	{
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		kind: text({ enum: notificationKinds }).notNull(),
		channel: text({ enum: channels }).notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.kind] })]
);

// The secret behind a person's calendar feed address. Only its hash is kept; a reset replaces it,
// so the old address stops working at once.
export const calendarFeed = sqliteTable('calendar_feed', {
	userId: text()
		.primaryKey()
		.references(() => user.id, { onDelete: 'cascade' }),
	tokenHash: text().notNull().unique(),
	createdAt: integer({ mode: 'timestamp_ms' }).notNull()
});

// Every message the app sends, by SMTP or (without SMTP_URL) only to the outbox page.
export const mail = sqliteTable(
	'mail',
	{
		id: text().primaryKey(),
		reminderId: text().references(() => reminder.id, { onDelete: 'cascade' }),
		userId: text().references(() => user.id, { onDelete: 'set null' }),
		toAddress: text().notNull(),
		subject: text().notNull(),
		text: text().notNull(),
		transport: text({ enum: ['smtp', 'log'] }).notNull(),
		status: text({ enum: ['sent', 'failed'] }).notNull(),
		error: text(),
		// Hash of the token in the message's unsubscribe link: one click turns email off.
		unsubscribeHash: text().unique(),
		createdAt: integer({ mode: 'timestamp_ms' }).notNull()
	},
	(t) => [index('mail_created_idx').on(t.createdAt), index('mail_reminder_idx').on(t.reminderId)]
);

export type Area = typeof area.$inferSelect;
export type Task = typeof task.$inferSelect;
export type Delegation = typeof delegation.$inferSelect;
export type Reminder = typeof reminder.$inferSelect;
export type Notification = typeof notification.$inferSelect;
