import { eq, lte, sql } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { rateLimit } from '$lib/server/db/schema';

export interface Limit {
	max: number;
	windowMs: number;
}

const minute = 60 * 1000;
// Generous per address: a whole tenant meeting may sign up from one venue's Wi-Fi.
export const limits = {
	loginPerAddress: { max: 30, windowMs: 15 * minute },
	// Failed passwords for one account from one address: that address waits.
	loginPerAccountAndAddress: { max: 10, windowMs: 15 * minute },
	// Failed passwords for one account from everywhere: as slow for brute force as one address,
	// but the owner is not locked out; they log in with an emailed link instead (auth.ts).
	loginPerAccount: { max: 10, windowMs: 15 * minute },
	// Password checks of a signed-in person (change password, delete account).
	passwordCheckPerAccount: { max: 10, windowMs: 15 * minute },
	resetPerEmail: { max: 5, windowMs: 60 * minute },
	resetPerAddress: { max: 30, windowMs: 60 * minute },
	verifyPerAccount: { max: 5, windowMs: 60 * minute },
	signupPerAddress: { max: 30, windowMs: 60 * minute },
	signupPerEmail: { max: 5, windowMs: 60 * minute },
	// Outsiders' answers from one address, whatever the link: a shared link on a flyer cannot be
	// flooded from one machine, while a meeting of 50 on one venue's Wi-Fi can all answer.
	outsiderAnswersPerAddress: { max: 60, windowMs: 15 * minute }
} satisfies Record<string, Limit>;

/** Seconds until `key` may try again, 0 when it may now. */
export async function retryAfter(key: string, limit: Limit, now = Date.now()): Promise<number> {
	const [row] = db.select().from(rateLimit).where(eq(rateLimit.key, key)).all();
	if (!row || row.resetAt <= now || row.hits < limit.max) return 0;
	return Math.ceil((row.resetAt - now) / 1000);
}

/** Counts one attempt in a single statement (no read-then-write race); returns retryAfter. */
export async function countAttempt(key: string, limit: Limit, now = Date.now()): Promise<number> {
	const windowEnd = now + limit.windowMs;
	const [row] = db
		.insert(rateLimit)
		.values({ key, hits: 1, resetAt: windowEnd })
		.onConflictDoUpdate({
			target: rateLimit.key,
			set: {
				hits: sql`case when ${rateLimit.resetAt} <= ${now} then 1 else ${rateLimit.hits} + 1 end`,
				resetAt: sql`case when ${rateLimit.resetAt} <= ${now} then ${windowEnd} else ${rateLimit.resetAt} end`
			}
		})
		.returning()
		.all();
	return row.hits > limit.max ? Math.ceil((row.resetAt - now) / 1000) : 0;
}

export async function clearAttempts(key: string) {
	db.delete(rateLimit).where(eq(rateLimit.key, key)).run();
}

export async function deleteExpiredLimits(now = Date.now()) {
	db.delete(rateLimit).where(lte(rateLimit.resetAt, now)).run();
}

export function describeWait(seconds: number) {
	const minutes = Math.ceil(seconds / 60);
	return minutes <= 1 ? 'a minute' : `${minutes} minutes`;
}
