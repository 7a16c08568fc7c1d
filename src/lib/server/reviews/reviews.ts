import { and, asc, desc, eq, lt, sql } from 'drizzle-orm';
import { db, prepared, transaction } from '$lib/server/db';
import { group, minimumThreshold, question, review, type Review } from '$lib/server/db/schema';
import { defaultInstrument, quarterTitle } from '$lib/server/reviews/instrument';
import { ok, refuse, type Result } from '$lib/server/result';
import { revealedInSql } from '$lib/server/reviews/thresholds';
import { newId } from '$lib/server/tokens';

export async function createReview(input: {
	groupId: string;
	createdBy: string;
	title?: string;
	now?: Date;
}) {
	const now = input.now ?? new Date();
	const id = newId();
	transaction((tx) => {
		tx.insert(review)
			.values({
				id,
				groupId: input.groupId,
				title: input.title || quarterTitle(now),
				createdBy: input.createdBy,
				createdAt: now
			})
			.run();
		tx.insert(question)
			.values(defaultInstrument.map((q, position) => ({ ...q, reviewId: id, position })))
			.run();
	});
	return id;
}

// the open review first, then drafts, then closed ones by when they closed (not when they were
// made: a draft made ahead of time may close after one made later)
const newestFirst = [
	sql`case ${review.status} when 'open' then 0 when 'draft' then 1 else 2 end`,
	desc(review.closedAt),
	desc(review.createdAt),
	desc(review.id)
];
// what the list of reviews shows and needs to know whether one is due or revealed
const listed = {
	id: review.id,
	title: review.title,
	status: review.status,
	opensAt: review.opensAt,
	closesAt: review.closesAt,
	closedAt: review.closedAt,
	threshold: review.threshold,
	eligibleCount: review.eligibleCount,
	responseCount: review.responseCount
};
const reviewsOfGroup = prepared(() =>
	db
		.select(listed)
		.from(review)
		.where(eq(review.groupId, sql.placeholder('groupId')))
		.orderBy(...newestFirst)
		.prepare()
);
const publishedReviewsOfGroup = prepared(() =>
	db
		.select(listed)
		.from(review)
		.where(and(eq(review.groupId, sql.placeholder('groupId')), sql`${review.status} <> 'draft'`))
		.orderBy(...newestFirst)
		.prepare()
);

/** A group's reviews, newest first; drafts only for those who may edit them. */
export async function listReviews(groupId: string, includeDrafts: boolean) {
	return (includeDrafts ? reviewsOfGroup : publishedReviewsOfGroup)().all({ groupId });
}

// What a group's overview says about its reviews: one row each, not the whole list.
const latestRevealedOf = prepared(() =>
	db
		.select({ id: review.id, title: review.title })
		.from(review)
		.where(and(eq(review.groupId, sql.placeholder('groupId')), revealedInSql()))
		.orderBy(desc(review.closedAt), desc(review.createdAt), desc(review.id))
		.limit(1)
		.prepare()
);
const anyPublishedReviewOf = prepared(() =>
	db
		.select({ id: review.id })
		.from(review)
		.where(and(eq(review.groupId, sql.placeholder('groupId')), sql`${review.status} <> 'draft'`))
		.limit(1)
		.prepare()
);

/**
 * A group's open review, its latest review with results, and whether it has held one at all
 * (drafts aside): what the overview shows, the same reviews `listReviews` puts first.
 */
export async function reviewsAtGlance(groupId: string) {
	return {
		open: await openReviewOf(groupId),
		latestRevealed: latestRevealedOf().get({ groupId }),
		any: anyPublishedReviewOf().get({ groupId }) !== undefined
	};
}

/** The review with this id in this group, or undefined: a review never leaks across groups. */
const reviewInGroup = prepared(() =>
	db
		.select()
		.from(review)
		.where(
			and(
				eq(review.id, sql.placeholder('reviewId')),
				eq(review.groupId, sql.placeholder('groupId'))
			)
		)
		.prepare()
);

export function findReview(groupId: string, reviewId: string): Review | undefined {
	return reviewInGroup().get({ groupId, reviewId });
}

const questionsInOrder = prepared(() =>
	db
		.select()
		.from(question)
		.where(eq(question.reviewId, sql.placeholder('reviewId')))
		.orderBy(asc(question.position))
		.prepare()
);

export function questionsOf(reviewId: string) {
	return questionsInOrder().all({ reviewId });
}

const keysOfQuestions = prepared(() =>
	db
		.select({ key: question.key })
		.from(question)
		.where(eq(question.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

/** The keys of a review's questions, as a set. */
export function questionKeysOf(reviewId: string) {
	return new Set(
		keysOfQuestions()
			.all({ reviewId })
			.map((q) => q.key)
	);
}

const thresholdOfGroup = prepared(() =>
	db
		.select({ threshold: group.anonymityThreshold })
		.from(group)
		.where(eq(group.id, sql.placeholder('groupId')))
		.prepare()
);

export async function groupThreshold(groupId: string) {
	return thresholdOfGroup().get({ groupId })!.threshold;
}

/** Sets k for the group's future reviews; an open or closed review keeps the k it opened with. */
export async function setGroupThreshold(groupId: string, threshold: number) {
	if (!Number.isInteger(threshold) || threshold < minimumThreshold) {
		throw new RangeError(`The threshold must be a whole number of at least ${minimumThreshold}.`);
	}
	db.update(group).set({ anonymityThreshold: threshold }).where(eq(group.id, groupId)).run();
}

/** Renames a draft; an open or closed review keeps the title its members saw. */
export async function renameReview(
	reviewId: string,
	title: string
): Promise<Result<undefined, 'not-draft'>> {
	const updated = db
		.update(review)
		.set({ title })
		.where(and(eq(review.id, reviewId), eq(review.status, 'draft')))
		.returning({ id: review.id })
		.all();
	return updated.length > 0 ? ok(undefined) : refuse('not-draft');
}

const closedBefore = prepared(() =>
	db
		.select()
		.from(review)
		.where(
			and(
				eq(review.groupId, sql.placeholder('groupId')),
				eq(review.status, 'closed'),
				lt(review.closedAt, sql.placeholder('before'))
			)
		)
		.orderBy(desc(review.closedAt))
		.limit(1)
		.prepare()
);

const openInGroup = prepared(() =>
	db
		.select({ id: review.id, title: review.title })
		.from(review)
		.where(and(eq(review.groupId, sql.placeholder('groupId')), eq(review.status, 'open')))
		.prepare()
);

/** The group's open review, if one is: a group has at most one open at a time. */
export async function openReviewOf(groupId: string) {
	const [row] = await openInGroup().all({ groupId });
	return row;
}

/** The group's closed review before this one (the latest closed one, for a review not closed). */
export async function previousClosedReview(row: Pick<Review, 'id' | 'groupId' | 'closedAt'>) {
	const [previous] = await closedBefore().all({
		groupId: row.groupId,
		before: row.closedAt?.getTime() ?? Number.MAX_SAFE_INTEGER
	});
	return previous && previous.id !== row.id ? (previous as Review) : undefined;
}
