import { error } from '@sveltejs/kit';
import { z } from 'zod';

/** Largest request body the app accepts; its forms are a few kilobytes at most. */
export const maxBodyBytes = 256 * 1024;
/** More fields than any form of the app has (the longest review: 40 questions, 2 fields each). */
export const maxFields = 200;
export const tooLargeMessage = `That was too much to send at once (over ${maxBodyBytes / 1024} KB). Shorten the text and try again.`;

export type FormResult<T> =
	| { ok: true; data: T }
	| { ok: false; message: string; errors: Record<string, string>; values: Record<string, string> };

// Control characters other than tab and newlines have no place in a purpose or a comment and can
// hide text from whoever reads it later.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// A name or a title is one line: a line break in it would start a line of its own in plain-text
// mail ("Bcc: ...") or anywhere it is printed.
const lineBreaks = /[\r\n\t\u2028\u2029]/;

/**
 * A trimmed text field with a label for its messages; `max` counts characters, not bytes. One
 * line unless `multiline` (a purpose, a description, a comment).
 */
export function textField(
	label: string,
	{ min = 1, max, multiline = false }: { min?: number; max: number; multiline?: boolean }
) {
	return z
		.string({ error: `${label} is missing.` })
		.trim()
		.min(min, min === 1 ? `${label} is required.` : `${label} needs at least ${min} characters.`)
		.max(max, `${label} can be at most ${max} characters.`)
		.refine(
			(value) => !controlCharacters.test(value),
			`${label} contains characters that cannot be shown.`
		)
		.refine((value) => multiline || !lineBreaks.test(value), `${label} must be on one line.`);
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
	const form = await formOf(request);
	if (form === 'unreadable')
		return refuse('The form could not be read. Reload the page and try again.', {}, {});
	if (form === 'too-many-fields')
		return refuse(`That form has more than ${maxFields} fields; no form here has.`, {}, {});
	// One pass over the fields: asking for each name's values in turn took time growing with the
	// square of their number (40,000 empty fields once held the server for 15 seconds).
	const seen = new Map<string, string>();
	let count = 0;
	for (const [key, value] of form) {
		if (++count > maxFields)
			return refuse(`That form has more than ${maxFields} fields; no form here has.`, {}, {});
		if (seen.has(key))
			return refuse(`The field "${key.slice(0, 40)}" was sent more than once.`, {}, {});
		if (typeof value !== 'string')
			return refuse(`The field "${key.slice(0, 40)}" must be text, not a file.`, {}, {});
		seen.set(key, value);
	}
	const values = Object.fromEntries(seen);
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

/**
 * The body as a form, read at most `maxBodyBytes` far whatever Content-Length says (a chunked
 * body has none): more is refused with 413. A url-encoded body with more fields than any form has
 * is refused by counting its separators, before any field is parsed.
 */
async function formOf(request: Request): Promise<FormData | 'unreadable' | 'too-many-fields'> {
	const bytes = await bodyBytes(request);
	const type = request.headers.get('content-type') ?? '';
	if (type.startsWith('application/x-www-form-urlencoded')) {
		let separators = 0;
		for (const byte of bytes)
			if (byte === 0x26 && ++separators >= maxFields) return 'too-many-fields';
	}
	try {
		return await new Response(bytes, { headers: { 'content-type': type } }).formData();
	} catch {
		return 'unreadable';
	}
}

async function bodyBytes(request: Request) {
	const chunks: Uint8Array[] = [];
	let size = 0;
	const reader = request.body?.getReader();
	for (let read = await reader?.read(); read && !read.done; read = await reader!.read()) {
		size += read.value.byteLength;
		if (size > maxBodyBytes) {
			await discardRest(reader!);
			error(413, tooLargeMessage);
		}
		chunks.push(read.value);
	}
	const bytes = new Uint8Array(size);
	let at = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, at);
		at += chunk.byteLength;
	}
	return bytes;
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

/**
 * The page a list was asked for (`?page=N`), 1 when absent or not a page number. Capped, so that
 * a made-up number asks the database to skip a bounded number of rows; a page past the last is
 * the list's own empty page, not an error.
 */
export function pageNumber(url: URL) {
	const requested = Number.parseInt(url.searchParams.get('page') ?? '1', 10);
	return Number.isSafeInteger(requested) && requested > 1 ? Math.min(requested, 10_000) : 1;
}

/**
 * Reads a refused body to its end and drops it, so that the answer reaches the sender. Closing
 * the connection instead (or cancelling the body, which destroys it) resets it while the sender
 * is still uploading: a browser on a slow line then shows a connection error, not the message.
 * adapter-node's BODY_SIZE_LIMIT bounds how much is read here; beyond it the body stream fails at
 * once and Node itself drops the rest after the answer.
 */
export async function discardBody(request: Request) {
	const reader = request.body?.getReader();
	if (reader) await discardRest(reader);
}

async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>) {
	try {
		while (!(await reader.read()).done);
	} catch {
		// over adapter-node's limit, or the sender went away: nothing left to read
	}
}
