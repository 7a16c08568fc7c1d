import { describe, expect, it } from 'vitest';
import {
	buildTrends,
	highlights,
	isBeyondNoise,
	type ReviewAggregate
} from '$lib/server/health/trends';
import { missing } from '$lib/health-view';
import { toHealthView } from '$lib/server/health/health';
import type { OutsiderReading } from '$lib/server/outsiders/trend';

// Hand-worked examples: every number below can be checked with pencil and paper.
const d = (title: string, mean: number, standardDeviation: number, count = 10) => ({
	title,
	mean,
	standardDeviation,
	count,
	distribution: [0, 0, 0, 0, 0] as [number, number, number, number, number]
});

function review(
	title: string,
	day: number,
	dims: Record<string, ReturnType<typeof d>>,
	options: {
		revealed?: boolean;
		responses?: number;
		eligible?: number;
		purposeVersion?: number;
		outsiders?: OutsiderReading | null;
	} = {}
): ReviewAggregate {
	const revealed = options.revealed ?? true;
	return {
		id: title,
		title,
		closedAt: new Date(Date.UTC(2026, 0, day)),
		purposeVersion: options.purposeVersion ?? 1,
		revealed,
		responseCount: options.responses ?? 10,
		eligibleCount: options.eligible ?? 20,
		dimensions: new Map(revealed ? Object.entries(dims) : []),
		outsiders: options.outsiders ?? null
	};
}

/** An outside view at or above its threshold, with these scores ([mean, spread, count]). */
const seen = (scores: Record<string, [number, number, number]>): OutsiderReading => ({
	revealed: true,
	threshold: 5,
	byKind: { personal: 3, shared: 2 },
	scores: new Map(
		Object.entries(scores).map(([key, [mean, standardDeviation, count]]) => [
			key,
			{ mean, standardDeviation, count }
		])
	)
});

describe('buildTrends', () => {
	it('orders reviews by closing, shows hidden reviews as gaps (not zeros) and marks restatements', () => {
		const trends = buildTrends([
			review('Q3', 90, { democracy: d('Democracy', 3, 1) }, { purposeVersion: 2 }),
			review('Q1', 1, { democracy: d('Democracy', 2, 1) }),
			review('Q2', 45, {}, { revealed: false, responses: 3, eligible: 20 })
		]);
		expect(trends.reviews.map((r) => r.title)).toEqual(['Q1', 'Q2', 'Q3']);
		expect(trends.reviews.map((r) => r.turnout)).toEqual([0.5, 0.15, 0.5]);
		expect(trends.reviews.map((r) => r.restated)).toEqual([false, false, true]);
		const cells = trends.dimensions[0].cells;
		expect(cells[0]).toMatchObject({ kind: 'value', mean: 2, light: 'red' });
		expect(cells[1]).toEqual({ kind: 'hidden' });
		expect(cells[2]).toMatchObject({ kind: 'value', mean: 3, light: 'amber' });
	});

	it('keeps dimensions added or removed between reviews, as "not asked" where they were not', () => {
		const trends = buildTrends([
			review('Q1', 1, { democracy: d('Democracy', 3, 1), fun: d('Fun at meetings', 4, 1) }),
			review('Q2', 2, { democracy: d('Democracy', 3.5, 1), safety: d('Safety', 2, 1) })
		]);
		const byKey = Object.fromEntries(
			trends.dimensions.map((x) => [x.key, x.cells.map((c) => c.kind)])
		);
		expect(byKey).toEqual({
			democracy: ['value', 'value'],
			fun: ['value', 'not-asked'],
			safety: ['not-asked', 'value']
		});
	});
});

describe('outsiders in the trends', () => {
	it('carries outsiders’ scores where their view is revealed, whatever members’ threshold did', () => {
		const trends = buildTrends([
			review(
				'Q1',
				1,
				{ direction: d('Direction', 3, 1) },
				{ outsiders: seen({ direction: [2.4, 0.8, 5] }) }
			),
			review('Q2', 2, {}, { revealed: false, outsiders: seen({ direction: [3.6, 0.5, 6] }) }),
			review(
				'Q3',
				3,
				{ direction: d('Direction', 3.5, 1) },
				{
					outsiders: { revealed: false, threshold: 5 }
				}
			),
			review('Q4', 4, { direction: d('Direction', 4, 1) })
		]);
		expect(trends.dimensions[0].outsiders).toEqual([
			{ mean: 2.4, standardDeviation: 0.8, count: 5 },
			{ mean: 3.6, standardDeviation: 0.5, count: 6 },
			null,
			null
		]);
		expect(trends.reviews.map((r) => r.outsiders)).toEqual([
			{ threshold: 5, revealed: true },
			{ threshold: 5, revealed: true },
			{ threshold: 5, revealed: false },
			null
		]);
		const view = toHealthView(trends);
		// the latest review that asked outsiders says their threshold
		expect(view.outsidersThreshold).toBe(5);
		expect(Array.from(view.dimensions[0].outsiderMeans)).toEqual([240, 360, missing, missing]);
		expect(Array.from(view.dimensions[0].means)).toEqual([300, missing, 350, 400]);
	});

	it('leaves a dimension outsiders were not asked as a gap in their line', () => {
		const trends = buildTrends([
			review(
				'Q1',
				1,
				{ direction: d('Direction', 3, 1), democracy: d('Democracy', 2, 1) },
				{
					outsiders: seen({ democracy: [4, 0, 5] })
				}
			)
		]);
		const byKey = Object.fromEntries(trends.dimensions.map((x) => [x.key, x.outsiders]));
		expect(byKey).toEqual({
			direction: [null],
			democracy: [{ mean: 4, standardDeviation: 0, count: 5 }]
		});
	});
});

