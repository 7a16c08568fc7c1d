import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { db, prepared, transaction } from '$lib/server/db';
import { group, invite, membership, type Invite, type Role, removal } from '$lib/server/db/schema';
import { generateToken, hashToken, newId } from '$lib/server/tokens';
import { ok, refuse, type Result } from '$lib/server/result';

export type InviteStatus = 'active' | 'expired' | 'revoked' | 'used-up';
export type InviteLookup =
	| { status: 'active'; invite: Invite; groupName: string; groupSlug: string }
	| { status: Exclude<InviteStatus, 'active'>; groupSlug: string }
	| { status: 'unknown' };

const day = 24 * 60 * 60 * 1000;

export function inviteStatus(row: Invite, now = new Date()): InviteStatus {
	if (row.revokedAt) return 'revoked';
	if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
	if (row.useCount >= row.maxUses) return 'used-up';
	return 'active';
}

/** Creates a link; the token is returned once, for the owner to copy, and only its hash is kept. */
export async function createInvite(input: {
	groupId: string;
	role: Role;
	note?: string | null;
	expiresInDays: number;
	maxUses: number;
	createdBy: string;
	now?: Date;
}) {
	const now = input.now ?? new Date();
	const token = generateToken();
	const id = newId();
	db.insert(invite)
		.values({
			id,
			groupId: input.groupId,
			tokenHash: hashToken(token),
			role: input.role,
			note: input.note || null,
			maxUses: input.maxUses,
			expiresAt: new Date(now.getTime() + input.expiresInDays * day),
			createdBy: input.createdBy,
			createdAt: now
		})
		.run();
	return { id, token };
}

const invitesOfGroup = prepared(() =>
	db
		.select()
		.from(invite)
		.where(eq(invite.groupId, sql.placeholder('groupId')))
		.orderBy(desc(invite.createdAt))
		.prepare()
);

export async function listInvites(groupId: string, now = new Date()) {
	const rows = invitesOfGroup().all({ groupId });
	return rows.map((row) => ({ ...row, status: inviteStatus(row, now) }));
}

export async function revokeInvite(groupId: string, inviteId: string, now = new Date()) {
	const revoked = db
		.update(invite)
		.set({ revokedAt: now })
		.where(and(eq(invite.id, inviteId), eq(invite.groupId, groupId), isNull(invite.revokedAt)))
		.returning({ id: invite.id })
		.all();
	return revoked.length > 0;
}

export async function findInvite(token: string, now = new Date()): Promise<InviteLookup> {
	const [row] = db
		.select({ invite, groupName: group.name, groupSlug: group.slug })
		.from(invite)
		.innerJoin(group, eq(group.id, invite.groupId))
		.where(eq(invite.tokenHash, hashToken(token)))
		.all();
	if (!row) return { status: 'unknown' };
	const status = inviteStatus(row.invite, now);
	return status === 'active' ? { status, ...row } : { status, groupSlug: row.groupSlug };
}

/** Why a link let nobody in. */
export type InviteRefusal = Exclude<InviteStatus, 'active'> | 'unknown' | 'removed';
/** The group the person is now in, and whether they joined just now or were in it already. */
export type AcceptResult = Result<{ groupSlug: string; joined: boolean }, InviteRefusal>;

/**
 * Adds the person to the invite's group. The use is counted by an UPDATE that only succeeds while
 * the link is still valid, in the same transaction as the membership, so a link with one use left
 * admits exactly one of two people clicking at once.
 */
export async function acceptInvite(
	token: string,
	userId: string,
	now = new Date()
): Promise<AcceptResult> {
	return transaction((tx): AcceptResult => {
		const [row] = tx
			.select({ invite, groupSlug: group.slug })
			.from(invite)
			.innerJoin(group, eq(group.id, invite.groupId))
			.where(eq(invite.tokenHash, hashToken(token)))
			.all();
		if (!row) return refuse('unknown');
		const status = inviteStatus(row.invite, now);
		if (status !== 'active') return refuse(status);

		const [existing] = tx
			.select({ role: membership.role })
			.from(membership)
			.where(and(eq(membership.groupId, row.invite.groupId), eq(membership.userId, userId)))
			.all();
		if (existing) return ok({ groupSlug: row.groupSlug, joined: false });
		// an owner removed this person: a link they kept does not undo that
		const [removed] = tx
			.select({ userId: removal.userId })
			.from(removal)
			.where(and(eq(removal.groupId, row.invite.groupId), eq(removal.userId, userId)))
			.all();
		if (removed) return refuse('removed');

		const used = tx
			.update(invite)
			.set({ useCount: sql`${invite.useCount} + 1` })
			.where(
				and(
					eq(invite.id, row.invite.id),
					isNull(invite.revokedAt),
					gt(invite.expiresAt, now),
					lt(invite.useCount, invite.maxUses)
				)
			)
			.returning({ id: invite.id })
			.all();
		if (used.length === 0) return refuse('used-up');
		tx.insert(membership)
			.values({ groupId: row.invite.groupId, userId, role: row.invite.role, joinedAt: now })
			.run();
		return ok({ groupSlug: row.groupSlug, joined: true });
	});
}

/** The group a log-in or sign-up page is leading into, when `next` is an active invitation. */
/** The token of an invitation page's path ("/invite/<token>"), or null for any other path. */
export function invitationToken(path: string) {
	return path.match(/^\/invite\/([a-z2-7]{16,64})$/)?.[1] ?? null;
}

export async function invitationContext(next: string) {
	const token = invitationToken(next);
	if (!token) return null;
	const found = await findInvite(token);
	return found.status === 'active' ? { groupName: found.groupName } : null;
}
