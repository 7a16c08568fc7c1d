import { redirect } from '@sveltejs/kit';
import { groupsOf } from '$lib/server/groups/groups';
import { createSampleGroup } from '$lib/server/groups/sample';
import { requireUser } from '$lib/server/guards';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	groups: locals.user ? await groupsOf(locals.user.id) : []
});

export const actions: Actions = {
	// "Explore a sample group": made for this person (or the one they have), then opened
	sample: async (event) => {
		const user = requireUser(event);
		const slug = await createSampleGroup(user.id);
		redirect(303, `/g/${slug}`);
	}
};
