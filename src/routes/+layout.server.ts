import { canSendMail } from '$lib/server/accounts/account-mail';
import { emailBannerCookie } from '$lib/server/accounts/verification';
import { unreadCount } from '$lib/server/reminders/notifications';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, request, cookies }) => ({
	user: locals.user,
	// counted with the session, unless an action (marking notices read) ran in this request
	unread:
		locals.user && request.method === 'POST' ? await unreadCount(locals.user.id) : locals.unread,
	emailBanner: Boolean(
		locals.user &&
		!locals.user.emailVerified &&
		canSendMail() &&
		cookies.get(emailBannerCookie) !== 'dismissed'
	)
});
