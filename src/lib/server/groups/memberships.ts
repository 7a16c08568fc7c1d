import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, prepared, transaction } from '$lib/server/db';
import { membership, removal, user, type Role } from '$lib/server/db/schema';
import { area, areaOwner, reminder, task, taskOwner } from '$lib/server/db/work-schema';
import { ok, refuse, type Result } from '$lib/server/result';

/** Why a member's role or membership could not change. */
export type MembershipRefusal = 'not-a-member' | 'last-owner';
export type MembershipChange = Result<undefined, MembershipRefusal>;

const oneMember = prepared(() =>
	db
		.select({ userId: user.id, displayName: user.displayName, role: membership.role })
		.from(membership)
		.innerJoin(user, eq(user.id, membership.userId))
		.where(
			and(
				eq(membership.groupId, sql.placeholder('groupId')),
				eq(membership.userId, sql.placeholder('userId'))
			)
		)
		.prepare()
);

const namesOfMembers = prepared(() =>
	db
		.select({ userId: user.id, displayName: user.displayName })
		.from(membership)
		.innerJoin(user, eq(user.id, membership.userId))
		.where(eq(membership.groupId, sql.placeholder('groupId')))
		.orderBy(asc(user.displayName))
		.prepare()
);

/** Every member's id and name, by name: what a picker of members needs, and no more. */
export function memberNames(groupId: string) {
	return namesOfMembers().all({ groupId });
}

/**
 * A group this size or smaller picks a member from a list of every name; a larger one types a
 * name and is offered matches (MemberPicker). A list of hundreds is slow to scan and to serve:
 * 300 names more than doubled the cost of the pages that showed them.
 */
export const listedMembersAtMost = 60;

export type MemberName = { userId: string; displayName: string };

/** Every member's name for a picker when the group is small enough to list; null when it is not. */
export async function namesToList(groupId: string): Promise<MemberName[] | null> {
	return (await memberCount(groupId)) > listedMembersAtMost ? null : memberNames(groupId);
}

/** Members whose name contains `name` (any case), by name: what a picker suggests as one types. */
export function membersNamedLike(groupId: string, name: string, limit = 8): MemberName[] {
	return membersPage()
		.rows.all({ groupId, name: name.trim().toLowerCase(), offset: 0, limit })
		.map(({ userId, displayName }) => ({ userId, displayName }));
}

const membersNamed = prepared(() =>
	db
		.select({ userId: user.id })
		.from(membership)
		.innerJoin(user, eq(user.id, membership.userId))
		.where(
			and(
				eq(membership.groupId, sql.placeholder('groupId')),
				// SQLite's lower() folds only ASCII letters: folding both sides alike keeps an exact
				// name with accents matching
				sql`lower(${user.displayName}) = lower(${sql.placeholder('name')})`
			)
		)
		.limit(2)
		.prepare()
);

/** The one member called `name` (trimmed, any case), for a name typed where no list was shown. */
export function memberNamed(
	groupId: string,
	name: string
): Result<string, 'no-one-named' | 'several-named'> {
	const found = membersNamed().all({ groupId, name: name.trim() });
	if (found.length === 0) return refuse('no-one-named');
	if (found.length > 1) return refuse('several-named');
	return ok(found[0].userId);
}

/** One member of the group, or undefined when that person is not in it. */
export function memberOf(groupId: string, userId: string) {
	return oneMember().get({ groupId, userId });
}

// One page of members, by name, optionally only those whose name contains `name`.
const membersPage = prepared(() => {
	const named = sql`(${sql.placeholder('name')} = '' or instr(lower(${user.displayName}), ${sql.placeholder('name')}) > 0)`;
	return {
		rows: db
			.select({ userId: user.id, displayName: user.displayName, role: membership.role })
			.from(membership)
			.innerJoin(user, eq(user.id, membership.userId))
			.where(and(eq(membership.groupId, sql.placeholder('groupId')), named))
			.orderBy(asc(user.displayName), asc(user.id))
			.limit(sql.placeholder('limit'))
			.offset(sql.placeholder('offset'))
			.prepare(),
		// names are read only to count matches of a name: every member's row is joined to its person
		matching: db
			.select({ matching: count() })
			.from(membership)
			.innerJoin(user, eq(user.id, membership.userId))
			.where(and(eq(membership.groupId, sql.placeholder('groupId')), named))
			.prepare(),
		counts: db
			.select({ members: count(), owners: sql<number>`sum(${membership.role} = 'owner')` })
			.from(membership)
			.where(eq(membership.groupId, sql.placeholder('groupId')))
			.prepare()
	};
});

/**
 * A page of a group's members (by name, `name` matching any part of it, in any case), with how
 * many match and how many owners the group has. A group of hundreds is shown a page at a time.
 */
