import { redirect } from '@sveltejs/kit';
import { deleteSessionCookie, endSession } from '$lib/server/accounts/sessions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/');
};

export const actions: Actions = {
	logout: async (event) => {
		if (event.locals.session) await endSession(event.locals.session.id);
		deleteSessionCookie(event);
		redirect(303, '/?farewell=logged-out');
	}
};
