import { execute } from '../support/sql';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db, transaction } from '$lib/server/db';
import { slices } from '$lib/server/db/slices';
import { newId } from '$lib/server/tokens';
import {
	answer,
	dimensionResult,
	eligibility,
	membership,
	response,
	user
} from '$lib/server/db/schema';
import { defaultInstrument } from '$lib/server/reviews/instrument';
import { loadResults } from '$lib/server/reviews/results';
import { responseSchema } from '$lib/server/reviews/response-form';
import {
	answeredCount,
	receiptHash,
	receiptHashes,
	submitResponse
} from '$lib/server/reviews/responses';
import {
	closeReview,
	openReview,
	runDueTransitions,
	scheduleReview
} from '$lib/server/reviews/lifecycle';
import {
	addQuestion,
	moveQuestion,
	removeQuestion,
	updateQuestion
} from '$lib/server/reviews/questions';
import {
	createReview,
	findReview,
	listReviews,
	questionsOf,
	reviewsAtGlance,
	setGroupThreshold
} from '$lib/server/reviews/reviews';
import { answersFor, makeGroupWithMembers } from '../support/factories';
import { outcome } from '../support/outcome';

const at = (day: string) => new Date(`${day}T12:00:00Z`);

async function openWith(size: number) {
	const world = await makeGroupWithMembers(size);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	const questions = await questionsOf(reviewId);
	return { ...world, reviewId, questions };
}

const columnsOf = async (table: string) =>
	(await execute(`pragma table_info("${table}")`)).rows.map((r) => String(r.name));
const foreignKeysOf = async (table: string) =>
	(await execute(`pragma foreign_key_list("${table}")`)).rows.map((r) => String(r.table));

// Words that would tie a row to a person or a moment.
const identifying = new Set([
	'user',
	'member',
	'session',
	'ip',
	'address',
	'agent',
	'time',
	'timestamp',
	'at',
	'date',
	'created',
	'updated',
	'submitted',
	'by'
]);

describe('anonymity in the schema', () => {
	it('response and answer name no user, session, address, agent or time, and point at no user', async () => {
		for (const table of ['response', 'answer', 'revealed_text', 'dimension_result']) {
			for (const column of await columnsOf(table)) {
				const words = column.split('_');
				const telling = words.filter((w) => identifying.has(w));
				expect(telling, `${table}.${column}`).toEqual([]);
			}
			expect(await foreignKeysOf(table)).not.toContain('user');
		}
		// who answered: a flag on the row of each member who may answer, and nothing else
		expect((await columnsOf('eligibility')).sort()).toEqual(['answered', 'review_id', 'user_id']);
		const indexes = await execute(`pragma index_list("eligibility")`);
		for (const index of indexes.rows) {
			const columns = await execute(`pragma index_info("${String(index.name)}")`);
			// an index over the flag would be rewritten, in answer order, on every answer
			expect(columns.rows.map((c) => String(c.name))).not.toContain('answered');
		}
	});

	it('stores responses, answers and revealed texts WITHOUT ROWID, in key order', async () => {
		const tables = await execute("select name, sql from sqlite_master where type = 'table'");
		for (const name of ['response', 'answer', 'revealed_text']) {
			const sql = String(tables.rows.find((r) => r.name === name)?.sql);
			expect(sql, name).toMatch(/WITHOUT ROWID\s*$/);
		}
	});
});

describe('opening', () => {
	it('works for a group larger than SQLite takes values in one statement (11,000 members)', async () => {
		const { group, owner } = await makeGroupWithMembers(1);
		// accounts made directly: hashing 11,000 passwords would take minutes
		const people = Array.from({ length: 11_000 }, () => ({
			id: newId(),
			email: `${newId()}@example.org`,
			displayName: 'x',
			passwordHash: 'x'
		}));
		transaction((tx) => {
			for (const slice of slices(people, 1000)) {
				tx.insert(user).values(slice).run();
				tx.insert(membership)
					.values(slice.map((p) => ({ groupId: group.id, userId: p.id, role: 'member' as const })))
					.run();
			}
		});
		const reviewId = await createReview({ groupId: group.id, createdBy: owner.id });
		expect(outcome(await openReview(group.id, reviewId))).toBe('done');
		const [{ eligible }] = db
			.select({ eligible: count() })
			.from(eligibility)
			.where(eq(eligibility.reviewId, reviewId))
			.all();
		expect(eligible).toBe(11_001);
		expect((await findReview(group.id, reviewId))?.eligibleCount).toBe(11_001);
	});
});

