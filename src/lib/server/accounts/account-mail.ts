import { mailConfig, publicOrigin } from '$lib/server/config';
import { sendMail } from '$lib/server/reminders/mail';
import { newId } from '$lib/server/tokens';

/** Whether this instance can send email at all (SMTP_URL is set). */
export const canSendMail = () => Boolean(mailConfig().smtpUrl);

interface Recipient {
	userId: string;
	email: string;
	displayName: string;
}

/**
 * Mail about the account itself: it comes whatever the notification settings say. Without SMTP
 * it is not kept for the outbox either: its links are hidden there, so it would help no one.
 */
async function sendAccountMail(to: Recipient, subject: string, body: string) {
	if (!canSendMail()) return;
	await sendMail({
		to: to.email,
		userId: to.userId,
		subject,
		text: `Hello ${to.displayName},\n\n${body}`,
		messageId: `<account-${newId()}@outsider>`,
		kind: 'account'
	});
}

export const accountMail = {
	verify: (to: Recipient, token: string) =>
		sendAccountMail(
			to,
			'Confirm your email address for Outsider',
			`Confirm that ${to.email} is your address, so that reminders from your groups can reach you:\n\n${publicOrigin()}/verify-email/${token}\n\nThe link works once, for 24 hours. If you did not sign up for Outsider, ignore this message: nothing happens unless you press the button on that page.`
		),
	emailChanged: (to: Recipient, newEmail: string) =>
		sendAccountMail(
			to,
			'Your Outsider email address was changed',
			`The email address of your Outsider account was changed from ${to.email} to ${maskEmail(newEmail)}. Mail from Outsider now goes there.\n\nIf you did not change it, someone else may have your password: log in at ${publicOrigin()}/login, or set a new password at ${publicOrigin()}/forgot-password, and tell whoever runs this Outsider.`
		),
	reset: (to: Recipient, token: string) =>
		sendAccountMail(
			to,
			'Set a new password for Outsider',
			`Someone asked to set a new password for the Outsider account with this address. If it was you, choose one here:\n\n${publicOrigin()}/reset-password/${token}\n\nThe link works once, for an hour. If it was not you, ignore this message: your password stays as it is.`
		),
	passwordChanged: (to: Recipient) =>
		sendAccountMail(
			to,
			'Your Outsider password was changed',
			`The password of your Outsider account was just changed, and every other device was logged out.\n\nIf you did not do this, set a new password now at ${publicOrigin()}/forgot-password and tell whoever runs this Outsider.`
		)
};

/** "an***@example.org": enough for the owner to recognise, too little to hand a thief. */
export function maskEmail(email: string) {
	const at = email.lastIndexOf('@');
	return `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`;
}
