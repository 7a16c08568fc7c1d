import { error, fail, redirect } from '@sveltejs/kit';
import { groupForMember } from '$lib/server/groups';
import { requireUser } from '$lib/server/guards';
import { acceptInvite, findInvite, type InviteLookup } from '$lib/server/invites';
import type { Actions, PageServerLoad } from './$types';

const problems: Record<
	Exclude<InviteLookup['status'], 'active'>,
	{ status: number; message: string }
> = {
	unknown: {
		status: 404,
		message:
			'This invitation link is not valid. Check that you copied all of it, or ask the person who sent it for a new one.'
	},
	expired: {
		status: 410,
		message: 'This invitation link has expired. Ask the person who sent it for a new one.'
	},
	revoked: {
		status: 410,
		message:
			'This invitation link was turned off by the group. Ask the person who sent it for a new one.'
	},
	'used-up': {
		status: 410,
		message:
			'This invitation link has been used as many times as it allows. Ask the person who sent it for a new one.'
	}
};

export const load: PageServerLoad = async ({ params, locals }) => {
	const found = await findInvite(params.token);
	if (found.status !== 'active')
		error(problems[found.status].status, problems[found.status].message);
	const alreadyMember = locals.user
		? Boolean(await groupForMember(found.groupSlug, locals.user.id))
		: false;
	return {
		invite: { groupName: found.groupName, groupSlug: found.groupSlug, role: found.invite.role },
		alreadyMember
	};
};

export const actions: Actions = {
	accept: async (event) => {
		const user = requireUser(event);
		const result = await acceptInvite(event.params.token, user.id);
		if (result.outcome === 'joined') redirect(303, `/g/${result.groupSlug}?welcome=1`);
		if (result.outcome === 'already-member') redirect(303, `/g/${result.groupSlug}`);
		return fail(problems[result.outcome].status, { message: problems[result.outcome].message });
	}
};
