import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { minimumThreshold } from '$lib/server/db/schema';
import { readForm, textField } from '$lib/server/forms';
import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { quarterTitle } from '$lib/server/reviews/instrument';
import { memberCount } from '$lib/server/groups/memberships';
import { answeredCount } from '$lib/server/reviews/responses';
import { currentReviews } from '$lib/server/reviews/lifecycle';
import { createReview, groupThreshold, setGroupThreshold } from '$lib/server/reviews/reviews';
import { isRevealed } from '$lib/server/reviews/thresholds';
import type { Actions, PageServerLoad } from './$types';

const newReview = z.object({
	title: textField('The title', { max: 80 }).optional().or(z.literal(''))
});
const thresholdForm = z.object({
	threshold: z.coerce
		.number('Enter a number.')
		.int('Enter a whole number.')
		.min(
			minimumThreshold,
			`It cannot be below ${minimumThreshold}: with fewer answers, people could be singled out.`
		)
		.max(100, 'Choose 100 or fewer.')
});

/**
 * "2026 Q4"; once this quarter has its review, the next quarter's ("2027 Q1"), which is most
 * likely the one being prepared; "2026 Q4 (2)" only when both are taken.
 */
function suggestedTitle(taken: Set<string>, now = new Date()) {
	const thisQuarter = quarterTitle(now);
	const next = quarterTitle(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1)));
	for (const title of [thisQuarter, next]) if (!taken.has(title)) return title;
	let candidate = thisQuarter;
	for (let n = 2; taken.has(candidate); n++) candidate = `${thisQuarter} (${n})`;
	return candidate;
}

/**
 * Closed reviews listed until asked for all (three years of quarterly reviews): the open one and
 * drafts always come first. A decade of reviews is a long scroll, and doubled the page's cost.
 */
const closedShown = 12;

export const load: PageServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	const canRun = hasRole(role, 'facilitator');
	const reviews = await currentReviews(group.id, canRun);
	const [threshold, members] = await Promise.all([groupThreshold(group.id), memberCount(group.id)]);
	const closed = reviews.filter((r) => r.status === 'closed').length;
	const all = event.url.searchParams.has('all') || closed <= closedShown;
	// newest first, the closed ones last: the first `closedShown` of them follow the others
	const shown = all ? reviews : reviews.slice(0, reviews.length - closed + closedShown);
	return {
		canRun,
		threshold,
		members,
		closed,
		suggestedTitle: suggestedTitle(new Set(reviews.map((r) => r.title))),
		reviews: await Promise.all(
			shown.map(async (r) => ({
				id: r.id,
				title: r.title,
				status: r.status,
				opensAt: r.opensAt,
				closesAt: r.closesAt,
				closedAt: r.closedAt,
				revealed: isRevealed(r),
				threshold: r.threshold,
				eligibleCount: r.eligibleCount,
				answered: r.status === 'open' ? await answeredCount(r.id) : r.responseCount
			}))
		)
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { group, user } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, newReview);
		if (!form.ok) return fail(400, { message: form.message });
		const id = await createReview({
			groupId: group.id,
			createdBy: user.id,
			title: form.data.title || undefined
		});
		redirect(303, `/g/${group.slug}/reviews/${id}/edit`);
	},
	threshold: async (event) => {
		const { group } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, thresholdForm);
		if (!form.ok) return fail(400, { message: form.message });
		await setGroupThreshold(group.id, form.data.threshold);
		return {
			success: `Results of future reviews will be shown once ${form.data.threshold} members have answered.`
		};
	}
};
