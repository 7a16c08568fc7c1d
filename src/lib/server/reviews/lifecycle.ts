import { and, eq, isNotNull, lte, ne, or, sql } from 'drizzle-orm';
import { db, prepared, transaction } from '$lib/server/db';
import { slices } from '$lib/server/db/slices';
import { asWrite } from '$lib/server/db/write-gate';
import {
	eligibility,
	group,
	membership,
	question,
	response,
	review,
	type Review
} from '$lib/server/db/schema';
import { findReview, listReviews } from '$lib/server/reviews/reviews';
import { currentPurpose } from '$lib/server/groups/groups';
import { computeResults } from '$lib/server/reviews/results';
import { isRevealed } from '$lib/server/reviews/thresholds';
import {
	eraseDeletedForGood,
	finishForgetting,
	forgetRecentWrites,
	forgetWhoWasReminded,
	shuffleStoredOutsiderResponses,
	shuffleStoredResponses,
	writeThenForget
} from '$lib/server/anonymity';
import { logFailure } from '$lib/server/log';
import { announceClosed, produceReviewOpened } from '$lib/server/reminders/producers';
import { resolveOpenReviewNotices } from '$lib/server/reminders/notifications';
import { ok, refuse, type Result } from '$lib/server/result';
import { shuffled } from '$lib/server/tokens';

/** Members who joined this many days before a review opened are counted apart, for everyone. */
export const recentJoinerDays = 14;

/** Why a review could not be opened, closed, deleted or scheduled. */
export type LifecycleRefusal =
	| 'not-found'
	| 'wrong-status'
	| 'another-open'
	| 'no-questions'
	| 'opens-in-the-past'
	| 'closes-too-early';
export type LifecycleOutcome = Result<undefined, LifecycleRefusal>;

/**
 * Opens a draft now. What the review will be judged by is fixed here, in one transaction: the
 * group's anonymity threshold, its members (who may answer, and against whom turnout counts) and
 * the purpose in force.
 */
export async function openReview(
	groupId: string,
	reviewId: string,
	now = new Date()
): Promise<LifecycleOutcome> {
	const purpose = await currentPurpose(groupId);
	const outcome = transaction((tx): LifecycleOutcome => {
		const row = findReview(groupId, reviewId);
		if (!row) return refuse('not-found');
		if (row.status !== 'draft') return refuse('wrong-status');
		const [other] = tx
			.select({ id: review.id })
			.from(review)
			.where(and(eq(review.groupId, groupId), eq(review.status, 'open'), ne(review.id, reviewId)))
			.all();
		if (other) return refuse('another-open');
		const [{ questions }] = tx
			.select({ questions: sql<number>`count(*)` })
			.from(question)
			.where(eq(question.reviewId, reviewId))
			.all();
		if (questions === 0) return refuse('no-questions');

		const [{ threshold }] = tx
			.select({ threshold: group.anonymityThreshold })
			.from(group)
			.where(eq(group.id, groupId))
			.all();
		const members = tx
			.select({ userId: membership.userId, joinedAt: membership.joinedAt })
			.from(membership)
			.where(eq(membership.groupId, groupId))
			.all();
		// In a shuffled order: rowids and cell positions then say nothing, not even who joined when.
		const eligible = shuffled(members).map((m) => ({
			reviewId,
			userId: m.userId,
			answered: false
		}));
		for (const slice of slices(eligible, 500)) tx.insert(eligibility).values(slice).run();
		const recentSince = now.getTime() - recentJoinerDays * 24 * 60 * 60 * 1000;
		tx.update(review)
			.set({
				status: 'open',
				openedAt: now,
				threshold,
				eligibleCount: members.length,
				recentJoinerCount: members.filter((m) => m.joinedAt.getTime() >= recentSince).length,
				purposeVersion: purpose.version,
				// a close time already passed would close it at once; drop it instead
				closesAt: row.closesAt && row.closesAt > now ? row.closesAt : null
			})
			.where(eq(review.id, reviewId))
			.run();
		return ok(undefined);
	});
	// members hear of it now, not at the reminder scheduler's next tick
	if (outcome.ok) await produceReviewOpened(now);
	return outcome;
}

/**
 * Closes an open review for good. When enough members answered, its aggregates and texts are
 * computed here, once, in the same transaction; below the threshold nothing is computed at all.
 */
export async function closeReview(
	groupId: string,
	reviewId: string,
	now = new Date()
): Promise<LifecycleOutcome> {
	const outcome = await writeThenForget(() =>
		transaction((tx): Result<boolean, LifecycleRefusal> => {
			const row = findReview(groupId, reviewId);
			if (!row) return refuse('not-found');
			if (row.status !== 'open') return refuse('wrong-status');
			const [{ responses }] = tx
				.select({ responses: sql<number>`count(*)` })
				.from(response)
				.where(eq(response.reviewId, reviewId))
				.all();
			const closed = { ...row, status: 'closed' as const, responseCount: responses, closedAt: now };
			const revealed = isRevealed(closed);
			if (revealed) computeResults(tx, reviewId);
			shuffleStoredResponses(tx, reviewId);
			shuffleStoredOutsiderResponses(tx, reviewId);
			forgetWhoWasReminded(tx, reviewId);
			resolveOpenReviewNotices(tx, reviewId, now);
			tx.update(review)
				.set({ status: 'closed', closedAt: now, responseCount: responses })
				.where(eq(review.id, reviewId))
				.run();
			return ok(revealed);
		})
	);
	if (!outcome.ok) return outcome;
	await announceClosed(reviewId, outcome.value, now);
	// The notices just written are in the log too: closing answers with it empty (0 bytes).
	await forgetRecentWrites();
	return ok(undefined);
}

