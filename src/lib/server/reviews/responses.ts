import { and, eq, sql } from 'drizzle-orm';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { db, prepared, transaction } from '$lib/server/db';
import { answer, eligibility, response, review } from '$lib/server/db/schema';
import { forgetSoon } from '$lib/server/anonymity';
import { hashToken, newId } from '$lib/server/tokens';
import { ok, refuse, type Result } from '$lib/server/result';

// This module is where the anonymity promise is kept. A member's identity and their answers meet
// in exactly one place, `submitResponse`, and only inside one transaction:
// - `eligibility.answered` records THAT the member answered (for once-only and turnout), flipped
//   in place on a row written when the review opened, so it keeps no order;
// - `response` and `answer` hold WHAT was answered, with a random key and nothing else;
// - the two share no key, no timestamp and no order, and nothing here is ever logged.
// While the review is open, new response cells do sit in the order they arrived (SQLite places
// each below the last); closing rewrites them in key order (see `shuffleStoredResponses`).

export interface AnswerInput {
	questionKey: string;
	score: number | null;
	text: string | null;
}

/** Why an answer was not taken. */
export type SubmitRefusal = 'already-answered' | 'not-eligible' | 'not-open';
/** The receipt code (shown once to the respondent), or why the answer was not taken. */
export type SubmitOutcome = Result<string, SubmitRefusal>;

/** "K7QM-2XPA-9RTD": 60 random bits, shown once to the respondent; only its hash is stored. */
function newReceipt() {
	const bytes = new Uint8Array(8);
	crypto.getRandomValues(bytes);
	return encodeBase32UpperCaseNoPadding(bytes).slice(0, 12).match(/.{4}/g)!.join('-');
}

export function receiptHash(code: string) {
	return hashToken(`receipt:${code}`);
}

// Submitting is the busiest write: its statements are prepared once (building a drizzle query
// cost more than running it).
const submitting = prepared(() => ({
	reviewState: db
		.select({ status: review.status, closesAt: review.closesAt })
		.from(review)
		.where(eq(review.id, sql.placeholder('reviewId')))
		.prepare(),
	// Flipping the flag decides who is first: a second submission finds it set, changes nothing.
	flip: db
		.update(eligibility)
		.set({ answered: true })
		.where(
			and(
				eq(eligibility.reviewId, sql.placeholder('reviewId')),
				eq(eligibility.userId, sql.placeholder('userId')),
				eq(eligibility.answered, false)
			)
		)
		.returning({ answered: eligibility.answered })
		.prepare(),
	eligible: db
		.select({ answered: eligibility.answered })
		.from(eligibility)
		.where(
			and(
				eq(eligibility.reviewId, sql.placeholder('reviewId')),
				eq(eligibility.userId, sql.placeholder('userId'))
			)
		)
		.prepare(),
	response: db
		.insert(response)
		.values({
			id: sql.placeholder('id'),
			reviewId: sql.placeholder('reviewId'),
			receiptHash: sql.placeholder('receiptHash')
		})
		.prepare(),
	answer: db
		.insert(answer)
		.values({
			responseId: sql.placeholder('responseId'),
			questionKey: sql.placeholder('questionKey'),
			score: sql.placeholder('score'),
			text: sql.placeholder('text')
		})
		.prepare()
}));

export async function submitResponse(
	reviewId: string,
	userId: string,
	answers: AnswerInput[],
	now = new Date()
): Promise<SubmitOutcome> {
	const receipt = newReceipt();
	const statements = submitting();
	const outcome = transaction((): SubmitOutcome => {
		const [row] = statements.reviewState.all({ reviewId });
		if (!row || row.status !== 'open' || (row.closesAt && row.closesAt <= now))
			return refuse('not-open');
		if (statements.flip.all({ reviewId, userId }).length === 0) {
			const [eligible] = statements.eligible.all({ reviewId, userId });
			return refuse(eligible ? 'already-answered' : 'not-eligible');
		}
		const responseId = newId();
		statements.response.run({ id: responseId, reviewId, receiptHash: receiptHash(receipt) });
		for (const { questionKey, score, text } of answers)
			statements.answer.run({ responseId, questionKey, score, text });
		return ok(receipt);
	});
	// The write-ahead log holds this transaction's pages together, the flipped flag beside the new
	// answers: moved into the database file a moment later, the log links nobody to anything.
	if (outcome.ok) forgetSoon();
	return outcome;
}

export async function hasAnswered(reviewId: string, userId: string) {
	const [row] = db
		.select({ answered: eligibility.answered })
		.from(eligibility)
		.where(and(eq(eligibility.reviewId, reviewId), eq(eligibility.userId, userId)))
		.all();
	return row?.answered ?? false;
}

const answeredRows = sql<number>`coalesce(sum(${eligibility.answered}), 0)`;

const standingOf = prepared(() =>
	db
		.select({
			answers: answeredRows,
			mine: sql<
				number | null
			>`max(case when ${eligibility.userId} = ${sql.placeholder('userId')} then ${eligibility.answered} end)`
		})
		.from(eligibility)
		.where(eq(eligibility.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

/**
 * Whether a member has answered a review and may answer it, and how many have answered: what
 * the review's page shows, in one query.
 */
export async function standing(reviewId: string, userId: string) {
	const [{ answers, mine }] = await standingOf().all({ reviewId, userId });
	return { answered: mine === 1, eligible: mine !== null, answers: Number(answers) };
}

/** How many of the members at opening have answered: the one number visible while open. */
const answeredOf = prepared(() =>
	db
		.select({ n: answeredRows })
		.from(eligibility)
		.where(eq(eligibility.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

export async function answeredCount(reviewId: string) {
	return Number(answeredOf().get({ reviewId })!.n);
}

/**
 * Every receipt hash of a review, sorted. Members' browsers check a receipt against this list
 * themselves, so the server never learns which receipt (and so which response) a member holds.
 */
export async function receiptHashes(reviewId: string) {
	const rows = db
		.select({ hash: response.receiptHash })
		.from(response)
		.where(eq(response.reviewId, reviewId))
		.orderBy(response.receiptHash)
		.all();
	return rows.map((r) => r.hash);
}
