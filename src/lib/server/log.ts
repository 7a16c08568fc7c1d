/**
 * Logs that something failed, with its kind, its code and where it happened, and never its
 * message: a database error's message carries the statement's values, which may be a member's
 * answers, a name or an email (a review of thousands of questions once printed every answer with
 * "too many SQL variables"). The stack's frames name only files and lines.
 */
export function logFailure(context: string, error: unknown) {
	console.error(`${context} failed: ${describeFailure(error)}`);
}

export function describeFailure(error: unknown): string {
	if (!(error instanceof Error)) return typeof error;
	const codes: string[] = [];
	for (let e: unknown = error; e instanceof Error && codes.length < 4; e = e.cause) {
		const code = (e as { code?: unknown }).code;
		codes.push(typeof code === 'string' ? `${e.name} ${code}` : e.name);
	}
	const frames = (error.stack ?? '')
		.split('\n')
		.filter((line) => /^\s+at /.test(line))
		.slice(0, 6)
		.map((line) => line.trim());
	return [codes.join(' <- '), ...frames].join('\n    ');
}
