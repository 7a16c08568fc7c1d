import { execute } from '../support/sql';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { answer, membership, response, review } from '$lib/server/db/schema';
import { answeredCount } from '$lib/server/reviews/responses';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { makeGroupWithMembers, sessionCookie } from '../support/factories';
import { messageOf } from '../support/http';
import { kendallTau as rankCorrelation } from '../support/rank-correlation';
import { startServer, useBuiltServer } from '../support/server';

const app = useBuiltServer();

async function openReviewFor(size: number) {
	const world = await makeGroupWithMembers(size);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	await openReview(world.group.id, reviewId);
	const questions = await questionsOf(reviewId);
	const path = `/g/${world.group.slug}/reviews/${reviewId}`;
	return { ...world, reviewId, questions, path };
}

function answerForm(
	questions: { key: string; kind: string }[],
	score: (key: string) => number,
	text: (key: string) => string
) {
	const fields: Record<string, string> = {};
	for (const q of questions) {
		if (q.kind === 'scale') {
			fields[`score:${q.key}`] = String(score(q.key));
			fields[`comment:${q.key}`] = text(q.key);
		} else fields[`answer:${q.key}`] = text(q.key);
	}
	return fields;
}

/** Kendall's tau between two orderings of the same items: 1 same order, -1 reversed, ~0 unrelated. */
const kendallTau = (a: number[], b: number[]) =>
	rankCorrelation(
		a.map((_, i) => i),
		(i) => a[i],
		(i) => b[i]
	).tau;

// For 50 items an unrelated order gives |tau| above 0.35 with probability about 3 in 10,000
// (tau's standard deviation is about 0.096); submission order leaking would give a tau near 1.
const unrelated = 0.35;

