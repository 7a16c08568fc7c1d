// Everything the tests send the server that must never appear in its log: what members answered
// (texts, and each score beside its question), names, emails, passwords and session tokens.
// Factories and the HTTP client note them here; every server the suites start is checked against
// the list when it stops (tests/support/server.ts).

const secrets = new Set<string>();
const questionKeys = new Set<string>();

/** Notes a value that the log must not contain; short ones are too common to tell anything. */
export function noteSecret(value: string | undefined | null) {
	const trimmed = value?.trim();
	if (trimmed && trimmed.length >= 6) secrets.add(trimmed);
}

/** Notes the fields of a form posted to the server. */
export function noteForm(path: string, fields: Iterable<[string, string]>) {
	for (const [name, value] of fields) {
		if (/password/i.test(name) || name === 'email' || name === 'displayName') noteSecret(value);
		if (!path.includes('?/submit')) continue;
		const [kind, key] = name.split(':');
		if (key && kind === 'score') questionKeys.add(key);
		if (key && (kind === 'comment' || kind === 'answer')) noteSecret(value);
	}
}

/** Notes the session token in a Cookie header. */
export function noteCookie(cookie: string | undefined) {
	for (const part of cookie?.split(';') ?? []) noteSecret(part.split('=')[1]);
}

/** What of the noted secrets a log gives away: each a short description, none when clean. */
export function leaksIn(log: string): string[] {
	const found: string[] = [];
	for (const secret of secrets) if (log.includes(secret)) found.push(`"${secret}"`);
	// an answer's field names, or a question's key followed by a score
	for (const field of ['score:', 'comment:', 'answer:'])
		if (log.includes(field)) found.push(`a form field "${field}…"`);
	for (const key of questionKeys) {
		const pair = new RegExp(`${key.replace(/[^\w-]/g, '')}\\W{0,5}[1-5]\\b`);
		if (pair.test(log)) found.push(`the score of "${key}"`);
	}
	return found;
}