describe('answering', () => {
	it('once per member: the second submission is refused and stores nothing', async () => {
		const { reviewId, questions, members } = await openWith(3);
		const first = await submitResponse(reviewId, members[1].id, answersFor(questions, 4));
		expect(outcome(first)).toBe('done');
		const second = await submitResponse(reviewId, members[1].id, answersFor(questions, 1));
		expect(outcome(second)).toBe('already-answered');
		expect(await db.select().from(response).where(eq(response.reviewId, reviewId))).toHaveLength(1);
	});

	it('20 parallel submissions by one member mark one answer and give one response', async () => {
		const { reviewId, questions, members } = await openWith(3);
		const results = await Promise.all(
			Array.from({ length: 20 }, () =>
				submitResponse(reviewId, members[2].id, answersFor(questions, 3))
			)
		);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(results.filter((r) => outcome(r) === 'already-answered')).toHaveLength(19);
		expect(await answeredCount(reviewId)).toBe(1);
		expect(await db.select().from(response).where(eq(response.reviewId, reviewId))).toHaveLength(1);
	});

	it('is atomic: a failure after marking the member as answered leaves neither mark nor row', async () => {
		const { reviewId, questions, members } = await openWith(3);
		// 5,000 characters pass no form, but here they reach the database, whose CHECK refuses
		// the answer row after the flag was set and the response inserted.
		const tooLong = answersFor(questions, 3, (key) =>
			key === 'raise-issue' ? 'x'.repeat(5000) : null
		);
		await expect(submitResponse(reviewId, members[0].id, tooLong)).rejects.toThrow();
		const marks = await db.select().from(eligibility).where(eq(eligibility.reviewId, reviewId));
		expect(marks).toHaveLength(3);
		expect(marks.filter((m) => m.answered)).toHaveLength(0);
		expect(await db.select().from(response).where(eq(response.reviewId, reviewId))).toHaveLength(0);
		expect(outcome(await submitResponse(reviewId, members[0].id, answersFor(questions, 3)))).toBe(
			'done'
		);
	});

	it('only members at opening may answer, and only while open', async () => {
		const { group, reviewId, questions, members } = await openWith(3);
		const { makeUser, addMember } = await import('../support/factories');
		const late = await makeUser();
		await addMember(group.id, late.id);
		expect(outcome(await submitResponse(reviewId, late.id, answersFor(questions, 3)))).toBe(
			'not-eligible'
		);
		await closeReview(group.id, reviewId);
		expect(outcome(await submitResponse(reviewId, members[0].id, answersFor(questions, 3)))).toBe(
			'not-open'
		);
	});

	it('gives a receipt stored only as a hash, which checks against the hash list', async () => {
		const { reviewId, questions, members } = await openWith(3);
		const result = await submitResponse(reviewId, members[0].id, answersFor(questions, 5));
		if (!result.ok) throw new Error(result.refusal);
		expect(result.value).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
		const [stored] = await db.select().from(response).where(eq(response.reviewId, reviewId));
		expect(stored.receiptHash).toBe(receiptHash(result.value));
		expect(JSON.stringify(stored)).not.toContain(result.value);
		const hashes = await receiptHashes(reviewId);
		expect(hashes).toContain(receiptHash(result.value));
		expect(hashes).not.toContain(receiptHash('AAAA-BBBB-CCCC'));
	});
});

