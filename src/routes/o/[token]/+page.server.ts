import { createHmac, randomBytes } from 'node:crypto';
import { error, fail, redirect, type Cookies } from '@sveltejs/kit';
import { countAttempt, describeWait, limits, retryAfter } from '$lib/server/accounts/rate-limit';
import { readForm } from '$lib/server/forms';
import {
	askingOf,
	findOutsiderLink,
	outsiderQuestionsOf,
	submitOutsiderAnswers,
	type LinkRefusal
} from '$lib/server/outsiders/outside-view';
import { responseSchema, toAnswers } from '$lib/server/reviews/response-form';
import type { Actions, PageServerLoad } from './$types';

// An outsider's page: no account, no name, nothing to sign up for. The link is the permission.

const refusals: Record<LinkRefusal, { status: number; message: string }> = {
	unknown: {
		status: 404,
		message: 'This link does not work. Check that it was copied whole, or ask whoever sent it.'
	},
	used: {
		status: 410,
		message:
			'This link has already been used to answer: each personal link takes one answer. If that was you, your answers are in. Thank you.'
	},
	full: {
		status: 410,
		message: 'This link has taken all the answers it can. Thank you for wanting to answer.'
	},
	closed: { status: 410, message: 'This group is no longer taking answers from outside.' },
	'not-open-yet': {
		status: 409,
		message: 'The group has not started taking answers yet. Try this link again in a few days.'
	}
};

/**
 * A browser that answered through a shared link says so in a cookie, as a courtesy against a
 * second answer by mistake: it holds the review, nothing about the answer. The cap and the limit
 * per address are the real guard.
 */
const answeredCookie = (reviewId: string) => `outsider-answered-${reviewId}`;
const answeredHere = (cookies: Cookies, reviewId: string) =>
	cookies.get(answeredCookie(reviewId)) === '1';

/**
 * The per-address limit, kept so that the database holds neither an outsider's address nor the
 * time they answered. The address is counted under a keyed hash whose key lives only in this
 * process's memory (a stored salt would not do: every IPv4 address can be hashed in minutes),
 * and the count's window starts on the quarter hour, so its row says only "some answers in
 * this quarter hour". With several workers, each counts on its own: the limit is per worker.
 */
const addressKey = randomBytes(32);
const { outsiderAnswersPerAddress: limit } = limits;
const countedAs = (address: string) =>
	`outsider:${createHmac('sha256', addressKey).update(address).digest('hex').slice(0, 32)}`;
const windowStart = () => Math.floor(Date.now() / limit.windowMs) * limit.windowMs;

export const load: PageServerLoad = async ({ params, cookies }) => {
	const link = findOutsiderLink(params.token);
	if (!link.ok) {
		const { status, message } = refusals[link.refusal];
		error(status, message);
	}
	const { reviewId, kind, open } = link.value;
	const asking = askingOf(reviewId);
	if (!asking) error(404, refusals.unknown.message);
	return {
		notOpenYet: !open,
		asking,
		answeredHere: kind === 'shared' && answeredHere(cookies, reviewId),
		questions: open ? outsiderQuestionsOf(reviewId) : []
	};
};

export const actions: Actions = {
	answer: async (event) => {
		const { params, cookies } = event;
		const counted = countedAs(event.getClientAddress());
		// only answers taken count: a refused form does not use up a meeting's allowance
		const wait = await retryAfter(counted, limit);
		if (wait > 0) {
			event.setHeaders({ 'Retry-After': String(wait) });
			return fail(429, {
				message: `Too many answers have come from this connection. Wait ${describeWait(wait)} and try again.`
			});
		}
		const link = findOutsiderLink(params.token);
		if (!link.ok) {
			const { status, message } = refusals[link.refusal];
			return fail(status, { message });
		}
		const { reviewId, kind, open } = link.value;
		if (!open) {
			const { status, message } = refusals['not-open-yet'];
			return fail(status, { message });
		}
		if (kind === 'shared' && answeredHere(cookies, reviewId))
			return fail(409, { message: 'You have already answered from this browser. Thank you.' });
		const questions = outsiderQuestionsOf(reviewId);
		const form = await readForm(event.request, responseSchema(questions));
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		const taken = submitOutsiderAnswers(params.token, toAnswers(questions, form.data));
		if (!taken.ok) {
			const { status, message } = refusals[taken.refusal];
			return fail(status, { message });
		}
		await countAttempt(counted, limit, windowStart());
		if (kind === 'shared')
			cookies.set(answeredCookie(reviewId), '1', {
				path: '/o',
				httpOnly: true,
				sameSite: 'lax',
				secure: event.url.protocol === 'https:',
				maxAge: 60 * 60 * 24 * 180
			});
		redirect(303, '/o/thanks');
	}
};
