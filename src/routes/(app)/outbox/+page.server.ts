import { error } from '@sveltejs/kit';
import { mailConfig } from '$lib/server/config';
import { requireUser } from '$lib/server/guards';
import { recentMail } from '$lib/server/reminders/mail';
import type { PageServerLoad } from './$types';

// The instance's outgoing mail, for its operators only: accounts whose address is listed in
// OPERATOR_EMAILS and confirmed. Unconfirmed, the address may be a stranger's, who signed up with
// it first. Without SMTP_URL this is where mail goes; with it, what was sent and what failed.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const config = mailConfig();
	if (!user.emailVerified || !config.operators.includes(user.email)) error(404, 'Not found');
	return { smtp: Boolean(config.smtpUrl), mail: await recentMail() };
};
