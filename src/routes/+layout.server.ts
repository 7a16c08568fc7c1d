import { unreadCount } from '$lib/server/notifications';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => ({
	user: locals.user,
	unread: locals.user ? await unreadCount(locals.user.id) : 0
});
