import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { db, prepared, rowInserter, type Executor } from '$lib/server/db';
import {
	answer,
	dimensionResult,
	question,
	response,
	revealedText,
	type Review
} from '$lib/server/db/schema';
import { previousClosedReview, questionsOf } from '$lib/server/reviews/reviews';
import { isRevealed, membersDisagree } from '$lib/server/reviews/thresholds';
import { newId } from '$lib/server/tokens';
import { compareKeys } from '$lib/server/anonymity';
import { trafficLight } from '$lib/health-view';
import { scoreMoments, spreadOf } from '$lib/server/reviews/score-moments';

/** Stores the aggregates and the revealed texts of a review. Runs once, inside closeReview. */
export function computeResults(tx: Executor, reviewId: string) {
	const rows = tx
		.select({
			questionKey: answer.questionKey,
			...scoreMoments(answer.score),
			d1: sql<number>`sum(${answer.score} = 1)`,
			d2: sql<number>`sum(${answer.score} = 2)`,
			d3: sql<number>`sum(${answer.score} = 3)`,
			d4: sql<number>`sum(${answer.score} = 4)`,
			d5: sql<number>`sum(${answer.score} = 5)`
		})
		.from(answer)
		.innerJoin(response, eq(response.id, answer.responseId))
		.where(and(eq(response.reviewId, reviewId), sql`${answer.score} is not null`))
		.groupBy(answer.questionKey)
		.all();
	if (rows.length > 0) {
		tx.insert(dimensionResult)
			.values(
				rows.map((r) => ({
					reviewId,
					questionKey: r.questionKey,
					count: Number(r.count),
					mean: Number(r.mean),
					standardDeviation: spreadOf(r),
					distribution: [r.d1, r.d2, r.d3, r.d4, r.d5].map(Number) as [
						number,
						number,
						number,
						number,
						number
					]
				}))
			)
			.run();
	}
	const texts = tx
		.select({ questionKey: answer.questionKey, text: answer.text })
		.from(answer)
		.innerJoin(response, eq(response.id, answer.responseId))
		.where(and(eq(response.reviewId, reviewId), sql`trim(coalesce(${answer.text}, '')) <> ''`))
		.all();
	// A fresh random key for every text: revealed_text is stored and read in key order, so each
	// question's texts come out shuffled, independently of the other questions. Inserted in that
	// key order too, so that where each lands in the file follows the random key, nothing else.
	const revealed = texts
		.map((t) => ({ reviewId, questionKey: t.questionKey, id: newId(), text: t.text! }))
		.sort((a, b) => compareKeys(a.questionKey, b.questionKey) || compareKeys(a.id, b.id));
	for (const text of revealed) insertRevealedText(text);
}

const insertRevealedText = rowInserter(revealedText);

export { trafficLight, type TrafficLight } from '$lib/health-view';

/**
 * Results of a closed review, only when revealed; otherwise how many more answers were needed.
 * `previousReview` lets a page that also shows last review's follow-ups read it once;
 * `answersShown`, which open answers it shows (each question's `answerCount` says how many it has).
 */
export async function loadResults(
	row: Review,
	previousReview?: Promise<Review | undefined>,
	answersShown: AnswersShown = {}
) {
	if (!isRevealed(row)) {
		return {
			revealed: false as const,
			responseCount: row.status === 'closed' ? (row.responseCount ?? 0) : null,
			needed:
				row.status === 'closed' && row.threshold ? row.threshold - (row.responseCount ?? 0) : null
		};
	}
	const [questions, dimensions, texts, previous] = await Promise.all([
		questionsOf(row.id),
		dimensionResultsOf(row.id),
		revealedTextsOf(row.id, answersShown),
		previousRevealedResults(previousReview ?? previousClosedReview(row))
	]);
	const byKey = new Map(dimensions.map((d) => [d.questionKey, d]));
	const previousByKey = new Map(previous?.dimensions.map((d) => [d.questionKey, d]) ?? []);
	return {
		revealed: true as const,
		responseCount: row.responseCount!,
		previousTitle: previous?.title ?? null,
		questions: questions.map((q) => {
			const result = byKey.get(q.key);
			const before = previousByKey.get(q.key);
			return {
				key: q.key,
				kind: q.kind,
				title: q.title,
				lowLabel: q.lowLabel,
				highLabel: q.highLabel,
				result: result && {
					count: result.count,
					mean: result.mean,
					standardDeviation: result.standardDeviation,
					distribution: result.distribution,
					light: trafficLight(result.mean),
					disagreement: membersDisagree(result.standardDeviation),
					change: before ? result.mean - before.mean : null
				},
				// with their random keys, so a facilitator can quote one into a follow-up task
				texts: texts.get(q.key)?.texts ?? [],
				answerCount: texts.get(q.key)?.total ?? 0
			};
		})
	};
}

