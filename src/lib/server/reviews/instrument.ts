import type { QuestionKind } from '$lib/server/db/schema';

export interface QuestionDraft {
	key: string;
	kind: QuestionKind;
	title: string;
	prompt: string;
	lowLabel: string | null;
	highLabel: string | null;
}

// The scale's two ends, in the essay's terms: would an outsider laugh and move on, or want in?
const scale = (lowLabel: string, highLabel: string) => ({
	kind: 'scale' as const,
	lowLabel,
	highLabel
});
const open = { kind: 'text' as const, lowLabel: null, highLabel: null };

/**
 * The default outsider-eyes review. Keys are stable forever: results of different reviews are
 * compared by key, so a reworded question still lines up with its past.
 */
export const defaultInstrument: QuestionDraft[] = [
	{
		key: 'impression',
		title: "An outsider's first impression",
		prompt:
			'Imagine you are not a member. Looking at the group mercilessly, from outside: would you take it seriously, or laugh and move on?',
		...scale('1: they would laugh and move on', '5: they would want to join')
	},
	{
		key: 'execution',
		title: 'Organization and follow-through',
		prompt:
			'Does the group look organized, or sloppy? Do good intentions turn into things done, on time, by someone who said they would?',
		...scale('1: good intentions, poor execution', '5: well organized, things get done')
	},
	{
		key: 'direction',
		title: 'Direction',
		prompt:
			'Does it look like the group is going somewhere: toward its goals, using the real chances and allies that exist around it?',
		...scale('1: going nowhere in particular', '5: clearly heading toward its goals')
	},
	{
		key: 'progress',
		title: 'Progress or standing still',
		prompt:
			'Is the group growing and taking what it has built to the next level, or doing the same things with the same people?',
		...scale('1: stagnating', '5: growing and scaling up')
	},
	{
		key: 'democracy',
		title: 'Democracy',
		prompt:
			'Is this a dialogue where many voices raise issues and shape ideas and direction, or is it mostly a few people deciding?',
		...scale('1: a few people decide', '5: many voices shape it')
	},
	{
		key: 'purpose',
		title: 'True to its purpose',
		prompt:
			"Read the group's stated purpose at the top of this page. Has the group drifted from it, or is it doing what it said it was for?",
		...scale('1: drifted far from it', '5: right on purpose')
	},
	{
		key: 'multiplication',
		title: 'Multiplying effort',
		prompt:
			'Are people getting other people involved, who in turn bring in others, in widening circles? Or do a few people do it all?',
		...scale('1: a few people do everything', '5: work spreads in widening circles')
	},
	{
		key: 'outsider-notice',
		title: 'What would an outsider notice first?',
		prompt: 'The first thing someone from outside would see about us, good or bad.',
		...open
	},
	{
		key: 'de-emphasize',
		title: 'What should we de-emphasize?',
		prompt: 'What could we do less of, or stop, to refocus on our purpose?',
		...open
	},
	{
		key: 'raise-issue',
		title: 'Raise an issue',
		prompt:
			'A problem you think we should address. Describe the problem; the solution can come later, together.',
		...open
	},
	{
		key: 'next-level',
		title: 'How do we take it to the next level?',
		prompt: 'How could we take what we have built and scale it up?',
		...open
	}
];

/** "2026 Q4" for a date in October to December 2026. */
export function quarterTitle(date = new Date()) {
	return `${date.getUTCFullYear()} Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}
