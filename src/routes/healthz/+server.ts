import { json } from '@sveltejs/kit';
import { db } from '$lib/server/db';
import type { RequestHandler } from './$types';

// For load balancers and monitors: 200 when the app can query its database, 503 when it cannot.
export const GET: RequestHandler = async () => {
	try {
		db.$client.prepare('SELECT 1').get();
		return json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
	} catch {
		return json(
			{ status: 'unavailable', reason: 'database' },
			{ status: 503, headers: { 'Cache-Control': 'no-store' } }
		);
	}
};
