import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { signInAndContinue } from '$lib/server/accounts/auth-pages';
import { findLink, maxTokenLength } from '$lib/server/accounts/email-links';
import { resetPassword } from '$lib/server/accounts/password-reset';
import { passwordMaxLength } from '$lib/server/accounts/passwords';
import { readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

// The link in the reset email. Opening it only shows the form (mail scanners open links); the
// link is used up when the new password is set.
const resetForm = z.object({
	password: z
		.string({ error: 'Choose a new password.' })
		.min(1, 'Choose a new password.')
		.max(passwordMaxLength * 4, `Use at most ${passwordMaxLength} characters.`)
});

const linkFor = (token: string) =>
	token.length <= maxTokenLength ? findLink(token, 'reset-password') : null;

export const load: PageServerLoad = async ({ params }) => {
	const holder = linkFor(params.token);
	return { link: holder && { email: holder.email } };
};

const expired =
	'This link no longer works: it was used already, it is more than an hour old, or a newer one was sent. Ask for a new one.';

export const actions: Actions = {
	reset: async (event) => {
		const form = await readForm(event.request, resetForm);
		if (!form.ok) return fail(400, { message: form.message, errors: form.errors });
		const reset = await resetPassword(
			event.params.token.slice(0, maxTokenLength + 1),
			form.data.password
		);
		if (!reset.ok && reset.refusal === 'weak')
			return fail(400, { message: reset.problem, errors: { password: reset.problem } });
		if (!reset.ok) return fail(404, { message: expired, expired: true });
		// every session of the account ended with the reset; this device starts a new one
		await signInAndContinue(event, reset.value, '/account?password=reset');
	}
};
