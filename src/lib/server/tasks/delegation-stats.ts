// The widening circles: who gets whom to do things, per quarter.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { membership } from '$lib/server/db/schema';
import { delegation, task, taskOwner } from '$lib/server/db/work-schema';

/** The first day of the calendar quarter (UTC) that `now` is in. */
export function quarterStart(now = new Date()) {
	return new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
}

/**
 * The widening circles, this quarter: how many people completed tasks, how many of them were
 * asked by someone other than a facilitator (members getting members to do things), and the
 * deepest chain of who asked whom on any task handed on this quarter.
 */
export async function delegationStats(groupId: string, now = new Date()) {
	const since = quarterStart(now);
	const completions = db
		.select({ taskId: task.id, userId: taskOwner.userId })
		.from(task)
		.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.where(
			and(
				eq(task.groupId, groupId),
				eq(task.status, 'done'),
				sql`${task.completedAt} >= ${since.getTime()}`
			)
		)
		.all();
	const completers = new Set(completions.map((c) => c.userId));
	// who asked each completer to take the task they finished (the latest ask that reached them)
	const asks = completions.length
		? db
				.select({
					taskId: delegation.taskId,
					toUserId: delegation.toUserId,
					askerRole: membership.role,
					createdAt: delegation.createdAt
				})
				.from(delegation)
				.leftJoin(
					membership,
					and(eq(membership.userId, delegation.fromUserId), eq(membership.groupId, groupId))
				)
				.where(inArray(delegation.taskId, [...new Set(completions.map((c) => c.taskId))]))
				.orderBy(asc(delegation.createdAt))
				.all()
		: [];
	const askedByMember = new Set<string>();
	for (const c of completions) {
		const ask = asks.filter((a) => a.taskId === c.taskId && a.toUserId === c.userId).at(-1);
		if (ask && ask.askerRole === 'member') askedByMember.add(c.userId);
	}
	const [deepest] = db
		.select({ depth: sql<number | null>`max(${delegation.depth})` })
		.from(delegation)
		.innerJoin(task, eq(task.id, delegation.taskId))
		.where(and(eq(task.groupId, groupId), sql`${delegation.createdAt} >= ${since.getTime()}`))
		.all();
	return {
		since,
		completers: completers.size,
		askedByMembers: askedByMember.size,
		deepestChain: deepest?.depth ?? 0
	};
}
