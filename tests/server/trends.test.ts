import { describe, expect, it } from 'vitest';
import { buildTrends, highlights, isBeyondNoise, type ReviewAggregate } from '$lib/server/trends';

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
		dimensions: new Map(revealed ? Object.entries(dims) : [])
	};
}

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
