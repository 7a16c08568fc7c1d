import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { db, prepared, transaction, type Executor } from '$lib/server/db';
import { membership, user } from '$lib/server/db/schema';
import { area, areaOwner, task, taskOwner } from '$lib/server/db/work-schema';
import { ok, refuse, type Result } from '$lib/server/result';
import { newId } from '$lib/server/tokens';

/** Every group starts with these areas of work; facilitators rename, add and remove them. */
export const defaultAreas = ['Outreach', 'Communications', 'Meetings', 'Finances', 'Actions'];

export function addDefaultAreas(tx: Executor, groupId: string, now = new Date()) {
	tx.insert(area)
		.values(defaultAreas.map((name) => ({ id: newId(), groupId, name, createdAt: now })))
		.run();
}

/** Why an area could not be added, renamed, removed or held. */
export type AreaRefusal = 'name-taken' | 'not-found' | 'already-held';
export type AreaOutcome = Result<undefined, AreaRefusal>;

/** Another area of the group with this name, in any case (the unique index ignores case too). */
function nameTaken(tx: Executor, groupId: string, name: string, except: string | null = null) {
	const [other] = tx
		.select({ id: area.id })
		.from(area)
		.where(
			and(
				eq(area.groupId, groupId),
				eq(sql`lower(${area.name})`, name.toLowerCase()),
				except ? ne(area.id, except) : undefined
			)
		)
		.all();
	return Boolean(other);
}

export async function addArea(groupId: string, name: string, now = new Date()) {
	return transaction((tx): AreaOutcome => {
		if (nameTaken(tx, groupId, name)) return refuse('name-taken');
		tx.insert(area).values({ id: newId(), groupId, name, createdAt: now }).run();
		return ok(undefined);
	});
}

export async function renameArea(groupId: string, areaId: string, name: string) {
	return transaction((tx): AreaOutcome => {
		if (nameTaken(tx, groupId, name, areaId)) return refuse('name-taken');
		const updated = tx
			.update(area)
			.set({ name })
			.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
			.returning({ id: area.id })
			.all();
		return updated.length === 1 ? ok(undefined) : refuse('not-found');
	});
}

/** Removes an area; its tasks stay on the board, without an area. */
export async function removeArea(groupId: string, areaId: string): Promise<AreaOutcome> {
	const removed = db
		.delete(area)
		.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
		.returning({ id: area.id })
		.all();
	return removed.length === 1 ? ok(undefined) : refuse('not-found');
}

/** The area, if it is the group's. */
function areaOf(tx: Executor, groupId: string, areaId: string) {
	const [found] = tx
		.select({ id: area.id })
		.from(area)
		.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
		.all();
	return found;
}

/** Adds a member as an owner of an area, if both belong to the group. */
export async function holdArea(groupId: string, areaId: string, userId: string) {
	return transaction((tx): AreaOutcome => {
		const [member] = tx
			.select({ userId: membership.userId })
			.from(membership)
			.where(and(eq(membership.groupId, groupId), eq(membership.userId, userId)))
			.all();
		if (!member || !areaOf(tx, groupId, areaId)) return refuse('not-found');
		const added = tx
			.insert(areaOwner)
			.values({ areaId, userId })
			.onConflictDoNothing()
			.returning({ areaId: areaOwner.areaId })
			.all();
		return added.length === 1 ? ok(undefined) : refuse('already-held');
	});
}

export async function releaseArea(groupId: string, areaId: string, userId: string) {
	return transaction((tx): AreaOutcome => {
		if (!areaOf(tx, groupId, areaId)) return refuse('not-found');
		const removed = tx
			.delete(areaOwner)
			.where(and(eq(areaOwner.areaId, areaId), eq(areaOwner.userId, userId)))
			.returning({ areaId: areaOwner.areaId })
			.all();
		return removed.length === 1 ? ok(undefined) : refuse('not-found');
	});
}

const areasByName = prepared(() =>
	db
		.select()
		.from(area)
		.where(eq(area.groupId, sql.placeholder('groupId')))
		.orderBy(asc(area.name))
		.prepare()
);

const areaOwners = prepared(() =>
	db
		.select({
			areaId: areaOwner.areaId,
			userId: user.id,
			name: user.displayName,
			openTasks: sql<number>`${db
				.select({ open: count() })
				.from(task)
				.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
				.where(
					and(
						eq(task.areaId, areaOwner.areaId),
						eq(taskOwner.userId, areaOwner.userId),
						ne(task.status, 'done'),
						isNull(task.archivedAt)
					)
				)}`
		})
		.from(areaOwner)
		.innerJoin(area, eq(area.id, areaOwner.areaId))
		.innerJoin(user, eq(user.id, areaOwner.userId))
		.where(eq(area.groupId, sql.placeholder('groupId')))
		.orderBy(asc(user.displayName))
		.prepare()
);

/**
 * The group's areas with their owners, and for each owner whether they have an open task in the
 * area. An area with no owner, or whose owners have no open task there, needs attention.
 */
export async function areasOf(groupId: string) {
	const [areas, owners] = await Promise.all([
		areasByName().all({ groupId }),
		areaOwners().all({ groupId })
	]);
	return areas.map((a) => {
		const held = owners.filter((o) => o.areaId === a.id);
		return {
			id: a.id,
			name: a.name,
			owners: held.map(({ userId, name, openTasks }) => ({ userId, name, openTasks })),
			unowned: held.length === 0,
			idle: held.length > 0 && held.every((o) => o.openTasks === 0)
		};
	});
}
