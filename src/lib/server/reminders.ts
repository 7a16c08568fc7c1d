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
import { logFailure } from '$lib/server/log';
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import { db, type Database } from '$lib/server/db';
import { eligibility, group, membership, review, user } from '$lib/server/db/schema';
import {
	notification,
	reminder,
	task,
	taskOwner,
	type NotificationKind,
	type Reminder
} from '$lib/server/db/work-schema';
import { publicOrigin } from '$lib/server/config';
import { sendMail } from '$lib/server/mail';
import { preferencesOf } from '$lib/server/notifications';
import { newId } from '$lib/server/tokens';
import { daysBetween, todayUtc } from '$lib/days';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
/**
 * How long a claim holds before another worker may take the reminder over. Renewed before each
 * send, and longer than the SMTP timeouts (mail.ts), so one send can never outlive its claim.
 */
export const leaseMs = 5 * minute;
/** Attempts before a reminder is given up and left marked failed. */
export const maxAttempts = 6;
/** Reviews that close within this get a reminder to members who have not answered. */
export const closingSoonMs = 48 * hour;

/** 1, 2, 4, 8... minutes after each failed attempt, at most six hours. */
export function backoffMs(attempts: number) {
	return Math.min(minute * 2 ** Math.max(0, attempts - 1), 6 * hour);
}

interface NewReminder {
	key: string;
	userId: string;
	kind: NotificationKind;
	title: string;
	body: string;
	link: string;
}

/** Inserts reminders; one whose key exists already is left alone. Returns how many are new. */
async function enqueue(rows: NewReminder[], now: Date, database: Database = db) {
	if (rows.length === 0) return 0;
	let created = 0;
	// in slices, to stay far below SQLite's limit on bound parameters
	for (let i = 0; i < rows.length; i += 200) {
		const inserted = database
			.insert(reminder)
			.values(
				rows
					.slice(i, i + 200)
					.map((r) => ({ ...r, id: newId(), nextAttemptAt: now, createdAt: now }))
			)
			.onConflictDoNothing({ target: reminder.key })
			.returning({ id: reminder.id })
			.all();
		created += inserted.length;
	}
	if (created > 0) kick();
	return created;
}

/** Someone was asked to take a task (assigned or handed on), by `askedBy`, with a note. */
export async function remindAssigned(
	taskId: string,
	userId: string,
	now = new Date(),
	askedBy?: string,
	note?: string | null
) {
	const [row] = db
		.select({
			title: task.title,
			slug: group.slug,
			groupName: group.name,
			asker: sql<string | null>`(select display_name from ${user} where id = ${askedBy ?? null})`
		})
		.from(task)
		.innerJoin(group, eq(group.id, task.groupId))
		.where(eq(task.id, taskId))
		.all();
	if (!row) return;
	// handing on passes a note (or null); assigning passes none
	const who = !row.asker
		? `In ${row.groupName}.`
		: note !== undefined
			? `${row.asker} asks you to take it on, in ${row.groupName}.`
			: `${row.asker} gave you this task, in ${row.groupName}.`;
	await enqueue(
		[
			{
				key: `assigned:${taskId}:${userId}:${now.getTime()}`,
				userId,
				kind: 'task_assigned',
				title: `You were asked to take “${row.title}”`,
				body: note
					? `${who} Their note: “${note}”`
					: `${who} Open the task to see what it involves.`,
				link: `/g/${row.slug}/board/${taskId}`
			}
		],
		now
	);
}

/** Due tomorrow or today (one notice per due day), and overdue: once, then once a week. */
export async function produceTaskReminders(now = new Date()) {
	const today = todayUtc(now);
	const rows = db
		.select({
			taskId: task.id,
			title: task.title,
			dueOn: task.dueOn,
			userId: taskOwner.userId,
			slug: group.slug,
			groupName: group.name
		})
		.from(task)
		.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.innerJoin(group, eq(group.id, task.groupId))
		.where(
			and(
				isNull(task.archivedAt),
				ne(task.status, 'done'),
				isNotNull(task.dueOn),
				// due within a day, or past due
				lte(task.dueOn, todayUtc(new Date(now.getTime() + day)))
			)
		)
		.all();
	const reminders = rows.map((r): NewReminder => {
		const late = daysBetween(r.dueOn!, today);
		const link = `/g/${r.slug}/board/${r.taskId}`;
		if (late <= 0) {
			return {
				key: `due:${r.taskId}:${r.userId}:${r.dueOn}`,
				userId: r.userId,
				kind: 'task_due',
				title: `“${r.title}” is due ${late === 0 ? 'today' : 'tomorrow'}`,
				body: `In ${r.groupName}, due ${r.dueOn}.`,
				link
			};
		}
		const week = Math.floor((late - 1) / 7);
		return {
			key: `overdue:${r.taskId}:${r.userId}:${r.dueOn}:${week}`,
			userId: r.userId,
			kind: 'task_due',
			title: `“${r.title}” is overdue`,
			body: `In ${r.groupName}, it was due ${r.dueOn}. Move it on, hand it to someone, or change its date.`,
			link
		};
	});
	return enqueue(await notYetMade(reminders), now);
}

