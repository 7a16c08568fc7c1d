// One task's page: the task, its owners, the chain of who asked whom, its comments.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
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
			reviewTitle: sql<
				string | null
			>`(select title from ${review} r where r.id = ${task.reviewId})`,
			dimensionTitle: sql<
				string | null
			>`(select title from ${question} q where q.review_id = ${task.reviewId} and q.key = ${task.dimensionKey})`
		})
		.from(task)
		.leftJoin(area, eq(area.id, task.areaId))
		.where(and(eq(task.id, taskId), eq(task.groupId, groupId), isNull(task.archivedAt)))
		.all();
	if (!row) return undefined;
	const names = sql<string>`(select display_name from ${user} u where u.id = ${delegation.fromUserId})`;
	const [owners, chain, comments] = await Promise.all([
		db
			.select({ userId: user.id, name: user.displayName })
			.from(taskOwner)
			.innerJoin(user, eq(user.id, taskOwner.userId))
			.where(eq(taskOwner.taskId, taskId))
			.orderBy(asc(user.displayName)),
		db
			.select({
				fromName: names,
				toName: sql<string>`(select display_name from ${user} u where u.id = ${delegation.toUserId})`,
				note: delegation.note,
				depth: delegation.depth,
				createdAt: delegation.createdAt
			})
			.from(delegation)
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
