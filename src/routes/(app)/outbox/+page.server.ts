import { error } from '@sveltejs/kit';
import { mailConfig } from '$lib/server/config';
import { requireUser } from '$lib/server/guards';
import { recentMail } from '$lib/server/reminders/mail';
import type { PageServerLoad } from './$types';

// The instance's outgoing mail, for its operators (OPERATOR_EMAILS) only: without SMTP_URL this
// is where mail goes; with it, this shows what was sent and what failed.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const config = mailConfig();
	if (!config.operators.includes(user.email)) error(404, 'Not found');
	return { smtp: Boolean(config.smtpUrl), mail: await recentMail() };
};
