import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { groupHealth } from '$lib/server/health/health';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	const { view, highlights } = await groupHealth(group.id);
	// `?reviews=all`: the table shows every review, not only the latest (see tableReviewsShown)
	const allReviews = event.url.searchParams.get('reviews') === 'all';
	return { view, highlights, allReviews, canRun: hasRole(role, 'facilitator') };
};
