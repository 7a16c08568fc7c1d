import { fail } from '@sveltejs/kit';
import { findLink, maxTokenLength } from '$lib/server/accounts/email-links';
import { confirmEmail } from '$lib/server/accounts/verification';
import type { Actions, PageServerLoad } from './$types';

// The link in the confirmation email. Opening it changes nothing: mail scanners open links, and
// one that confirmed on sight would confirm an address for whoever signed up with it, not for
// the person who reads its mail. The button on the page confirms.
export const load: PageServerLoad = async ({ params }) => {
	const holder =
		params.token.length <= maxTokenLength ? findLink(params.token, 'verify-email') : null;
	return { link: holder && { email: holder.email, displayName: holder.displayName } };
};

export const actions: Actions = {
	confirm: async ({ params }) => {
		const confirmed =
			params.token.length <= maxTokenLength ? confirmEmail(params.token) : { ok: false as const };
		if (!confirmed.ok) {
			return fail(404, {
				message:
					'This link no longer works: it was used already, it is more than a day old, or a newer one was sent. Send a new one from your account page.'
			});
		}
		return {
			success: `Thank you: ${confirmed.value} is confirmed. Reminders from your groups can reach you there.`
		};
	}
};