describe('thresholds and results', () => {
	it('with k=5 and 4 answers nothing is computed or shown; the page says one more was needed', async () => {
		const { group, reviewId, questions, members } = await openWith(6);
		for (const m of members.slice(0, 4)) {
			await submitResponse(
				reviewId,
				m.id,
				answersFor(questions, 2, () => 'secret comment')
			);
		}
		await closeReview(group.id, reviewId);
		const closed = (await findReview(group.id, reviewId))!;
		const results = await loadResults(closed);
		expect(results).toEqual({ revealed: false, responseCount: 4, needed: 1 });
		expect(
			await db.select().from(dimensionResult).where(eq(dimensionResult.reviewId, reviewId))
		).toHaveLength(0);
		expect(JSON.stringify(results)).not.toContain('secret comment');
	});

	it('with 5 answers results are revealed, and they equal a direct computation over the raw answers', async () => {
		const { group, reviewId, questions, members } = await openWith(7);
		const scores = [1, 5, 1, 5, 4, 2];
		for (const [i, m] of members.slice(0, 6).entries()) {
			await submitResponse(
				reviewId,
				m.id,
				answersFor(
					questions,
					(key) => (key === 'democracy' ? scores[i] : ((i + key.length) % 5) + 1),
					(key) => (key === 'execution' || key === 'raise-issue' ? `text ${i} on ${key}` : null)
				)
			);
		}
		await closeReview(group.id, reviewId);
		const results = await loadResults((await findReview(group.id, reviewId))!);
		if (!results.revealed) throw new Error('hidden');
		expect(results.responseCount).toBe(6);

		const raw = await db
			.select({ key: answer.questionKey, score: answer.score })
			.from(answer)
			.innerJoin(response, eq(response.id, answer.responseId))
			.where(eq(response.reviewId, reviewId));
		for (const q of results.questions.filter((q) => q.kind === 'scale')) {
			const values = raw.filter((r) => r.key === q.key).map((r) => r.score!);
			const mean = values.reduce((a, b) => a + b, 0) / values.length;
			const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
			expect(q.result!.count).toBe(values.length);
			expect(q.result!.mean).toBeCloseTo(mean, 10);
			expect(q.result!.standardDeviation).toBeCloseTo(sd, 10);
			expect(q.result!.distribution).toEqual(
				[1, 2, 3, 4, 5].map((s) => values.filter((v) => v === s).length)
			);
		}
		const democracy = results.questions.find((q) => q.key === 'democracy')!.result!;
		expect(democracy.mean).toBeCloseTo(3, 10);
		expect(democracy.disagreement).toBe(true); // half 1s and 5s is not "a 3"
		expect(democracy.light).toBe('amber');
		expect(
			results.questions
				.find((q) => q.key === 'raise-issue')!
				.texts.map((t) => t.text)
				.sort()
		).toEqual([0, 1, 2, 3, 4, 5].map((i) => `text ${i} on raise-issue`));
	});

	it('reads the first answers of each question and all of one, counting every question’s', async () => {
		const { group, reviewId, questions, members } = await openWith(7);
		for (const [i, m] of members.slice(0, 7).entries())
			await submitResponse(
				reviewId,
				m.id,
				answersFor(questions, 3, (key) =>
					key === 'execution' || key === 'raise-issue' ? `text ${i} on ${key}` : null
				)
			);
		await closeReview(group.id, reviewId);
		const review = (await findReview(group.id, reviewId))!;
		const all = await loadResults(review);
		const some = await loadResults(review, undefined, { first: 3, allOf: 'raise-issue' });
		if (!all.revealed || !some.revealed) throw new Error('hidden');
		const of = (results: typeof all, key: string) => results.questions.find((q) => q.key === key)!;
		// the first 3 of the same shuffled order, and how many there are
		expect(of(some, 'execution').texts).toEqual(of(all, 'execution').texts.slice(0, 3));
		expect(of(some, 'execution').answerCount).toBe(7);
		expect(of(some, 'raise-issue').texts).toEqual(of(all, 'raise-issue').texts);
		expect(of(some, 'raise-issue').texts).toHaveLength(7);
		expect(of(some, 'democracy')).toMatchObject({ texts: [], answerCount: 0 });
	});

	it('open answers come back exactly as written, in the order of their random ids', async () => {
		const { group, reviewId, questions, members } = await openWith(6);
		const written = [
			'quotes " and \\ backslash',
			'line one\nline two\ttab',
			'<script>alert(1)</script> & </ul>',
			'émoji 🧱 and zero\u200bwidth',
			'  spaced  ',
			'{"looks":["like","json"]}'
		];
		for (const [i, m] of members.entries()) {
			await submitResponse(
				reviewId,
				m.id,
				answersFor(questions, 3, (key) => (key === 'raise-issue' ? written[i] : null))
			);
		}
		await closeReview(group.id, reviewId);
		const results = await loadResults((await findReview(group.id, reviewId))!);
		if (!results.revealed) throw new Error('hidden');
		const texts = results.questions.find((q) => q.key === 'raise-issue')!.texts;
		expect(texts.map((t) => t.text).sort()).toEqual([...written].sort());
		const ids = texts.map((t) => t.id);
		expect(ids).toEqual([...ids].sort());
		expect(results.questions.find((q) => q.key === 'execution')!.texts).toEqual([]);
	});

	it('calls a spread disagreement as it is shown, to one decimal', async () => {
		const { membersDisagree } = await import('$lib/server/reviews/thresholds');
		// 1.17 is shown as "1.2", the threshold: the label must agree with the number beside it
		expect([0, 1.14, 1.149, 1.17, 1.2, 2].map(membersDisagree)).toEqual([
			false,
			false,
			false,
			true,
			true,
			true
		]);
	});

	it('shows a change to one decimal, with an arrow only when the shown change is not 0.0', async () => {
		const { changeParts } = await import('$lib/health-view');
		expect([0.34, -0.26, 0.04, -0.04, 0, 0.06].map(changeParts)).toEqual([
			{ arrow: '▲', signed: '+0.3' },
			{ arrow: '▼', signed: '-0.3' },
			{ arrow: '●', signed: '0.0' },
			{ arrow: '●', signed: '0.0' },
			{ arrow: '●', signed: '0.0' },
			{ arrow: '▲', signed: '+0.1' }
		]);
	});

	it('traffic lights: red below 2.5, amber below 3.5, green otherwise', async () => {
		const { trafficLight } = await import('$lib/server/reviews/results');
		expect([1, 2.49, 2.5, 3.49, 3.5, 5].map(trafficLight)).toEqual([
			'red',
			'red',
			'amber',
			'amber',
			'green',
			'green'
		]);
	});

	it('compares with the previous closed review of the group when both are revealed', async () => {
		const world = await makeGroupWithMembers(5);
		const run = async (score: number) => {
			const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
			await openReview(world.group.id, id);
			const questions = await questionsOf(id);
			for (const m of world.members) await submitResponse(id, m.id, answersFor(questions, score));
			await closeReview(world.group.id, id);
			return loadResults((await findReview(world.group.id, id))!);
		};
		const first = await run(2);
		if (!first.revealed) throw new Error('hidden');
		expect(first.questions[0].result!.change).toBeNull();
		const second = await run(4);
		if (!second.revealed) throw new Error('hidden');
		expect(second.questions[0].result!.change).toBeCloseTo(2, 10);
	});

	it('k is never below 3 and a review keeps the k it opened with', async () => {
		const { group, owner, reviewId } = await openWith(3);
		await expect(setGroupThreshold(group.id, 2)).rejects.toThrow(/at least 3/);
		expect(() =>
			execute({
				sql: 'update "group" set anonymity_threshold = 2 where id = ?',
				args: [group.id]
			})
		).toThrow(/CHECK/);
		await setGroupThreshold(group.id, 8);
		expect((await findReview(group.id, reviewId))!.threshold).toBe(5);
		const next = await createReview({ groupId: group.id, createdBy: owner.id });
		await closeReview(group.id, reviewId);
		await openReview(group.id, next);
		expect((await findReview(group.id, next))!.threshold).toBe(8);
	});
});

