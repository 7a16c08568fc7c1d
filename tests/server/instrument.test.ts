import { describe, expect, it } from 'vitest';
import {
	cellAt,
	changeParts,
	lightWords,
	outsidersAt,
	series,
	trafficLight,
	valueAt
} from '$lib/health-view';
import { defaultInstrument, quarterTitle } from '$lib/server/reviews/instrument';
import { isRevealed, membersDisagree } from '$lib/server/reviews/thresholds';

describe('the default instrument', () => {
	it('asks the seven dimensions of the brief by their stable keys, then the four open questions', () => {
		expect(defaultInstrument.map((q) => [q.key, q.kind])).toEqual([
			['impression', 'scale'],
			['execution', 'scale'],
			['direction', 'scale'],
			['progress', 'scale'],
			['democracy', 'scale'],
			['purpose', 'scale'],
			['multiplication', 'scale'],
			['outsider-notice', 'text'],
			['de-emphasize', 'text'],
			['raise-issue', 'text'],
			['next-level', 'text']
		]);
	});

	it('words every question, with both ends of every scale named 1 and 5', () => {
		const titles = new Set(defaultInstrument.map((q) => q.title));
		expect(titles.size).toBe(defaultInstrument.length);
		for (const q of defaultInstrument) {
			expect(q.title.length, q.key).toBeGreaterThan(5);
			expect(q.prompt.length, q.key).toBeGreaterThan(30);
			if (q.kind === 'scale') {
				expect(q.lowLabel, q.key).toMatch(/^1: \S/);
				expect(q.highLabel, q.key).toMatch(/^5: \S/);
			} else {
				expect([q.lowLabel, q.highLabel], q.key).toEqual([null, null]);
			}
		}
	});

	it('titles a review by the quarter it starts in', () => {
		expect(quarterTitle(new Date('2026-01-01T00:00:00Z'))).toBe('2026 Q1');
		expect(quarterTitle(new Date('2026-03-31T23:59:59Z'))).toBe('2026 Q1');
		expect(quarterTitle(new Date('2026-04-01T00:00:00Z'))).toBe('2026 Q2');
		expect(quarterTitle(new Date('2026-09-30T12:00:00Z'))).toBe('2026 Q3');
		expect(quarterTitle(new Date('2026-12-31T12:00:00Z'))).toBe('2026 Q4');
	});
});

describe('how results are shown', () => {
	it('says each light in words', () => {
		expect(lightWords).toEqual({ red: 'Red', amber: 'Amber', green: 'Green' });
		expect([2.49, 2.5, 3.49, 3.5].map(trafficLight)).toEqual(['red', 'amber', 'amber', 'green']);
	});

	it('shows a change to one decimal, with its arrow', () => {
		expect(changeParts(0.26)).toEqual({ arrow: '▲', signed: '+0.3' });
		expect(changeParts(-0.26)).toEqual({ arrow: '▼', signed: '-0.3' });
		expect(changeParts(-0.04)).toEqual({ arrow: '●', signed: '0.0' });
	});

	it('reads a cell of the compact health view: a value, a gap for a hidden review, or not asked', () => {
		const view = {
			reviews: [
				{
					id: 'a',
					title: 'Q1',
					revealed: true,
					turnout: 50,
					restated: false
				},
				{
					id: 'b',
					title: 'Q2',
					revealed: false,
					turnout: null,
					restated: false
				},
				{
					id: 'c',
					title: 'Q3',
					revealed: true,
					turnout: 60,
					restated: false
				}
			],
			recentTurnout: [],
			outsidersThreshold: null,
			dimensions: [
				{
					key: 'democracy',
					title: 'Democracy',
					means: series([2.4, null, null]),
					spreads: series([1.1, null, null]),
					outsiderMeans: series([null, null, null])
				}
			]
		};
		const dimension = view.dimensions[0];
		expect(valueAt(dimension, 0)).toEqual([2.4, 1.1]);
		expect(valueAt(dimension, 1)).toBeNull();
		expect(valueAt({ ...dimension, spreads: series([null, null, null]) }, 0)).toBeNull();
		expect(valueAt({ ...dimension, means: series([null, null, null]) }, 0)).toBeNull();
		expect(cellAt(view, dimension, 0)).toEqual({
			kind: 'value',
			mean: 2.4,
			standardDeviation: 1.1,
			light: 'red'
		});
		expect(cellAt(view, dimension, 1)).toEqual({ kind: 'hidden' });
		expect(cellAt(view, dimension, 2)).toEqual({ kind: 'not-asked' });
	});

	it('reads outsiders’ mean and its gap from members’: no gap unless both are shown', () => {
		const dimension = {
			key: 'direction',
			title: 'Direction',
			means: series([2.4, null, 3.8, 3]),
			spreads: series([1.1, null, 0.5, 0.9]),
			outsiderMeans: series([1.8, 4.2, null, 3])
		};
		expect(outsidersAt(dimension, 0)).toEqual({ mean: 1.8, gap: -0.6 });
		// members hidden, outsiders shown: their mean, but nothing to subtract it from
		expect(outsidersAt(dimension, 1)).toEqual({ mean: 4.2, gap: null });
		expect(outsidersAt(dimension, 2)).toBeNull();
		expect(outsidersAt(dimension, 3)).toEqual({ mean: 3, gap: 0 });
	});
});

describe('thresholds', () => {
	it('reveals a review only once closed, with a threshold, and at least that many answers', () => {
		const closed = { status: 'closed' as const, threshold: 5, responseCount: 5 };
		expect(isRevealed(closed)).toBe(true);
		expect(isRevealed({ ...closed, responseCount: 4 })).toBe(false);
		expect(isRevealed({ ...closed, responseCount: null })).toBe(false);
		expect(isRevealed({ ...closed, status: 'open' })).toBe(false);
		expect(isRevealed({ ...closed, status: 'draft' })).toBe(false);
		// no threshold fixed (never opened properly): nothing is shown, whatever the count
		expect(isRevealed({ ...closed, threshold: null })).toBe(false);
	});

	it('calls a spread disagreement from 1.2 as shown', () => {
		expect([1.14, 1.16, 1.2, 2].map(membersDisagree)).toEqual([false, true, true, true]);
	});
});
