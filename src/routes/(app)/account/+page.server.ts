import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
	changePassword,
	deleteAccount,
	groupsBlockingDeletion,
	renameUser
} from '$lib/server/accounts/accounts';
import { canSendMail } from '$lib/server/accounts/account-mail';
import { checkPassword, type PasswordCheck } from '$lib/server/accounts/auth';
import { emailField, readForm, textField } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { passwordMaxLength, passwordProblem } from '$lib/server/accounts/passwords';
import { describeWait } from '$lib/server/accounts/rate-limit';
import { deleteSessionCookie, devicesOf, endUserSessions } from '$lib/server/accounts/sessions';
import {
	changeEmail,
	emailBannerCookie,
	sendVerificationAgain,
	type SendRefusal
} from '$lib/server/accounts/verification';
import { safeNextPath } from '$lib/paths';
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
const emailChange = z.object({
	email: emailField,
	password: password('Enter your password to confirm.')
});
const returning = z.object({ next: z.string().max(500).optional() });

const sendMessages: Record<SendRefusal | 'wait', string> = {
	'no-mail':
		'This Outsider does not send email, so your address cannot be confirmed. Whoever runs it can confirm it for you.',
	'send-failed':
		'The email could not be sent just now. Try again in a few minutes; if it keeps failing, tell whoever runs this Outsider.',
	wait: 'You asked for several links already. Wait a while, and look in your spam folder meanwhile.'
};

// no mail server is how this instance is set up (409); a mail server that fails is ours (503)
const statusOf: Record<SendRefusal | 'wait', number> = {
	wait: 429,
	'no-mail': 409,
	'send-failed': 503
};

/** Words for a refused password check, or null when the password was right. */
function passwordRefusal(check: PasswordCheck, wrong: string) {
	if (check.ok) return null;
	if (check.refusal === 'wait')
		return {
			status: 429,
			message: `Too many wrong passwords. Wait ${describeWait(check.retryAfter)} and try again.`
		};
	return { status: 400, message: wrong };
}
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
	const [blocking, channelsChosen, calendar, devices] = await Promise.all([
		groupsBlockingDeletion(user.id),
		preferencesOf(user.id),
		hasCalendar(user.id),
		devicesOf(user.id, event.locals.session!.id)
	]);
	return {
		account: user,
		canSendMail: canSendMail(),
		passwordReset: event.url.searchParams.get('password') === 'reset',
		devices,
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
		const replacing = await hasCalendar(user.id);
		const token = await resetCalendarToken(user.id);
		const calendarUrl = `${event.url.origin}/calendar/${token}.ics`;
		return {
			intent: 'calendar',
			success: replacing
				? 'Your new calendar address is ready. The old one no longer works: subscribe again with this one.'
				: 'Your calendar address is ready.',
			calendarUrl,
			// phones and desktop calendars open webcal:// links as "subscribe to this calendar"
			subscribeUrl: calendarUrl.replace(/^https?:/, 'webcal:')
		};
	},
	sendVerification: async (event) => {
		const user = requireUser(event);
		if (user.emailVerified)
			return { intent: 'email', success: `${user.email} is confirmed already.` };
		const sent = await sendVerificationAgain(user);
		if (!sent.ok)
			return fail(statusOf[sent.refusal], {
				intent: 'email',
				message: sendMessages[sent.refusal]
			});
		return {
			intent: 'email',
			success: `A new link is on its way to ${user.email}. It works once, for 24 hours.`
		};
	},
	changeEmail: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, emailChange);
		if (!form.ok) return fail(400, { intent: 'email', message: form.message, values: form.values });
		const refused = passwordRefusal(
			await checkPassword(user.id, form.data.password, event.getClientAddress()),
			'That password is not right; your address was not changed.'
		);
		if (refused)
			return fail(refused.status, {
				intent: 'email',
				message: refused.message,
				values: { email: form.data.email }
			});
		const changed = await changeEmail(user, form.data.email);
		if (!changed.ok)
			return fail(400, {
				intent: 'email',
				message:
					changed.refusal === 'same'
						? 'That is your address already.'
						: 'Another account uses that address. Choose another one.',
				values: { email: form.data.email }
			});
		return {
			intent: 'email',
			success: canSendMail()
				? `Your address is now ${form.data.email}. Open the link we sent there to confirm it; until then, no email reaches you. Your old address was told of the change.`
				: `Your address is now ${form.data.email}.`
		};
	},
	dismissBanner: async (event) => {
		requireUser(event);
		const form = await readForm(event.request, returning);
		event.cookies.set(emailBannerCookie, 'dismissed', {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: event.url.protocol === 'https:',
			maxAge: 30 * 24 * 60 * 60
		});
		redirect(303, safeNextPath(form.ok ? form.data.next : undefined, '/account#email'));
	},
	logOutOthers: async (event) => {
		const user = requireUser(event);
		await endUserSessions(user.id, event.locals.session!.id);
		return { intent: 'devices', success: 'Every other device is logged out.' };
	},
	changePassword: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, passwordChange);
		if (!form.ok) return fail(400, { intent: 'password', message: form.message });
		const { currentPassword, newPassword } = form.data;
		const refused = passwordRefusal(
			await checkPassword(user.id, currentPassword, event.getClientAddress()),
			'Your current password is not right.'
		);
		if (refused) return fail(refused.status, { intent: 'password', message: refused.message });
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
		const refused = passwordRefusal(
			await checkPassword(user.id, form.data.password, event.getClientAddress()),
			'That password is not right; your account was not deleted.'
		);
		if (refused) return fail(refused.status, { intent: 'delete', message: refused.message });
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
