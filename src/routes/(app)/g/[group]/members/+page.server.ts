import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { roles } from '$lib/server/db/schema';
import { pageNumber, readForm } from '$lib/server/forms';
import { deleteGroup } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import {
	changeRole,
	allowBack,
	pageOfMembers,
	removedPeople,
	removeMember,
	type MembershipRefusal
} from '$lib/server/groups/memberships';
import type { Actions, PageServerLoad } from './$types';

const memberId = z
	.string({ error: 'Choose a member.' })
	.min(1, 'Choose a member.')
	.max(64, 'Choose a member.');
const roleChange = z.object({
	userId: memberId,
	role: z.enum(roles, 'Choose owner, facilitator or member.')
});
const removal = z.object({ userId: memberId });
const groupDeletion = z.object({
	confirmName: z
		.string({ error: 'Type the group name to confirm.' })
		.max(200, 'Type the group name to confirm.')
});

const refusals: Record<MembershipRefusal, string> = {
	'not-a-member': 'That person is not a member of this group (any more).',
	'last-owner': 'A group needs at least one owner. Make someone else an owner first.'
};
const refused = (refusal: MembershipRefusal, userId?: string) =>
	fail(refusal === 'last-owner' ? 409 : 400, { message: refusals[refusal], userId });

/** Members shown per page: a group of hundreds stays a page people can scan. */
const perPage = 25;

export const load: PageServerLoad = async (event) => {
	const { group, user, role } = await requireMember(event);
	const params = event.url.searchParams;
	const name = (params.get('q') ?? '').slice(0, 100);
	const page = pageNumber(event.url);
	const { members, matching, owners } = pageOfMembers(group.id, {
		name,
		offset: (page - 1) * perPage,
		limit: perPage
	});
	return {
		members,
		name,
		page,
		pages: Math.max(1, Math.ceil(matching / perPage)),
		first: matching === 0 ? 0 : (page - 1) * perPage + 1,
		matching,
		me: user.id,
		lastOwner: role === 'owner' && owners === 1,
		removed: role === 'owner' ? removedPeople(group.id) : []
	};
};

export const actions: Actions = {
	changeRole: async (event) => {
		const { group } = await requireMember(event, 'owner');
		const form = await readForm(event.request, roleChange);
		if (!form.ok) return fail(400, { message: form.message });
		const { userId, role } = form.data;
		const outcome = await changeRole(group.id, userId, role);
		if (!outcome.ok) return refused(outcome.refusal, userId);
		return { success: 'Role changed.', userId };
	},
	remove: async (event) => {
		const { group, user } = await requireMember(event, 'owner');
		const form = await readForm(event.request, removal);
		if (!form.ok) return fail(400, { message: form.message });
		// removed by an owner, a person stays out until an owner lets them back; leaving does not bar
		const outcome = await removeMember(group.id, form.data.userId, {
			barred: form.data.userId !== user.id
		});
		if (!outcome.ok) return refused(outcome.refusal, form.data.userId);
		if (form.data.userId === user.id) redirect(303, '/');
		return { success: 'Member removed.' };
	},
	allowBack: async (event) => {
		const { group } = await requireMember(event, 'owner');
		const form = await readForm(event.request, removal);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = allowBack(group.id, form.data.userId);
		if (!outcome.ok)
			return fail(400, { message: 'That person is not barred from this group (any more).' });
		return { success: 'They can join again with an invitation link.' };
	},
	leave: async (event) => {
		const { group, user } = await requireMember(event);
		const outcome = await removeMember(group.id, user.id);
		if (!outcome.ok) return refused(outcome.refusal);
		redirect(303, '/');
	},
	deleteGroup: async (event) => {
		const { group } = await requireMember(event, 'owner');
		const form = await readForm(event.request, groupDeletion);
		if (!form.ok) return fail(400, { message: form.message });
		if (form.data.confirmName.trim() !== group.name) {
			return fail(400, { message: `Type the group's name, ${group.name}, exactly, to delete it.` });
		}
		await deleteGroup(group.id);
		redirect(303, '/?farewell=group-deleted');
	}
};
