import { error, fail, redirect } from '@sveltejs/kit';
import { groupForMember } from '$lib/server/groups/groups';
import { requireUser } from '$lib/server/guards';
import { acceptInvite, findInvite, type InviteRefusal } from '$lib/server/groups/invites';
import type { Actions, PageServerLoad } from './$types';

const problems: Record<InviteRefusal, { status: number; message: string }> = {
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
	removed: {
		status: 403,
		message:
			'An owner removed you from this group, so this link does not let you back in. Ask an owner if you should rejoin.'
	},
	'used-up': {
		status: 410,
		message:
			'This invitation link has been used as many times as it allows. Ask the person who sent it for a new one.'
	}
};

export const load: PageServerLoad = async ({ params, locals }) => {
	const found = await findInvite(params.token);
	// Someone already in the group who opens one of its links, even an old one, goes to the group.
	const member =
		found.status !== 'unknown' &&
		locals.user &&
		(await groupForMember(found.groupSlug, locals.user.id));
	if (member) redirect(303, `/g/${found.groupSlug}`);
	if (found.status !== 'active')
		error(problems[found.status].status, problems[found.status].message);
	return { invite: { groupName: found.groupName, role: found.invite.role } };
};

export const actions: Actions = {
	accept: async (event) => {
		const user = requireUser(event);
		const result = await acceptInvite(event.params.token, user.id);
		if (result.ok) {
			const { groupSlug, joined } = result.value;
			redirect(303, joined ? `/g/${groupSlug}?welcome=1` : `/g/${groupSlug}`);
		}
		const problem = problems[result.refusal];
		return fail(problem.status, { message: problem.message });
	}
};
