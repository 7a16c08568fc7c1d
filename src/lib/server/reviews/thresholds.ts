import { sql } from 'drizzle-orm';
import { review, type Review } from '$lib/server/db/schema';

// The lines results are judged by: when a review's results may be shown at all, and when its
// members disagree too much for a mean to mean much.

/** Whether results of a closed review may be shown: enough members answered (k). */
export function isRevealed(row: Pick<Review, 'status' | 'responseCount' | 'threshold'>) {
	return (
		row.status === 'closed' && row.threshold !== null && (row.responseCount ?? 0) >= row.threshold
	);
}

/** The same rule in SQL, on the review table. */
export const revealedInSql = () =>
	sql`(${review.status} = 'closed' and ${review.threshold} is not null and coalesce(${review.responseCount}, 0) >= ${review.threshold})`;

// A standard deviation this large on a 1-5 scale means members are far apart (all 1s and 5s
// give 2.0; scores spread evenly over 1-5 give 1.41): the mean alone would mislead.
const disagreementThreshold = 1.2;

/**
 * Whether members disagree, judged on the spread as pages show it (one decimal): a spread of
 * 1.17 reads "1.2", and a label saying members broadly agree beside it would contradict it.
 */
export function membersDisagree(standardDeviation: number) {
	return Number(standardDeviation.toFixed(1)) >= disagreementThreshold;
}
