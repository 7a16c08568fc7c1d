import { hasRole } from '$lib/server/groups';
import { requireMember } from '$lib/server/guards';
import { groupHealth, toHealthView } from '$lib/server/health';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	const { trends, highlights } = await groupHealth(group.id);
	return { view: toHealthView(trends), highlights, canRun: hasRole(role, 'facilitator') };
};
