// The outsiders' panel's data layer: asking, links that work once or up to a cap, a threshold of
// its own, and answers that carry nothing of the link they came through.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { outsiderLink, outsiderResponse, outsideView } from '$lib/server/db/schema';
import {
	askOutsiders,
	closeOutsideView,
	findOutsiderLink,
	makePersonalLinks,
	makeSharedLink,
	outsiderQuestionsOf,
	outsiderResults,
	submitOutsiderAnswers,
	type OutsiderAnswer
} from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview } from '$lib/server/reviews/reviews';
import { makeGroupWithMembers } from '../support/factories';
import { outcome } from '../support/outcome';
import { execute } from '../support/sql';

async function reviewAskingOutsiders(open = true) {
	const world = await makeGroupWithMembers(5);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(askOutsiders(world.group.id, reviewId))).toBe('done');
	if (open) expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	return { ...world, reviewId };
}

const answersWith = (
	score: number,
	guess = 'Tenants fighting their landlord.'
): OutsiderAnswer[] => [
	{ questionKey: 'execution', score, text: null },
	{ questionKey: 'democracy', score: 6 - score, text: 'Hard to tell from outside.' },
	{ questionKey: purposeGuessKey, score: null, text: guess }
];

describe('asking outsiders', () => {
	it('adds the outward-facing questions, reworded, and their own purpose question', async () => {
		const { group, reviewId } = await reviewAskingOutsiders(false);
		const questions = outsiderQuestionsOf(reviewId);
		expect(questions.map((q) => q.key)).toEqual([
			'impression',
			'execution',
			'direction',
			'progress',
			'democracy',
			'purpose',
			purposeGuessKey
		]);
		expect(questions.find((q) => q.key === 'execution')!.prompt).toMatch(/look organized/);
		expect(questions.at(-1)!.prompt).toBe('In a sentence, what do you think this group is for?');
		expect(outcome(askOutsiders(group.id, reviewId))).toBe('asked-already');
		const view = db.select().from(outsideView).where(eq(outsideView.reviewId, reviewId)).get()!;
		// the group's k when asked: 5 by default
		expect(view.threshold).toBe(5);
	});

	it('asks only the chosen questions, never of a closed review', async () => {
		const world = await makeGroupWithMembers(5);
		const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		expect(outcome(askOutsiders(world.group.id, reviewId, ['democracy']))).toBe('done');
		expect(outsiderQuestionsOf(reviewId).map((q) => q.key)).toEqual(['democracy', purposeGuessKey]);

		const other = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		expect(outcome(askOutsiders(world.group.id, other, ['not-a-question']))).toBe('no-questions');
		await openReview(world.group.id, reviewId);
		await closeReview(world.group.id, reviewId);
		const closed = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		await openReview(world.group.id, closed);
		await closeReview(world.group.id, closed);
		expect(outcome(askOutsiders(world.group.id, closed))).toBe('closed');
	});
});

