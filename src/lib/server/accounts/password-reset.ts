import { and, eq, isNull } from 'drizzle-orm';
import { db, transaction } from '$lib/server/db';
import { session, user } from '$lib/server/db/schema';
import { accountMail, canSendMail } from '$lib/server/accounts/account-mail';
import { forgetFailedLogIns } from '$lib/server/accounts/auth';
import { consumeLink, issueLink } from '$lib/server/accounts/email-links';
import { hashPassword, passwordProblem } from '$lib/server/accounts/passwords';
import { countAttempt, limits } from '$lib/server/accounts/rate-limit';
import { logFailure } from '$lib/server/log';
import { ok, refuse, type Result } from '$lib/server/result';

export type ResetRequest =
	Result<null, 'no-mail'> | { ok: false; refusal: 'wait'; retryAfter: number };

/**
 * "Forgot your password?": mails a reset link when an account has `email`. The answer is the same
 * whether or not one does, and as quick: the mail is sent after the answer, not before it.
 */
export async function requestReset(email: string, address: string): Promise<ResetRequest> {
	if (!canSendMail()) return refuse('no-mail');
	const wait = Math.max(
		await countAttempt(`reset:address:${address}`, limits.resetPerAddress),
		await countAttempt(`reset:email:${email}`, limits.resetPerEmail)
	);
	if (wait > 0) return { ok: false, refusal: 'wait', retryAfter: wait };
	const [account] = db
		.select({ userId: user.id, email: user.email, displayName: user.displayName })
		.from(user)
		// a sample group's made-up people have no mailbox to send a link to
		.where(and(eq(user.email, email), isNull(user.sampleGroupId)))
		.all();
	if (account) {
		const token = issueLink(account.userId, 'reset-password', account.email);
		accountMail.reset(account, token).catch((error) => logFailure('sending a reset link', error));
	}
	return ok(null);
}

/**
 * Sets a new password from a reset link: the link is used up, every session of the account ends
 * (the caller starts a fresh one), and the address is confirmed, since the link reached it.
 */
export async function resetPassword(
	token: string,
	newPassword: string,
	now = new Date()
): Promise<Result<string, 'invalid' | 'weak'> & { problem?: string }> {
	const problem = passwordProblem(newPassword);
	if (problem) return { ...refuse('weak'), problem };
	// hashed before the transaction, which must not wait for anything
	const passwordHash = await hashPassword(newPassword);
	const holder = transaction((tx) => {
		const found = consumeLink(tx, token, 'reset-password', now);
		if (!found) return null;
		tx.update(user)
			.set({ passwordHash, emailVerifiedAt: now })
			.where(eq(user.id, found.userId))
			.run();
		tx.delete(session).where(eq(session.userId, found.userId)).run();
		return found;
	});
	if (!holder) return refuse('invalid');
	await forgetFailedLogIns(holder.email);
	accountMail
		.passwordChanged(holder)
		.catch((error) => logFailure('telling of a password change', error));
	return ok(holder.userId);
}
