import { error, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/guards';
import { openNotification } from '$lib/server/reminders/notifications';
import type { RequestHandler } from './$types';

// Following a notice marks it read, then goes where it points.
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	const link = await openNotification(user.id, event.params.id);
	if (!link) error(404, 'That notice does not exist (any more).');
	redirect(303, link);
};
