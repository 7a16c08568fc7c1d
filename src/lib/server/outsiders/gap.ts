// The outsiders' panel (issue 16), its arithmetic first: how far members' view of a dimension is
// from outsiders', and whether that gap is more than the noise of two small samples. The same
// rule as the Health page's changes (health/trends.ts), so "larger than the noise" means one
// thing throughout the app.
import { isBeyondNoise } from '$lib/server/health/trends';
import { minimumThreshold } from '$lib/server/db/schema';

export interface Sample {
	mean: number;
	/** population standard deviation, as results store it */
	standardDeviation: number;
	count: number;
}

export interface Gap {
	members: number;
	outsiders: number;
	/** outsiders' mean minus members': negative when outsiders see the group as worse */
	gap: number;
	beyondNoise: boolean;
}

export function gapBetween(members: Sample, outsiders: Sample): Gap {
	return {
		members: members.mean,
		outsiders: outsiders.mean,
		gap: outsiders.mean - members.mean,
		beyondNoise: isBeyondNoise(members, outsiders)
	};
}

/**
 * Whether outsiders' answers may be shown: their own threshold, counted apart from members'
 * (a review revealed to members can still hide its outside view, and the reverse).
 */
export function outsidersRevealed(answers: number, threshold: number) {
	return answers >= Math.max(threshold, minimumThreshold);
}

const one = (n: number) => n.toFixed(1);

/** The sentence that leads a dimension's comparison on the results page. */
export function gapSentence(dimension: string, gap: Gap) {
	const said = `Members rate ${dimension.toLowerCase()} ${one(gap.members)}; outsiders see ${one(gap.outsiders)}.`;
	return gap.beyondNoise
		? `${said} That gap is larger than the noise.`
		: `${said} That difference is within the noise of so few answers.`;
}
