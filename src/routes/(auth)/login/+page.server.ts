import { fail } from '@sveltejs/kit';
import { authPage, signInAndContinue } from '$lib/server/accounts/auth-pages';
import { z } from 'zod';
import { logIn } from '$lib/server/accounts/auth';
import { emailField, readForm } from '$lib/server/forms';
import { describeWait } from '$lib/server/accounts/rate-limit';
import type { Actions, PageServerLoad } from './$types';

const loginForm = z.object({
	email: emailField,
	password: z
		.string({ error: 'Enter your password.' })
		.min(1, 'Enter your password.')
		.max(1024, 'That password is too long.'),
	next: z
		.string()
		.max(500, 'The page to go back to is too long. Open the log-in page again and retry.')
		.optional()
});

export const load: PageServerLoad = authPage;

export const actions: Actions = {
	login: async (event) => {
		const form = await readForm(event.request, loginForm);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { email, password, next } = form.data;

		const outcome = await logIn(email, password, event.getClientAddress());
		if (outcome.ok) return signInAndContinue(event, outcome.userId, next);
		if (outcome.refusal === 'wait') {
			event.setHeaders({ 'Retry-After': String(outcome.retryAfter) });
			return fail(429, {
				message: `Too many failed log-ins. Wait ${describeWait(outcome.retryAfter)} and try again.`,
				values: { email }
			});
		}
		if (outcome.refusal === 'email-link-needed') {
			return fail(429, {
				message:
					'Someone tried too many wrong passwords for this account, so it cannot be opened with a password for a while. To log in now, get a link by email and choose a new password.',
				emailLinkNeeded: true,
				values: { email }
			});
		}
		// One message for an unknown email and a wrong password: the form must not reveal who has an account.
		return fail(400, {
			message: 'That email and password do not match an account.',
			values: { email }
		});
	}
};
