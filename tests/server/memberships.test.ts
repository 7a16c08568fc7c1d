import { describe, expect, it } from 'vitest';
import { groupForMember } from '$lib/server/groups/groups';
import { changeRole, pageOfMembers, removeMember } from '$lib/server/groups/memberships';
import { addMember, makeGroup, makeUser } from '../support/factories';
import { outcome } from '../support/outcome';

async function groupWithOwner() {
	const owner = await makeUser();
	const group = await makeGroup(owner.id);
	return { owner, group };
}

describe('memberships', () => {
	it('make the creator of a group its owner', async () => {
		const { owner, group } = await groupWithOwner();
		expect((await groupForMember(group.slug, owner.id))?.role).toBe('owner');
	});

	it('never let the last owner be demoted, removed or leave', async () => {
		const { owner, group } = await groupWithOwner();
		const member = await makeUser();
		await addMember(group.id, member.id);
		expect(outcome(await changeRole(group.id, owner.id, 'member'))).toBe('last-owner');
		expect(outcome(await changeRole(group.id, owner.id, 'facilitator'))).toBe('last-owner');
		expect(outcome(await removeMember(group.id, owner.id))).toBe('last-owner');
		expect((await groupForMember(group.slug, owner.id))?.role).toBe('owner');
	});

	it('let an owner step down or leave once another owner exists', async () => {
		const { owner, group } = await groupWithOwner();
		const second = await makeUser();
		await addMember(group.id, second.id);
		expect(outcome(await changeRole(group.id, second.id, 'owner'))).toBe('done');
		expect(outcome(await changeRole(group.id, owner.id, 'member'))).toBe('done');
		expect(outcome(await changeRole(group.id, second.id, 'facilitator'))).toBe('last-owner');
		expect(outcome(await removeMember(group.id, owner.id))).toBe('done');
		expect(await groupForMember(group.slug, owner.id)).toBeUndefined();
	});

	it('keep one owner when two owners demote each other at the same moment', async () => {
		const { owner, group } = await groupWithOwner();
		const second = await makeUser();
		await addMember(group.id, second.id, 'owner');
		const outcomes = await Promise.all([
			changeRole(group.id, owner.id, 'member'),
			changeRole(group.id, second.id, 'member')
		]);
		expect(outcomes.map(outcome).sort()).toEqual(['done', 'last-owner']);
		const owners = pageOfMembers(group.id, {}).members.filter((m) => m.role === 'owner');
		expect(owners).toHaveLength(1);
	});

	it('let members leave and report people who are not members', async () => {
		const { group } = await groupWithOwner();
		const member = await makeUser();
		await addMember(group.id, member.id);
		expect(outcome(await removeMember(group.id, member.id))).toBe('done');
		expect(outcome(await removeMember(group.id, member.id))).toBe('not-a-member');
		expect(outcome(await changeRole(group.id, member.id, 'facilitator'))).toBe('not-a-member');
	});
});
