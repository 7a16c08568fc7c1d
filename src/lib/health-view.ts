// Shared by the server and the health page. The page receives a compact view of a group's
// trends, because it is rendered, serialized and sent again with every view.

export type TrafficLight = 'red' | 'amber' | 'green';

export function trafficLight(mean: number): TrafficLight {
	return mean < 2.5 ? 'red' : mean < 3.5 ? 'amber' : 'green';
}

/** The light in words: the colour is never shown alone. */
export const lightWords: Record<TrafficLight, string> = {
	red: 'Red',
	amber: 'Amber',
	green: 'Green'
};

/**
 * A change between two means as pages show it, to one decimal, with its direction: "▲ +0.3",
 * "▼ -0.2", and "● 0.0" for a change that rounds to nothing (never "-0.0" or an arrow beside 0.0).
 */
export function changeParts(change: number) {
	const shown = Math.round(change * 10) / 10 || 0;
	return {
		arrow: shown > 0 ? '▲' : shown < 0 ? '▼' : '●',
		signed: shown > 0 ? `+${shown.toFixed(1)}` : shown.toFixed(1)
	};
}

/** How many of the latest reviews the turnout bars show; the table has more. */
export const turnoutBarsShown = 8;

/**
 * How many of the latest reviews the table shows until asked for all (three years of quarterly
 * reviews): a decade's forty columns are a long scroll, and tripled the page's cost to serve.
 */
export const tableReviewsShown = 12;

export interface HealthView {
	reviews: {
		id: string;
		title: string;
		revealed: boolean;
		/** Whole percent of eligible members who answered, or null (hidden review). */
		turnout: number | null;
		restated: boolean;
	}[];
	/** The latest `turnoutBarsShown` reviews' turnout as people say it: how many of how many. */
	recentTurnout: { title: string; answered: number; eligible: number; turnout: number | null }[];
	/**
	 * The threshold of the latest review that asked outsiders, for the sentence that explains
	 * their numbers; null when no review did.
	 */
	outsidersThreshold: number | null;
	/**
	 * Per dimension, per review, in hundredths of a point: 291 is a mean of 2.91; `missing` where
	 * the review is hidden or did not ask the dimension. Typed arrays of whole numbers: SvelteKit's
	 * serializer writes one as a single list, where an array costs it a step per value, and the
	 * page serializes 3 of them per dimension, each as long as the group's history.
	 */
	dimensions: {
		key: string;
		title: string;
		means: Int16Array;
		spreads: Int16Array;
		/** Outsiders' means, in hundredths too; `missing` where their view is missing or hidden. */
		outsiderMeans: Int16Array;
	}[];
}

/** No value in one of HealthView's series: no score or spread is ever below zero. */
export const missing = -1;

/** A series of values in hundredths, null for none, as HealthView holds it. */
export function series(values: (number | null)[]): Int16Array {
	return Int16Array.from(values, (value) => (value === null ? missing : Math.round(value * 100)));
}

/** Whether any review has a value in `values`. */
export const anyValue = (values: Int16Array) => values.some((value) => value !== missing);

export type CellView =
	| { kind: 'value'; mean: number; standardDeviation: number; light: TrafficLight }
	| { kind: 'hidden' }
	| { kind: 'not-asked' };

/** A dimension's [mean, spread] in one review, on the 1-5 scale, or null. */
export function valueAt(
	dimension: HealthView['dimensions'][number],
	index: number
): [number, number] | null {
	const mean = dimension.means[index];
	const spread = dimension.spreads[index];
	return mean === missing || spread === missing ? null : [mean / 100, spread / 100];
}

/**
 * Outsiders' mean of a dimension in one review and its gap from members' (outsiders minus
 * members), on the 1-5 scale; null where not shown. The gap is null unless both are shown.
 */
export function outsidersAt(dimension: HealthView['dimensions'][number], index: number) {
	const outsiders = dimension.outsiderMeans[index];
	if (outsiders === missing) return null;
	const members = dimension.means[index];
	return {
		mean: outsiders / 100,
		gap: members === missing ? null : (outsiders - members) / 100
	};
}

export function cellAt(
	view: HealthView,
	dimension: HealthView['dimensions'][number],
	index: number
): CellView {
	const value = valueAt(dimension, index);
	if (value)
		return {
			kind: 'value',
			mean: value[0],
			standardDeviation: value[1],
			light: trafficLight(value[0])
		};
	return view.reviews[index].revealed ? { kind: 'not-asked' } : { kind: 'hidden' };
}
