import { describe, expect, it } from 'vitest';
import { gapBetween, gapSentence, outsidersRevealed } from '$lib/server/outsiders/gap';

// Worked by hand. The noise of a difference of means is twice the standard error of the
// difference, each side's population spread corrected to the sample's: var = sd² · n/(n−1) / n.

describe('the gap between members and outsiders', () => {
	it('is larger than the noise: members 4.1 (sd 0.7, n 10), outsiders 2.7 (sd 1.0, n 6)', () => {
		// var(members) = 0.49 · 10/9 / 10 = 0.0544; var(outsiders) = 1 · 6/5 / 6 = 0.2
		// noise = 2 · √0.2544 = 1.009 < 1.4
		const gap = gapBetween(
			{ mean: 4.1, standardDeviation: 0.7, count: 10 },
			{ mean: 2.7, standardDeviation: 1.0, count: 6 }
		);
		expect(gap.gap).toBeCloseTo(-1.4, 10);
		expect(gap.beyondNoise).toBe(true);
		expect(gapSentence('Organization', gap)).toBe(
			'Members rate organization 4.1; outsiders see 2.7. That gap is larger than the noise.'
		);
	});

	it('is within the noise: members 3.4 (sd 1.2, n 8), outsiders 3.0 (sd 1.3, n 5)', () => {
		// var = 1.44 · 8/7 / 8 = 0.2057 and 1.69 · 5/4 / 5 = 0.4225; noise = 2 · √0.6282 = 1.585 > 0.4
		const gap = gapBetween(
			{ mean: 3.4, standardDeviation: 1.2, count: 8 },
			{ mean: 3.0, standardDeviation: 1.3, count: 5 }
		);
		expect(gap.beyondNoise).toBe(false);
		expect(gapSentence('Direction', gap)).toBe(
			'Members rate direction 3.4; outsiders see 3.0. That difference is within the noise of so few answers.'
		);
	});

	it('needs a gap of at least a quarter point, however certain', () => {
		const many = { standardDeviation: 0.1, count: 500 };
		expect(gapBetween({ mean: 3.0, ...many }, { mean: 3.2, ...many }).beyondNoise).toBe(false);
		expect(gapBetween({ mean: 3.0, ...many }, { mean: 3.3, ...many }).beyondNoise).toBe(true);
	});
});

describe("outsiders' own threshold", () => {
	it('counts outsiders apart from members, in both directions', () => {
		// members revealed (say 9 of 10 answered) while only 4 outsiders did, with k = 5
		expect(outsidersRevealed(4, 5)).toBe(false);
		// members hidden, outsiders revealed: the two are independent
		expect(outsidersRevealed(6, 5)).toBe(true);
		expect(outsidersRevealed(5, 5)).toBe(true);
	});

	it('never goes below the floor of 3', () => {
		expect(outsidersRevealed(2, 1)).toBe(false);
		expect(outsidersRevealed(3, 1)).toBe(true);
	});
});