describe('the order of answers', () => {
	it('50 members submit in a known order; no storage or listing follows that order', async () => {
		const { group, members, reviewId, questions, path } = await openReviewFor(50);
		const receipts: string[] = [];
		for (const [i, member] of members.entries()) {
			const fields = answerForm(
				questions,
				(key) => ((i + key.length) % 5) + 1,
				(key) => (key === 'raise-issue' || key === 'execution' ? `answer #${i} on ${key}` : '')
			);
			const res = await app.http.post(`${path}?/submit`, fields, {
				cookie: await sessionCookie(member.id)
			});
			expect(res.status).toBe(200);
			const receipt = (await res.text()).match(/class="receipt[^"]*">([A-Z2-7-]{14})</)?.[1];
			expect(receipt).toBeTruthy();
			receipts.push(receipt!);
		}
		const indexOf = (text: string) => Number(text.match(/#(\d+)/)![1]);
		const positions = (texts: string[]) => {
			const order = texts.map(indexOf);
			return {
				order,
				tau: kendallTau(
					order,
					order.map((_, i) => i)
				)
			};
		};

		// storage: response rows in their natural (key) order, identified through their answer text
		const stored = await execute({
			sql: `select a.text from response r join answer a on a.response_id = r.id where r.review_id = ? and a.question_key = 'raise-issue'`,
			args: [reviewId]
		});
		expect(stored.rows).toHaveLength(50);
		expect(Math.abs(positions(stored.rows.map((r) => String(r.text))).tau)).toBeLessThan(unrelated);

		// everyone is marked as having answered (the file-level order is tested in anonymity-file)
		expect(await answeredCount(reviewId)).toBe(50);

		// the receipts list members' browsers download
		const owner = await sessionCookie(members[0].id);
		const hashes: string[] = await (
			await app.http.get(`${path}/receipts`, { cookie: owner })
		).json();
		const { receiptHash } = await import('$lib/server/reviews/responses');
		const receiptOrder = receipts.map((r) => hashes.indexOf(receiptHash(r)));
		expect(receiptOrder.every((p) => p >= 0)).toBe(true);
		expect(
			Math.abs(
				kendallTau(
					receiptOrder,
					receiptOrder.map((_, i) => i)
				)
			)
		).toBeLessThan(unrelated);

		// the results page, per question, and across questions (one person's texts must not line up)
		await closeReview(group.id, reviewId);
		const results = async (query = '') =>
			(await app.http.get(`${path}/results${query}`, { cookie: owner })).text();
		// texts as rendered in the page's list items (the page's data script repeats them)
		const listed = (page: string, key: string) =>
			[
				...page.matchAll(new RegExp(`<li[^>]*>\\s*(?:<span[^>]*>)?(answer #\\d+ on ${key})<`, 'g'))
			].map((m) => m[1]);
		// each question shows its first 20 answers and offers the rest; asked for, all of them
		const page = await results();
		expect(listed(page, 'raise-issue')).toHaveLength(20);
		expect(listed(page, 'execution')).toHaveLength(20);
		expect(page).toContain('(20 of 50, in random order');
		expect(page).toContain('href="?answers=raise-issue#q-raise-issue">Show all 50 answers</a>');
		expect(page).toContain('href="?answers=execution#q-execution">Show all 50 comments</a>');
		const allIssues = await results('?answers=raise-issue');
		expect(allIssues).toMatch(/<details[^>]*id="q-raise-issue"[^>]*open/);
		expect(allIssues).not.toContain('Show all 50 answers');
		expect(listed(allIssues, 'execution')).toHaveLength(20);
		// the first 20 are the full list's first 20: the same random order, cut
		expect(listed(allIssues, 'raise-issue').slice(0, 20)).toEqual(listed(page, 'raise-issue'));
		// a question that does not exist shows what the page shows anyway
		expect(listed(await results('?answers=nothing'), 'raise-issue')).toHaveLength(20);
		const section = async (key: string) => listed(await results(`?answers=${key}`), key);
		const issues = positions(await section('raise-issue'));
		const execution = positions(await section('execution'));
		expect(issues.order).toHaveLength(50);
		expect(Math.abs(issues.tau)).toBeLessThan(unrelated);
		expect(Math.abs(execution.tau)).toBeLessThan(unrelated);
		const rankIn = (order: number[]) => order.map((_, person) => order.indexOf(person));
		expect(Math.abs(kendallTau(rankIn(issues.order), rankIn(execution.order)))).toBeLessThan(
			unrelated
		);
		expect(page).not.toMatch(/\d{1,2}:\d{2}/); // no times on anything shown
	}, 120_000);
});

describe('submitting', () => {
	it('20 parallel submissions by one member: one 200, clean 409s, one row each', async () => {
		const { members, reviewId, questions, path } = await openReviewFor(3);
		const cookie = await sessionCookie(members[1].id);
		const fields = answerForm(
			questions,
			() => 4,
			() => ''
		);
		const responses = await Promise.all(
			Array.from({ length: 20 }, () => app.http.post(`${path}?/submit`, fields, { cookie }))
		);
		const statuses = responses.map((r) => r.status).sort();
		expect(statuses).toEqual([200, ...Array(19).fill(409)]);
		const refused = responses.find((r) => r.status === 409)!;
		expect(await messageOf(refused)).toMatch(/already answered/);
		expect(await answeredCount(reviewId)).toBe(1);
		expect(await db.select().from(response).where(eq(response.reviewId, reviewId))).toHaveLength(1);
		expect(app.server.output()).not.toMatch(/SQLITE_BUSY|Error/);
	});

	it('a missing score is refused with a message naming the question, and the answers are kept on the page', async () => {
		const { members, questions, path } = await openReviewFor(3);
		const fields = answerForm(
			questions,
			() => 3,
			(key) => (key === 'raise-issue' ? 'keep me' : '')
		);
		delete fields['score:democracy'];
		const res = await app.http.post(`${path}?/submit`, fields, {
			cookie: await sessionCookie(members[0].id)
		});
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toMatch(
			/Choose a score from 1 to 5 for &quot;Democracy&quot;|Choose a score from 1 to 5 for "Democracy"/
		);
		expect(html).toContain('keep me');
	});

	it('never logs who answered next to what they answered', async () => {
		const { members, questions, path } = await openReviewFor(3);
		const before = app.server.output().length;
		const fields = answerForm(
			questions,
			() => 2,
			() => 'a distinctive sentence about the treasurer'
		);
		await app.http.post(`${path}?/submit`, fields, { cookie: await sessionCookie(members[2].id) });
		const logged = app.server.output().slice(before);
		// a submission logs nothing at all (the reminder scheduler may note mail meanwhile)
		expect(
			logged.split('\n').filter((line) => line && !line.startsWith('[mail] kept on the /outbox'))
		).toEqual([]);
		expect(logged).not.toContain(members[2].id);
		expect(logged).not.toContain(members[2].email);
		expect(logged).not.toContain('distinctive sentence');
	});
});

describe('the threshold on the results page', () => {
	async function closedWith(answers: number) {
		const { group, members, reviewId, questions, path } = await openReviewFor(6);
		for (const member of members.slice(0, answers)) {
			const fields = answerForm(
				questions,
				() => 2,
				(key) => (key === 'raise-issue' ? 'the rent strike stalled' : '')
			);
			expect(
				(await app.http.post(`${path}?/submit`, fields, { cookie: await sessionCookie(member.id) }))
					.status
			).toBe(200);
		}
		await closeReview(group.id, reviewId);
		const res = await app.http.get(`${path}/results`, {
			cookie: await sessionCookie(members[5].id)
		});
		expect(res.status).toBe(200);
		return res.text();
	}

	it('with k=5 and 4 answers shows no number or comment, and says one more answer was needed', async () => {
		const html = await closedWith(4);
		expect(html).toMatch(/1 more answer would have been needed/);
		expect(html).not.toContain('the rent strike stalled');
		expect(html).not.toMatch(/2\.0<span/);
		expect(html).not.toMatch(/Red:|Amber:|Green:/);
	});

	it('with 5 answers shows purpose, scores with traffic lights in words, and comments', async () => {
		const html = await closedWith(5);
		expect(html).toContain('Keep every tenant on our street housed and heard.');
		expect(html).toMatch(/2\.0<span class="muted[^"]*">\s?\/ 5/);
		expect(html).toMatch(/Red: an outsider would see a real problem/);
		expect(html).toContain('the rent strike stalled');
	});
});

describe('scheduled reviews', () => {
	it('are opened by the app itself after a restart', async () => {
		const { group, owner } = await makeGroupWithMembers(2);
		const id = await createReview({ groupId: group.id, createdBy: owner.id });
		// due while the app was down
		await db
			.update(review)
			.set({ opensAt: new Date(Date.now() - 60_000) })
			.where(eq(review.id, id));
		const restarted = await startServer();
		try {
			let status = 'draft';
			for (let i = 0; i < 50 && status === 'draft'; i++) {
				await new Promise((r) => setTimeout(r, 100));
				[{ status }] = await db
					.select({ status: review.status })
					.from(review)
					.where(eq(review.id, id));
			}
			expect(status).toBe('open');
		} finally {
			await restarted.stop();
		}
	});
});

// keeps `answer` imported for readers of the order test's raw query
void answer;

describe('a draft while another review is open', () => {
	it('says which review is open, links to it, and offers no way to open the draft now', async () => {
		const { group, owner, reviewId, path } = await openReviewFor(3);
		const draft = await createReview({ groupId: group.id, createdBy: owner.id, title: 'Next' });
		const cookie = await sessionCookie(owner.id);
		const waiting = await (
			await app.http.get(`/g/${group.slug}/reviews/${draft}`, { cookie })
		).text();
		expect(waiting).toContain(`href="${path}"`);
		expect(waiting).toMatch(/is open now, and a group has one open review at a time/);
		expect(waiting).not.toContain('Open the review');
		await closeReview(group.id, reviewId);
		const free = await (await app.http.get(`/g/${group.slug}/reviews/${draft}`, { cookie })).text();
		expect(free).toContain('Open the review');
		expect(free).not.toMatch(/is open now/);
	});
});

describe('the list of reviews', () => {
	it('shows the open review, drafts and the latest 12 closed ones, and every one when asked', async () => {
		const world = await makeGroupWithMembers(3);
		const { group, owner } = world;
		const day = 24 * 60 * 60 * 1000;
		const start = Date.now() - 100 * day;
		for (let n = 1; n <= 14; n++) {
			const id = await createReview({
				groupId: group.id,
				createdBy: owner.id,
				title: `Round ${n}`
			});
			await openReview(group.id, id, new Date(start + n * day));
			await closeReview(group.id, id, new Date(start + n * day + 1000));
		}
		await createReview({ groupId: group.id, createdBy: owner.id, title: 'Round 15' });
		const cookie = await sessionCookie(owner.id);
		const listed = (html: string) =>
			[...html.matchAll(/<strong>(Round \d+)<\/strong>/g)].map((m) => m[1]);
		const rounds = (from: number, to: number) =>
			Array.from({ length: from - to + 1 }, (_, i) => `Round ${from - i}`);

		const latest = await (await app.http.get(`/g/${group.slug}/reviews`, { cookie })).text();
		expect(listed(latest)).toEqual(rounds(15, 3));
		expect(latest.replace(/\s+/g, ' ')).toContain(
			'The latest 12 of 14 closed reviews. <a href="?all">Show all 14</a>'
		);
		const all = await (await app.http.get(`/g/${group.slug}/reviews?all`, { cookie })).text();
		expect(listed(all)).toEqual(rounds(15, 1));
		expect(all).not.toContain('Show all');
		// a member sees no draft, and the same 12 closed reviews
		const member = await sessionCookie(world.members[1].id);
		const theirs = await (
			await app.http.get(`/g/${group.slug}/reviews`, { cookie: member })
		).text();
		expect(listed(theirs)).toEqual(rounds(14, 3));
	});
});

describe('what members and facilitators can learn while a review is open', () => {
	const statusOf = (html: string) =>
		html.match(/class="notice success" role="status"[^>]*>([^<]*)</)?.[1] ?? '';
	const answerAs = async (
		path: string,
		questions: { key: string; kind: string }[],
		member: { id: string }
	) => {
		const fields = answerForm(
			questions,
			() => 3,
			() => ''
		);
		const res = await app.http.post(`${path}?/submit`, fields, {
			cookie: await sessionCookie(member.id)
		});
		expect(res.status).toBe(200);
	};

	it('"remind" says the same whether the facilitator asking has answered or not: only what turnout shows', async () => {
		const said: string[] = [];
		for (const askerHasAnswered of [false, true]) {
			const { owner, members, questions, path } = await openReviewFor(6);
			const answering = askerHasAnswered ? [owner, members[1]] : [members[1], members[2]];
			for (const member of answering) await answerAs(path, questions, member);
			const res = await app.http.post(
				`${path}?/remind`,
				{},
				{ cookie: await sessionCookie(owner.id) }
			);
			expect(res.status).toBe(200);
			said.push(statusOf(await res.text()));
			// pressed again the same day, it says the same again
			const again = await app.http.post(
				`${path}?/remind`,
				{},
				{ cookie: await sessionCookie(owner.id) }
			);
			expect(statusOf(await again.text())).toBe(said.at(-1));
		}
		expect(said[0]).toMatch(/^4 members have not answered yet\./);
		expect(said[1]).toBe(said[0]);

		const { owner, members, questions, path } = await openReviewFor(3);
		for (const member of members.slice(1)) await answerAs(path, questions, member);
		const one = await app.http.post(
			`${path}?/remind`,
			{},
			{ cookie: await sessionCookie(owner.id) }
		);
		expect(statusOf(await one.text())).toMatch(/^1 member has not answered yet\./);
	});

	it('every member sees how many could answer and how many of them joined just before it opened', async () => {
		const world = await makeGroupWithMembers(6);
		const longAgo = new Date(Date.now() - 90 * 86_400_000);
		for (const m of world.members.slice(0, 4)) {
			await db
				.update(membership)
				.set({ joinedAt: longAgo })
				.where(and(eq(membership.groupId, world.group.id), eq(membership.userId, m.id)));
		}
		const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		await openReview(world.group.id, reviewId);
		const html = await (
			await app.http.get(`/g/${world.group.slug}/reviews/${reviewId}`, {
				cookie: await sessionCookie(world.members[1].id)
			})
		).text();
		const note = html.replace(/<!--[\s\S]*?-->|<[^>]+>/g, '').replace(/\s+/g, ' ');
		expect(note).toContain('6 members could answer: everyone in the group when it opened.');
		expect(note).toContain('2 of them joined in the 14 days before it opened.');
	});
});