/**
 * Deletes a draft or a closed review with its questions, answers and results, and the reminders
 * and notices about it. An open review must be closed first: people may be answering it.
 */
export async function deleteReview(groupId: string, reviewId: string): Promise<LifecycleOutcome> {
	const outcome = transaction((tx): LifecycleOutcome => {
		const row = findReview(groupId, reviewId);
		if (!row) return refuse('not-found');
		if (row.status === 'open') return refuse('wrong-status');
		// its reminders, notices and their mail go with it: they cascade from the review
		tx.delete(review).where(eq(review.id, reviewId)).run();
		return ok(undefined);
	});
	// gone from the file (its pages rebuilt) and from the log
	if (outcome.ok) await eraseDeletedForGood();
	return outcome;
}

export type ScheduleInput = { opensAt: Date | null; closesAt: Date | null };

/** Sets when a draft opens and when it closes (or when an open review closes). */
export async function scheduleReview(
	groupId: string,
	reviewId: string,
	input: ScheduleInput,
	now = new Date()
): Promise<LifecycleOutcome> {
	return transaction((tx): LifecycleOutcome => {
		const row = findReview(groupId, reviewId);
		if (!row) return refuse('not-found');
		// a closed review cannot change; an open one only its closing time
		if (row.status === 'closed' || (row.status === 'open' && input.opensAt)) {
			return refuse('wrong-status');
		}
		if (input.opensAt && input.opensAt <= now) return refuse('opens-in-the-past');
		const start = input.opensAt ?? (row.status === 'open' ? now : null);
		if (input.closesAt && input.closesAt <= (start ?? now)) return refuse('closes-too-early');
		tx.update(review)
			.set({
				opensAt: row.status === 'draft' ? input.opensAt : row.opensAt,
				closesAt: input.closesAt
			})
			.where(eq(review.id, reviewId))
			.run();
		return ok(undefined);
	});
}

/**
 * Opens and closes scheduled reviews whose time has come. Safe to run from several places at
 * once: each transition re-checks the status inside its transaction.
 */
const dueReviews = (inGroup: boolean) =>
	db
		.select({ id: review.id, groupId: review.groupId, status: review.status })
		.from(review)
		.where(
			and(
				inGroup ? eq(review.groupId, sql.placeholder('groupId')) : undefined,
				or(
					and(
						eq(review.status, 'open'),
						isNotNull(review.closesAt),
						lte(review.closesAt, sql.placeholder('now'))
					),
					and(
						eq(review.status, 'draft'),
						isNotNull(review.opensAt),
						lte(review.opensAt, sql.placeholder('now'))
					)
				)
			)
		)
		.prepare();
const dueInGroup = prepared(() => dueReviews(true));
const dueAnywhere = prepared(() => dueReviews(false));

export async function runDueTransitions(now = new Date(), groupId?: string) {
	const due = await (groupId ? dueInGroup() : dueAnywhere()).all({ groupId, now: now.getTime() });
	if (due.length === 0) return;
	await asWrite(async () => {
		for (const r of due) if (r.status === 'open') await closeReview(r.groupId, r.id, now);
		// A draft due while another review is still open waits, and opens once that one closes.
		for (const r of due) if (r.status === 'draft') await openReview(r.groupId, r.id, now);
	});
}

/** Whether a review's opening or closing time has passed while its status has not followed. */
export function isDue(r: Pick<Review, 'status' | 'opensAt' | 'closesAt'>, now = new Date()) {
	if (r.status === 'draft') return r.opensAt !== null && r.opensAt <= now;
	return r.status === 'open' && r.closesAt !== null && r.closesAt <= now;
}

/**
 * A review as it stands now. The scheduler opens and closes reviews on time; should a page read
 * one in the seconds after its time passed and before the scheduler's tick, the group's due
 * transitions run first, through the scheduler's own code. Reading writes nothing otherwise.
 */
export async function currentReview(groupId: string, reviewId: string, now = new Date()) {
	const found = findReview(groupId, reviewId);
	if (!found || !isDue(found, now)) return found;
	await runDueTransitions(now, groupId);
	return findReview(groupId, reviewId);
}

/** The group's reviews as they stand now (see `currentReview`). */
export async function currentReviews(groupId: string, includeDrafts: boolean, now = new Date()) {
	const found = await listReviews(groupId, includeDrafts);
	if (!found.some((r) => isDue(r, now))) return found;
	await runDueTransitions(now, groupId);
	return listReviews(groupId, includeDrafts);
}

export function startReviewScheduler(intervalMs = 30_000) {
	const tick = () =>
		runDueTransitions()
			.then(finishForgetting)
			.catch((error) => logFailure('review scheduler', error));
	void tick();
	setInterval(tick, intervalMs).unref();
}