export function pageOfMembers(
	groupId: string,
	{ name = '', offset = 0, limit = 50 }: { name?: string; offset?: number; limit?: number }
) {
	const values = { groupId, name: name.trim().toLowerCase(), offset, limit };
	const queries = membersPage();
	const [counts] = queries.counts.all({ groupId });
	const [found] = values.name ? queries.matching.all(values) : [{ matching: counts?.members }];
	return {
		members: queries.rows.all(values),
		matching: Number(found?.matching ?? 0),
		owners: Number(counts?.owners ?? 0)
	};
}

const countMembers = prepared(() =>
	db
		.select({ count: sql<number>`count(*)` })
		.from(membership)
		.where(eq(membership.groupId, sql.placeholder('groupId')))
		.prepare()
);

export async function memberCount(groupId: string) {
	const [row] = await countMembers().all({ groupId });
	return row.count;
}

const fellow = alias(membership, 'fellow');

/**
 * How many members (with `role`, if given) the group of the outer query's membership row has:
 * a subquery to compare in a condition.
 */
export function membersOfItsGroup(role?: Role) {
	return db
		.select({ members: count() })
		.from(fellow)
		.where(and(eq(fellow.groupId, membership.groupId), role ? eq(fellow.role, role) : undefined));
}

// The last-owner rule lives inside the UPDATE/DELETE itself: two owners demoting each other at
// once cannot both succeed, because SQLite runs the two statements one after the other.
const isLastOwner = () => and(eq(membership.role, 'owner'), sql`${membersOfItsGroup('owner')} = 1`);

export async function changeRole(
	groupId: string,
	userId: string,
	role: Role
): Promise<MembershipChange> {
	const target = and(eq(membership.groupId, groupId), eq(membership.userId, userId));
	const updated = db
		.update(membership)
		.set({ role })
		.where(role === 'owner' ? target : and(target, sql`not ${isLastOwner()}`))
		.returning({ userId: membership.userId })
		.all();
	return updated.length > 0 ? ok(undefined) : explainRefusal(groupId, userId);
}

/**
 * Removes a member (an owner's decision: `barred`, so that an invitation link they still hold
 * does not let them back in) or lets one leave (their own); never the last owner.
 */
export async function removeMember(
	groupId: string,
	userId: string,
	{ barred = false, now = new Date() }: { barred?: boolean; now?: Date } = {}
): Promise<MembershipChange> {
	const deleted = transaction((tx) => {
		const rows = tx
			.delete(membership)
			.where(
				and(
					eq(membership.groupId, groupId),
					eq(membership.userId, userId),
					sql`not ${isLastOwner()}`
				)
			)
			.returning({ userId: membership.userId })
			.all();
		if (rows.length > 0 && barred) {
			tx.insert(removal).values({ groupId, userId, removedAt: now }).onConflictDoNothing().run();
		}
		if (rows.length > 0) {
			// Whoever leaves lets go of the group's tasks and areas: they would otherwise be
			// reminded of work on a board they can no longer open, and it would look owned.
			tx.delete(taskOwner)
				.where(
					and(
						eq(taskOwner.userId, userId),
						inArray(
							taskOwner.taskId,
							tx.select({ id: task.id }).from(task).where(eq(task.groupId, groupId))
						)
					)
				)
				.run();
			tx.delete(areaOwner)
				.where(
					and(
						eq(areaOwner.userId, userId),
						inArray(
							areaOwner.areaId,
							tx.select({ id: area.id }).from(area).where(eq(area.groupId, groupId))
						)
					)
				)
				.run();
			// and hears nothing more from it: what was still waiting to be delivered is dropped
			tx.delete(reminder)
				.where(
					and(
						eq(reminder.userId, userId),
						eq(reminder.groupId, groupId),
						eq(reminder.status, 'pending')
					)
				)
				.run();
		}
		return rows;
	});
	return deleted.length > 0 ? ok(undefined) : explainRefusal(groupId, userId);
}

async function explainRefusal(groupId: string, userId: string): Promise<MembershipChange> {
	const [row] = db
		.select({ role: membership.role })
		.from(membership)
		.where(and(eq(membership.groupId, groupId), eq(membership.userId, userId)))
		.all();
	return refuse(row ? 'last-owner' : 'not-a-member');
}

/** People an owner removed from the group, who cannot come back by an old link: by name. */
const removedFromGroup = prepared(() =>
	db
		.select({ userId: user.id, displayName: user.displayName, removedAt: removal.removedAt })
		.from(removal)
		.innerJoin(user, eq(user.id, removal.userId))
		.where(eq(removal.groupId, sql.placeholder('groupId')))
		.orderBy(asc(user.displayName))
		.prepare()
);

export function removedPeople(groupId: string) {
	return removedFromGroup().all({ groupId });
}

/** An owner lets a removed person back: an invitation link works for them again. */
export function allowBack(groupId: string, userId: string): Result<undefined, 'not-removed'> {
	const lifted = db
		.delete(removal)
		.where(and(eq(removal.groupId, groupId), eq(removal.userId, userId)))
		.returning({ userId: removal.userId })
		.all();
	return lifted.length > 0 ? ok(undefined) : refuse('not-removed');
}
