// A person's tasks across all their groups.
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { group } from '$lib/server/db/schema';
import { task, taskOwner } from '$lib/server/db/work-schema';
import { todayUtc } from '$lib/days';

import { isOverdue } from './rules';

const liveTasksOf = prepared(() =>
	db
		.select({
			id: task.id,
			title: task.title,
			status: task.status,
			dueOn: task.dueOn,
			groupSlug: group.slug,
			groupName: group.name
		})
		.from(taskOwner)
		.innerJoin(task, eq(task.id, taskOwner.taskId))
		.innerJoin(group, eq(group.id, task.groupId))
		.where(and(eq(taskOwner.userId, sql.placeholder('userId')), isNull(task.archivedAt)))
		.orderBy(sql`${task.status} = 'done'`, sql`${task.dueOn} is null`, asc(task.dueOn))
		.prepare()
);

/** A person's live tasks across all their groups, soonest due first. */
export async function tasksOf(userId: string, now = new Date()) {
	const rows = liveTasksOf().all({ userId });
	const today = todayUtc(now);
	return rows.map((r) => ({
		...r,
		overdue: isOverdue(r, today)
	}));
}
