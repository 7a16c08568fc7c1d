// Findings become work, and the next review shows whether the work moved the score.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { question, revealedText, review, user, type Review } from '$lib/server/db/schema';
import { task, taskOwner } from '$lib/server/db/work-schema';
import { previousClosedReview } from '$lib/server/reviews/reviews';
import { isRevealed } from '$lib/server/reviews/thresholds';
import { dimensionResultsOf } from '$lib/server/reviews/results';
import { isBeyondNoise } from '$lib/server/health/trends';
import { statusLabels } from '$lib/task-labels';
import { dimensionNoun, outsideComparison } from '$lib/server/outsiders/comparison';

/**
 * What a new follow-up task starts from: a revealed review of the group, and either one of its
 * dimensions or one of its open answers (quoted as text only: nobody knows who wrote it).
 */
export async function followUpSource(
	groupId: string,
	reviewId: string,
	dimensionKey: string | null,
	textId: string | null,
	outside: OutsideFinding = {}
) {
	const [row] = db
		.select()
		.from(review)
		.where(and(eq(review.id, reviewId), eq(review.groupId, groupId)))
		.all();
	if (!row || row.status !== 'closed') return undefined;
	if (outside.gap || outside.text) return outsideFollowUpSource(row, outside);
	if (!isRevealed(row)) return undefined;
	let quote: string | null = null;
	let key = dimensionKey;
	if (textId) {
		const [found] = db
			.select({ text: revealedText.text, questionKey: revealedText.questionKey })
			.from(revealedText)
			.where(and(eq(revealedText.reviewId, reviewId), eq(revealedText.id, textId)))
			.all();
		if (!found) return undefined;
		quote = found.text;
		key = found.questionKey;
	}
	const [asked] = key
		? db
				.select({ title: question.title, kind: question.kind })
				.from(question)
				.where(and(eq(question.reviewId, reviewId), eq(question.key, key)))
				.all()
		: [];
	if (key && !asked) return undefined;
	return {
		reviewId,
		reviewTitle: row.title,
		// only scored questions are dimensions; an open question's answer is just the quote
		dimensionKey: asked?.kind === 'scale' ? key : null,
		questionTitle: asked?.title ?? null,
		quote
	};
}

interface OutsideFinding {
	/** a dimension whose gap between members and outsiders is the finding */
	gap?: string | null;
	/** the id of one of outsiders' comments or answers (outsiders/outside-view.ts) */
	text?: string | null;
}

/** A finding of the outside view, once it is revealed: a gap, or an outsider's words. */
function outsideFollowUpSource(row: Review, { gap, text }: OutsideFinding) {
	const members = isRevealed(row)
		? dimensionResultsOf(row.id).map((d) => ({ key: d.questionKey, title: '', result: d }))
		: [];
	const outside = outsideComparison(row.id, members);
	if (!outside?.revealed) return undefined;
	const said = text
		? [...outside.comments.flatMap((q) => q.texts), ...outside.purposeGuesses].find(
				(t) => t.id === text
			)
		: undefined;
	const key = gap ?? said?.key;
	const dimension = outside.dimensions.find((d) => d.key === key);
	if ((gap && !dimension) || (text && !said)) return undefined;
	const [asked] = db
		.select({ title: question.title })
		.from(question)
		.where(and(eq(question.reviewId, row.id), eq(question.key, key!)))
		.all();
	return {
		reviewId: row.id,
		reviewTitle: row.title,
		dimensionKey: dimension && asked ? dimension.key : null,
		questionTitle: asked?.title ?? (said ? 'What outsiders think the group is for' : null),
		quote: said
			? `An outsider: ${said.text}`
			: (dimension!.sentence ??
				`Outsiders see ${dimensionNoun(dimension!.key, asked?.title ?? '')} at ${dimension!.outsiders.toFixed(1)}.`)
	};
}

/** The follow-up tasks made from a review, with their status and owners. */
const followUpRows = prepared(() =>
	db
		.select({
			id: task.id,
			title: task.title,
			status: task.status,
			dimensionKey: task.dimensionKey,
			owner: user.displayName
		})
		.from(task)
		.leftJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.leftJoin(user, eq(user.id, taskOwner.userId))
		.where(and(eq(task.reviewId, sql.placeholder('reviewId')), isNull(task.archivedAt)))
		.orderBy(asc(task.createdAt))
		.prepare()
);

export async function followUpsOf(reviewId: string) {
	const rows = await followUpRows().all({ reviewId });
	const byTask = new Map<string, (typeof rows)[number] & { owners: string[] }>();
	for (const row of rows) {
		const entry = byTask.get(row.id) ?? { ...row, owners: [] };
		if (row.owner) entry.owners.push(row.owner);
		byTask.set(row.id, entry);
	}
	return [...byTask.values()].map(({ id, title, status, dimensionKey, owners }) => ({
		id,
		title,
		status,
		statusLabel: statusLabels[status],
		dimensionKey,
		owners
	}));
}

/**
 * Closing the loop: last review's follow-ups and their status, and, once this review is revealed,
 * for each dimension that had follow-ups, whether its score moved beyond the noise.
 */
export async function lastFollowUps(row: Review, previousReview = previousClosedReview(row)) {
	const previous = await previousReview;
	if (!previous) return null;
	const tasks = await followUpsOf(previous.id);
	if (tasks.length === 0) return null;
	const keys = [...new Set(tasks.map((t) => t.dimensionKey).filter((k): k is string => !!k))];
	const movement: {
		key: string;
		title: string;
		before: number;
		after: number;
		moved: 'up' | 'down' | 'unclear';
	}[] = [];
	if (keys.length > 0 && isRevealed(row) && isRevealed(previous)) {
		const [before, after, titles] = await Promise.all([
			dimensionResultsOf(previous.id),
			dimensionResultsOf(row.id),
			db
				.select({ key: question.key, title: question.title })
				.from(question)
				.where(eq(question.reviewId, row.id))
		]);
		for (const key of keys) {
			const a = before.find((d) => d.questionKey === key);
			const b = after.find((d) => d.questionKey === key);
			if (!a || !b) continue;
			movement.push({
				key,
				title: titles.find((t) => t.key === key)?.title ?? key,
				before: a.mean,
				after: b.mean,
				moved: !isBeyondNoise(a, b) ? 'unclear' : b.mean > a.mean ? 'up' : 'down'
			});
		}
	}
	return { reviewId: previous.id, reviewTitle: previous.title, tasks, movement };
}
