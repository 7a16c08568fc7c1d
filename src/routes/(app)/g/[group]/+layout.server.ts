import { requireMember } from '$lib/server/guards';
import type { LayoutServerLoad } from './$types';

// Loads the group's header and tabs. Pages and actions check membership themselves too: a layout
// load does not re-run on every navigation, so it cannot be the only check.
export const load: LayoutServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	return { group: { slug: group.slug, name: group.name }, role };
};
