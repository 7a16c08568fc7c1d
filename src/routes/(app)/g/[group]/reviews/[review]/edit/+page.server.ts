import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { questionKinds } from '$lib/server/db/schema';
import { readForm, textField } from '$lib/server/forms';
import { requireReview } from '$lib/server/guards';
import { defaultInstrument } from '$lib/server/reviews/instrument';
import {
	addQuestion,
	missingStandardQuestions,
	moveQuestion,
	removeQuestion,
	updateQuestion,
	maxQuestions,
	type EditOutcome,
	type EditRefusal
} from '$lib/server/reviews/questions';
import { questionsOf, renameReview } from '$lib/server/reviews/reviews';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const key = z
	.string({ error: 'Choose a question.' })
	.min(1, 'Choose a question.')
	.max(80, 'Choose a question.');
const label = (name: string) => textField(name, { max: 80 }).optional().or(z.literal(''));
const wording = {
	title: textField('The question', { max: 200 }),
	prompt: textField('The explanation', { max: 600, multiline: true }).optional().or(z.literal('')),
	lowLabel: label('The label for 1'),
	highLabel: label('The label for 5')
};
const forms = {
	rename: z.object({ title: textField('The title', { max: 80 }) }),
	add: z.object({
		kind: z.enum(questionKinds, 'Choose a scored or an open question.'),
		...wording
	}),
	addStandard: z.object({
		standardKey: z.enum(
			defaultInstrument.map((q) => q.key) as [string, ...string[]],
			'Choose a standard question.'
		)
	}),
	update: z.object({ key, ...wording }),
	remove: z.object({ key }),
	move: z.object({ key, direction: z.enum(['up', 'down'], 'Choose up or down.') })
};

const refusals: Record<EditRefusal, string> = {
	'not-draft': 'This review is no longer a draft, so its questions cannot change.',
	'not-found': 'That question is not in this review (any more). Reload the page.',
	'duplicate-key': 'That question is already in this review.',
	'too-many': `A review can have at most ${maxQuestions} questions. Remove one before adding another.`
};

export const load: PageServerLoad = async (event) => {
	const { review, group } = await requireReview(event, 'facilitator');
	if (review.status !== 'draft') redirect(303, `/g/${group.slug}/reviews/${review.id}`);
	const [questions, missing] = await Promise.all([
		questionsOf(review.id),
		missingStandardQuestions(review.id)
	]);
	return { review, questions, missing: missing.map((q) => ({ key: q.key, title: q.title })) };
};

async function editing(event: RequestEvent) {
	const { review } = await requireReview(event, 'facilitator');
	return review.id;
}

function answer(outcome: EditOutcome, success: string) {
	if (outcome.ok) return { success };
	const { refusal } = outcome;
	return fail(refusal === 'not-found' ? 404 : 409, { message: refusals[refusal] });
}

const wordingOf = (data: z.infer<typeof forms.update>) => ({
	title: data.title,
	prompt: data.prompt || '',
	// the scale's meaning at both ends, as in the standard questions, when none is given
	lowLabel: data.lowLabel || '1: an outsider would laugh and move on',
	highLabel: data.highLabel || '5: an outsider would want to join'
});

export const actions: Actions = {
	rename: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.rename);
		if (!form.ok) return fail(400, { message: form.message });
		return answer(await renameReview(reviewId, form.data.title), 'Title saved.');
	},
	addQuestion: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.add);
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		const { kind } = form.data;
		const text = wordingOf({ ...form.data, key: '' });
		const outcome = await addQuestion(reviewId, {
			kind,
			...text,
			lowLabel: kind === 'scale' ? text.lowLabel : null,
			highLabel: kind === 'scale' ? text.highLabel : null
		});
		return answer(outcome, 'Question added at the end.');
	},
	addStandard: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.addStandard);
		if (!form.ok) return fail(400, { message: form.message });
		const standard = defaultInstrument.find((q) => q.key === form.data.standardKey)!;
		const { key: standardKey, ...input } = standard;
		return answer(
			await addQuestion(reviewId, { ...input, standardKey }),
			'Question added back at the end.'
		);
	},
	updateQuestion: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.update);
		if (!form.ok) return fail(400, { message: form.message });
		return answer(
			await updateQuestion(reviewId, form.data.key, wordingOf(form.data)),
			'Question saved.'
		);
	},
	removeQuestion: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.remove);
		if (!form.ok) return fail(400, { message: form.message });
		return answer(await removeQuestion(reviewId, form.data.key), 'Question removed.');
	},
	moveQuestion: async (event) => {
		const reviewId = await editing(event);
		const form = await readForm(event.request, forms.move);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await moveQuestion(
			reviewId,
			form.data.key,
			form.data.direction === 'up' ? -1 : 1
		);
		return answer(outcome, 'Question moved.');
	}
};
