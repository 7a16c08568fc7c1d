import { and, eq } from 'drizzle-orm';
import { db, transaction, type Executor } from '$lib/server/db';
import { accountToken, user, type AccountTokenPurpose } from '$lib/server/db/schema';
import { generateToken, hashToken } from '$lib/server/tokens';

const hour = 60 * 60 * 1000;
/** How long a link sent by email works: a day to confirm an address, an hour to reset. */
export const linkLifetimeMs: Record<AccountTokenPurpose, number> = {
	'verify-email': 24 * hour,
	'reset-password': hour
};

/**
 * A new one-time link's token for `userId`, sent to `email`. Any earlier link of the same purpose
 * stops working: only the latest message counts.
 */
export function issueLink(
	userId: string,
	purpose: AccountTokenPurpose,
	email: string,
	now = new Date()
) {
	const token = generateToken();
	transaction((tx) => {
		tx.delete(accountToken)
			.where(and(eq(accountToken.userId, userId), eq(accountToken.purpose, purpose)))
			.run();
		tx.insert(accountToken)
			.values({
				id: hashToken(token),
				userId,
				purpose,
				email,
				expiresAt: new Date(now.getTime() + linkLifetimeMs[purpose])
			})
			.run();
	});
	return token;
}

/** Tokens are 32 characters; a longer one in a link was not made here and is not looked up. */
export const maxTokenLength = 100;

export interface LinkHolder {
	userId: string;
	email: string;
	displayName: string;
}

/**
 * Who a link is for, while it works: not used, not expired, and sent to the account's current
 * address (a link to an address the account has since left confirms nothing).
 */
export function findLink(
	token: string,
	purpose: AccountTokenPurpose,
	now = new Date(),
	executor: Executor = db
): LinkHolder | null {
	const [row] = executor
		.select({
			userId: accountToken.userId,
			email: accountToken.email,
			expiresAt: accountToken.expiresAt,
			currentEmail: user.email,
			displayName: user.displayName
		})
		.from(accountToken)
		.innerJoin(user, eq(user.id, accountToken.userId))
		.where(and(eq(accountToken.id, hashToken(token)), eq(accountToken.purpose, purpose)))
		.all();
	if (!row || row.expiresAt.getTime() <= now.getTime() || row.email !== row.currentEmail)
		return null;
	return { userId: row.userId, email: row.email, displayName: row.displayName };
}

/** Uses a link up inside `tx`: who it was for, or null; a used link is deleted either way. */
export function consumeLink(
	tx: Executor,
	token: string,
	purpose: AccountTokenPurpose,
	now = new Date()
) {
	const holder = findLink(token, purpose, now, tx);
	tx.delete(accountToken)
		.where(and(eq(accountToken.id, hashToken(token)), eq(accountToken.purpose, purpose)))
		.run();
	return holder;
}
