import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { dimensionResult, question, review } from '$lib/server/db/schema';
import { isRevealed } from '$lib/server/reviews/thresholds';
import { outsiderReadings } from '$lib/server/outsiders/trend';
import { revealedTextsOf } from '$lib/server/reviews/results';
import { series, turnoutBarsShown, type HealthView } from '$lib/health-view';
import {
	buildTrends,
	highlights,
	type DimensionAggregate,
	type ReviewAggregate,
	type Trends
} from '$lib/server/health/trends';

/**
 * Every closed review of a group with its stored aggregates, oldest first: three small queries
 * whatever the number of members or answers, and never a scan of raw answers. A review hidden
 * by the threshold comes back with no dimensions at all. Outsiders' scores come from two more
 * (see outsiders/trend.ts), behind their own threshold.
 */
export async function groupAggregates(groupId: string): Promise<ReviewAggregate[]> {
	const closed = db
		.select()
		.from(review)
		.where(and(eq(review.groupId, groupId), eq(review.status, 'closed')))
		.orderBy(asc(review.closedAt))
		.all();
	const revealedIds = closed.filter(isRevealed).map((r) => r.id);
	const [results, titles] =
		revealedIds.length === 0
			? [[], []]
			: await Promise.all([
					db.select().from(dimensionResult).where(inArray(dimensionResult.reviewId, revealedIds)),
					db
						.select({ reviewId: question.reviewId, key: question.key, title: question.title })
						.from(question)
						.where(and(inArray(question.reviewId, revealedIds), eq(question.kind, 'scale')))
						.orderBy(asc(question.position))
				]);
	const outsiders = outsiderReadings(closed.map((r) => r.id));
	const titleOf = new Map(titles.map((t) => [`${t.reviewId}/${t.key}`, t.title]));
	// position of each (review, dimension) in question order: titles come back sorted by position
	const rank = new Map(titles.map((t, i) => [`${t.reviewId}/${t.key}`, i]));
	const resultsOf = new Map<string, typeof results>();
	for (const row of results) {
		const list = resultsOf.get(row.reviewId);
		if (list) list.push(row);
		else resultsOf.set(row.reviewId, [row]);
	}
	return closed.map((r) => {
		const dimensions = new Map<string, DimensionAggregate>();
		if (isRevealed(r)) {
			// in the order members saw the questions
			const ofReview = resultsOf.get(r.id) ?? [];
			const rankOf = (key: string) => rank.get(`${r.id}/${key}`) ?? 0;
			ofReview.sort((a, b) => rankOf(a.questionKey) - rankOf(b.questionKey));
			for (const d of ofReview) {
				dimensions.set(d.questionKey, {
					title: titleOf.get(`${r.id}/${d.questionKey}`) ?? d.questionKey,
					count: d.count,
					mean: d.mean,
					standardDeviation: d.standardDeviation,
					distribution: d.distribution
				});
			}
		}
		return {
			id: r.id,
			title: r.title,
			closedAt: r.closedAt!,
			purposeVersion: r.purposeVersion,
			revealed: isRevealed(r),
			responseCount: r.responseCount ?? 0,
			eligibleCount: r.eligibleCount ?? 0,
			dimensions,
			outsiders: outsiders.get(r.id) ?? null
		};
	});
}

// For comparing two reviews: a review's open questions, in the order the form asks them.
const openQuestions = prepared(() =>
	db
		.select({ key: question.key, title: question.title })
		.from(question)
		.where(and(eq(question.reviewId, sql.placeholder('reviewId')), eq(question.kind, 'text')))
		.orderBy(asc(question.position))
		.prepare()
);

// A group's trends change only when one of its reviews closes (closed reviews never change), so
// they are kept per group, with the view the page renders, and rebuilt only when the number or
// the time of closed reviews moves: one indexed query per page. Bounded, oldest dropped first.
export interface HealthEntry {
	version: string;
	/** The closed reviews' aggregates the rest was built from (the compare page reads them). */
	aggregates: ReviewAggregate[];
	trends: Trends;
	highlights: string[];
	view: HealthView;
	/** Open answers of its reviews read so far, by review and how many (`openAnswerSamples`). */
	samples: Map<string, AnswerSample[]>;
}
const healthCache = new Map<string, HealthEntry>();
const healthCacheSize = 500;

const healthVersion = prepared(() =>
	db
		.select({ version: sql<string>`count(*) || ':' || coalesce(max(${review.closedAt}), 0)` })
		.from(review)
		.where(and(eq(review.groupId, sql.placeholder('groupId')), eq(review.status, 'closed')))
		.prepare()
);

export async function groupHealth(groupId: string): Promise<HealthEntry> {
	const [{ version }] = await healthVersion().all({ groupId });
	const cached = healthCache.get(groupId);
	if (cached?.version === version) return cached;
	const aggregates = await groupAggregates(groupId);
	const trends = buildTrends(aggregates);
	const entry = {
		version,
		aggregates,
		trends,
		highlights: highlights(trends),
		view: toHealthView(trends),
		samples: new Map()
	};
	healthCache.delete(groupId);
	healthCache.set(groupId, entry);
	if (healthCache.size > healthCacheSize) healthCache.delete(healthCache.keys().next().value!);
	return entry;
}

export type AnswerSample = { key: string; title: string; total: number; texts: string[] };

/**
 * A revealed review's open questions, each with up to `limit` of its answers (in their stored,
 * shuffled order) and how many it has in all. A closed review's answers never change, so they
 * are read once and kept with its group's health (`groupHealth`), until another review closes.
 */
export function openAnswerSamples(
	health: HealthEntry,
	reviewId: string,
	limit: number
): AnswerSample[] {
	const kept = health.samples.get(`${reviewId}:${limit}`);
	if (kept) return kept;
	const texts = revealedTextsOf(reviewId, { first: limit });
	const read = openQuestions()
		.all({ reviewId })
		.map((q) => ({
			...q,
			total: texts.get(q.key)?.total ?? 0,
			texts: texts.get(q.key)?.texts.map((t) => t.text) ?? []
		}));
	health.samples.set(`${reviewId}:${limit}`, read);
	return read;
}

/** A share as a whole percent; null stays null. */
const percent = (share: number | null) => (share === null ? null : Math.round(share * 100));

/** The compact form the health page renders (see $lib/health-view). */
export function toHealthView(trends: Trends): HealthView {
	return {
		reviews: trends.reviews.map(({ id, title, revealed, turnout, restated }) => ({
			id,
			title,
			revealed,
			turnout: percent(turnout),
			restated
		})),
		recentTurnout: trends.reviews
			.slice(-turnoutBarsShown)
			.map(({ title, answered, eligible, turnout }) => ({
				title,
				answered,
				eligible,
				turnout: percent(turnout)
			})),
		outsidersThreshold: trends.reviews.findLast((r) => r.outsiders)?.outsiders?.threshold ?? null,
		dimensions: trends.dimensions.map((d) => ({
			key: d.key,
			title: d.title,
			means: series(d.cells.map((c) => (c.kind === 'value' ? c.mean : null))),
			spreads: series(d.cells.map((c) => (c.kind === 'value' ? c.standardDeviation : null))),
			outsiderMeans: series(d.outsiders.map((o) => o?.mean ?? null))
		}))
	};
}
