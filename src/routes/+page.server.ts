import { groupsOf } from '$lib/server/groups/groups';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	groups: locals.user ? await groupsOf(locals.user.id) : []
});
