import { requireMember } from '$lib/server/guards';
import { groupHealth, openAnswerSamples } from '$lib/server/health/health';
import { trafficLight } from '$lib/server/reviews/results';
import { isBeyondNoise } from '$lib/server/health/trends';
import type { PageServerLoad } from './$types';

/**
 * Open answers shown per question and review: a sample to compare the tone of two quarters by;
 * each review's results page has all of them.
 */
const answersShown = 8;

export const load: PageServerLoad = async (event) => {
	const { group } = await requireMember(event);
	// Only revealed reviews can be compared: a hidden one has no results to put side by side,
	// and comparing it with another could not reveal anything either.
	const health = await groupHealth(group.id);
	const revealed = health.aggregates.filter((r) => r.revealed);
	const choices = revealed.map((r) => ({ id: r.id, title: r.title }));
	const pick = (id: string | null, fallback: number) =>
		revealed.find((r) => r.id === id) ?? revealed.at(fallback);
	const params = event.url.searchParams;
	const a = pick(params.get('a'), -2);
	const b = pick(params.get('b'), -1);
	const unknownChoice = (['a', 'b'] as const).some(
		(p) => params.get(p) && !revealed.some((r) => r.id === params.get(p))
	);
	if (!a || !b || a.id === b.id)
		return { choices, comparison: null, unknownChoice, same: Boolean(a && b) };

	const keys = [...new Set([...a.dimensions.keys(), ...b.dimensions.keys()])];
	const side = (review: typeof a, key: string) => {
		const d = review.dimensions.get(key);
		return d ? { ...d, light: trafficLight(d.mean) } : null;
	};
	const [answersA, answersB] = [a.id, b.id].map((id) =>
		openAnswerSamples(health, id, answersShown)
	);
	return {
		choices,
		unknownChoice,
		same: false,
		comparison: {
			a: { id: a.id, title: a.title, responseCount: a.responseCount, answers: answersA },
			b: { id: b.id, title: b.title, responseCount: b.responseCount, answers: answersB },
			rows: keys.map((key) => {
				const left = side(a, key);
				const right = side(b, key);
				return {
					key,
					title: (right ?? left)!.title,
					a: left,
					b: right,
					change: left && right ? right.mean - left.mean : null,
					// the Health page's rule: a change counts when it is larger than both samples' noise
					beyondNoise: Boolean(left && right && isBeyondNoise(left, right))
				};
			})
		}
	};
};