describe('noise', () => {
	it('compares a change of mean with twice the standard error of the difference', () => {
		// n=10, population sd 1: sample variance 10/9, standard error of each mean sqrt(1/9) = 1/3;
		// of the difference sqrt(2/9) = 0.471; twice that is 0.943.
		expect(isBeyondNoise(d('x', 3, 1), d('x', 3.9, 1))).toBe(false);
		expect(isBeyondNoise(d('x', 3, 1), d('x', 4.0, 1))).toBe(true);
		// a unanimous change of 0.3 is real; one of 0.2 is too small to mention however certain
		expect(isBeyondNoise(d('x', 3, 0), d('x', 3.3, 0))).toBe(true);
		expect(isBeyondNoise(d('x', 3, 0), d('x', 3.2, 0))).toBe(false);
		// the same change with fewer answers is noise: n=3, sd 1 -> 2*sqrt(1/2+1/2) = 2
		expect(isBeyondNoise(d('x', 3, 1, 3), d('x', 4.5, 1, 3))).toBe(false);
	});
});

describe('highlights', () => {
	it('names what moved beyond the noise, what is red twice, where members disagree, and turnout', () => {
		const trends = buildTrends([
			review(
				'2026 Q1',
				1,
				{
					democracy: d('Democracy', 2.0, 0.5, 20),
					execution: d('Organization', 2.4, 0.4, 20),
					direction: d('Direction', 3.0, 1.0, 20)
				},
				{ responses: 10, eligible: 20 }
			),
			review(
				'2026 Q2',
				2,
				{
					democracy: d('Democracy', 3.2, 0.5, 20),
					execution: d('Organization', 2.2, 0.4, 20),
					direction: d('Direction', 3.1, 1.5, 20)
				},
				{ responses: 16, eligible: 20 }
			)
		]);
		expect(highlights(trends)).toEqual([
			'Democracy rose from 2.0 to 3.2 since 2026 Q1.',
			'Organization has been red for two reviews in a row (2.4, then 2.2).',
			'Members disagree most about Direction in 2026 Q2: look at how the answers split.',
			'Turnout rose from 50% to 80% of members.'
		]);
	});

	it('skips a hidden review: the comparison is with the last revealed one', () => {
		const trends = buildTrends([
			review('Q1', 1, { democracy: d('Democracy', 2, 0.2, 20) }),
			review('Q2', 2, {}, { revealed: false, responses: 2 }),
			review('Q3', 3, { democracy: d('Democracy', 4, 0.2, 20) }, { responses: 2 })
		]);
		expect(highlights(trends)[0]).toBe('Democracy rose from 2.0 to 4.0 since Q1.');
	});

	it('says nothing about changes within the noise, or with a single revealed review', () => {
		const one = buildTrends([review('Q1', 1, { democracy: d('Democracy', 3, 0.5) })]);
		expect(highlights(one)).toEqual([]);
		const small = buildTrends([
			review('Q1', 1, { democracy: d('Democracy', 3, 1.0) }),
			review('Q2', 2, { democracy: d('Democracy', 3.5, 1.0) })
		]);
		expect(highlights(small)).toEqual([]);
	});
});

