import { error } from '@sveltejs/kit';
import { calendarFor, calendarOwner } from '$lib/server/tasks/calendar';
import type { RequestHandler } from './$types';

// The address is the permission (calendar apps send no cookie); a reset address gets 404.
export const GET: RequestHandler = async ({ params }) => {
	const token = params.token.replace(/\.ics$/, '');
	const userId = token.length <= 100 ? await calendarOwner(token) : undefined;
	if (!userId)
		error(
			404,
			'This calendar address is not valid any more. Copy the new one from your account page.'
		);
	return new Response(await calendarFor(userId), {
		headers: {
			'Content-Type': 'text/calendar; charset=utf-8',
			'Content-Disposition': 'inline; filename="outsider.ics"',
			'Cache-Control': 'private, max-age=300'
		}
	});
};
