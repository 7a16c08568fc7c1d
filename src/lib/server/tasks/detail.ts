// One task's page: the task, its owners, the chain of who asked whom, its comments.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, prepared } from '$lib/server/db';
import { question, review, user } from '$lib/server/db/schema';
import { area, delegation, task, taskComment, taskOwner } from '$lib/server/db/work-schema';
import { isOverdue } from './rules';

const asker = alias(user, 'asker');
const asked = alias(user, 'asked');
const theTask = sql.placeholder('taskId');

// Every view of a task runs these: prepared once (building and compiling them cost more than
// running them).
const queries = prepared(() => ({
	task: db
		.select({
			task,
			areaName: area.name,
			reviewTitle: review.title,
			dimensionTitle: question.title
		})
		.from(task)
		.leftJoin(area, eq(area.id, task.areaId))
		.leftJoin(review, eq(review.id, task.reviewId))
		.leftJoin(
			question,
			and(eq(question.reviewId, task.reviewId), eq(question.key, task.dimensionKey))
		)
		.where(
			and(
				eq(task.id, theTask),
				eq(task.groupId, sql.placeholder('groupId')),
				isNull(task.archivedAt)
			)
		)
		.prepare(),
	owners: db
		.select({ userId: user.id, name: user.displayName })
		.from(taskOwner)
		.innerJoin(user, eq(user.id, taskOwner.userId))
		.where(eq(taskOwner.taskId, theTask))
		.orderBy(asc(user.displayName))
		.prepare(),
	chain: db
		.select({
			fromName: asker.displayName,
			toName: asked.displayName,
			note: delegation.note,
			depth: delegation.depth,
			createdAt: delegation.createdAt
		})
		.from(delegation)
		.leftJoin(asker, eq(asker.id, delegation.fromUserId))
		.leftJoin(asked, eq(asked.id, delegation.toUserId))
		.where(eq(delegation.taskId, theTask))
		.orderBy(asc(delegation.createdAt), asc(delegation.depth))
		.prepare(),
	comments: db
		.select({
			id: taskComment.id,
			body: taskComment.body,
			createdAt: taskComment.createdAt,
			name: user.displayName
		})
		.from(taskComment)
		.leftJoin(user, eq(user.id, taskComment.userId))
		.where(eq(taskComment.taskId, theTask))
		.orderBy(asc(taskComment.createdAt))
		.prepare()
}));

/** One task with everything its page shows: owners, the chain of who asked whom, comments. */
export async function taskDetail(groupId: string, taskId: string) {
	const query = queries();
	const row = query.task.get({ groupId, taskId });
	if (!row) return undefined;
	return {
		...row.task,
		areaName: row.areaName,
		reviewTitle: row.reviewTitle,
		dimensionTitle: row.dimensionTitle,
		overdue: isOverdue(row.task),
		owners: query.owners.all({ taskId }),
		chain: query.chain.all({ taskId }),
		comments: query.comments.all({ taskId })
	};
}