describe('links', () => {
	it('a personal link takes one answer: of twenty tries, exactly one counts', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const [token] = (makePersonalLinks(reviewId, 3) as { value: string[] }).value;
		const tries = await Promise.all(
			Array.from({ length: 20 }, async () => submitOutsiderAnswers(token, answersWith(2)))
		);
		expect(tries.map(outcome).filter((o) => o === 'done')).toHaveLength(1);
		expect(tries.map(outcome).filter((o) => o === 'used')).toHaveLength(19);
		expect(outcome(findOutsiderLink(token))).toBe('used');
		const responses = db
			.select()
			.from(outsiderResponse)
			.where(eq(outsiderResponse.reviewId, reviewId))
			.all();
		expect(responses).toHaveLength(1);
	});

	it('makes 1 to 200 links at once, stored only hashed', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		expect(outcome(makePersonalLinks(reviewId, 0))).toBe('bad-count');
		expect(outcome(makePersonalLinks(reviewId, 201))).toBe('bad-count');
		const made = makePersonalLinks(reviewId, 200) as { value: string[] };
		expect(new Set(made.value).size).toBe(200);
		const rows = db.select().from(outsiderLink).where(eq(outsiderLink.reviewId, reviewId)).all();
		expect(rows).toHaveLength(200);
		for (const row of rows.slice(0, 5)) expect(made.value).not.toContain(row.id);
	});

	it('the shared link stops at its cap, and results count answers by kind', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const shared = (makeSharedLink(reviewId, 3) as { value: string }).value;
		for (let i = 0; i < 3; i++)
			expect(outcome(submitOutsiderAnswers(shared, answersWith(3)))).toBe('done');
		expect(outcome(submitOutsiderAnswers(shared, answersWith(3)))).toBe('full');
		expect(outcome(findOutsiderLink(shared))).toBe('full');
		const [personal] = (makePersonalLinks(reviewId, 1) as { value: string[] }).value;
		expect(outcome(submitOutsiderAnswers(personal, answersWith(3)))).toBe('done');
		expect(outsiderResults(reviewId)).toMatchObject({
			revealed: false,
			answered: 4,
			byKind: { personal: 1, shared: 3 }
		});
	});

	it('takes nothing once the view or its review is closed, or through a made-up link', async () => {
		const { group, reviewId } = await reviewAskingOutsiders();
		const [a, b] = (makePersonalLinks(reviewId, 2) as { value: string[] }).value;
		expect(outcome(submitOutsiderAnswers('madeuptoken', answersWith(3)))).toBe('unknown');
		closeOutsideView(reviewId);
		expect(outcome(submitOutsiderAnswers(a, answersWith(3)))).toBe('closed');
		db.update(outsideView).set({ closed: false }).where(eq(outsideView.reviewId, reviewId)).run();
		await closeReview(group.id, reviewId);
		expect(outcome(submitOutsiderAnswers(b, answersWith(3)))).toBe('closed');
	});
});

describe('what may be shown', () => {
	it('nothing below the outsiders’ own threshold; at it, scores and texts', async () => {
		const { group, reviewId } = await reviewAskingOutsiders();
		const tokens = (makePersonalLinks(reviewId, 5) as { value: string[] }).value;
		for (const token of tokens.slice(0, 4)) submitOutsiderAnswers(token, answersWith(2));
		expect(outsiderResults(reviewId)).toMatchObject({ revealed: false, answered: 4 });
		submitOutsiderAnswers(tokens[4], answersWith(4, 'A tenants union.'));
		await closeReview(group.id, reviewId);
		const results = outsiderResults(reviewId)!;
		expect(results.revealed).toBe(true);
		if (!results.revealed) return;
		const execution = results.scores.find((s) => s.key === 'execution')!;
		// four 2s and one 4: mean 2.4, population spread √(0.64·4/5 + 2.56/5) = 0.8
		expect(execution.mean).toBeCloseTo(2.4, 10);
		expect(execution.standardDeviation).toBeCloseTo(0.8, 10);
		expect(execution.count).toBe(5);
		expect(
			results.texts
				.filter((t) => t.key === purposeGuessKey)
				.map((t) => t.text)
				.sort()
		).toEqual(['A tenants union.', ...Array(4).fill('Tenants fighting their landlord.')].sort());
	});

	it('keeps no link between a token and an answer: no column for one, new keys at close', async () => {
		const { group, reviewId } = await reviewAskingOutsiders();
		const tokens = (makePersonalLinks(reviewId, 5) as { value: string[] }).value;
		for (const token of tokens) submitOutsiderAnswers(token, answersWith(3));
		const columns = (table: string) =>
			execute(`select name from pragma_table_info('${table}')`).rows.map((r) => r.name);
		expect(columns('outsider_link')).toEqual(['id', 'review_id', 'used']);
		expect(columns('outsider_response')).toEqual(['id', 'review_id']);
		expect(columns('outsider_answer')).toEqual(['response_id', 'question_key', 'score', 'text']);
		const before = new Set(
			db
				.select()
				.from(outsiderResponse)
				.where(eq(outsiderResponse.reviewId, reviewId))
				.all()
				.map((r) => r.id)
		);
		await closeReview(group.id, reviewId);
		const after = db
			.select()
			.from(outsiderResponse)
			.where(eq(outsiderResponse.reviewId, reviewId))
			.all();
		expect(after).toHaveLength(5);
		expect(after.some((r) => before.has(r.id))).toBe(false);
	});
});