describe('highlights, at their edges', () => {
	it('names the three largest moves, largest first, falling ones too', () => {
		const before = {
			a: d('Alpha', 2.0, 0, 20),
			b: d('Beta', 4.0, 0, 20),
			c: d('Gamma', 3.0, 0, 20),
			e: d('Delta', 3.0, 0, 20)
		};
		const after = {
			a: d('Alpha', 2.4, 0, 20),
			b: d('Beta', 2.5, 0, 20),
			c: d('Gamma', 4.0, 0, 20),
			e: d('Delta', 3.3, 0, 20)
		};
		const trends = buildTrends([review('Q1', 1, before), review('Q2', 2, after)]);
		expect(highlights(trends).slice(0, 4)).toEqual([
			'Beta fell from 4.0 to 2.5 since Q1.',
			'Gamma rose from 3.0 to 4.0 since Q1.',
			'Alpha rose from 2.0 to 2.4 since Q1.',
			'Alpha has been red for two reviews in a row (2.0, then 2.4).'
		]);
	});

	it('compares only dimensions asked in both reviews, and red twice needs both', () => {
		const trends = buildTrends([
			review('Q1', 1, { old: d('Old question', 1.0, 0, 20), red: d('Red', 2.0, 0, 20) }),
			review('Q2', 2, { fresh: d('New question', 4.9, 0, 20), red: d('Red', 2.6, 0, 20) })
		]);
		expect(highlights(trends)).toEqual(['Red rose from 2.0 to 2.6 since Q1.']);
	});

	it('names at most the two dimensions with the widest spread, widest first', () => {
		const trends = buildTrends([
			review('Q1', 1, {
				a: d('Calm', 3, 0.2),
				b: d('Split', 3, 1.6),
				c: d('Torn', 3, 1.9),
				e: d('Divided', 3, 1.3)
			})
		]);
		expect(highlights(trends)).toEqual([
			'Members disagree most about Torn and Split in Q1: look at how the answers split.'
		]);
	});

	it('mentions turnout from a change of 10 points, between the last two reviews that have it', () => {
		const turnout = (responses: number[]) =>
			highlights(
				buildTrends(
					responses.map((n, i) =>
						review(`Q${i + 1}`, i + 1, { x: d('X', 3, 0.1) }, { responses: n, eligible: 20 })
					)
				)
			).filter((s) => s.startsWith('Turnout'));
		expect(turnout([10, 12])).toEqual(['Turnout rose from 50% to 60% of members.']);
		expect(turnout([10, 11])).toEqual([]);
		expect(turnout([20, 10, 16])).toEqual(['Turnout rose from 50% to 80% of members.']);
		expect(turnout([16, 10])).toEqual(['Turnout fell from 80% to 50% of members.']);
		// a review nobody could answer has no turnout, and is passed over
		const skipping = buildTrends([
			review('Q1', 1, { x: d('X', 3, 0.1) }, { responses: 10, eligible: 20 }),
			review('Q2', 2, { x: d('X', 3, 0.1) }, { responses: 0, eligible: 0 })
		]);
		expect(skipping.reviews.map((r) => r.turnout)).toEqual([0.5, null]);
		expect(highlights(skipping)).toEqual([]);
	});

	it('says nothing at all when no review is revealed', () => {
		expect(highlights(buildTrends([review('Q1', 1, {}, { revealed: false })]))).toEqual([]);
	});
});

describe('noise, at its edges', () => {
	it('needs two answers on each side, and a change strictly beyond the line', () => {
		expect(isBeyondNoise(d('x', 3, 0, 1), d('x', 4, 0, 20))).toBe(false);
		expect(isBeyondNoise(d('x', 3, 0, 20), d('x', 4, 0, 1))).toBe(false);
		expect(isBeyondNoise(d('x', 3, 0, 2), d('x', 4, 0, 2))).toBe(true);
		// exactly 0.25 is notable; just under is not
		expect(isBeyondNoise(d('x', 3, 0, 20), d('x', 3.25, 0, 20))).toBe(true);
		expect(isBeyondNoise(d('x', 3, 0, 20), d('x', 3.24, 0, 20))).toBe(false);
		// n=2, sd 0.5 each: variance of each mean 0.5^2*2/1/2 = 0.25, of the difference 0.5, twice
		// its square root 1.414...; a change of exactly 2*sqrt(0.5) is not beyond it
		const line = 2 * Math.sqrt(0.5);
		expect(isBeyondNoise(d('x', 1, 0.5, 2), d('x', 1 + line, 0.5, 2))).toBe(false);
		expect(isBeyondNoise(d('x', 1, 0.5, 2), d('x', 1 + line + 0.01, 0.5, 2))).toBe(true);
	});
});

describe('restatements on the time axis', () => {
	it('marks a review whose purpose differs from the one before, not the first or an unknown one', () => {
		const trends = buildTrends([
			review('Q1', 1, {}, { purposeVersion: 1 }),
			review('Q2', 2, {}, { purposeVersion: 1 }),
			review('Q3', 3, {}, { purposeVersion: 2 })
		]);
		expect(trends.reviews.map((r) => r.restated)).toEqual([false, false, true]);
		const unknown = buildTrends([
			review('Q1', 1, {}, { purposeVersion: 1 }),
			{ ...review('Q2', 2, {}), purposeVersion: null }
		]);
		expect(unknown.reviews.map((r) => r.restated)).toEqual([false, false]);
	});
});
