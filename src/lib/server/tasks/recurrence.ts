// Recurring tasks: the next instance once one is done or its due day has passed.
import { and, eq, isNotNull, isNull, lt, notExists } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, type Executor, transaction } from '$lib/server/db';
import { task, taskOwner, type Recurrence, type Task } from '$lib/server/db/work-schema';
import { newId } from '$lib/server/tokens';
import { addToDay, todayUtc } from '$lib/days';
import { ownersOf } from './rules';

/** The next due day of a recurring task, counted from its due day or, without one, from today. */
export function nextDueOn(recurrence: Recurrence, from: string) {
	return recurrence === 'weekly'
		? addToDay(from, { days: 7 })
		: addToDay(from, { months: recurrence === 'monthly' ? 1 : 3 });
}

/**
 * Creates the next instance of a recurring task, once: `recurs_from` is unique, so a second
 * call (a second scheduler, a done after a due) changes nothing.
 */
export function recur(tx: Executor, current: Task, now: Date) {
	if (!current.recurrence) return;
	const id = newId();
	const inserted = tx
		.insert(task)
		.values({
			id,
			groupId: current.groupId,
			title: current.title,
			description: current.description,
			dueOn: nextDueOn(current.recurrence, current.dueOn ?? todayUtc(now)),
			areaId: current.areaId,
			createdBy: current.createdBy,
			createdAt: now,
			updatedAt: now,
			recurrence: current.recurrence,
			recursFrom: current.id
		})
		.onConflictDoNothing({ target: task.recursFrom })
		.returning({ id: task.id })
		.all();
	if (inserted.length === 0) return;
	const owners = ownersOf(tx, current.id);
	if (owners.length > 0)
		tx.insert(taskOwner)
			.values(owners.map((userId) => ({ taskId: id, userId })))
			.run();
}

/** Recurring tasks whose due day has passed get their next instance even if not done yet. */
/** A task made as the next instance of another. */
const next = alias(task, 'next');

export async function recurDueTasks(now = new Date()) {
	const due = db
		.select()
		.from(task)
		.where(
			and(
				isNotNull(task.recurrence),
				isNull(task.archivedAt),
				lt(task.dueOn, todayUtc(now)),
				notExists(db.select({ id: next.id }).from(next).where(eq(next.recursFrom, task.id)))
			)
		)
		.all();
	for (const current of due) transaction((tx) => recur(tx, current, now));
	return due.length;
}
