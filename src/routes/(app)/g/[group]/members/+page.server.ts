import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { roles } from '$lib/server/db/schema';
import { readForm } from '$lib/server/forms';
import { requireMember } from '$lib/server/guards';
import {
	changeRole,
	listMembers,
	removeMember,
	type MembershipChange
} from '$lib/server/memberships';
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

const refusals: Record<Exclude<MembershipChange, 'done'>, string> = {
	'not-a-member': 'That person is not a member of this group (any more).',
	'last-owner': 'A group needs at least one owner. Make someone else an owner first.'
};

export const load: PageServerLoad = async (event) => {
	const { group, user } = await requireMember(event);
	return { members: await listMembers(group.id), me: user.id };
};

export const actions: Actions = {
	changeRole: async (event) => {
		const { group } = await requireMember(event, 'owner');
		const form = await readForm(event.request, roleChange);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await changeRole(group.id, form.data.userId, form.data.role);
		if (outcome !== 'done')
			return fail(outcome === 'last-owner' ? 409 : 400, { message: refusals[outcome] });
		return { success: 'Role changed.' };
	},
	remove: async (event) => {
		const { group, user } = await requireMember(event, 'owner');
		const form = await readForm(event.request, removal);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await removeMember(group.id, form.data.userId);
		if (outcome !== 'done')
			return fail(outcome === 'last-owner' ? 409 : 400, { message: refusals[outcome] });
		if (form.data.userId === user.id) redirect(303, '/');
		return { success: 'Member removed.' };
	},
	leave: async (event) => {
		const { group, user } = await requireMember(event);
		const outcome = await removeMember(group.id, user.id);
		if (outcome !== 'done')
			return fail(outcome === 'last-owner' ? 409 : 400, { message: refusals[outcome] });
		redirect(303, '/');
	}
};