/** Leaves out reminders made already, so a tick does not ask the unique key to refuse them. */
async function notYetMade(rows: NewReminder[]) {
	const made = new Set<string>();
	for (let i = 0; i < rows.length; i += 500) {
		const keys = rows.slice(i, i + 500).map((r) => r.key);
		const found = db
			.select({ key: reminder.key })
			.from(reminder)
			.where(inArray(reminder.key, keys))
			.all();
		for (const { key } of found) made.add(key);
	}
	return rows.filter((r) => !made.has(r.key));
}

/** Every member who may answer hears that a review opened (within the last two days). */
// Reviews whose opened or closing reminders this process has made. Who may answer is fixed when
// a review opens, so once made, every later tick would read every member of the review again
// only to find each one reminded: for a review of thousands that read held the event loop for
// tens of milliseconds every 30 s. After a restart each review is read once more; the unique key
// still keeps that from reminding anyone twice.
const openedMade = new Set<string>();
const closingMade = new Set<string>();

/** The ids not made yet, forgetting made ones no longer due (so the sets stay small). */
function notMadeYet(made: Set<string>, due: string[]) {
	for (const id of made) if (!due.includes(id)) made.delete(id);
	return due.filter((id) => !made.has(id));
}

export async function produceReviewOpened(now = new Date()) {
	const opened = db
		.select({ id: review.id })
		.from(review)
		.where(and(eq(review.status, 'open'), sql`${review.openedAt} > ${now.getTime() - 2 * day}`))
		.all();
	const reviewIds = notMadeYet(
		openedMade,
		opened.map((r) => r.id)
	);
	const rows = await reviewMembers(reviewIds, { skipMade: 'opened' });
	const created = await enqueue(
		rows.map((r) => ({
			key: `opened:${r.reviewId}:${r.userId}`,
			userId: r.userId,
			kind: 'review_opened',
			title: `${r.groupName}: “${r.title}” is open`,
			body: 'Look at the group the way an outsider would: score it and say what you see. Your answers are anonymous.',
			link: `/g/${r.slug}/reviews/${r.reviewId}`
		})),
		now
	);
	for (const id of reviewIds) openedMade.add(id);
	return created;
}

/**
 * Members who may answer open reviews, or only those who have not answered yet, among those still
 * in the group (a removed member or a deleted account hears nothing more). Who has not answered
 * is a list only the server ever holds: facilitators learn how many have not, as turnout shows,
 * never who. `skipMade` leaves out members whose reminder of that kind exists already: skipped
 * here rather than refused by the unique key, since a tick would otherwise try again for every
 * member.
 */
async function reviewMembers(
	reviewIds: string[],
	{ onlyUnanswered = false, skipMade }: { onlyUnanswered?: boolean; skipMade?: string } = {}
) {
	if (reviewIds.length === 0) return [];
	return db
		.select({
			reviewId: review.id,
			title: review.title,
			closesAt: review.closesAt,
			userId: membership.userId,
			slug: group.slug,
			groupName: group.name
		})
		.from(review)
		.innerJoin(eligibility, eq(eligibility.reviewId, review.id))
		.innerJoin(group, eq(group.id, review.groupId))
		.innerJoin(
			membership,
			and(eq(membership.groupId, review.groupId), eq(membership.userId, eligibility.userId))
		)
		.where(
			and(
				inArray(review.id, reviewIds),
				eq(review.status, 'open'),
				onlyUnanswered ? eq(eligibility.answered, false) : undefined,
				skipMade
					? sql`not exists (select 1 from ${reminder} x where x.key = ${skipMade + ':'} || ${review.id} || ':' || ${eligibility.userId})`
					: undefined
			)
		)
		.all();
}

