import { currentPurpose } from '$lib/server/groups';
import { requireMember } from '$lib/server/guards';
import { memberCount } from '$lib/server/memberships';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group } = await requireMember(event);
	const [purpose, members] = await Promise.all([currentPurpose(group.id), memberCount(group.id)]);
	return {
		purpose: { text: purpose.text, version: purpose.version, setAt: purpose.setAt },
		members
	};
};
