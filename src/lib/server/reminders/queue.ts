// Reminders, in two steps that any number of app instances can run at once:
//
// 1. Producing: each reminder that is due gets a row whose `key` names the event and the person
//    ("task 7 is due on 2026-12-04, for Ana"). The key is unique, so producing twice, or from two
//    instances, inserts one row.
// 2. Delivering: a worker claims due rows in one UPDATE (SQLite runs it as one write, so two
//    workers never claim the same row), writes the in-app notice and sends the email, then marks
//    the row sent. A failed send is recorded and retried with backoff. A worker that dies holding
//    a claim loses it when the lease ends, and another worker delivers the reminder: nothing is
//    dropped. (If it died between the SMTP server accepting a message and marking it sent, the
//    retry carries the same Message-ID, which mail clients show as one message.)
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { db, type Database } from '$lib/server/db';
import { slices } from '$lib/server/db/slices';
import { user } from '$lib/server/db/schema';
import {
	notification,
	reminder,
	type NotificationKind,
	type Reminder
} from '$lib/server/db/work-schema';
import { publicOrigin } from '$lib/server/config';
import { sendMail } from '$lib/server/reminders/mail';
import { preferencesOf } from '$lib/server/reminders/notifications';
import { newId } from '$lib/server/tokens';

const minute = 60_000;
const hour = 60 * minute;
/**
 * How long a claim holds before another worker may take the reminder over. Renewed before each
 * send, and longer than the SMTP timeouts (mail.ts), so one send can never outlive its claim.
 */
export const leaseMs = 5 * minute;
/** Attempts before a reminder is given up and left marked failed. */
export const maxAttempts = 6;

/** 1, 2, 4, 8... minutes after each failed attempt, at most six hours. */
export function backoffMs(attempts: number) {
	return Math.min(minute * 2 ** Math.max(0, attempts - 1), 6 * hour);
}

export interface NewReminder {
	key: string;
	userId: string;
	kind: NotificationKind;
	title: string;
	body: string;
	link: string;
	/** What it is about: deleting that deletes the reminder (see `subject` in work-schema.ts). */
	groupId: string;
	reviewId?: string;
	taskId?: string;
}

/** Inserts reminders; one whose key exists already is left alone. Returns how many are new. */
export async function enqueue(rows: NewReminder[], now: Date, database: Database = db) {
	if (rows.length === 0) return 0;
	let created = 0;
	for (const [i, slice] of [...slices(rows, 50)].entries()) {
		// The event loop serves other requests between slices: a review closing or opening in a
		// large group makes one reminder per member.
		if (i > 0) await new Promise(setImmediate);
		const inserted = database
			.insert(reminder)
			.values(slice.map((r) => ({ ...r, id: newId(), nextAttemptAt: now, createdAt: now })))
			.onConflictDoNothing({ target: reminder.key })
			.returning({ id: reminder.id })
			.all();
		created += inserted.length;
	}
	if (created > 0) whenMade();
	return created;
}

let whenMade = () => {};
/** Lets the scheduler deliver new reminders as soon as they are made, in this process. */
export function onReminderMade(listener: () => void) {
	whenMade = listener;
}

/** Claims up to `limit` due reminders for `worker`, in one statement. */
async function claim(worker: string, now: Date, limit: number, database: Database) {
	const due = database
		.select({ id: reminder.id })
		.from(reminder)
		.where(
			and(
				eq(reminder.status, 'pending'),
				lte(reminder.nextAttemptAt, now),
				or(isNull(reminder.claimedUntil), lt(reminder.claimedUntil, now))
			)
		)
		.orderBy(asc(reminder.nextAttemptAt))
		.limit(limit);
	return database
		.update(reminder)
		.set({
			claimedBy: worker,
			claimedUntil: new Date(now.getTime() + leaseMs),
			attempts: sql`${reminder.attempts} + 1`
		})
		.where(
			and(
				inArray(reminder.id, due),
				// re-checked here, so a row claimed meanwhile is not taken twice
				or(isNull(reminder.claimedUntil), lt(reminder.claimedUntil, now))
			)
		)
		.returning()
		.all();
}

