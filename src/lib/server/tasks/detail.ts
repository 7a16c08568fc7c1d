// One task's page: the task, its owners, the chain of who asked whom, its comments.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db } from '$lib/server/db';
import { question, review, user } from '$lib/server/db/schema';
import { area, delegation, task, taskComment, taskOwner } from '$lib/server/db/work-schema';

import { isOverdue } from './rules';

/** One task with everything its page shows: owners, the chain of who asked whom, comments. */
export async function taskDetail(groupId: string, taskId: string) {
	const [row] = db
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
		.where(and(eq(task.id, taskId), eq(task.groupId, groupId), isNull(task.archivedAt)))
		.all();
	if (!row) return undefined;
	const asker = alias(user, 'asker');
	const asked = alias(user, 'asked');
	const [owners, chain, comments] = await Promise.all([
		db
			.select({ userId: user.id, name: user.displayName })
			.from(taskOwner)
			.innerJoin(user, eq(user.id, taskOwner.userId))
			.where(eq(taskOwner.taskId, taskId))
			.orderBy(asc(user.displayName)),
		db
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
			.where(eq(delegation.taskId, taskId))
			.orderBy(asc(delegation.createdAt), asc(delegation.depth)),
		db
			.select({
				id: taskComment.id,
				body: taskComment.body,
				createdAt: taskComment.createdAt,
				name: user.displayName
			})
			.from(taskComment)
			.leftJoin(user, eq(user.id, taskComment.userId))
			.where(eq(taskComment.taskId, taskId))
			.orderBy(asc(taskComment.createdAt))
	]);
	const overdue = isOverdue(row.task);
	return {
		...row.task,
		areaName: row.areaName,
		reviewTitle: row.reviewTitle,
		dimensionTitle: row.dimensionTitle,
		overdue,
		owners,
		chain,
		comments
	};
}
