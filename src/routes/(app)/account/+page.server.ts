import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	changePassword,
	deleteAccount,
	groupsBlockingDeletion,
	passwordMatches,
	renameUser
} from '$lib/server/accounts/accounts';
import { readForm, textField } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { passwordMaxLength, passwordProblem } from '$lib/server/accounts/passwords';
import { deleteSessionCookie } from '$lib/server/accounts/sessions';
import { channels, notificationKinds } from '$lib/server/db/work-schema';
import { hasCalendar, resetCalendarToken } from '$lib/server/tasks/calendar';
import { kindLabels, preferencesOf, setPreferences } from '$lib/server/reminders/notifications';
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
// the same rule as signing up
const naming = z.object({ displayName: textField('Your name', { max: 80 }) });
const deletion = z.object({ password: password('Enter your password to confirm.') });
const preferences = z.object(
	Object.fromEntries(
		notificationKinds.map((kind) => [
			kind,
			z.enum(channels, 'Choose email, in the app only, or nothing, for each kind.')
		])
	) as Record<
		(typeof notificationKinds)[number],
		z.ZodEnum<{ [K in (typeof channels)[number]]: K }>
	>
);

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [blocking, channelsChosen, calendar] = await Promise.all([
		groupsBlockingDeletion(user.id),
		preferencesOf(user.id),
		hasCalendar(user.id)
	]);
	return {
		account: user,
		blocking,
		preferences: notificationKinds.map((kind) => ({
			kind,
			label: kindLabels[kind],
			channel: channelsChosen[kind]
		})),
		hasCalendar: calendar
	};
};

export const actions: Actions = {
	rename: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, naming);
		if (!form.ok)
			return fail(400, { intent: 'rename', message: form.message, values: form.values });
		await renameUser(user.id, form.data.displayName);
		return { intent: 'rename', success: 'Your name is changed. Your groups see it now.' };
	},
	preferences: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, preferences);
		if (!form.ok) return fail(400, { intent: 'preferences', message: form.message });
		await setPreferences(user.id, form.data);
		return { intent: 'preferences', success: 'Notification settings saved.' };
	},
	calendar: async (event) => {
		const user = requireUser(event);
		const token = await resetCalendarToken(user.id);
		return {
			intent: 'calendar',
			success: 'Your calendar address is ready. Any address from before no longer works.',
			calendarUrl: `${event.url.origin}/calendar/${token}.ics`
		};
	},
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
