/**
 * What every domain command returns: its value, or why it was refused, as a code. The words a
 * person reads for each code belong to the page that shows them.
 */
export type Result<T, Refusal extends string> =
	{ ok: true; value: T } | { ok: false; refusal: Refusal };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const refuse = <Refusal extends string>(
	refusal: Refusal
): { ok: false; refusal: Refusal } => ({
	ok: false,
	refusal
});
