import { and, eq, sql } from 'drizzle-orm';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { db } from '$lib/server/db';
import { answer, eligibility, participation, response, review } from '$lib/server/db/schema';
import { hashToken, newId } from '$lib/server/tokens';

// This module is where the anonymity promise is kept. A member's identity and their answers meet
// in exactly one place, `submitResponse`, and only inside one transaction:
// - `participation` records THAT the member answered (for once-only and turnout);
// - `response` and `answer` hold WHAT was answered, with a random key and nothing else;
// - the two share no key, no timestamp and no order, and nothing here is ever logged.

export interface AnswerInput {
	questionKey: string;
	score: number | null;
	text: string | null;
}

export type SubmitOutcome =
	| { outcome: 'submitted'; receipt: string }
	| { outcome: 'already-answered' | 'not-eligible' | 'not-open' };

/** "K7QM-2XPA-9RTD": 60 random bits, shown once to the respondent; only its hash is stored. */
function newReceipt() {
	const bytes = new Uint8Array(8);
	crypto.getRandomValues(bytes);
	return encodeBase32UpperCaseNoPadding(bytes).slice(0, 12).match(/.{4}/g)!.join('-');
}

export function receiptHash(code: string) {
	return hashToken(`receipt:${code}`);
}

export async function submitResponse(
	reviewId: string,
	userId: string,
	answers: AnswerInput[],
	now = new Date()
): Promise<SubmitOutcome> {
	const receipt = newReceipt();
	return db.transaction(async (tx) => {
		const [row] = await tx
			.select({ status: review.status, closesAt: review.closesAt })
			.from(review)
			.where(eq(review.id, reviewId));
		if (!row || row.status !== 'open' || (row.closesAt && row.closesAt <= now))
			return { outcome: 'not-open' };
		const [eligible] = await tx
			.select()
			.from(eligibility)
			.where(and(eq(eligibility.reviewId, reviewId), eq(eligibility.userId, userId)));
		if (!eligible) return { outcome: 'not-eligible' };
		// The primary key decides who is first; everyone after them inserts nothing.
		const recorded = await tx
			.insert(participation)
			.values({ reviewId, userId })
			.onConflictDoNothing()
			.returning({ reviewId: participation.reviewId });
		if (recorded.length === 0) return { outcome: 'already-answered' };
		const responseId = newId();
		await tx
			.insert(response)
			.values({ id: responseId, reviewId, receiptHash: receiptHash(receipt) });
		if (answers.length > 0) {
			await tx.insert(answer).values(answers.map((a) => ({ ...a, responseId })));
		}
		return { outcome: 'submitted', receipt };
	});
}

export async function hasAnswered(reviewId: string, userId: string) {
	const [row] = await db
		.select()
		.from(participation)
		.where(and(eq(participation.reviewId, reviewId), eq(participation.userId, userId)));
	return Boolean(row);
}

/**
 * Whether a member has answered a review and may answer it, and how many have answered: what
 * the review's page shows, in one query.
 */
export async function standing(reviewId: string, userId: string) {
	const { rows } = await db.$client.execute({
		sql: `select
			exists (select 1 from participation p where p.review_id = :review and p.user_id = :user) as answered,
			exists (select 1 from eligibility e where e.review_id = :review and e.user_id = :user) as eligible,
			(select count(*) from participation p where p.review_id = :review) as answers`,
		args: { review: reviewId, user: userId }
	});
	const [{ answered, eligible, answers }] = rows;
	return { answered: answered === 1, eligible: eligible === 1, answers: Number(answers) };
}

/** How many of the members at opening have answered: the one number visible while open. */
export async function answeredCount(reviewId: string) {
	const [row] = await db
		.select({ n: sql<number>`count(*)` })
		.from(participation)
		.where(eq(participation.reviewId, reviewId));
	return row.n;
}

/**
 * Every receipt hash of a review, sorted. Members' browsers check a receipt against this list
 * themselves, so the server never learns which receipt (and so which response) a member holds.
 */
export async function receiptHashes(reviewId: string) {
	const rows = await db
		.select({ hash: response.receiptHash })
		.from(response)
		.where(eq(response.reviewId, reviewId))
		.orderBy(response.receiptHash);
	return rows.map((r) => r.hash);
}
