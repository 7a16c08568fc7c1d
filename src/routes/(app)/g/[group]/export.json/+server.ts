import { json } from '@sveltejs/kit';
import { requireMember } from '$lib/server/guards';
import { exportRows } from '$lib/server/health/export';
import { groupAggregates } from '$lib/server/health/health';
import type { RequestHandler } from './$types';

// Revealed aggregates only: never raw answers, never a review below the threshold.
export const GET: RequestHandler = async (event) => {
	const { group } = await requireMember(event);
	return json(
		{
			group: group.name,
			exportedAt: new Date().toISOString(),
			rows: exportRows(await groupAggregates(group.id))
		},
		{
			headers: {
				'Content-Disposition': `attachment; filename="${group.slug}-health.json"`,
				'Cache-Control': 'private, no-store'
			}
		}
	);
};
