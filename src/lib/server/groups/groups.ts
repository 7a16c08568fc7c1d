import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, prepared, type Executor, transaction } from '$lib/server/db';
import { group, membership, purpose, type Group, type Role } from '$lib/server/db/schema';
import { eraseDeletedForGood } from '$lib/server/anonymity';
import { ok, refuse, type Result } from '$lib/server/result';
import { newId } from '$lib/server/tokens';
import { addDefaultAreas } from '$lib/server/tasks/areas';
import { slugify } from '$lib/slug';

const roleRank: Record<Role, number> = { member: 0, facilitator: 1, owner: 2 };

export function hasRole(role: Role, atLeast: Role) {
	return roleRank[role] >= roleRank[atLeast];
}

/** A free slug for a new group's name: the slugified name, or it with -2, -3... appended. */
export async function suggestSlug(name: string) {
	const base = slugify(name).slice(0, 44).replace(/-+$/, '') || 'group';
	const padded = base.length >= 3 ? base : `${base}-group`;
	const taken = new Set(
		db
			.select({ slug: group.slug })
			.from(group)
			.where(sql`${group.slug} = ${padded} or ${group.slug} like ${padded + '-%'}`)
			.all()
			.map((row) => row.slug)
	);
	if (!taken.has(padded)) return padded;
	for (let n = 2; ; n++) if (!taken.has(`${padded}-${n}`)) return `${padded}-${n}`;
}

export async function createGroup(input: {
	name: string;
	slug: string;
	purpose: string;
	ownerId: string;
	now?: Date;
}): Promise<Result<string, 'slug-taken'>> {
	const now = input.now ?? new Date();
	const id = newId();
	return transaction((tx): Result<string, 'slug-taken'> => {
		const inserted = tx
			.insert(group)
			.values({ id, slug: input.slug, name: input.name, createdAt: now })
			.onConflictDoNothing({ target: group.slug })
			.returning({ id: group.id })
			.all();
		if (inserted.length === 0) return refuse('slug-taken');
		tx.insert(purpose)
			.values({ groupId: id, version: 1, text: input.purpose, setBy: input.ownerId, setAt: now })
			.run();
		tx.insert(membership)
			.values({ groupId: id, userId: input.ownerId, role: 'owner', joinedAt: now })
			.run();
		addDefaultAreas(tx, id, now);
		return ok(id);
	});
}

const latest = alias(purpose, 'latest');
/** The outer query's group's purpose as it stands: a subquery to select. */
const currentPurposeText = () =>
	sql<string>`${db
		.select({ text: latest.text })
		.from(latest)
		.where(eq(latest.groupId, group.id))
		.orderBy(desc(latest.version))
		.limit(1)}`;

const groupsOfUser = prepared(() =>
	db
		.select({
			slug: group.slug,
			name: group.name,
			role: membership.role,
			purpose: currentPurposeText()
		})
		.from(membership)
		.innerJoin(group, eq(group.id, membership.groupId))
		.where(eq(membership.userId, sql.placeholder('userId')))
		.orderBy(asc(group.name))
		.prepare()
);

/** The groups a person belongs to, with their role and the group's current purpose. */
export async function groupsOf(userId: string) {
	return groupsOfUser().all({ userId });
}

export type MemberView = { group: Group; role: Role };

/** The group at `slug` as seen by `userId`, or undefined when they are not in it. */
// Every group page runs this.
const findMember = prepared(() =>
	db
		.select({ group, role: membership.role })
		.from(group)
		.innerJoin(
			membership,
			and(eq(membership.groupId, group.id), eq(membership.userId, sql.placeholder('userId')))
		)
		.where(eq(group.slug, sql.placeholder('slug')))
		.prepare()
);

export async function groupForMember(
	slug: string,
	userId: string
): Promise<MemberView | undefined> {
	const [row] = await findMember().all({ slug, userId });
	return row;
}

const latestPurpose = prepared(() =>
	db
		.select()
		.from(purpose)
		.where(eq(purpose.groupId, sql.placeholder('groupId')))
		.orderBy(desc(purpose.version))
		.limit(1)
		.prepare()
);

export async function currentPurpose(groupId: string) {
	const [row] = await latestPurpose().all({ groupId });
	return row;
}

/**
 * Deletes a group with everything in it: members, invitations, reviews and their results, tasks,
 * and the reminders, notices and mail about it, whose titles quote the group and its work.
 */
export async function deleteGroup(groupId: string) {
	transaction((tx) => deleteGroupRows(tx, groupId));
	// gone from the file (its pages rebuilt) and from the log
	await eraseDeletedForGood();
}

/** Everything in the group, with the reminders, notices and mail about it, cascades from it. */
export function deleteGroupRows(tx: Executor, groupId: string) {
	tx.delete(group).where(eq(group.id, groupId)).run();
}
