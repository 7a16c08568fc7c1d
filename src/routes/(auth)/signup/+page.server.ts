import { fail } from '@sveltejs/kit';
import { authPage, signInAndContinue } from '$lib/server/accounts/auth-pages';
import { z } from 'zod';
import { signUp } from '$lib/server/accounts/auth';
import { emailField, readForm, textField } from '$lib/server/forms';
import { passwordMaxLength } from '$lib/server/accounts/passwords';
import { describeWait } from '$lib/server/accounts/rate-limit';
import type { Actions, PageServerLoad } from './$types';

// Length and common-password rules are checked in passwords.ts; this only bounds the input.
const signupForm = z.object({
	displayName: textField('Your name', { max: 80 }),
	email: emailField,
	password: z
		.string({ error: 'Choose a password.' })
		.max(passwordMaxLength * 4, `Use at most ${passwordMaxLength} characters.`),
	next: z
		.string()
		.max(500, 'The page to go back to is too long. Open the log-in page again and retry.')
		.optional()
});

export const load: PageServerLoad = authPage;

export const actions: Actions = {
	signup: async (event) => {
		const form = await readForm(event.request, signupForm);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { displayName, email, password, next } = form.data;

		const outcome = await signUp({ displayName, email, password }, event.getClientAddress());
		if (!outcome.ok && outcome.retryAfter > 0) {
			event.setHeaders({ 'Retry-After': String(outcome.retryAfter) });
			return fail(429, {
				message: `Too many sign-ups from here. Wait ${describeWait(outcome.retryAfter)} and try again.`,
				values: { displayName, email }
			});
		}
		if (!outcome.ok) {
			const message = outcome.message ?? 'Check the form and try again.';
			return fail(400, {
				message,
				errors: { [outcome.field ?? 'form']: message },
				values: { displayName, email }
			});
		}
		await signInAndContinue(event, outcome.userId, next);
	}
};
