import { requireMember } from '$lib/server/guards';
import { exportRows, toCsv } from '$lib/server/health/export';
import { groupAggregates } from '$lib/server/health/health';
import type { RequestHandler } from './$types';

// Revealed aggregates only: never raw answers, never a review below the threshold.
export const GET: RequestHandler = async (event) => {
	const { group } = await requireMember(event);
	return new Response(toCsv(exportRows(await groupAggregates(group.id))), {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${group.slug}-health.csv"`,
			'Cache-Control': 'private, no-store'
		}
	});
};