/** The group's closed review before this one, when it too was revealed (else no comparison). */
async function previousRevealedResults(previousReview: Promise<Review | undefined>) {
	const previous = await previousReview;
	if (!previous || !isRevealed(previous)) return null;
	return { title: previous.title, dimensions: await dimensionResultsOf(previous.id) };
}

const dimensionResults = prepared(() =>
	db
		.select()
		.from(dimensionResult)
		.where(eq(dimensionResult.reviewId, sql.placeholder('reviewId')))
		.prepare()
);

/** A revealed review's stored aggregates, one per scored question. */
export function dimensionResultsOf(reviewId: string) {
	return dimensionResults().all({ reviewId });
}

/** Which of a review's open answers a reader is shown: the first of each question, all of one. */
export interface AnswersShown {
	/** how many of each question's answers, from the first; all when left out */
	first?: number;
	/** a question whose answers are all shown whatever `first` says */
	allOf?: string | null;
}

// A review's revealed open answers, per question, in shuffled order (the ids are random, so the
// order says nothing about who wrote what). How many each question has is counted apart, and
// only the answers shown are read: each question's come from SQLite as one JSON array, since
// read as rows, one per answer, they cost the results page about four times as much (every row
// crosses from the driver on its own).
const revealedTextQueries = prepared(() => {
	const shown = db
		.select({ id: revealedText.id, text: revealedText.text })
		.from(revealedText)
		.where(
			and(
				eq(revealedText.reviewId, sql.placeholder('reviewId')),
				eq(revealedText.questionKey, sql.placeholder('questionKey'))
			)
		)
		.orderBy(asc(revealedText.id))
		.limit(sql.placeholder('limit'))
		.as('shown');
	return {
		counts: db
			.select({ questionKey: revealedText.questionKey, total: count() })
			.from(revealedText)
			.where(eq(revealedText.reviewId, sql.placeholder('reviewId')))
			.groupBy(revealedText.questionKey)
			.prepare(),
		first: db
			.select({
				texts: sql<string>`json_group_array(json_object('id', ${shown.id}, 'text', ${shown.text}) order by ${shown.id})`
			})
			.from(shown)
			.prepare()
	};
});

/** SQLite's LIMIT for "no limit". */
const everyRow = -1;

type RevealedTexts = Map<string, { texts: { id: string; text: string }[]; total: number }>;

/**
 * A review's revealed open answers, per question key, in shuffled order, as many as `shown`
 * asks for, with how many each question has.
 */
export function revealedTextsOf(reviewId: string, shown: AnswersShown = {}): RevealedTexts {
	const queries = revealedTextQueries();
	return new Map(
		queries.counts.all({ reviewId }).map(({ questionKey, total }) => {
			const limit =
				shown.first === undefined || questionKey === shown.allOf ? everyRow : shown.first;
			const [row] = queries.first.all({ reviewId, questionKey, limit });
			return [questionKey, { texts: JSON.parse(row.texts), total }];
		})
	);
}

/** The dimensions about the group's work (follow-through, multiplying effort), for the overview. */
export const workDimensions = ['execution', 'multiplication'];

const workScoresOf = prepared(() =>
	db
		.select({
			key: dimensionResult.questionKey,
			title: question.title,
			mean: dimensionResult.mean
		})
		.from(dimensionResult)
		.innerJoin(
			question,
			and(
				eq(question.reviewId, dimensionResult.reviewId),
				eq(question.key, dimensionResult.questionKey)
			)
		)
		.where(
			and(
				eq(dimensionResult.reviewId, sql.placeholder('reviewId')),
				inArray(dimensionResult.questionKey, workDimensions)
			)
		)
		.prepare()
);

/** A revealed review's scores on the work dimensions, in that order, in the review's own words. */
export function workScores(reviewId: string) {
	const scores = workScoresOf().all({ reviewId });
	return workDimensions.flatMap((key) =>
		scores.filter((s) => s.key === key).map(({ title, mean }) => ({ title, mean }))
	);
}
