import { z } from 'zod';

export type FormResult<T> =
	| { ok: true; data: T }
	| { ok: false; message: string; errors: Record<string, string>; values: Record<string, string> };

// Control characters other than tab and newlines have no place in a name or a purpose and can
// hide text from whoever reads it later.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A trimmed text field with a label for its messages; `max` counts characters, not bytes. */
export function textField(label: string, { min = 1, max }: { min?: number; max: number }) {
	return z
		.string({ error: `${label} is missing.` })
		.trim()
		.min(min, min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.`)
		.max(max, `${label} can be at most ${max} characters.`)
		.refine(
			(value) => !controlCharacters.test(value),
			`${label} contains characters that cannot be shown.`
		);
}

export const emailField = z
	.string({ error: 'Email is missing.' })
	.trim()
	.toLowerCase()
	.max(254, 'That email address is too long.')
	.pipe(z.email('Enter an email address like name@example.org.'));

/**
 * Reads a submitted form and checks it against `schema`. A field sent twice, a file where text
 * belongs, or a body that is not a form are refused here, before any schema sees them.
 */
export async function readForm<S extends z.ZodType>(
	request: Request,
	schema: S
): Promise<FormResult<z.output<S>>> {
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return refuse('The form could not be read. Reload the page and try again.', {}, {});
	}
	const values: Record<string, string> = {};
	for (const key of new Set(form.keys())) {
		const all = form.getAll(key);
		if (all.length > 1)
			return refuse(`The field "${key.slice(0, 40)}" was sent more than once.`, {}, {});
		const [value] = all;
		if (typeof value !== 'string')
			return refuse(`The field "${key.slice(0, 40)}" must be text, not a file.`, {}, {});
		values[key] = value;
	}
	const echo = echoable(values);
	const parsed = schema.safeParse(values);
	if (parsed.success) return { ok: true, data: parsed.data };
	const errors: Record<string, string> = {};
	for (const issue of parsed.error.issues) {
		const field = String(issue.path[0] ?? 'form');
		errors[field] ??= issue.message;
	}
	const first = Object.values(errors)[0];
	return refuse(first ?? 'Check the form and try again.', errors, echo);
}

function refuse(message: string, errors: Record<string, string>, values: Record<string, string>) {
	return { ok: false as const, message, errors, values };
}

// What a failed form may send back to refill the fields: never a password or a token, and
// never a huge value (it would only be sent back to the browser to be cut again).
function echoable(values: Record<string, string>) {
	const safe: Record<string, string> = {};
	for (const [key, value] of Object.entries(values)) {
		if (/password|token/i.test(key) || value.length > 10_000) continue;
		safe[key] = value;
	}
	return safe;
}
