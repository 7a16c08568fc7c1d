import { checkCredentials, createAccount } from '$lib/server/accounts/accounts';
import { passwordProblem } from '$lib/server/accounts/passwords';
import { clearAttempts, countAttempt, limits, retryAfter } from '$lib/server/accounts/rate-limit';

export type LogInOutcome =
	| { ok: true; userId: string }
	| { ok: false; retryAfter: number }
	| { ok: false; retryAfter: 0; wrongCredentials: true };

/**
 * Checks a log-in against the brute-force limits, per client address and per account. The limits
 * are checked before the password is, so a locked-out attacker cannot keep guessing, and only
 * failures count, so a person who logs in often is never locked out.
 */
export async function logIn(
	email: string,
	password: string,
	address: string
): Promise<LogInOutcome> {
	const addressKey = `login:address:${address}`;
	const accountKey = `login:account:${email}`;
	const wait = Math.max(
		await retryAfter(addressKey, limits.loginPerAddress),
		await retryAfter(accountKey, limits.loginPerAccount)
	);
	if (wait > 0) return { ok: false, retryAfter: wait };
	const userId = await checkCredentials(email, password);
	if (!userId) {
		await countAttempt(addressKey, limits.loginPerAddress);
		await countAttempt(accountKey, limits.loginPerAccount);
		return { ok: false, retryAfter: 0, wrongCredentials: true };
	}
	await clearAttempts(accountKey);
	return { ok: true, userId };
}

export type SignUpOutcome =
	| { ok: true; userId: string }
	| { ok: false; retryAfter: number; field?: 'email' | 'password'; message?: string };

/** Every sign-up attempt counts against its address and its email, successful or not. */
export async function signUp(
	input: { email: string; displayName: string; password: string },
	address: string
): Promise<SignUpOutcome> {
	const wait = Math.max(
		await countAttempt(`signup:address:${address}`, limits.signupPerAddress),
		await countAttempt(`signup:email:${input.email}`, limits.signupPerEmail)
	);
	if (wait > 0) return { ok: false, retryAfter: wait };
	const problem = passwordProblem(input.password);
	if (problem) return { ok: false, retryAfter: 0, field: 'password', message: problem };
	const created = await createAccount(input);
	if (created.ok) return { ok: true, userId: created.value };
	return {
		ok: false,
		retryAfter: 0,
		field: 'email',
		message: 'An account with this email already exists. Log in instead, or use another email.'
	};
}
