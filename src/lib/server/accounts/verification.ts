import { and, eq, notExists } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, transaction } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { accountMail, canSendMail } from '$lib/server/accounts/account-mail';
import { consumeLink, issueLink } from '$lib/server/accounts/email-links';
import { countAttempt, limits } from '$lib/server/accounts/rate-limit';
import { logFailure } from '$lib/server/log';
import { ok, refuse, type Result } from '$lib/server/result';

interface Person {
	id: string;
	email: string;
	displayName: string;
}

/** Set when a person dismisses the banner about their unconfirmed address, for a month. */
export const emailBannerCookie = 'email-banner';

export type SendRefusal = 'no-mail' | 'send-failed';

/** Sends `person` a link that confirms their current address. */
export async function sendVerification(person: Person): Promise<Result<null, SendRefusal>> {
	if (!canSendMail()) return refuse('no-mail');
	const token = issueLink(person.id, 'verify-email', person.email);
	try {
		await accountMail.verify({ ...person, userId: person.id }, token);
		return ok(null);
	} catch (error) {
		logFailure('sending a confirmation link', error);
		return refuse('send-failed');
	}
}

/** "Send again", at most a few times an hour per account; returns seconds to wait, or 0. */
export async function sendVerificationAgain(
	person: Person
): Promise<Result<null, SendRefusal | 'wait'> & { retryAfter?: number }> {
	const wait = await countAttempt(`verify:account:${person.id}`, limits.verifyPerAccount);
	if (wait > 0) return { ...refuse('wait'), retryAfter: wait };
	return sendVerification(person);
}

/** Confirms the address a link was sent to; the link is used up either way. */
export function confirmEmail(token: string, now = new Date()): Result<string, 'invalid'> {
	return transaction((tx) => {
		const holder = consumeLink(tx, token, 'verify-email', now);
		if (!holder) return refuse('invalid');
		tx.update(user).set({ emailVerifiedAt: now }).where(eq(user.id, holder.userId)).run();
		return ok(holder.email);
	});
}

/**
 * Moves the account to a new address, unconfirmed until its link is used, and tells the old
 * address (a thief who changed it would otherwise go unnoticed).
 */
export async function changeEmail(
	person: Person,
	newEmail: string
): Promise<Result<null, 'same' | 'email-taken'>> {
	if (newEmail === person.email) return refuse('same');
	const other = alias(user, 'other');
	// one statement: no account can take the address between a check and the change
	const moved = db
		.update(user)
		.set({ email: newEmail, emailVerifiedAt: null })
		.where(
			and(
				eq(user.id, person.id),
				notExists(db.select().from(other).where(eq(other.email, newEmail)))
			)
		)
		.returning({ id: user.id })
		.all();
	if (moved.length === 0) return refuse('email-taken');
	const moving = { ...person, userId: person.id };
	// both sends are best effort: the change has happened, and the page says what to do next
	await accountMail.emailChanged(moving, newEmail).catch((error) => {
		logFailure('telling an old address of its change', error);
	});
	await sendVerification({ ...person, email: newEmail });
	return ok(null);
}
