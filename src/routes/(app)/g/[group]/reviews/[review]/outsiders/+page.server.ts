import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { canSendMail } from '$lib/server/accounts/account-mail';
import { emailField, readForm } from '$lib/server/forms';
import { requireReview } from '$lib/server/guards';
import { emailOutsiderLinks, outsiderLinkUrl } from '$lib/server/outsiders/invitations';
import {
	askOutsiders,
	closeOutsideView,
	defaultSharedCap,
	makePersonalLinks,
	makeSharedLink,
	maxLinksAtOnce,
	outsiderChoices,
	outsideViewSummary,
	type AskRefusal
} from '$lib/server/outsiders/outside-view';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const askMessages: Record<AskRefusal, string> = {
	'not-found': 'That review does not exist.',
	closed: 'This review is closed: outsiders can no longer be asked about it.',
	'asked-already': 'Outsiders are already asked about this review. Reload the page.',
	'no-questions': 'Choose at least one question for outsiders.'
};
const linkMessages = {
	'not-found': 'Ask outsiders first, then make their links.',
	closed: 'The outside view of this review is closed: no new links can be made.',
	'bad-count': `Make between 1 and ${maxLinksAtOnce} links at a time.`
};

const countField = z.coerce
	.number({ error: `Enter a number from 1 to ${maxLinksAtOnce}.` })
	.int(`Enter a whole number from 1 to ${maxLinksAtOnce}.`)
	.min(1, 'Make at least one link.')
	.max(maxLinksAtOnce, `Make at most ${maxLinksAtOnce} links at a time.`);

const forms = {
	links: z.object({ count: countField }),
	shared: z.object({
		cap: z.coerce
			.number({ error: 'Enter how many answers the shared link may take.' })
			.int('Enter a whole number of answers.')
			.min(1, 'The shared link must take at least one answer.')
			.max(1000, 'The shared link can take at most 1,000 answers.')
	}),
	send: z.object({
		addresses: z
			.string({ error: 'Enter at least one email address.' })
			.max(maxLinksAtOnce * 256, 'That is too many addresses at once.')
			.transform((text) => [
				...new Set(
					text
						.toLowerCase()
						.split(/[\s,;]+/)
						.filter(Boolean)
				)
			])
			.check((context) => {
				// name the address that is wrong, among perhaps dozens
				const wrong = context.value.find((address) => !emailField.safeParse(address).success);
				if (wrong)
					context.issues.push({
						code: 'custom',
						input: context.value,
						message: `"${wrong.slice(0, 80)}" is not an email address. Correct it and send again; nothing was sent.`
					});
			})
			.pipe(
				z
					.array(emailField)
					.min(1, 'Enter at least one email address.')
					.max(maxLinksAtOnce, `Send at most ${maxLinksAtOnce} links at a time.`)
			)
	}),
	close: z.object({
		confirm: z.literal('close', { error: 'Confirm that outsiders should stop answering.' })
	})
};

export const load: PageServerLoad = async (event) => {
	const { review } = await requireReview(event, 'facilitator');
	return {
		review: { id: review.id, title: review.title, status: review.status },
		view: outsideViewSummary(review.id),
		choices: outsiderChoices(review.id).map(({ key, title, prompt }) => ({ key, title, prompt })),
		canSendMail: canSendMail(),
		maxLinksAtOnce,
		defaultSharedCap
	};
};

/** The facilitator and a review still to be answered; a closed one takes no outsiders. */
async function openToOutsiders(event: RequestEvent, intent: string) {
	const found = await requireReview(event, 'facilitator');
	if (found.review.status === 'closed')
		return { refused: fail(409, { intent, message: askMessages.closed }) };
	return { found };
}

export const actions: Actions = {
	ask: async (event) => {
		const { found, refused } = await openToOutsiders(event, 'ask');
		if (refused) return refused;
		const choices = outsiderChoices(found.review.id);
		const picked = z.object(
			Object.fromEntries(choices.map((q) => [`ask:${q.key}`, z.literal('on').optional()]))
		);
		const form = await readForm(event.request, picked);
		if (!form.ok) return fail(400, { intent: 'ask', message: form.message });
		const keys = choices.map((q) => q.key).filter((key) => form.data[`ask:${key}`] === 'on');
		if (keys.length === 0)
			return fail(400, { intent: 'ask', message: askMessages['no-questions'] });
		const asked = askOutsiders(found.group.id, found.review.id, keys);
		if (!asked.ok)
			return fail(asked.refusal === 'no-questions' ? 400 : 409, {
				intent: 'ask',
				message: askMessages[asked.refusal]
			});
		return { intent: 'ask', success: 'Outsiders are asked. Now make their links below.' };
	},
	links: async (event) => {
		const { found, refused } = await openToOutsiders(event, 'links');
		if (refused) return refused;
		const form = await readForm(event.request, forms.links);
		if (!form.ok) return fail(400, { intent: 'links', message: form.message });
		const made = makePersonalLinks(found.review.id, form.data.count);
		if (!made.ok) return fail(409, { intent: 'links', message: linkMessages[made.refusal] });
		// shown this once: only their hashes are kept
		return { intent: 'links', links: made.value.map(outsiderLinkUrl) };
	},
	send: async (event) => {
		const { found, refused } = await openToOutsiders(event, 'send');
		if (refused) return refused;
		if (!canSendMail())
			return fail(409, {
				intent: 'send',
				message: 'This Outsider cannot send email. Make links and hand them out yourself.'
			});
		const form = await readForm(event.request, forms.send);
		if (!form.ok)
			return fail(400, { intent: 'send', message: form.message, addresses: form.values.addresses });
		const view = outsideViewSummary(found.review.id);
		if (!view) return fail(409, { intent: 'send', message: linkMessages['not-found'] });
		const sent = await emailOutsiderLinks(
			{ reviewId: found.review.id, groupName: found.group.name, threshold: view.threshold },
			form.data.addresses
		);
		if (!sent.ok) return fail(409, { intent: 'send', message: linkMessages[sent.refusal] });
		const { sent: count, failed } = sent.value;
		return {
			intent: 'send',
			success: `Sent ${count} ${count === 1 ? 'link' : 'links'}. The addresses were not kept.`,
			message:
				failed.length > 0
					? `These could not be sent; check them and try again: ${failed.join(', ')}`
					: undefined,
			addresses: failed.join('\n')
		};
	},
	shared: async (event) => {
		const { found, refused } = await openToOutsiders(event, 'shared');
		if (refused) return refused;
		const form = await readForm(event.request, forms.shared);
		if (!form.ok) return fail(400, { intent: 'shared', message: form.message });
		const made = makeSharedLink(found.review.id, form.data.cap);
		if (!made.ok) return fail(409, { intent: 'shared', message: linkMessages[made.refusal] });
		return { intent: 'shared', sharedLink: outsiderLinkUrl(made.value) };
	},
	close: async (event) => {
		const { found, refused } = await openToOutsiders(event, 'close');
		if (refused) return refused;
		const form = await readForm(event.request, forms.close);
		if (!form.ok) return fail(400, { intent: 'close', message: form.message });
		if (!outsideViewSummary(found.review.id))
			return fail(409, { intent: 'close', message: linkMessages['not-found'] });
		closeOutsideView(found.review.id);
		return {
			intent: 'close',
			success: 'Outsiders can no longer answer. Members can still answer until the review closes.'
		};
	}
};
