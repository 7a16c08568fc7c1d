import { fail, redirect } from '@sveltejs/kit';
import { lastFollowUps } from '$lib/server/follow-ups';
import { currentPurpose, hasRole } from '$lib/server/groups';
import { remindNonResponders } from '$lib/server/reminders';
import { readForm } from '$lib/server/forms';
import { requireMember, requireReview } from '$lib/server/guards';
import { memberCount } from '$lib/server/memberships';
import { responseSchema, toAnswers } from '$lib/server/response-form';
import { standing, submitResponse } from '$lib/server/responses';
import {
	closeReview,
	openReview,
	runDueTransitions,
	scheduleReview
} from '$lib/server/review-lifecycle';
import { openReviewOf, questionsOf } from '$lib/server/reviews';
import { scheduleForm, toInstant } from '$lib/server/schedule-form';
import type { Actions, PageServerLoad } from './$types';

const lifecycleMessages = {
	'not-found': 'That review does not exist.',
	'wrong-status':
		'The review has already moved on (someone else may have opened or closed it). Reload the page.',
	'another-open': 'Another review of this group is open. Close it before opening this one.',
	'no-questions': 'Add at least one question before opening the review.'
} as const;

export const load: PageServerLoad = async (event) => {
	// this group's reviews whose time has come open or close before the page shows this one
	await runDueTransitions(new Date(), (await requireMember(event)).group.id);
	const { group, role, user, review } = await requireReview(event);
	const [purpose, questions, { answered, eligible, answers }, members, followUps, openNow] =
		await Promise.all([
			currentPurpose(group.id),
			review.status === 'open' ? questionsOf(review.id) : [],
			standing(review.id, user.id),
			// a draft says how many members the group has; once open, the review knows its own
			review.status === 'draft' || review.eligibleCount === null ? memberCount(group.id) : 0,
			review.status === 'open' ? lastFollowUps(review) : null,
			// a draft cannot open while another review is open: say so before anyone tries
			review.status === 'draft' ? openReviewOf(group.id) : undefined
		]);
	return {
		review,
		purpose: purpose.text,
		questions,
		answered,
		eligible,
		turnout: {
			answered: review.status === 'open' ? answers : (review.responseCount ?? 0),
			eligible: review.eligibleCount ?? members
		},
		members,
		followUps,
		openElsewhere: openNow ?? null,
		canRun: hasRole(role, 'facilitator')
	};
};

export const actions: Actions = {
	submit: async (event) => {
		const { review } = await requireReview(event);
		const questions = await questionsOf(review.id);
		const form = await readForm(event.request, responseSchema(questions));
		if (!form.ok)
			return fail(400, { intent: 'submit', message: form.message, values: form.values });
		const result = await submitResponse(
			review.id,
			event.locals.user!.id,
			toAnswers(questions, form.data)
		);
		switch (result.outcome) {
			case 'submitted':
				return { intent: 'submit', receipt: result.receipt };
			case 'already-answered':
				return fail(409, {
					intent: 'submit',
					message: 'You already answered this review. Each member answers once.'
				});
			case 'not-eligible':
				return fail(403, {
					intent: 'submit',
					message:
						'This review opened before you joined the group, so it is not yours to answer. You will be asked in the next one.'
				});
			case 'not-open':
				return fail(409, {
					intent: 'submit',
					message: 'This review is not open for answers any more.'
				});
		}
	},
	open: async (event) => {
		const { group, review } = await requireReview(event, 'facilitator');
		const outcome = await openReview(group.id, review.id);
		if (outcome !== 'done')
			return fail(409, { intent: 'lifecycle', message: lifecycleMessages[outcome] });
		return { intent: 'lifecycle', success: 'The review is open. Members can answer it now.' };
	},
	close: async (event) => {
		const { group, review } = await requireReview(event, 'facilitator');
		const outcome = await closeReview(group.id, review.id);
		if (outcome !== 'done')
			return fail(409, { intent: 'lifecycle', message: lifecycleMessages[outcome] });
		redirect(303, `/g/${group.slug}/reviews/${review.id}/results`);
	},
	// The app reminds whoever has not answered; the facilitator learns only how many.
	remind: async (event) => {
		const { review, user } = await requireReview(event, 'facilitator');
		if (review.status !== 'open')
			return fail(409, { intent: 'remind', message: 'Only an open review can be reminded of.' });
		const { waiting, reminded } = await remindNonResponders(review.id, new Date(), user.id);
		return {
			intent: 'remind',
			success:
				waiting === 0
					? 'Everyone who can answer has answered. Nobody to remind.'
					: reminded === 0
						? `The ${waiting === 1 ? 'member who has' : `${waiting} members who have`} not answered ${waiting === 1 ? 'was' : 'were'} already reminded today.`
						: `Reminded ${reminded} ${reminded === 1 ? 'member' : 'members'} who have not answered yet. You will not see who.`
		};
	},
	schedule: async (event) => {
		const { group, review } = await requireReview(event, 'facilitator');
		const form = await readForm(event.request, scheduleForm);
		if (!form.ok) return fail(400, { intent: 'schedule', message: form.message });
		const { opensAt, closesAt, tzOffset } = form.data;
		const result = await scheduleReview(group.id, review.id, {
			opensAt: toInstant(opensAt, tzOffset),
			closesAt: toInstant(closesAt, tzOffset)
		});
		if (!result.ok) return fail(400, { intent: 'schedule', message: result.message });
		const cleared = !opensAt && !closesAt;
		return {
			intent: 'schedule',
			success: cleared
				? 'Schedule cleared: open and close the review by hand.'
				: 'Schedule saved. The app will open and close the review on time by itself.'
		};
	}
};
