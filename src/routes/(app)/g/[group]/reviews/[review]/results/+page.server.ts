import { redirect } from '@sveltejs/kit';
import { lastFollowUps } from '$lib/server/reviews/follow-ups';
import { currentPurpose, hasRole } from '$lib/server/groups/groups';
import { requireReview } from '$lib/server/guards';
import { purposeVersion } from '$lib/server/groups/purposes';
import { loadResults } from '$lib/server/reviews/results';
import { outsideComparison } from '$lib/server/outsiders/comparison';
import { previousClosedReview } from '$lib/server/reviews/reviews';
import type { PageServerLoad } from './$types';

// How many of a question's answers the page shows until someone asks for all of them: a review of
// hundreds of members quotes hundreds of answers per question, which on a phone is a scroll
// nobody finishes and, on the server, most of the page's cost. They are in random order (by
// their random keys), so the first ones are a fair sample, not the earliest or the latest.
const answersShownAtFirst = 20;

export const load: PageServerLoad = async (event) => {
	const { group, review, role } = await requireReview(event);
	// Results exist only once a review is closed: never live, so nobody can watch numbers move.
	if (review.status !== 'closed') redirect(303, `/g/${group.slug}/reviews/${review.id}`);
	// the review before this one, read once for the comparison and for its follow-ups
	const previous = previousClosedReview(review);
	// the question whose answers are all shown (`?answers=<key>`); an unknown key shows none
	const expanded = event.url.searchParams.get('answers')?.slice(0, 64) ?? null;
	const [purpose, atOpening, results, followUps] = await Promise.all([
		currentPurpose(group.id),
		review.purposeVersion ? purposeVersion(group.id, review.purposeVersion) : undefined,
		loadResults(review, previous, { first: answersShownAtFirst, allOf: expanded }),
		lastFollowUps(review, previous)
	]);
	return {
		review: {
			id: review.id,
			title: review.title,
			eligibleCount: review.eligibleCount,
			threshold: review.threshold
		},
		purpose: purpose.text,
		// what the group said it was for when members gave these answers
		purposeAtOpening: atOpening && atOpening.version !== purpose.version ? atOpening.text : null,
		results,
		expanded,
		// outsiders' view, by its own threshold, beside members' (whether or not theirs is shown)
		outside: outsideComparison(review.id, results.revealed ? results.questions : []),
		followUps,
		canFollowUp: hasRole(role, 'facilitator')
	};
};
