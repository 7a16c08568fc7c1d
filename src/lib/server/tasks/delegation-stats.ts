// The widening circles: who gets whom to do things, per quarter.
import { and, asc, eq, gte, max, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { membership } from '$lib/server/db/schema';
import { delegation, task, taskOwner } from '$lib/server/db/work-schema';

/** The first day of the calendar quarter (UTC) that `now` is in. */
export function quarterStart(now = new Date()) {
	return new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
}

// Every group's overview runs these: prepared once (building a query cost more than running it).
const completionsSince = prepared(() =>
	db
		.select({ taskId: task.id, userId: taskOwner.userId })
		.from(task)
		.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.where(
			and(
				eq(task.groupId, sql.placeholder('groupId')),
				eq(task.status, 'done'),
				gte(task.completedAt, sql.placeholder('since'))
			)
		)
		.prepare()
);
// the asks that reached the tasks given (their ids as one JSON array), oldest first
const asksOnTasks = prepared(() =>
	db
		.select({
			taskId: delegation.taskId,
			toUserId: delegation.toUserId,
			askerRole: membership.role
		})
		.from(delegation)
		.leftJoin(
			membership,
			and(
				eq(membership.userId, delegation.fromUserId),
				eq(membership.groupId, sql.placeholder('groupId'))
			)
		)
		.where(sql`${delegation.taskId} in (select value from json_each(${sql.placeholder('ids')}))`)
		.orderBy(asc(delegation.createdAt))
		.prepare()
);
const deepestChainSince = prepared(() =>
	db
		.select({ depth: max(delegation.depth) })
		.from(delegation)
		.innerJoin(task, eq(task.id, delegation.taskId))
		.where(
			and(
				eq(task.groupId, sql.placeholder('groupId')),
				gte(delegation.createdAt, sql.placeholder('since'))
			)
		)
		.prepare()
);

/**
 * The widening circles, this quarter: how many people completed tasks, how many of them were
 * asked by someone other than a facilitator (members getting members to do things), and the
 * deepest chain of who asked whom on any task handed on this quarter.
 */
export async function delegationStats(groupId: string, now = new Date()) {
	const since = quarterStart(now);
	const completions = completionsSince().all({ groupId, since: since.getTime() });
	const completers = new Set(completions.map((c) => c.userId));
	// who asked each completer to take the task they finished (the latest ask that reached them)
	const asks = completions.length
		? asksOnTasks().all({
				groupId,
				ids: JSON.stringify([...new Set(completions.map((c) => c.taskId))])
			})
		: [];
	const askedByMember = new Set<string>();
	for (const c of completions) {
		const ask = asks.filter((a) => a.taskId === c.taskId && a.toUserId === c.userId).at(-1);
		if (ask && ask.askerRole === 'member') askedByMember.add(c.userId);
	}
	const deepest = deepestChainSince().get({ groupId, since: since.getTime() });
	return {
		since,
		completers: completers.size,
		askedByMembers: askedByMember.size,
		deepestChain: deepest?.depth ?? 0
	};
}
