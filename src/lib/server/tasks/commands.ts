// What people do to tasks: create, change, move, take, assign, hand on, release, archive, comment.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { transaction } from '$lib/server/db';
import {
	delegation,
	notification,
	task,
	taskComment,
	taskOwner,
	type TaskStatus
} from '$lib/server/db/work-schema';
import { hasRole } from '$lib/server/groups/groups';
import { newId } from '$lib/server/tokens';
import { remindAssigned } from '$lib/server/reminders/producers';

import { ok, refuse } from '$lib/server/result';
import {
	type Actor,
	type FollowUp,
	type Outcome,
	type TaskInput,
	areaInGroup,
	changeTask,
	depthOf,
	findTask,
	isMember,
	ownersOf
} from './rules';
import { recur } from './recurrence';

/**
 * A new task on the board. Members may create unowned tasks or tasks for themselves; giving a
 * task to someone else is assigning, which facilitators do.
 */
export async function createTask(
	actor: Actor,
	input: TaskInput & { ownerIds: string[] },
	followUp: FollowUp | null = null,
	now = new Date()
): Promise<Outcome<string>> {
	const others = input.ownerIds.filter((id) => id !== actor.userId);
	if (others.length > 0 && !hasRole(actor.role, 'facilitator')) return refuse('not-allowed');
	const id = newId();
	const assigned: string[] = [];
	const result = transaction((tx) => {
		if (!areaInGroup(tx, actor.groupId, input.areaId)) return refuse('no-area');
		for (const ownerId of input.ownerIds)
			if (!isMember(tx, actor.groupId, ownerId)) return refuse('not-a-member');
		tx.insert(task)
			.values({
				id,
				groupId: actor.groupId,
				...input,
				createdBy: actor.userId,
				createdAt: now,
				updatedAt: now,
				...(followUp ?? {})
			})
			.run();
		for (const ownerId of new Set(input.ownerIds)) {
			tx.insert(taskOwner).values({ taskId: id, userId: ownerId }).run();
			if (ownerId !== actor.userId) {
				tx.insert(delegation)
					.values({
						id: newId(),
						taskId: id,
						fromUserId: actor.userId,
						toUserId: ownerId,
						depth: 1,
						createdAt: now
					})
					.run();
				assigned.push(ownerId);
			}
		}
		return ok(id);
	});
	if (result.ok)
		for (const ownerId of assigned) await remindAssigned(id, ownerId, now, actor.userId);
	return result;
}

export async function updateTask(
	actor: Actor,
	taskId: string,
	input: TaskInput,
	now = new Date()
): Promise<Outcome> {
	return changeTask(actor, taskId, (tx) => {
		if (!areaInGroup(tx, actor.groupId, input.areaId)) return refuse('no-area');
		tx.update(task)
			.set({ ...input, updatedAt: now })
			.where(eq(task.id, taskId))
			.run();
		return ok(undefined);
	});
}

/** Moves a card between columns. Done stamps the completion and starts the next recurrence. */
export async function moveTask(
	actor: Actor,
	taskId: string,
	status: TaskStatus,
	now = new Date()
): Promise<Outcome> {
	return changeTask(actor, taskId, (tx, current) => {
		if (current.status === status) return ok(undefined);
		tx.update(task)
			.set({ status, updatedAt: now, completedAt: status === 'done' ? now : null })
			.where(eq(task.id, taskId))
			.run();
		if (status === 'done') {
			recur(tx, current, now);
			// "due soon" and "overdue" notices about a finished task are old news
			tx.update(notification)
				.set({ readAt: now })
				.where(
					and(
						eq(notification.kind, 'task_due'),
						isNull(notification.readAt),
						sql`${notification.link} like ${'%/board/' + taskId}`
					)
				)
				.run();
		}
		return ok(undefined);
	});
}

/**
 * Takes an unowned task. The check and the insert are one write transaction, which no other
 * writer can enter between them: two takers, one owner.
 */
export async function takeTask(actor: Actor, taskId: string): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		if (ownersOf(tx, taskId).length > 0) return refuse('already-owned');
		tx.insert(taskOwner).values({ taskId, userId: actor.userId }).run();
		return ok(undefined);
	});
}

/** Adds an owner. Facilitators and the task's owners assign; the assignee is asked by them. */
export async function assignTask(
	actor: Actor,
	taskId: string,
	assigneeId: string,
	now = new Date()
): Promise<Outcome> {
	const result = await changeTask(actor, taskId, (tx) => {
		if (!isMember(tx, actor.groupId, assigneeId)) return refuse('not-a-member');
		if (ownersOf(tx, taskId).includes(assigneeId)) return refuse('already-owner');
		tx.insert(taskOwner).values({ taskId, userId: assigneeId }).run();
		if (assigneeId !== actor.userId) {
			tx.insert(delegation)
				.values({
					id: newId(),
					taskId,
					fromUserId: actor.userId,
					toUserId: assigneeId,
					depth: depthOf(tx, taskId, actor.userId) + 1,
					createdAt: now
				})
				.run();
		}
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
	if (result.ok && assigneeId !== actor.userId)
		await remindAssigned(taskId, assigneeId, now, actor.userId);
	return result;
}

/** An owner steps back from a task; facilitators can take anyone off it. */
export async function releaseTask(
	actor: Actor,
	taskId: string,
	ownerId: string,
	now = new Date()
): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		if (ownerId !== actor.userId && !hasRole(actor.role, 'facilitator')) {
			return refuse('not-allowed');
		}
		const removed = tx
			.delete(taskOwner)
			.where(and(eq(taskOwner.taskId, taskId), eq(taskOwner.userId, ownerId)))
			.returning()
			.all();
		if (removed.length === 0) return refuse('not-owning');
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
}

/**
 * Hands a task on: the owner asks another member to take it, with a note. The delegate becomes
 * an owner in the asker's place, and the chain of who asked whom grows by one.
 */
export async function delegateTask(
	actor: Actor,
	taskId: string,
	toUserId: string,
	note: string | null,
	now = new Date()
): Promise<Outcome> {
	const result = transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		const owners = ownersOf(tx, taskId);
		if (!owners.includes(actor.userId)) return refuse('not-owner');
		if (!isMember(tx, actor.groupId, toUserId)) return refuse('not-a-member');
		if (owners.includes(toUserId)) return refuse('already-owner');
		const depth = depthOf(tx, taskId, actor.userId) + 1;
		tx.delete(taskOwner)
			.where(and(eq(taskOwner.taskId, taskId), eq(taskOwner.userId, actor.userId)))
			.run();
		tx.insert(taskOwner).values({ taskId, userId: toUserId }).run();
		tx.insert(delegation)
			.values({
				id: newId(),
				taskId,
				fromUserId: actor.userId,
				toUserId,
				note,
				depth,
				createdAt: now
			})
			.run();
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
	if (result.ok) await remindAssigned(taskId, toUserId, now, actor.userId, note);
	return result;
}

export async function archiveTask(actor: Actor, taskId: string, now = new Date()) {
	return changeTask(actor, taskId, (tx) => {
		tx.update(task).set({ archivedAt: now, updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
}

export async function commentOnTask(
	actor: Actor,
	taskId: string,
	body: string,
	now = new Date()
): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		tx.insert(taskComment)
			.values({ id: newId(), taskId, userId: actor.userId, body, createdAt: now })
			.run();
		return ok(undefined);
	});
}
