import { currentPurpose } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { memberCount } from '$lib/server/groups/memberships';
import { hasAnswered } from '$lib/server/reviews/responses';
import { reviewsAtGlance } from '$lib/server/reviews/reviews';
import { workScores } from '$lib/server/reviews/results';
import { delegationStats, quarterStart } from '$lib/server/tasks/delegation-stats';
import { hasTasks } from '$lib/server/tasks/board';
import { error, redirect } from '@sveltejs/kit';
import { deleteSampleGroup } from '$lib/server/groups/sample';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, user } = await requireMember(event);
	const [purpose, members] = await Promise.all([currentPurpose(group.id), memberCount(group.id)]);
	const { open, latestRevealed, any: reviewed } = await reviewsAtGlance(group.id);
	const stats = await delegationStats(group.id);
	const scores = latestRevealed ? workScores(latestRevealed.id) : [];
	const tasks = hasTasks(group.id);
	// A new group sees what to do next until it has been round the loop once: people in, a review
	// with results, a task on the board. Its statistics would say nothing before that.
	const firstSteps = {
		membersNeeded: Math.max(0, group.anonymityThreshold - members),
		reviewed,
		resultsSeen: Boolean(latestRevealed),
		tasks
	};
	const gettingStarted = !(firstSteps.membersNeeded === 0 && firstSteps.resultsSeen && tasks);
	return {
		threshold: group.anonymityThreshold,
		firstSteps: gettingStarted ? firstSteps : null,
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
			scores,
			since: quarterStart()
		}
	};
};

export const actions: Actions = {
	// One click: the sample is made up, and can be made again from the start page.
	deleteSample: async (event) => {
		const { user } = await requireMember(event);
		if (!(await deleteSampleGroup(user.id, event.params.group)))
			error(404, 'This is not a sample group of yours.');
		redirect(303, '/?farewell=sample-deleted');
	}
};
