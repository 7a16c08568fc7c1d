// Who may change a task, and the checks every task command makes first.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { type Executor, transaction } from '$lib/server/db';
import { membership, type Role } from '$lib/server/db/schema';
import {
	area,
	delegation,
	task,
	taskOwner,
	type Recurrence,
	type Task,
	type TaskStatus
} from '$lib/server/db/work-schema';
import { hasRole } from '$lib/server/groups/groups';
import { todayUtc } from '$lib/days';

import { refuse, type Result } from '$lib/server/result';
import type { Placeholder, SQL, SQLWrapper } from 'drizzle-orm';

/** Who is acting, in which group, with which role there. */
export interface Actor {
	userId: string;
	groupId: string;
	role: Role;
}

/** Why a task change was refused; each maps to a message a person understands. */
export type Refusal =
	| 'not-found'
	| 'not-allowed'
	| 'not-a-member'
	| 'already-owned'
	| 'already-owner'
	| 'not-owner'
	| 'no-area'
	| 'not-owning';

export type Outcome<T = undefined> = Result<T, Refusal>;

export interface TaskInput {
	title: string;
	description: string;
	dueOn: string | null;
	areaId: string | null;
	recurrence: Recurrence | null;
}

export interface FollowUp {
	reviewId: string;
	dimensionKey: string | null;
	quote: string | null;
}

export function ownersOf(tx: Executor, taskId: string) {
	const rows = tx
		.select({ userId: taskOwner.userId })
		.from(taskOwner)
		.where(eq(taskOwner.taskId, taskId))
		.all();
	return rows.map((r) => r.userId);
}

export function isMember(tx: Executor, groupId: string, userId: string) {
	const [row] = tx
		.select({ userId: membership.userId })
		.from(membership)
		.where(and(eq(membership.groupId, groupId), eq(membership.userId, userId)))
		.all();
	return Boolean(row);
}

export function findTask(tx: Executor, actor: Actor, taskId: string) {
	const [row] = tx
		.select()
		.from(task)
		.where(and(eq(task.id, taskId), eq(task.groupId, actor.groupId), isNull(task.archivedAt)))
		.all();
	return row;
}

/** Facilitators may change any task; everyone else only the tasks they own. */
export function mayChange(tx: Executor, actor: Actor, taskId: string) {
	if (hasRole(actor.role, 'facilitator')) return true;
	return ownersOf(tx, taskId).includes(actor.userId);
}

/** Runs `change` in one transaction on a live task of the actor's group they may change. */
export function changeTask<T = undefined>(
	actor: Actor,
	taskId: string,
	change: (tx: Executor, current: Task) => Outcome<T>
) {
	return transaction((tx): Outcome<T> => {
		const current = findTask(tx, actor, taskId);
		if (!current) return refuse('not-found');
		if (!mayChange(tx, actor, taskId)) return refuse('not-allowed');
		return change(tx, current);
	});
}

export function areaInGroup(tx: Executor, groupId: string, areaId: string | null) {
	if (!areaId) return true;
	const [row] = tx
		.select({ id: area.id })
		.from(area)
		.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
		.all();
	return Boolean(row);
}

/** How deep the chain that made `userId` an owner of the task is: 0 if they took it themselves. */
export function depthOf(tx: Executor, taskId: string, userId: string) {
	// the latest ask that reached them: an older, deeper chain may since have been undone
	const [row] = tx
		.select({ depth: delegation.depth })
		.from(delegation)
		.where(and(eq(delegation.taskId, taskId), eq(delegation.toUserId, userId)))
		.orderBy(desc(delegation.createdAt), desc(delegation.depth))
		.limit(1)
		.all();
	return row?.depth ?? 0;
}

/** Whether a task is overdue on `today` (a YYYY-MM-DD day): not done, and its due day has passed. */
export function isOverdue(t: { status: TaskStatus; dueOn: string | null }, today = todayUtc()) {
	return t.status !== 'done' && t.dueOn !== null && t.dueOn < today;
}

/** The same rule in SQL, with `today` as given, on the task table or a query's columns of it. */
export const overdueInSql = (
	today: SQL | Placeholder | string,
	of: { status: SQLWrapper; dueOn: SQLWrapper } = task
) => sql`(${of.status} <> 'done' and ${of.dueOn} is not null and ${of.dueOn} < ${today})`;
