import { and, asc, eq, sql } from 'drizzle-orm';
import { db, prepared, type Executor } from '$lib/server/db';
import { membership, user } from '$lib/server/db/schema';
import { area, areaOwner, task, taskOwner } from '$lib/server/db/work-schema';
import { newId } from '$lib/server/tokens';

/** Every group starts with these areas of work; facilitators rename, add and remove them. */
export const defaultAreas = ['Outreach', 'Communications', 'Meetings', 'Finances', 'Actions'];

export function addDefaultAreas(tx: Executor, groupId: string, now = new Date()) {
	tx.insert(area)
		.values(defaultAreas.map((name) => ({ id: newId(), groupId, name, createdAt: now })))
		.run();
}

export class AreaNameTaken extends Error {}

const isNameTaken = (error: unknown) =>
	String((error as { cause?: unknown })?.cause ?? error).includes('UNIQUE constraint failed');

export async function addArea(groupId: string, name: string, now = new Date()) {
	try {
		db.insert(area).values({ id: newId(), groupId, name, createdAt: now }).run();
	} catch (error) {
		if (isNameTaken(error)) throw new AreaNameTaken();
		throw error;
	}
}

export async function renameArea(groupId: string, areaId: string, name: string) {
	try {
		const updated = db
			.update(area)
			.set({ name })
			.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
			.returning({ id: area.id })
			.all();
		return updated.length === 1;
	} catch (error) {
		if (isNameTaken(error)) throw new AreaNameTaken();
		throw error;
	}
}

/** Removes an area; its tasks stay on the board, without an area. */
export async function removeArea(groupId: string, areaId: string) {
	const removed = db
		.delete(area)
		.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
		.returning({ id: area.id })
		.all();
	return removed.length === 1;
}

/** Adds a member as an owner of an area, if both belong to the group. */
export async function holdArea(groupId: string, areaId: string, userId: string) {
	const result = db.run(
		sql`insert into ${areaOwner} (area_id, user_id)
			select ${areaId}, ${userId}
			where exists (select 1 from ${area} where id = ${areaId} and group_id = ${groupId})
			and exists (select 1 from ${membership} where group_id = ${groupId} and user_id = ${userId})
			on conflict do nothing`
	);
	return result.changes === 1;
}

export async function releaseArea(groupId: string, areaId: string, userId: string) {
	const removed = db
		.delete(areaOwner)
		.where(
			and(
				eq(areaOwner.areaId, areaId),
				eq(areaOwner.userId, userId),
				sql`exists (select 1 from ${area} where id = ${areaId} and group_id = ${groupId})`
			)
		)
		.returning()
		.all();
	return removed.length === 1;
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
			openTasks: sql<number>`(select count(*) from ${task} t join ${taskOwner} o on o.task_id = t.id
				where t.area_id = ${areaOwner.areaId} and o.user_id = ${areaOwner.userId}
				and t.status != 'done' and t.archived_at is null)`
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
