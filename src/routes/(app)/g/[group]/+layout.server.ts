import { requireMember } from '$lib/server/guards';
import type { LayoutServerLoad } from './$types';

// Loads the group's header and tabs. Pages and actions check membership themselves too: a layout
// load does not re-run on every navigation, so it cannot be the only check.
export const load: LayoutServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	return {
		group: { slug: group.slug, name: group.name },
		role,
		// marked on every page of a sample, with its one-click delete for whom it was made
		sample: group.sampleFor === null ? null : { mine: group.sampleFor === user.id }
	};
};
