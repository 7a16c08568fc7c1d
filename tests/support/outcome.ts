import type { Result } from '$lib/server/result';

/** A command's result as one word for an assertion: 'done', or why it was refused. */
export function outcome<R extends string>(result: Result<unknown, R>): 'done' | R {
	return result.ok ? 'done' : result.refusal;
}
