import { fail } from '@sveltejs/kit';
import { unsubscribe } from '$lib/server/reminders/notifications';
import type { Actions } from './$types';

// The link in every email. Opening it changes nothing (mail scanners open links); the one button
// on the page turns email off for every kind of notice.
export const actions: Actions = {
	unsubscribe: async ({ params }) => {
		if (params.token.length > 100 || !(await unsubscribe(params.token))) {
			return fail(404, {
				message:
					'This unsubscribe link is not valid. You can change your email settings on your account page.'
			});
		}
		return { success: 'Done: Outsider will not email you any more. Notices stay in the app.' };
	}
};
