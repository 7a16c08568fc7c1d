import { hasRole } from '$lib/server/groups';
import { requireMember } from '$lib/server/guards';
import { groupAggregates } from '$lib/server/health';
import { buildTrends, highlights } from '$lib/server/trends';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	const trends = buildTrends(await groupAggregates(group.id));
	return { trends, highlights: highlights(trends), canRun: hasRole(role, 'facilitator') };
};
