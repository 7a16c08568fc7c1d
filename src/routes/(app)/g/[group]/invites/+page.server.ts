import { fail, redirect, type Cookies } from '@sveltejs/kit';
import { z } from 'zod';
import { roles } from '$lib/server/db/schema';
import { readForm, textField } from '$lib/server/forms';
import { requireMember } from '$lib/server/guards';
import { createInvite, listInvites, revokeInvite } from '$lib/server/groups/invites';
import type { Actions, PageServerLoad } from './$types';

const expiryChoices = [1, 7, 30] as const;

const newInvite = z.object({
	role: z.enum(roles, 'Choose the role the link gives.'),
	note: textField('The note', { max: 80 }).optional().or(z.literal('')),
	expiresInDays: z.coerce.number('Choose when the link expires.').pipe(
		z.union(
			expiryChoices.map((days) => z.literal(days)),
			'Choose 1, 7 or 30 days.'
		)
	),
	maxUses: z.coerce
		.number('Enter how many people may use the link.')
		.int('Enter a whole number of uses.')
		.min(1, 'A link needs at least one use.')
		.max(500, 'A link can have at most 500 uses.')
});
const revocation = z.object({ inviteId: z.string({ error: 'Choose a link.' }).min(1).max(64) });

// A new link is handed to the page once through a short-lived cookie and a redirect, so that
// reloading the page shows the list instead of posting the form (and making a link) again.
const newLinkCookie = 'new-invite-link';
const cookiePath = (slug: string) => `/g/${slug}/invites`;

function takeNewLink(cookies: Cookies, slug: string) {
	const link = cookies.get(newLinkCookie);
	if (link) cookies.delete(newLinkCookie, { path: cookiePath(slug) });
	return link ?? null;
}

export const load: PageServerLoad = async (event) => {
	const { group } = await requireMember(event, 'owner');
	const invites = await listInvites(group.id);
	return {
		newLink: takeNewLink(event.cookies, group.slug),
		invites: invites.map(({ id, role, note, maxUses, useCount, expiresAt, createdAt, status }) => ({
			id,
			role,
			note,
			maxUses,
			useCount,
			expiresAt,
			createdAt,
			status
		}))
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { group, user } = await requireMember(event, 'owner');
		const form = await readForm(event.request, newInvite);
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		const { token } = await createInvite({ ...form.data, groupId: group.id, createdBy: user.id });
		event.cookies.set(newLinkCookie, `${event.url.origin}/invite/${token}`, {
			path: cookiePath(group.slug),
			httpOnly: true,
			sameSite: 'strict',
			secure: event.url.protocol === 'https:',
			maxAge: 60
		});
		redirect(303, cookiePath(group.slug));
	},
	revoke: async (event) => {
		const { group } = await requireMember(event, 'owner');
		const form = await readForm(event.request, revocation);
		if (!form.ok) return fail(400, { message: form.message });
		if (!(await revokeInvite(group.id, form.data.inviteId))) {
			return fail(400, { message: 'That link was already revoked or does not exist.' });
		}
		return { revoked: form.data.inviteId, success: 'Link revoked. Nobody else can join with it.' };
	}
};
