import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { lastFollowUps } from '$lib/server/reviews/follow-ups';
import { currentPurpose, hasRole } from '$lib/server/groups/groups';
import { produceReviewOpened, remindNonResponders } from '$lib/server/reminders/producers';
import { readForm } from '$lib/server/forms';
import { requireReview } from '$lib/server/guards';
import { memberCount } from '$lib/server/groups/memberships';
import { responseSchema, toAnswers } from '$lib/server/reviews/response-form';
import { answeredCount, standing, submitResponse } from '$lib/server/reviews/responses';
import {
	closeReview,
	deleteReview,
	openReview,
	scheduleReview,
	type LifecycleRefusal
} from '$lib/server/reviews/lifecycle';
import { openReviewOf, questionsOf } from '$lib/server/reviews/reviews';
import { scheduleForm, toInstant } from '$lib/server/reviews/schedule-form';
import { outsiderTally } from '$lib/server/outsiders/outside-view';
import type { Actions, PageServerLoad } from './$types';

const lifecycleMessages: Record<LifecycleRefusal, string> = {
	'not-found': 'That review does not exist.',
	'wrong-status':
		'The review has already moved on (someone else may have opened or closed it). Reload the page.',
	'another-open': 'Another review of this group is open. Close it before opening this one.',
	'no-questions': 'Add at least one question before opening the review.',
	'opens-in-the-past': 'Choose an opening time in the future, or open it now.',
	'closes-too-early': 'The closing time must come after the opening time and after now.'
};
const scheduleMessages: Record<LifecycleRefusal, string> = {
	...lifecycleMessages,
	'wrong-status':
		'A closed review cannot be changed, and an open one only its closing time. Reload the page.'
};

const deletionForm = z.object({
	confirm: z.literal('delete', { error: 'Confirm that you want to delete this review.' })
});

export const load: PageServerLoad = async (event) => {
	const { group, role, user, review } = await requireReview(event);
	const [purpose, questions, { answered, eligible, answers }, members, followUps, openNow] =
		await Promise.all([
			currentPurpose(group.id),
			// a draft's, for its preview; an open review's, to answer
			review.status === 'closed' ? [] : questionsOf(review.id),
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
		canRun: hasRole(role, 'facilitator'),
		// how many outsiders answered, for the facilitator's link to their page
		outsiders: hasRole(role, 'facilitator') ? outsiderTally(review.id) : null,
		canDelete: review.status === 'draft' ? hasRole(role, 'facilitator') : hasRole(role, 'owner')
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
		if (result.ok) return { intent: 'submit', receipt: result.value };
		switch (result.refusal) {
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
		if (!outcome.ok)
			return fail(409, { intent: 'lifecycle', message: lifecycleMessages[outcome.refusal] });
		// members hear of it now, not at the scheduler's next tick
		await produceReviewOpened();
		return { intent: 'lifecycle', success: 'The review is open. Members can answer it now.' };
	},
	close: async (event) => {
		const { group, review } = await requireReview(event, 'facilitator');
		const outcome = await closeReview(group.id, review.id);
		if (!outcome.ok)
			return fail(409, { intent: 'lifecycle', message: lifecycleMessages[outcome.refusal] });
		redirect(303, `/g/${group.slug}/reviews/${review.id}/results`);
	},
	// The app reminds whoever has not answered; the facilitator learns only what turnout shows.
	remind: async (event) => {
		const { review } = await requireReview(event, 'facilitator');
		if (review.status !== 'open')
			return fail(409, { intent: 'remind', message: 'Only an open review can be reminded of.' });
		await remindNonResponders(review.id);
		const waiting = (review.eligibleCount ?? 0) - (await answeredCount(review.id));
		return { intent: 'remind', success: remindedMessage(waiting) };
	},
	// Drafts are the facilitators'; a closed review holds the group's answers, so only an owner
	// deletes one. The form must say so on purpose: a stray post deletes nothing.
	delete: async (event) => {
		const { group, review, role } = await requireReview(event, 'facilitator');
		if (review.status === 'closed' && !hasRole(role, 'owner'))
			return fail(403, {
				intent: 'lifecycle',
				message: 'Only an owner can delete a closed review.'
			});
		const form = await readForm(event.request, deletionForm);
		if (!form.ok) return fail(400, { intent: 'lifecycle', message: form.message });
		const outcome = await deleteReview(group.id, review.id);
		if (!outcome.ok)
			return fail(409, {
				intent: 'lifecycle',
				message:
					outcome.refusal === 'wrong-status'
						? 'Close the review before deleting it: people may be answering it.'
						: lifecycleMessages[outcome.refusal]
			});
		redirect(303, `/g/${group.slug}/reviews`);
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
		if (!result.ok)
			return fail(400, { intent: 'schedule', message: scheduleMessages[result.refusal] });
		const cleared = !opensAt && !closesAt;
		return {
			intent: 'schedule',
			success: cleared
				? 'Schedule cleared: open and close the review by hand.'
				: 'Schedule saved. The app will open and close the review on time by itself.'
		};
	}
};

/** The same words whoever has or has not answered, and however often it is pressed. */
function remindedMessage(waiting: number) {
	if (waiting <= 0) return 'Everyone who can answer has answered. Nobody to remind.';
	const who = waiting === 1 ? '1 member has' : `${waiting} members have`;
	return `${who} not answered yet. Everyone still in the group who hasn't gets a reminder, at most one a day. You will not see who.`;
}
