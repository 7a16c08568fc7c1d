// Shared by the server and the health page. The page receives a compact view of a group's
// trends, because it is rendered, serialized and sent again with every view.

export type TrafficLight = 'red' | 'amber' | 'green';

export function trafficLight(mean: number): TrafficLight {
	return mean < 2.5 ? 'red' : mean < 3.5 ? 'amber' : 'green';
}

export interface HealthView {
	reviews: {
		id: string;
		title: string;
		revealed: boolean;
		turnout: number | null;
		restated: boolean;
	}[];
	/** Per dimension, per review: [mean, spread], or null (hidden review, or not asked). */
	dimensions: { key: string; title: string; values: ([number, number] | null)[] }[];
}

export type CellView =
	| { kind: 'value'; mean: number; standardDeviation: number; light: TrafficLight }
	| { kind: 'hidden' }
	| { kind: 'not-asked' };

export function cellAt(
	view: HealthView,
	dimension: HealthView['dimensions'][number],
	index: number
): CellView {
	const value = dimension.values[index];
	if (value)
		return {
			kind: 'value',
			mean: value[0],
			standardDeviation: value[1],
			light: trafficLight(value[0])
		};
	return view.reviews[index].revealed ? { kind: 'not-asked' } : { kind: 'hidden' };
}