const ownClaim = (r: Reminder, worker: string) =>
	and(eq(reminder.id, r.id), eq(reminder.claimedBy, worker));

/** Delivers one reminder this worker claimed, unless another worker has taken it over since. */
export async function deliverClaimed(
	r: Reminder,
	worker: string,
	now: Date,
	database: Database = db
) {
	const channel = (await preferencesOf(r.userId, database))[r.kind];
	if (channel === 'none') {
		database
			.update(reminder)
			.set({ status: 'skipped', claimedUntil: null, sentAt: now })
			.where(ownClaim(r, worker))
			.run();
		return 'skipped' as const;
	}
	database
		.insert(notification)
		.values({
			id: newId(),
			userId: r.userId,
			reminderId: r.id,
			kind: r.kind,
			title: r.title,
			body: r.body,
			link: r.link,
			groupId: r.groupId,
			reviewId: r.reviewId,
			taskId: r.taskId,
			createdAt: now
		})
		.onConflictDoNothing({ target: notification.reminderId })
		.run();
	// Email goes only to a confirmed address: an unconfirmed one may belong to someone else, who
	// signed up with it. The notice above still reaches the person in the app.
	const [person] =
		channel === 'email'
			? database
					.select({ email: user.email, name: user.displayName })
					.from(user)
					.where(and(eq(user.id, r.userId), isNotNull(user.emailVerifiedAt)))
					.all()
			: [];
	if (person) {
		// Still ours? A worker that took longer than its lease may have lost the reminder to
		// another, which then sends it: this one must not send it as well.
		const renewed = database
			.update(reminder)
			.set({ claimedUntil: new Date(Math.max(now.getTime(), Date.now()) + leaseMs) })
			.where(and(ownClaim(r, worker), eq(reminder.status, 'pending')))
			.returning({ id: reminder.id })
			.all();
		if (renewed.length === 0) return 'lost' as const;
		try {
			await sendMail(
				{
					to: person.email,
					userId: r.userId,
					subject: r.title,
					text: `Hello ${person.name},\n\n${r.body}\n\n${publicOrigin()}${r.link}`,
					messageId: `<reminder-${r.id}@outsider>`,
					reminderId: r.id
				},
				database
			);
		} catch (error) {
			const failed = r.attempts >= maxAttempts;
			database
				.update(reminder)
				.set({
					status: failed ? 'failed' : 'pending',
					claimedBy: null,
					claimedUntil: null,
					nextAttemptAt: new Date(now.getTime() + backoffMs(r.attempts)),
					lastError: error instanceof Error ? error.message.slice(0, 500) : String(error)
				})
				.where(ownClaim(r, worker))
				.run();
			return failed ? ('failed' as const) : ('retry' as const);
		}
	}
	database
		.update(reminder)
		.set({ status: 'sent', claimedUntil: null, sentAt: now, lastError: null })
		.where(ownClaim(r, worker))
		.run();
	return 'sent' as const;
}

/** This process's name as a worker, so its claims can be told from another instance's. */
export const workerId = `worker-${newId()}`;

/** Delivers every reminder that is due now. Returns what happened to each. */
export async function deliverDueReminders(
	now = new Date(),
	{
		worker = workerId,
		limit = 50,
		database = db
	}: { worker?: string; limit?: number; database?: Database } = {}
) {
	const outcomes = { sent: 0, skipped: 0, retry: 0, failed: 0, lost: 0 };
	for (;;) {
		const claimed = await claim(worker, now, limit, database);
		for (const r of claimed) outcomes[await deliverClaimed(r, worker, now, database)]++;
		if (claimed.length < limit) return outcomes;
	}
}
