import { z } from 'zod';
import type { Question } from '$lib/server/db/schema';
import type { AnswerInput } from '$lib/server/reviews/responses';

export const commentMaxLength = 2000;
export const openAnswerMaxLength = 4000;

const optionalText = (label: string, max: number) =>
	z
		.string()
		.max(max, `${label} can be at most ${max} characters.`)
		.transform((value) => value.trim() || null)
		.optional();

type FormQuestion = Pick<Question, 'key' | 'kind' | 'title'>;

// zod compiles a schema on its first use, which cost more than the rest of a submission's
// parsing: a review's form is built once and kept, keyed by the questions it is built from.
const builtForms = new Map<string, ReturnType<typeof buildSchema>>();
const keptForms = 200;

/** The form for one review, built from that review's own questions. */
export function responseSchema(questions: FormQuestion[]) {
	const signature = JSON.stringify(questions.map((q) => [q.key, q.kind, q.title]));
	let schema = builtForms.get(signature);
	if (!schema) {
		schema = buildSchema(questions);
		builtForms.set(signature, schema);
		if (builtForms.size > keptForms) builtForms.delete(builtForms.keys().next().value!);
	}
	return schema;
}

function buildSchema(questions: FormQuestion[]) {
	const shape: Record<string, z.ZodType> = {};
	for (const q of questions) {
		if (q.kind === 'scale') {
			shape[`score:${q.key}`] = z.enum(
				['1', '2', '3', '4', '5'],
				`Choose a score from 1 to 5 for "${q.title}".`
			);
			shape[`comment:${q.key}`] = optionalText(`Your comment on "${q.title}"`, commentMaxLength);
		} else {
			shape[`answer:${q.key}`] = optionalText(`Your answer to "${q.title}"`, openAnswerMaxLength);
		}
	}
	return z.strictObject(shape, {
		error: (issue) =>
			issue.code === 'unrecognized_keys'
				? 'This review changed since you opened it. Reload the page; your answers are kept in this browser.'
				: undefined
	});
}

export function toAnswers(
	questions: Pick<Question, 'key' | 'kind'>[],
	data: Record<string, unknown>
): AnswerInput[] {
	return questions.map((q) =>
		q.kind === 'scale'
			? {
					questionKey: q.key,
					score: Number(data[`score:${q.key}`]),
					text: (data[`comment:${q.key}`] as string | null) ?? null
				}
			: {
					questionKey: q.key,
					score: null,
					text: (data[`answer:${q.key}`] as string | null) ?? null
				}
	);
}
