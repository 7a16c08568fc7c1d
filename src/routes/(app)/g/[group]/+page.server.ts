import { currentPurpose } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { memberCount } from '$lib/server/groups/memberships';
import { hasAnswered } from '$lib/server/reviews/responses';
import { listReviews } from '$lib/server/reviews/reviews';
import { isRevealed } from '$lib/server/reviews/thresholds';
import { workScores } from '$lib/server/reviews/results';
import { delegationStats } from '$lib/server/tasks/delegation-stats';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, user } = await requireMember(event);
	const [purpose, members, reviews] = await Promise.all([
		currentPurpose(group.id),
		memberCount(group.id),
		listReviews(group.id, false)
	]);
	const open = reviews.find((r) => r.status === 'open');
	const latestRevealed = reviews.find((r) => isRevealed(r));
	const stats = await delegationStats(group.id);
	const scores = latestRevealed ? workScores(latestRevealed.id) : [];
	return {
		purpose: { text: purpose.text, version: purpose.version, setAt: purpose.setAt },
		members,
		openReview: open && {
			id: open.id,
			title: open.title,
			answered: await hasAnswered(open.id, user.id)
		},
		latestResults: latestRevealed && { id: latestRevealed.id, title: latestRevealed.title },
		work: {
			...stats,
			scores
		}
	};
};