describe('lifecycle', () => {
	it('lists the open review first, then drafts, then closed ones latest closed first', async () => {
		const { group, owner } = await makeGroupWithMembers(2);
		const made = (title: string, day: string) =>
			createReview({ groupId: group.id, createdBy: owner.id, title, now: at(day) });
		// made in this order, but the one made first is the one that closes last
		const early = await made('Made first, closed last', '2026-01-01');
		const late = await made('Made second, closed first', '2026-01-02');
		for (const [id, opens, closes] of [
			[late, '2026-01-03', '2026-01-04'],
			[early, '2026-01-05', '2026-01-06']
		]) {
			expect(outcome(await openReview(group.id, id, at(opens)))).toBe('done');
			expect(outcome(await closeReview(group.id, id, at(closes)))).toBe('done');
		}
		const open = await made('Open now', '2026-01-07');
		expect(outcome(await openReview(group.id, open, at('2026-01-08')))).toBe('done');
		await made('A draft', '2026-01-09');
		const titles = async (drafts: boolean) =>
			(await listReviews(group.id, drafts)).map((r) => r.title);
		expect(await titles(true)).toEqual([
			'Open now',
			'A draft',
			'Made first, closed last',
			'Made second, closed first'
		]);
		expect(await titles(false)).toEqual([
			'Open now',
			'Made first, closed last',
			'Made second, closed first'
		]);
	});

	it('gives the overview the open review, the latest with results and whether any was held', async () => {
		const { group, owner, members } = await makeGroupWithMembers(6);
		const made = (title: string, day: string) =>
			createReview({ groupId: group.id, createdBy: owner.id, title, now: at(day) });
		await made('A draft', '2026-01-01');
		expect(await reviewsAtGlance(group.id)).toEqual({
			open: undefined,
			latestRevealed: undefined,
			any: false
		});
		const answered = await made('Answered', '2026-01-02');
		expect(outcome(await openReview(group.id, answered, at('2026-01-03')))).toBe('done');
		const questions = await questionsOf(answered);
		for (const member of members.slice(0, 5))
			await submitResponse(answered, member.id, answersFor(questions, 4));
		expect(outcome(await closeReview(group.id, answered, at('2026-01-04')))).toBe('done');
		// closed later, but too few answered to show anything: not the latest with results
		const unanswered = await made('Too few answers', '2026-01-05');
		expect(outcome(await openReview(group.id, unanswered, at('2026-01-06')))).toBe('done');
		expect(outcome(await closeReview(group.id, unanswered, at('2026-01-07')))).toBe('done');
		const open = await made('Open now', '2026-01-08');
		expect(outcome(await openReview(group.id, open, at('2026-01-09')))).toBe('done');
		expect(await reviewsAtGlance(group.id)).toEqual({
			open: { id: open, title: 'Open now' },
			latestRevealed: { id: answered, title: 'Answered' },
			any: true
		});
	});

	it('allows one open review per group, and closing is final', async () => {
		const { group, owner, reviewId } = await openWith(2);
		const second = await createReview({ groupId: group.id, createdBy: owner.id });
		expect(outcome(await openReview(group.id, second))).toBe('another-open');
		// the partial unique index holds even if the app's own check were skipped
		expect(() =>
			execute({ sql: "update review set status = 'open' where id = ?", args: [second] })
		).toThrow(/UNIQUE/);
		expect(outcome(await closeReview(group.id, reviewId))).toBe('done');
		expect(outcome(await closeReview(group.id, reviewId))).toBe('wrong-status');
		expect(outcome(await openReview(group.id, reviewId))).toBe('wrong-status');
		expect(outcome(await openReview(group.id, second))).toBe('done');
	});

	it('opens and closes scheduled reviews when their time comes', async () => {
		const world = await makeGroupWithMembers(2);
		const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		const now = new Date('2030-01-01T10:00:00Z');
		const opensAt = new Date('2030-01-02T09:00:00Z');
		const closesAt = new Date('2030-01-09T09:00:00Z');
		expect(outcome(await scheduleReview(world.group.id, id, { opensAt, closesAt }, now))).toBe(
			'done'
		);
		await runDueTransitions(new Date('2030-01-02T08:59:00Z'));
		expect((await findReview(world.group.id, id))!.status).toBe('draft');
		// a page of another group moves only that group's reviews
		const other = await makeGroupWithMembers(1);
		await runDueTransitions(new Date('2030-01-02T09:00:00Z'), other.group.id);
		expect((await findReview(world.group.id, id))!.status).toBe('draft');
		await runDueTransitions(new Date('2030-01-02T09:00:00Z'), world.group.id);
		expect((await findReview(world.group.id, id))!.status).toBe('open');
		await runDueTransitions(new Date('2030-01-09T08:59:00Z'));
		expect((await findReview(world.group.id, id))!.status).toBe('open');
		await runDueTransitions(new Date('2030-01-09T09:00:00Z'));
		expect((await findReview(world.group.id, id))!.status).toBe('closed');
	});

	it('closes the review whose time is up before opening the next one due at the same moment', async () => {
		const world = await makeGroupWithMembers(2);
		const now = new Date('2030-02-01T10:00:00Z');
		const handover = new Date('2030-02-08T09:00:00Z');
		const first = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		expect(outcome(await openReview(world.group.id, first, now))).toBe('done');
		const second = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		await scheduleReview(world.group.id, first, { opensAt: null, closesAt: handover }, now);
		await scheduleReview(world.group.id, second, { opensAt: handover, closesAt: null }, now);
		await runDueTransitions(handover, world.group.id);
		expect((await findReview(world.group.id, first))!.status).toBe('closed');
		expect((await findReview(world.group.id, second))!.status).toBe('open');
	});

	it('refuses schedules in the past or closing before opening', async () => {
		const world = await makeGroupWithMembers(2);
		const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		const now = new Date('2030-01-01T10:00:00Z');
		const schedule = (opensAt: string | null, closesAt: string | null) =>
			scheduleReview(
				world.group.id,
				id,
				{
					opensAt: opensAt ? new Date(opensAt) : null,
					closesAt: closesAt ? new Date(closesAt) : null
				},
				now
			);
		expect(outcome(await schedule('2029-12-31T00:00:00Z', null))).toBe('opens-in-the-past');
		expect(outcome(await schedule('2030-01-05T00:00:00Z', '2030-01-04T00:00:00Z'))).toBe(
			'closes-too-early'
		);
		expect(outcome(await schedule(null, '2030-01-01T09:00:00Z'))).toBe('closes-too-early');
		expect(outcome(await schedule('2030-01-05T00:00:00Z', '2030-01-06T00:00:00Z'))).toBe('done');
	});
});

