import { currentPurpose } from '$lib/server/groups';
import { requireMember } from '$lib/server/guards';
import { memberCount } from '$lib/server/memberships';
import { hasAnswered } from '$lib/server/responses';
import { isRevealed, listReviews } from '$lib/server/reviews';
import { db } from '$lib/server/db';
import { dimensionResult } from '$lib/server/db/schema';
import { delegationStats } from '$lib/server/tasks';
import { and, eq, inArray } from 'drizzle-orm';
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
	const [stats, scores] = await Promise.all([
		delegationStats(group.id),
		latestRevealed
			? db
					.select({ key: dimensionResult.questionKey, mean: dimensionResult.mean })
					.from(dimensionResult)
					.where(
						and(
							eq(dimensionResult.reviewId, latestRevealed.id),
							inArray(dimensionResult.questionKey, ['execution', 'multiplication'])
						)
					)
			: []
	]);
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
			execution: scores.find((s) => s.key === 'execution')?.mean ?? null,
			multiplication: scores.find((s) => s.key === 'multiplication')?.mean ?? null
		}
	};
};
