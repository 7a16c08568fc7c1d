import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { readForm } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { markRead, notificationsOf } from '$lib/server/reminders/notifications';
import type { Actions, PageServerLoad } from './$types';

const one = z.object({ id: z.string({ error: 'Choose a notice.' }).min(1).max(64) });

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const notices = await notificationsOf(user.id);
	return {
		notices: notices.map(({ id, title, body, link, createdAt, readAt }) => ({
			id,
			title,
			body,
			link,
			createdAt,
			unread: readAt === null
		}))
	};
};

export const actions: Actions = {
	read: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, one);
		if (!form.ok) return fail(400, { message: form.message });
		await markRead(user.id, form.data.id);
		return { success: 'Marked as read.' };
	},
	readAll: async (event) => {
		const user = requireUser(event);
		await markRead(user.id, null);
		return { success: 'All marked as read.' };
	}
};