function closingReminder(
	r: Awaited<ReturnType<typeof reviewMembers>>[number],
	key: string
): NewReminder {
	return {
		key,
		userId: r.userId,
		kind: 'review_closing',
		title: `${r.groupName}: “${r.title}” closes soon`,
		body: r.closesAt
			? `It closes on ${r.closesAt.toUTCString()}. If you haven't answered yet, it takes a few minutes, and it stays anonymous.`
			: "If you haven't answered yet, it takes a few minutes, and it stays anonymous.",
		link: `/g/${r.slug}/reviews/${r.reviewId}`
	};
}

/** Open reviews closing within 48 hours remind those who have not answered, once. */
export async function produceReviewClosing(now = new Date()) {
	const closing = db
		.select({ id: review.id })
		.from(review)
		.where(
			and(
				eq(review.status, 'open'),
				isNotNull(review.closesAt),
				sql`${review.closesAt} > ${now.getTime()}`,
				lte(review.closesAt, new Date(now.getTime() + closingSoonMs))
			)
		)
		.all();
	const reviewIds = notMadeYet(
		closingMade,
		closing.map((r) => r.id)
	);
	const rows = await reviewMembers(reviewIds, { onlyUnanswered: true, skipMade: 'closing' });
	const created = await enqueue(
		rows.map((r) => closingReminder(r, `closing:${r.reviewId}:${r.userId}`)),
		now
	);
	for (const id of reviewIds) closingMade.add(id);
	return created;
}

/**
 * A facilitator's "remind those who haven't answered": the same reminder, sent by the app to every
 * member still in the group who has not answered (the one who asks included), at most once a day
 * per review. Returns how many reminders were made now, for tests: pages must not show it. What a
 * page says comes from turnout alone, so pressing the button teaches nobody more than turnout does
 * (a count of those reminded would leave out the asker or a removed member, and tell whether they
 * had answered).
 */
export async function remindNonResponders(reviewId: string, now = new Date()) {
	const rows = await reviewMembers([reviewId], { onlyUnanswered: true });
	const reminded = await enqueue(
		rows.map((r): NewReminder => ({
			key: `nudge:${r.reviewId}:${r.userId}:${todayUtc(now)}`,
			userId: r.userId,
			kind: 'review_closing',
			title: `${r.groupName}: “${r.title}” is waiting for your answers`,
			body: r.closesAt
				? `It closes on ${r.closesAt.toUTCString()}. It takes a few minutes, and your answers stay anonymous.`
				: 'It takes a few minutes, and your answers stay anonymous. If you have answered already, thank you: nobody knows who has not.',
			link: `/g/${r.slug}/reviews/${r.reviewId}`
		})),
		now
	);
	return reminded;
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
			createdAt: now
		})
		.onConflictDoNothing({ target: notification.reminderId })
		.run();
	if (channel === 'email') {
		// Still ours? A worker that took longer than its lease may have lost the reminder to
		// another, which then sends it: this one must not send it as well.
		const renewed = database
			.update(reminder)
			.set({ claimedUntil: new Date(Math.max(now.getTime(), Date.now()) + leaseMs) })
			.where(and(ownClaim(r, worker), eq(reminder.status, 'pending')))
			.returning({ id: reminder.id })
			.all();
		if (renewed.length === 0) return 'lost' as const;
		const [person] = database
			.select({ email: user.email, name: user.displayName })
			.from(user)
			.where(eq(user.id, r.userId))
			.all();
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

let running = false;
let scheduled: ReturnType<typeof setTimeout> | undefined;
// One delivery at a time in this process: a slow tick is not overlapped by the next one.
let delivering: Promise<unknown> = Promise.resolve();

function exclusively<T>(work: () => Promise<T>) {
	const next = delivering.then(work, work);
	delivering = next.catch(() => undefined);
	return next;
}

/** Delivers new reminders soon after they are made, when the scheduler runs in this process. */
function kick() {
	if (!running || scheduled) return;
	scheduled = setTimeout(() => {
		scheduled = undefined;
		exclusively(() => deliverDueReminders()).catch(logSchedulerFailure);
	}, 200);
	scheduled.unref();
}

const logSchedulerFailure = (error: unknown) => logFailure('reminder scheduler', error);

/** Runs `tick` now and every interval, and delivers new reminders as soon as they are made. */
export function startReminderScheduler(tick: () => Promise<unknown>, intervalMs = 30_000) {
	running = true;
	let ticking = false;
	const run = async () => {
		if (ticking) return;
		ticking = true;
		await exclusively(tick).catch(logSchedulerFailure);
		ticking = false;
	};
	void run();
	setInterval(run, intervalMs).unref();
}
