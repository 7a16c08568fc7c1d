// The health page's numbers as files: revealed aggregates only, never raw answers.
import type { ReviewAggregate } from '$lib/server/health/trends';

const rounded = (n: number) => Number(n.toFixed(4));

/** Outsiders' aggregates of one dimension, only where their view is at or above its threshold. */
function outsidersOf(review: ReviewAggregate, key: string) {
	if (!review.outsiders?.revealed) return null;
	const score = review.outsiders.scores.get(key);
	if (!score) return null;
	return {
		mean: rounded(score.mean),
		standardDeviation: rounded(score.standardDeviation),
		count: score.count,
		// how many answered the outside view through each kind of link, all its questions together
		answered: { ...review.outsiders.byKind }
	};
}

/**
 * Revealed aggregates only, one row per review and dimension, for CSV and JSON export; each with
 * outsiders' aggregates of that dimension where their own threshold was met (never their texts).
 * A review hidden from members is left out, outsiders' numbers too: its rows would have no
 * members' numbers, and the files' readers expect them in every row.
 */
export function exportRows(aggregates: ReviewAggregate[]) {
	return aggregates
		.filter((r) => r.revealed)
		.flatMap((r) =>
			[...r.dimensions].map(([key, d]) => ({
				review: r.title,
				reviewId: r.id,
				closedAt: r.closedAt.toISOString(),
				dimension: key,
				title: d.title,
				count: d.count,
				mean: rounded(d.mean),
				standardDeviation: rounded(d.standardDeviation),
				distribution: d.distribution,
				outsiders: outsidersOf(r, key)
			}))
		);
}

export function toCsv(rows: ReturnType<typeof exportRows>) {
	const header = [
		'review',
		'closed_at',
		'dimension',
		'title',
		'count',
		'mean',
		'standard_deviation',
		'scored_1',
		'scored_2',
		'scored_3',
		'scored_4',
		'scored_5',
		// after members' columns, so that files read by position still read the same
		'outsiders_mean',
		'outsiders_standard_deviation',
		'outsiders_count',
		'outsiders_answered_by_personal_link',
		'outsiders_answered_by_shared_link'
	];
	const cell = (value: string | number) => {
		const text = String(value);
		// Quote everything that could break a row, and neutralise spreadsheet formulas.
		const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
		return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
	};
	const lines = rows.map((r) =>
		[
			r.review,
			r.closedAt,
			r.dimension,
			r.title,
			r.count,
			r.mean,
			r.standardDeviation,
			...r.distribution,
			...(r.outsiders
				? [
						r.outsiders.mean,
						r.outsiders.standardDeviation,
						r.outsiders.count,
						r.outsiders.answered.personal,
						r.outsiders.answered.shared
					]
				: ['', '', '', '', ''])
		]
			.map(cell)
			.join(',')
	);
	return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
