import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	changePassword,
	deleteAccount,
	groupsBlockingDeletion,
	passwordMatches
} from '$lib/server/accounts';
import { readForm } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { passwordMaxLength, passwordProblem } from '$lib/server/passwords';
import { deleteSessionCookie } from '$lib/server/sessions';
import type { Actions, PageServerLoad } from './$types';

const password = (message: string) =>
	z
		.string({ error: message })
		.min(1, message)
		.max(passwordMaxLength * 4, 'That password is too long.');

const passwordChange = z.object({
	currentPassword: password('Enter your current password.'),
	newPassword: password('Choose a new password.')
});
const deletion = z.object({ password: password('Enter your password to confirm.') });

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { account: user, blocking: await groupsBlockingDeletion(user.id) };
};

export const actions: Actions = {
	changePassword: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, passwordChange);
		if (!form.ok) return fail(400, { intent: 'password', message: form.message });
		const { currentPassword, newPassword } = form.data;
		if (!(await passwordMatches(user.id, currentPassword))) {
			return fail(400, { intent: 'password', message: 'Your current password is not right.' });
		}
		const problem = passwordProblem(newPassword);
		if (problem) return fail(400, { intent: 'password', message: problem });
		await changePassword(user.id, newPassword, event.locals.session!.id);
		return {
			intent: 'password',
			success: 'Password changed. You were logged out everywhere else.'
		};
	},
	deleteAccount: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, deletion);
		if (!form.ok) return fail(400, { intent: 'delete', message: form.message });
		if (!(await passwordMatches(user.id, form.data.password))) {
			return fail(400, {
				intent: 'delete',
				message: 'That password is not right; your account was not deleted.'
			});
		}
		const result = await deleteAccount(user.id);
		if (!result.deleted) {
			const names = result.blocking.map((g) => g.name).join(', ');
			return fail(409, {
				intent: 'delete',
				message: `You are the only owner of ${names}. Make another member an owner first, so the group is not left without one.`
			});
		}
		deleteSessionCookie(event);
		redirect(303, '/?farewell=deleted');
	}
};
