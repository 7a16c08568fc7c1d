import { trafficLight, type TrafficLight } from '$lib/health-view';
import { membersDisagree } from '$lib/server/reviews/thresholds';
import type { Sample } from '$lib/server/outsiders/gap';
import type { OutsiderReading } from '$lib/server/outsiders/trend';

// Pure computations over stored aggregates: no database here, so every rule can be checked
// against examples worked by hand (tests/server/trends.test.ts).

export interface DimensionAggregate {
	title: string;
	count: number;
	mean: number;
	standardDeviation: number;
	distribution: [number, number, number, number, number];
}

export interface ReviewAggregate {
	id: string;
	title: string;
	closedAt: Date;
	purposeVersion: number | null;
	revealed: boolean;
	responseCount: number;
	eligibleCount: number;
	/** Scored dimensions by key; empty for a review hidden by the threshold. */
	dimensions: Map<string, DimensionAggregate>;
	/** Its outside view, if outsiders were asked: scores only at or above their own threshold. */
	outsiders: OutsiderReading | null;
}

export type Cell =
	| { kind: 'value'; mean: number; standardDeviation: number; count: number; light: TrafficLight }
	| { kind: 'hidden' }
	| { kind: 'not-asked' };

export interface Trends {
	reviews: {
		id: string;
		title: string;
		closedAt: Date;
		revealed: boolean;
		turnout: number | null;
		answered: number;
		eligible: number;
		restated: boolean;
		/** Whether outsiders were asked, and whether enough of them answered to show it. */
		outsiders: { threshold: number; revealed: boolean } | null;
	}[];
	dimensions: {
		key: string;
		title: string;
		cells: Cell[];
		/** Outsiders' scores per review, null where their view is missing, hidden or silent. */
		outsiders: (Sample | null)[];
	}[];
}

/**
 * Reviews oldest first; a hidden review is a gap (never a zero), a dimension not asked is too.
 * Outsiders' scores follow their own threshold, whether or not members' results are shown.
 */
export function buildTrends(reviews: ReviewAggregate[]): Trends {
	const ordered = [...reviews].sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime());
	const titles = new Map<string, string>();
	for (const review of ordered) for (const [key, d] of review.dimensions) titles.set(key, d.title);
	const dimensions = [...titles].map(([key, title]) => ({
		key,
		title,
		cells: ordered.map((review): Cell => {
			if (!review.revealed) return { kind: 'hidden' };
			const d = review.dimensions.get(key);
			return d
				? {
						kind: 'value',
						mean: d.mean,
						standardDeviation: d.standardDeviation,
						count: d.count,
						light: trafficLight(d.mean)
					}
				: { kind: 'not-asked' };
		}),
		outsiders: ordered.map((review) =>
			review.outsiders?.revealed ? (review.outsiders.scores.get(key) ?? null) : null
		)
	}));
	return {
		reviews: ordered.map((review, i) => ({
			id: review.id,
			title: review.title,
			closedAt: review.closedAt,
			revealed: review.revealed,
			turnout: review.eligibleCount > 0 ? review.responseCount / review.eligibleCount : null,
			answered: review.responseCount,
			eligible: review.eligibleCount,
			restated:
				i > 0 &&
				review.purposeVersion !== null &&
				review.purposeVersion !== ordered[i - 1].purposeVersion,
			outsiders: review.outsiders
				? { threshold: review.outsiders.threshold, revealed: review.outsiders.revealed }
				: null
		})),
		dimensions
	};
}

/** Changes smaller than this are not worth a sentence however certain they are. */
export const smallestNotableChange = 0.25;

/**
 * Whether a change of mean is larger than the noise of the two samples: more than twice the
 * standard error of the difference (about 95% confidence), each side's spread corrected to the
 * sample standard deviation. One answer per person, so the samples are independent.
 */
export function isBeyondNoise(
	a: { mean: number; standardDeviation: number; count: number },
	b: typeof a
) {
	const change = Math.abs(b.mean - a.mean);
	if (change < smallestNotableChange || a.count < 2 || b.count < 2) return false;
	const variance = (d: typeof a) => (d.standardDeviation ** 2 * d.count) / (d.count - 1) / d.count;
	return change > 2 * Math.sqrt(variance(a) + variance(b));
}

const one = (n: number) => n.toFixed(1);

/** Plain sentences for the top of the health page, most telling first. */
export function highlights(trends: Trends): string[] {
	const sentences: string[] = [];
	const revealed = trends.reviews.map((r, i) => ({ ...r, index: i })).filter((r) => r.revealed);
	const latest = revealed.at(-1);
	const previous = revealed.at(-2);
	if (!latest) return sentences;

	if (previous) {
		const moves = trends.dimensions
			.map((d) => ({ d, a: d.cells[previous.index], b: d.cells[latest.index] }))
			.filter((m) => m.a.kind === 'value' && m.b.kind === 'value')
			.map((m) => ({
				...m,
				a: m.a as Extract<Cell, { kind: 'value' }>,
				b: m.b as Extract<Cell, { kind: 'value' }>
			}))
			.filter((m) => isBeyondNoise(m.a, m.b))
			.sort((x, y) => Math.abs(y.b.mean - y.a.mean) - Math.abs(x.b.mean - x.a.mean));
		for (const { d, a, b } of moves.slice(0, 3)) {
			const verb = b.mean > a.mean ? 'rose' : 'fell';
			sentences.push(
				`${d.title} ${verb} from ${one(a.mean)} to ${one(b.mean)} since ${previous.title}.`
			);
		}
		for (const d of trends.dimensions) {
			const [a, b] = [d.cells[previous.index], d.cells[latest.index]];
			if (a.kind === 'value' && b.kind === 'value' && a.light === 'red' && b.light === 'red') {
				sentences.push(
					`${d.title} has been red for two reviews in a row (${one(a.mean)}, then ${one(b.mean)}).`
				);
			}
		}
	}

	const disputed = trends.dimensions
		.map((d) => ({ d, cell: d.cells[latest.index] }))
		.filter(
			(x): x is { d: (typeof trends.dimensions)[number]; cell: Extract<Cell, { kind: 'value' }> } =>
				x.cell.kind === 'value'
		)
		.filter((x) => membersDisagree(x.cell.standardDeviation))
		.sort((x, y) => y.cell.standardDeviation - x.cell.standardDeviation);
	if (disputed.length > 0) {
		const names = disputed.slice(0, 2).map((x) => x.d.title);
		sentences.push(
			`Members disagree most about ${names.join(' and ')} in ${latest.title}: look at how the answers split.`
		);
	}

	const turnouts = trends.reviews.filter((r) => r.turnout !== null);
	const [before, now] = turnouts.slice(-2).map((r) => Math.round(r.turnout! * 100));
	// in whole percent, as shown: 12 of 20 after 10 of 20 is 10 points (0.6 - 0.5 is 0.0999...)
	if (before !== undefined && now !== undefined && Math.abs(now - before) >= 10) {
		sentences.push(
			`Turnout ${now > before ? 'rose' : 'fell'} from ${before}% to ${now}% of members.`
		);
	}
	return sentences;
}