describe('questions', () => {
	it('start from the default instrument and can be edited only while a draft', async () => {
		const world = await makeGroupWithMembers(2);
		const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		expect((await questionsOf(id)).map((q) => q.key)).toEqual(defaultInstrument.map((q) => q.key));
		expect(
			outcome(
				await updateQuestion(id, 'democracy', {
					title: 'Many voices?',
					prompt: 'p',
					lowLabel: 'few',
					highLabel: 'many'
				})
			)
		).toBe('done');
		expect(outcome(await moveQuestion(id, 'democracy', -1))).toBe('done');
		expect(outcome(await removeQuestion(id, 'next-level'))).toBe('done');
		expect(
			outcome(
				await addQuestion(id, {
					kind: 'scale',
					title: 'Fun at meetings',
					prompt: '',
					lowLabel: '1',
					highLabel: '5'
				})
			)
		).toBe('done');
		const keys = (await questionsOf(id)).map((q) => q.key);
		expect(keys.indexOf('democracy')).toBe(keys.indexOf('progress') - 1);
		expect(keys).not.toContain('next-level');
		// a scored question joins the scored ones, before the open questions
		expect(keys.indexOf('custom-fun-at-meetings')).toBe(keys.indexOf('outsider-notice') - 1);
		await openReview(world.group.id, id);
		expect(
			outcome(
				await updateQuestion(id, 'democracy', {
					title: 'x',
					prompt: '',
					lowLabel: '',
					highLabel: ''
				})
			)
		).toBe('not-draft');
		expect(outcome(await removeQuestion(id, 'impression'))).toBe('not-draft');
	});

	it('are a snapshot: editing one review never changes another', async () => {
		const world = await makeGroupWithMembers(2);
		const a = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		const b = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		await updateQuestion(a, 'impression', {
			title: 'Changed',
			prompt: '',
			lowLabel: '',
			highLabel: ''
		});
		expect((await questionsOf(b))[0].title).toBe(defaultInstrument[0].title);
	});
});

describe('the answer form', () => {
	it('is built once per set of questions and checks what those questions ask', () => {
		const questions = [
			{ key: 'execution', kind: 'scale' as const, title: 'Execution' },
			{ key: 'open', kind: 'text' as const, title: 'Anything else?' }
		];
		const form = responseSchema(questions);
		expect(responseSchema(structuredClone(questions))).toBe(form);
		const retitled = responseSchema([{ ...questions[0], title: 'Getting things done' }]);
		expect(retitled).not.toBe(form);
		expect(form.safeParse({ 'score:execution': '4', 'answer:open': ' hi ' })).toEqual({
			success: true,
			data: { 'score:execution': '4', 'answer:open': 'hi' }
		});
		const refused = retitled.safeParse({ 'score:execution': '6' });
		expect(refused.success).toBe(false);
		expect(refused.error?.issues[0].message).toBe(
			'Choose a score from 1 to 5 for "Getting things done".'
		);
	});
});
