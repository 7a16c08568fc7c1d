// Ways around the anonymity promise found by trying to break it: each is a thing the app once let
// someone learn about who answered, and each test fails if it comes back.
import { and, eq, like, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { deleteAccount } from '$lib/server/accounts/accounts';
import { db } from '$lib/server/db';
import { review } from '$lib/server/db/schema';
import { reminder } from '$lib/server/db/work-schema';
import { removeMember } from '$lib/server/groups/memberships';
import { produceReviewClosing, remindNonResponders } from '$lib/server/reminders/producers';
import { answeredCount, submitResponse } from '$lib/server/reviews/responses';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { dimensionResultsOf, loadResults, revealedTextsOf } from '$lib/server/reviews/results';
import { addQuestion, maxQuestions } from '$lib/server/reviews/questions';
import { createReview, findReview, questionsOf } from '$lib/server/reviews/reviews';
import { handleError } from '../../src/hooks.server';
import { answersFor, makeGroupWithMembers } from '../support/factories';
import { outcome } from '../support/outcome';

async function openWith(size: number) {
	const world = await makeGroupWithMembers(size);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	return { ...world, reviewId, questions: await questionsOf(reviewId) };
}

const turnout = async (groupId: string, reviewId: string) => ({
	answered: await answeredCount(reviewId),
	eligible: (await findReview(groupId, reviewId))?.eligibleCount
});

describe('turnout says nothing about one person', () => {
	it('deleting an account while a review is open moves neither turnout nor who may answer', async () => {
		for (const deletedHadAnswered of [true, false]) {
			const { group, members, reviewId, questions } = await openWith(6);
			for (const m of members.slice(1, 4))
				await submitResponse(reviewId, m.id, answersFor(questions, 3));
			const leaving = deletedHadAnswered ? members[1] : members[5];
			const before = await turnout(group.id, reviewId);
			expect(before).toEqual({ answered: 3, eligible: 6 });
			expect((await deleteAccount(leaving.id)).deleted).toBe(true);
			expect(
				await turnout(group.id, reviewId),
				`deleted had answered: ${deletedHadAnswered}`
			).toEqual(before);
		}
	});

	it('removed members are not reminded, and removing one moves no count', async () => {
		const now = new Date();
		const { group, members, reviewId, questions } = await openWith(6);
		await db
			.update(review)
			.set({ closesAt: new Date(now.getTime() + 3_600_000) })
			.where(eq(review.id, reviewId));
		await submitResponse(reviewId, members[1].id, answersFor(questions, 4));
		const before = await turnout(group.id, reviewId);
		expect(outcome(await removeMember(group.id, members[5].id))).toBe('done');
		expect(await turnout(group.id, reviewId)).toEqual(before);
		// owner, members 2, 3, 4: the four still in the group who have not answered
		expect(await remindNonResponders(reviewId, now)).toBe(4);
		await produceReviewClosing(now);
		// nothing at all for the removed member, not even "it is open", made before the removal
		const anything = await db
			.select({ userId: reminder.userId })
			.from(reminder)
			.where(like(reminder.key, `%:${reviewId}:%`));
		expect(anything.map((r) => r.userId)).not.toContain(members[5].id);
		// "not answered yet": the four still in the group who have not answered
		const reminded = await db
			.select({ userId: reminder.userId })
			.from(reminder)
			.where(and(like(reminder.key, `%:${reviewId}:%`), eq(reminder.kind, 'review_closing')));
		expect(new Set(reminded.map((r) => r.userId))).toEqual(
			new Set([members[0].id, members[2].id, members[3].id, members[4].id])
		);
	});

	it('closing forgets who was told they had not answered yet: those reminders, notices and mail', async () => {
		const now = new Date();
		const { group, members, reviewId, questions } = await openWith(5);
		for (const m of members.slice(0, 3))
			await submitResponse(reviewId, m.id, answersFor(questions, 4));
		expect(await remindNonResponders(reviewId, now)).toBe(2);
		await closeReview(group.id, reviewId);
		expect(
			await db
				.select()
				.from(reminder)
				.where(like(reminder.key, `nudge:${reviewId}:%`))
		).toEqual([]);
	});
});

describe('the threshold at close', () => {
	it('below k nothing is computed or copied; at k everything is', async () => {
		for (const answers of [4, 5]) {
			const { group, members, reviewId, questions } = await openWith(6);
			for (const m of members.slice(0, answers))
				await submitResponse(
					reviewId,
					m.id,
					answersFor(questions, 2, () => 'a comment for the group')
				);
			await closeReview(group.id, reviewId);
			const stored = {
				aggregates: (await dimensionResultsOf(reviewId)).length,
				texts: [...revealedTextsOf(reviewId).values()].flatMap((q) => q.texts).length
			};
			if (answers < 5) expect(stored, `${answers} answers`).toEqual({ aggregates: 0, texts: 0 });
			else {
				expect(stored.aggregates).toBe(7);
				expect(stored.texts).toBe(answers * questions.length);
			}
			const results = await loadResults((await findReview(group.id, reviewId))!);
			expect(results.revealed).toBe(answers >= 5);
		}
	});
});

describe('the log', () => {
	it('a failed request logs the error kind and code, never the values it was writing', async () => {
		const secret = `the treasurer ${crypto.randomUUID()}`;
		let failure: unknown;
		try {
			// a name SQLite cannot find is quoted in its error, as values are in other drivers' errors
			db.all(sql`select * from ${sql.identifier(secret)}`);
		} catch (error) {
			failure = error;
		}
		// the database error itself carries what the statement held: that must not reach the log
		expect(String((failure as Error).message)).toContain(secret);
		const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
		try {
			const shown = handleError({
				error: failure,
				status: 500,
				message: 'Internal Error',
				event: {
					request: new Request('http://localhost/g/x/reviews/y?/submit', { method: 'POST' }),
					route: { id: '/(app)/g/[group]/reviews/[review]' }
				}
			} as unknown as Parameters<typeof handleError>[0]);
			const logged = printed.mock.calls.flat().map(String).join('\n');
			expect(logged).toContain('POST /(app)/g/[group]/reviews/[review] failed');
			expect(logged).toMatch(/SQLITE_ERROR/);
			expect(logged).not.toContain(secret);
			expect(JSON.stringify(shown)).not.toContain(secret);
		} finally {
			printed.mockRestore();
		}
	});
});

describe('questions per review', () => {
	it(`stops at ${maxQuestions}, with an outcome the page words plainly`, async () => {
		const { group, owner } = await makeGroupWithMembers(1);
		const reviewId = await createReview({ groupId: group.id, createdBy: owner.id });
		const start = (await questionsOf(reviewId)).length;
		for (let i = start; i < maxQuestions; i++) {
			const added = await addQuestion(reviewId, {
				kind: 'text',
				title: `Question ${i}`,
				prompt: 'Say anything.',
				lowLabel: null,
				highLabel: null
			});
			expect(outcome(added)).toBe('done');
		}
		expect(
			outcome(
				await addQuestion(reviewId, {
					kind: 'text',
					title: 'One too many',
					prompt: 'Say anything.',
					lowLabel: null,
					highLabel: null
				})
			)
		).toBe('too-many');
		expect(await questionsOf(reviewId)).toHaveLength(maxQuestions);
	});
});
