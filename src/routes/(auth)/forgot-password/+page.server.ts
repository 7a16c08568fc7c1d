import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { canSendMail } from '$lib/server/accounts/account-mail';
import { requestReset } from '$lib/server/accounts/password-reset';
import { describeWait } from '$lib/server/accounts/rate-limit';
import { emailField, readForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const resetForm = z.object({ email: emailField });

export const load: PageServerLoad = async () => ({ canSendMail: canSendMail() });

export const actions: Actions = {
	send: async (event) => {
		const form = await readForm(event.request, resetForm);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { email } = form.data;
		const requested = await requestReset(email, event.getClientAddress());
		if (!requested.ok && requested.refusal === 'wait') {
			event.setHeaders({ 'Retry-After': String(requested.retryAfter) });
			return fail(429, {
				message: `Too many requests for a new password. Wait ${describeWait(requested.retryAfter)} and try again.`,
				values: { email }
			});
		}
		if (!requested.ok) {
			// how this instance is set up, not a failure: 409
			return fail(409, {
				message:
					'This Outsider cannot send email, so it cannot send you a link. Ask whoever runs it to set a new password for you.',
				values: { email }
			});
		}
		// the same words whether or not an account has this address: the page must not tell
		return {
			success: `If an account uses ${email}, a link to set a new password is on its way there. It works once, for an hour. Nothing there after a few minutes? Look in your spam folder, or try the address you signed up with.`
		};
	}
};
