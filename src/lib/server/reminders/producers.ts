// The jobs that make reminders: from tasks that come due, reviews that open or close soon, and
// a facilitator's "remind". What they say is in messages.ts; delivering them is in queue.ts.
import { and, eq, inArray, isNotNull, isNull, lte, ne, notExists, sql } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { slices } from '$lib/server/db/slices';
import { eligibility, group, membership, review, user } from '$lib/server/db/schema';
import { reminder, task, taskOwner } from '$lib/server/db/work-schema';
import { daysBetween, todayUtc } from '$lib/days';
import * as messages from './messages';
import { enqueue, type NewReminder } from './queue';

const hour = 3_600_000;
const day = 24 * hour;
/** Reviews that close within this get a reminder to members who have not answered. */
export const closingSoonMs = 48 * hour;

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
			groupId: group.id,
			slug: group.slug,
			groupName: group.name,
			asker: sql<string | null>`${db
				.select({ name: user.displayName })
				.from(user)
				.where(eq(user.id, askedBy ?? ''))}`
		})
		.from(task)
		.innerJoin(group, eq(group.id, task.groupId))
		.where(eq(task.id, taskId))
		.all();
	if (!row) return;
	await enqueue(
		[
			{
				key: `assigned:${taskId}:${userId}:${now.getTime()}`,
				userId,
				kind: 'task_assigned',
				// handing on passes a note (or null); assigning passes none
				...messages.taskAssigned(row, note),
				link: `/g/${row.slug}/board/${taskId}`,
				groupId: row.groupId,
				taskId
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
			groupId: group.id,
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
		const about = { groupId: r.groupId, taskId: r.taskId };
		if (late <= 0) {
			return {
				key: `due:${r.taskId}:${r.userId}:${r.dueOn}`,
				userId: r.userId,
				kind: 'task_due',
				...messages.taskDue({ ...r, dueOn: r.dueOn! }, late),
				link,
				...about
			};
		}
		const week = Math.floor((late - 1) / 7);
		return {
			key: `overdue:${r.taskId}:${r.userId}:${r.dueOn}:${week}`,
			userId: r.userId,
			kind: 'task_due',
			...messages.taskOverdue({ ...r, dueOn: r.dueOn! }),
			link,
			...about
		};
	});
	return enqueue(await notYetMade(reminders), now);
}

/** Leaves out reminders made already, so a tick does not ask the unique key to refuse them. */
async function notYetMade(rows: NewReminder[]) {
	const made = new Set<string>();
	for (const slice of slices(rows, 500)) {
		const found = db
			.select({ key: reminder.key })
			.from(reminder)
			.where(
				inArray(
					reminder.key,
					slice.map((r) => r.key)
				)
			)
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
			...messages.reviewOpened(r),
			link: `/g/${r.slug}/reviews/${r.reviewId}`,
			groupId: r.groupId,
			reviewId: r.reviewId
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
			groupId: group.id,
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
					? notExists(
							db
								.select({ id: reminder.id })
								.from(reminder)
								.where(
									eq(
										reminder.key,
										sql`${skipMade + ':'} || ${review.id} || ':' || ${eligibility.userId}`
									)
								)
						)
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
		...messages.reviewClosingSoon(r),
		link: `/g/${r.slug}/reviews/${r.reviewId}`,
		groupId: r.groupId,
		reviewId: r.reviewId
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
			...messages.reviewWaiting(r),
			link: `/g/${r.slug}/reviews/${r.reviewId}`,
			groupId: r.groupId,
			reviewId: r.reviewId
		})),
		now
	);
	return reminded;
}

/**
 * A review closed: every member of the group hears of it, with a link to its results (or the
 * page that says there are none). The same notice for all, answered or not.
 */
export async function announceClosed(reviewId: string, revealed: boolean, now = new Date()) {
	const members = db
		.select({
			userId: membership.userId,
			groupId: group.id,
			slug: group.slug,
			groupName: group.name,
			title: review.title,
			closesAt: review.closesAt
		})
		.from(review)
		.innerJoin(group, eq(group.id, review.groupId))
		.innerJoin(membership, eq(membership.groupId, review.groupId))
		.where(and(eq(review.id, reviewId), eq(review.status, 'closed')))
		.all();
	return enqueue(
		members.map((m) => ({
			key: `closed:${reviewId}:${m.userId}`,
			userId: m.userId,
			kind: 'review_closed',
			...messages.reviewClosed({ ...m, revealed }),
			link: `/g/${m.slug}/reviews/${reviewId}/results`,
			groupId: m.groupId,
			reviewId
		})),
		now
	);
}
