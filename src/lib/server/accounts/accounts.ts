import { and, eq, sql } from 'drizzle-orm';
import { db, type Executor, transaction } from '$lib/server/db';
import { group, membership, user } from '$lib/server/db/schema';
import { delegation, mail, taskComment } from '$lib/server/db/work-schema';
import { eraseDeletedForGood } from '$lib/server/anonymity';
import { deleteGroupRows } from '$lib/server/groups/groups';
import { membersOfItsGroup } from '$lib/server/groups/memberships';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '$lib/server/accounts/passwords';
import { endUserSessions } from '$lib/server/accounts/sessions';
import { ok, refuse, type Result } from '$lib/server/result';
import { newId } from '$lib/server/tokens';
import { accountMail } from '$lib/server/accounts/account-mail';
import { logFailure } from '$lib/server/log';

export async function createAccount(input: {
	email: string;
	displayName: string;
	password: string;
}): Promise<Result<string, 'email-taken'>> {
	const id = newId();
	const passwordHash = await hashPassword(input.password);
	// The unique index on email, not this function, is what keeps two accounts from sharing one.
	const inserted = db
		.insert(user)
		.values({ id, email: input.email, displayName: input.displayName, passwordHash })
		.onConflictDoNothing({ target: user.email })
		.returning({ id: user.id })
		.all();
	return inserted.length > 0 ? ok(id) : refuse('email-taken');
}

/** The account's id when email and password match; null otherwise, in about the same time. */
export async function checkCredentials(email: string, password: string): Promise<string | null> {
	const [row] = db
		.select({ id: user.id, passwordHash: user.passwordHash })
		.from(user)
		.where(eq(user.email, email))
		.all();
	if (!row) return verifyAgainstDecoy(password).then(() => null);
	return (await verifyPassword(row.passwordHash, password)) ? row.id : null;
}

export async function passwordMatches(userId: string, password: string) {
	const [row] = db
		.select({ passwordHash: user.passwordHash })
		.from(user)
		.where(eq(user.id, userId))
		.all();
	return row ? verifyPassword(row.passwordHash, password) : false;
}

/** The name other members see: on the board, in areas, in who asked whom. */
export async function renameUser(userId: string, displayName: string) {
	db.update(user).set({ displayName }).where(eq(user.id, userId)).run();
}

/** Sets a new password and ends every other session, so a thief's session dies with the old one. */
export async function changePassword(
	userId: string,
	newPassword: string,
	currentSessionId: string
) {
	const passwordHash = await hashPassword(newPassword);
	const [person] = db
		.update(user)
		.set({ passwordHash })
		.where(eq(user.id, userId))
		.returning({ userId: user.id, email: user.email, displayName: user.displayName })
		.all();
	await endUserSessions(userId, currentSessionId);
	// best effort: the owner hears of it, in case it was not them
	if (person)
		await accountMail
			.passwordChanged(person)
			.catch((error) => logFailure('telling of a password change', error));
}

/**
 * Groups that stop an account from being deleted: those where the person is the only owner and
 * others remain, who would be left with nobody able to manage them.
 */
export function groupsBlockingDeletion(userId: string, executor: Executor = db) {
	return executor
		.select({ slug: group.slug, name: group.name })
		.from(membership)
		.innerJoin(group, eq(group.id, membership.groupId))
		.where(
			and(
				eq(membership.userId, userId),
				eq(membership.role, 'owner'),
				sql`${membersOfItsGroup('owner')} = 1`,
				sql`${membersOfItsGroup()} > 1`
			)
		)
		.all();
}

/**
 * Deletes the account, its sessions and memberships, the groups where it was the only member,
 * the comments it wrote on tasks, its notes when handing tasks on, and the mail sent to it.
 * Returns the groups that block it instead, checked inside the same transaction. Its rows of who
 * may answer which review stay, without a name, so that no turnout moves (a drop would tell the
 * group whether the person had answered); its answers were never linked to it and stay too.
 */
export async function deleteAccount(userId: string) {
	const result = transaction((tx) => {
		const blocking = groupsBlockingDeletion(userId, tx);
		if (blocking.length > 0) return { deleted: false as const, blocking };
		const soleGroups = tx
			.select({ id: membership.groupId })
			.from(membership)
			.where(and(eq(membership.userId, userId), sql`${membersOfItsGroup()} = 1`))
			.all();
		for (const { id } of soleGroups) deleteGroupRows(tx, id);
		tx.delete(taskComment).where(eq(taskComment.userId, userId)).run();
		tx.update(delegation).set({ note: null }).where(eq(delegation.fromUserId, userId)).run();
		tx.delete(mail).where(eq(mail.userId, userId)).run();
		tx.delete(user).where(eq(user.id, userId)).run();
		return { deleted: true as const, blocking };
	});
	// gone from the file (its pages rebuilt) and from the log
	if (result.deleted) await eraseDeletedForGood();
	return result;
}
