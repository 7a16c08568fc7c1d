import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { invite, membership } from '$lib/server/db/schema';
import { groupForMember } from '$lib/server/groups/groups';
import {
	acceptInvite,
	createInvite,
	findInvite,
	listInvites,
	revokeInvite
} from '$lib/server/groups/invites';
import { hashToken } from '$lib/server/tokens';
import { allowBack, removeMember, removedPeople } from '$lib/server/groups/memberships';
import { makeGroup, makeUser } from '../support/factories';
import { outcome } from '../support/outcome';

const day = 24 * 60 * 60 * 1000;

async function setup(
	options: { maxUses?: number; expiresInDays?: number; role?: 'member' | 'facilitator' } = {}
) {
	const owner = await makeUser();
	const group = await makeGroup(owner.id);
	const { id, token } = await createInvite({
		groupId: group.id,
		role: options.role ?? 'member',
		expiresInDays: options.expiresInDays ?? 7,
		maxUses: options.maxUses ?? 5,
		createdBy: owner.id
	});
	return { owner, group, id, token };
}

describe('invitations', () => {
	it('store only a hash of the link token', async () => {
		const { id, token } = await setup();
		const [row] = await db.select().from(invite).where(eq(invite.id, id));
		expect(row.tokenHash).toBe(hashToken(token));
		expect(JSON.stringify(row)).not.toContain(token);
	});

	it('let a person join with the role the link gives, once', async () => {
		const { group, token } = await setup({ role: 'facilitator' });
		const person = await makeUser();
		expect(await acceptInvite(token, person.id)).toEqual({
			ok: true,
			value: { groupSlug: group.slug, joined: true }
		});
		expect((await groupForMember(group.slug, person.id))?.role).toBe('facilitator');
		// a second click neither fails nor spends another use
		expect(await acceptInvite(token, person.id)).toEqual({
			ok: true,
			value: { groupSlug: group.slug, joined: false }
		});
		const [row] = await listInvites(group.id);
		expect(row.useCount).toBe(1);
	});

	it('stop working when they expire', async () => {
		const { token } = await setup({ expiresInDays: 1 });
		const person = await makeUser();
		const later = new Date(Date.now() + day + 1000);
		expect((await findInvite(token, later)).status).toBe('expired');
		expect(outcome(await acceptInvite(token, person.id, later))).toBe('expired');
	});

	it('stop working when revoked, and only for their own group', async () => {
		const { group, id, token } = await setup();
		const other = await setup();
		expect(await revokeInvite(other.group.id, id)).toBe(false);
		expect(await revokeInvite(group.id, id)).toBe(true);
		expect(await revokeInvite(group.id, id)).toBe(false);
		expect((await findInvite(token)).status).toBe('revoked');
		expect(outcome(await acceptInvite(token, (await makeUser()).id))).toBe('revoked');
	});

	it('admit at most their maximum number of people, even when all click at once', async () => {
		const { group, token } = await setup({ maxUses: 3 });
		const people = await Promise.all(Array.from({ length: 8 }, () => makeUser()));
		const results = await Promise.all(people.map((p) => acceptInvite(token, p.id)));
		expect(results.filter((r) => r.ok && r.value.joined)).toHaveLength(3);
		expect(results.filter((r) => outcome(r) === 'used-up')).toHaveLength(5);
		const members = await db.select().from(membership).where(eq(membership.groupId, group.id));
		expect(members).toHaveLength(4); // the owner and three
		expect((await findInvite(token)).status).toBe('used-up');
	});

	it('are unknown when forged', async () => {
		expect((await findInvite('not-a-real-token')).status).toBe('unknown');
		expect(outcome(await acceptInvite('not-a-real-token', (await makeUser()).id))).toBe('unknown');
	});
});

describe('a removal', () => {
	it('stands against a link the removed person kept, until an owner lets them back', async () => {
		const { group, token } = await setup({ maxUses: 10 });
		const person = await makeUser();
		expect(outcome(await acceptInvite(token, person.id))).toBe('done');
		expect(outcome(await removeMember(group.id, person.id, { barred: true }))).toBe('done');
		expect(outcome(await acceptInvite(token, person.id))).toBe('removed');
		expect(await groupForMember(group.slug, person.id)).toBeUndefined();
		expect(removedPeople(group.id).map((p) => p.userId)).toEqual([person.id]);

		expect(outcome(allowBack(group.id, person.id))).toBe('done');
		expect(outcome(allowBack(group.id, person.id))).toBe('not-removed');
		expect(removedPeople(group.id)).toEqual([]);
		expect(await acceptInvite(token, person.id)).toEqual({
			ok: true,
			value: { groupSlug: group.slug, joined: true }
		});
	});

	it('is not made by leaving: someone who left may come back by a link', async () => {
		const { group, token } = await setup({ maxUses: 10 });
		const person = await makeUser();
		expect(outcome(await acceptInvite(token, person.id))).toBe('done');
		expect(outcome(await removeMember(group.id, person.id))).toBe('done');
		expect(removedPeople(group.id)).toEqual([]);
		expect(outcome(await acceptInvite(token, person.id))).toBe('done');
	});
});
