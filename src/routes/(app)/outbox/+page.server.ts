import { error } from '@sveltejs/kit';
import { mailConfig } from '$lib/server/config';
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
	const requested = Number.parseInt(event.url.searchParams.get('page') ?? '1', 10);
	// a page past the last shows "No older mail." and a way back, not an error
	const page = Number.isSafeInteger(requested) && requested > 1 ? Math.min(requested, 10_000) : 1;
	const { mail, older } = pageOfMail({ offset: (page - 1) * perPage, limit: perPage });
	return { smtp: Boolean(config.smtpUrl), mail, page, older, perPage };
};
