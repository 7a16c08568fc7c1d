import type { QuestionDraft } from '$lib/server/reviews/instrument';

/** Outsiders' own open question: the answers sit beside the group's stated purpose. */
export const purposeGuessKey = 'purpose-guess';

const scale = (lowLabel: string, highLabel: string) => ({
	kind: 'scale' as const,
	lowLabel,
	highLabel
});

/**
 * The outward-facing questions, asked of someone outside the group. Each mirrors the members'
 * question with the same key, so the two line up in results; only the wording changes.
 */
export const outsiderInstrument: QuestionDraft[] = [
	{
		key: 'impression',
		title: 'First impression',
		prompt: 'From what you have seen of this group, would you take it seriously?',
		...scale('1: not at all', '5: very seriously')
	},
	{
		key: 'execution',
		title: 'Organized',
		prompt: 'Does this group look organized? Does it do what it says it will do?',
		...scale('1: not at all', '5: very')
	},
	{
		key: 'direction',
		title: 'Direction',
		prompt: 'Does this group seem to know where it is going?',
		...scale('1: no idea', '5: very clear')
	},
	{
		key: 'progress',
		title: 'Getting somewhere',
		prompt: 'Is this group getting somewhere, or standing still?',
		...scale('1: standing still', '5: clearly moving')
	},
	{
		key: 'democracy',
		title: 'Who decides',
		prompt: 'From outside, does it look like its members decide together, or a few people run it?',
		...scale('1: a few people run it', '5: members decide together')
	},
	{
		key: 'purpose',
		title: 'True to its word',
		prompt: 'Does what this group does match what it says it is for?',
		...scale('1: not at all', '5: completely')
	},
	{
		key: purposeGuessKey,
		title: 'What it is for',
		prompt: 'In a sentence, what do you think this group is for?',
		kind: 'text',
		lowLabel: null,
		highLabel: null
	}
];
