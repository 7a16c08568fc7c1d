import { currentPurpose } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { memberCount } from '$lib/server/groups/memberships';
import { hasAnswered } from '$lib/server/reviews/responses';
import { listReviews } from '$lib/server/reviews/reviews';
import { isRevealed } from '$lib/server/reviews/thresholds';
import { db } from '$lib/server/db';
import { dimensionResult, question } from '$lib/server/db/schema';
import { delegationStats } from '$lib/server/tasks/delegation-stats';
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
					.select({
						key: dimensionResult.questionKey,
						title: question.title,
						mean: dimensionResult.mean
					})
					.from(dimensionResult)
					.innerJoin(
						question,
						and(
							eq(question.reviewId, dimensionResult.reviewId),
							eq(question.key, dimensionResult.questionKey)
						)
					)
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
			// as the review asked them, in its own words
			scores: ['execution', 'multiplication'].flatMap((key) =>
				scores.filter((s) => s.key === key).map(({ title, mean }) => ({ title, mean }))
			)
		}
	};
};
