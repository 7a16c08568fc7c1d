// The outside view over time, for the Health page and its exports: per review, what outsiders
// scored each dimension, read only for views at or above their own threshold. Closed reviews
// take no more outsider answers, so what this returns for them never changes.
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { outsiderAnswer, outsiderResponse, outsideView } from '$lib/server/db/schema';
import { outsidersRevealed, type Sample } from '$lib/server/outsiders/gap';
import { scoreMoments, spreadOf } from '$lib/server/reviews/score-moments';

export type OutsiderReading =
	| { revealed: false; threshold: number }
	| {
			revealed: true;
			threshold: number;
			/** How many answered through each kind of link. */
			byKind: { personal: number; shared: number };
			/** Each scored dimension by key: mean, population spread and count. No texts. */
			scores: Map<string, Sample>;
	  };

/**
 * The outside view of each of `reviewIds` that has one, by review id: two queries whatever the
 * number of reviews. Below its threshold a view is only said to exist; its scores are not read.
 */
export function outsiderReadings(reviewIds: string[]): Map<string, OutsiderReading> {
	const readings = new Map<string, OutsiderReading>();
	if (reviewIds.length === 0) return readings;
	const views = db
		.select({
			reviewId: outsideView.reviewId,
			threshold: outsideView.threshold,
			personal: outsideView.personalAnswers,
			shared: outsideView.sharedAnswers
		})
		.from(outsideView)
		.where(inArray(outsideView.reviewId, reviewIds))
		.all();
	const revealed = views.filter((v) => outsidersRevealed(v.personal + v.shared, v.threshold));
	const scores =
		revealed.length === 0
			? []
			: db
					.select({
						reviewId: outsiderResponse.reviewId,
						key: outsiderAnswer.questionKey,
						...scoreMoments(outsiderAnswer.score)
					})
					.from(outsiderAnswer)
					.innerJoin(outsiderResponse, eq(outsiderResponse.id, outsiderAnswer.responseId))
					.where(
						and(
							inArray(
								outsiderResponse.reviewId,
								revealed.map((v) => v.reviewId)
							),
							isNotNull(outsiderAnswer.score)
						)
					)
					.groupBy(outsiderResponse.reviewId, outsiderAnswer.questionKey)
					.all();
	for (const v of views) readings.set(v.reviewId, { revealed: false, threshold: v.threshold });
	for (const v of revealed)
		readings.set(v.reviewId, {
			revealed: true,
			threshold: v.threshold,
			byKind: { personal: v.personal, shared: v.shared },
			scores: new Map()
		});
	for (const row of scores) {
		const reading = readings.get(row.reviewId);
		if (!reading?.revealed) continue;
		reading.scores.set(row.key, {
			mean: row.mean,
			standardDeviation: spreadOf(row),
			count: row.count
		});
	}
	return readings;
}
