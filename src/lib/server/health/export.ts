// The health page's numbers as files: revealed aggregates only, never raw answers.
import type { ReviewAggregate } from '$lib/server/health/trends';

/** Revealed aggregates only, one row per review and dimension, for CSV and JSON export. */
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
				mean: Number(d.mean.toFixed(4)),
				standardDeviation: Number(d.standardDeviation.toFixed(4)),
				distribution: d.distribution
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
		'scored_5'
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
			...r.distribution
		]
			.map(cell)
			.join(',')
	);
	return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
