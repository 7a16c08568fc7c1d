import { error } from '@sveltejs/kit';
import { mailConfig } from '$lib/server/config';
import { pageNumber } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { pageOfMail } from '$lib/server/reminders/mail';
import type { PageServerLoad } from './$types';

/** Messages shown per page: enough to see what went out lately, few enough to scan. */
const perPage = 25;

// The instance's outgoing mail, for its operators only: accounts whose address is listed in
// OPERATOR_EMAILS and confirmed. Unconfirmed, the address may be a stranger's, who signed up with
// it first. Without SMTP_URL this is where mail goes; with it, what was sent and what failed.
export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const config = mailConfig();
	if (!user.emailVerified || !config.operators.includes(user.email)) error(404, 'Not found');
	const page = pageNumber(event.url);
	const { mail, older } = pageOfMail({ offset: (page - 1) * perPage, limit: perPage });
	return { smtp: Boolean(config.smtpUrl), mail, page, older };
};
