import { checkCredentials, createAccount, passwordMatches } from '$lib/server/accounts/accounts';
import { sendVerification } from '$lib/server/accounts/verification';
import { ok, refuse, type Result } from '$lib/server/result';
import { passwordProblem } from '$lib/server/accounts/passwords';
import { clearAttempts, countAttempt, limits, retryAfter } from '$lib/server/accounts/rate-limit';

export type LogInOutcome =
	| { ok: true; userId: string }
	| { ok: false; refusal: 'wait'; retryAfter: number }
	| { ok: false; refusal: 'email-link-needed' | 'wrong-credentials' };

const loginKeys = (email: string, address: string) => ({
	address: `login:address:${address}`,
	pair: `login:account:${email}:from:${address}`,
	account: `login:account:${email}`
});

/**
 * Checks a log-in against the brute-force limits. Limits are checked before the password is, so a
 * locked-out attacker cannot keep guessing, and only failures count, so a person who logs in
 * often is never locked out.
 *
 * Too many failures from one address make that address wait. Too many for one account from
 * anywhere stop password log-ins to it altogether, but lock nobody out: the owner logs in with a
 * link sent to the account's address (a reset), which a stranger who knows only the address
 * cannot use. Either way the account gets no more guesses than one address would.
 */
export async function logIn(
	email: string,
	password: string,
	address: string
): Promise<LogInOutcome> {
	const keys = loginKeys(email, address);
	const wait = Math.max(
		await retryAfter(keys.address, limits.loginPerAddress),
		await retryAfter(keys.pair, limits.loginPerAccountAndAddress)
	);
	if (wait > 0) return { ok: false, refusal: 'wait', retryAfter: wait };
	if ((await retryAfter(keys.account, limits.loginPerAccount)) > 0)
		return { ok: false, refusal: 'email-link-needed' };
	const userId = await checkCredentials(email, password);
	if (!userId) {
		await countAttempt(keys.address, limits.loginPerAddress);
		await countAttempt(keys.pair, limits.loginPerAccountAndAddress);
		await countAttempt(keys.account, limits.loginPerAccount);
		return { ok: false, refusal: 'wrong-credentials' };
	}
	await clearAttempts(keys.pair);
	await clearAttempts(keys.account);
	return { ok: true, userId };
}

/** After a password reset: the account's own log-in limits start again. */
export async function forgetFailedLogIns(email: string) {
	await clearAttempts(loginKeys(email, '').account);
}

export type PasswordCheck =
	Result<null, 'wrong'> | { ok: false; refusal: 'wait'; retryAfter: number };

/**
 * The current password, asked again before changing it or deleting the account, under the log-in
 * limits: a stolen session must not become a way to guess the password.
 */
export async function checkPassword(
	userId: string,
	password: string,
	address: string
): Promise<PasswordCheck> {
	const accountKey = `password-check:account:${userId}`;
	const addressKey = loginKeys('', address).address;
	const wait = Math.max(
		await retryAfter(accountKey, limits.passwordCheckPerAccount),
		await retryAfter(addressKey, limits.loginPerAddress)
	);
	if (wait > 0) return { ok: false, refusal: 'wait', retryAfter: wait };
	if (await passwordMatches(userId, password)) {
		await clearAttempts(accountKey);
		return ok(null);
	}
	await countAttempt(accountKey, limits.passwordCheckPerAccount);
	await countAttempt(addressKey, limits.loginPerAddress);
	return refuse('wrong');
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
	if (created.ok) {
		// not awaited: the new member need not wait for the mail server to start using the app
		void sendVerification({
			id: created.value,
			email: input.email,
			displayName: input.displayName
		});
		return { ok: true, userId: created.value };
	}
	return {
		ok: false,
		retryAfter: 0,
		field: 'email',
		message: 'An account with this email already exists. Log in instead, or use another email.'
	};
}
