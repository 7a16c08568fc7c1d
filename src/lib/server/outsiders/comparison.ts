// The outside view beside members' results, for the results page and follow-up tasks.
import { gapBetween, gapSentence, type Sample } from '$lib/server/outsiders/gap';
import { outsiderQuestionsOf, outsiderResults } from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';

/** How a dimension reads in a sentence ("Members rate organization 4.1"); else its title. */
const nouns: Record<string, string> = {
	impression: 'the first impression',
	execution: 'organization',
	direction: 'direction',
	progress: 'progress',
	democracy: 'democracy',
	purpose: 'keeping to the purpose'
};
export const dimensionNoun = (key: string, title: string) => nouns[key] ?? title.toLowerCase();

interface MemberQuestion {
	key: string;
	title: string;
	result?: Sample | null;
}

/**
 * A closed review's outside view, as members may see it: null when outsiders were not asked;
 * counts only, below the outsiders' own threshold; else per shared dimension both means and the
 * gap (members' side empty when members' results are hidden), outsiders' comments per question,
 * and their guesses at what the group is for.
 */
export function outsideComparison(reviewId: string, members: MemberQuestion[]) {
	const outside = outsiderResults(reviewId);
	if (!outside) return null;
	const { answered, threshold, byKind } = outside;
	if (!outside.revealed) return { revealed: false as const, answered, threshold, byKind };
	const questions = outsiderQuestionsOf(reviewId);
	const scores = new Map(outside.scores.map((s) => [s.key, s]));
	const dimensions = questions.flatMap((q) => {
		const theirs = scores.get(q.key);
		if (!theirs) return [];
		const member = members.find((m) => m.key === q.key);
		const ours = member?.result;
		const gap = ours ? gapBetween(ours, theirs) : null;
		return [
			{
				key: q.key,
				title: member?.title ?? q.title,
				members: ours?.mean ?? null,
				outsiders: theirs.mean,
				outsidersCount: theirs.count,
				gap: gap?.gap ?? null,
				beyondNoise: gap?.beyondNoise ?? false,
				sentence: gap ? gapSentence(dimensionNoun(q.key, q.title), gap) : null
			}
		];
	});
	const { texts } = outside;
	return {
		revealed: true as const,
		answered,
		threshold,
		byKind,
		dimensions,
		// the largest gaps first: what a reader should see before anything else
		leading: dimensions
			.filter((d) => d.beyondNoise)
			.sort((a, b) => Math.abs(b.gap!) - Math.abs(a.gap!)),
		comments: questions
			.filter((q) => q.key !== purposeGuessKey)
			.map((q) => ({
				key: q.key,
				// members' name for it where they have one, so both lists read alike
				title: members.find((m) => m.key === q.key)?.title || q.title,
				prompt: q.prompt,
				texts: texts.filter((t) => t.key === q.key)
			}))
			.filter((q) => q.texts.length > 0),
		purposeGuesses: texts.filter((t) => t.key === purposeGuessKey)
	};
}
