// The outsiders' panel through the built server: a facilitator asks outsiders and hands out
// links; outsiders answer with no account; a personal link takes one answer however many tries
// race for it, the shared link stops at its cap, one address is slowed down; mailed links leave
// no address behind; and members see nothing of outsiders below the outsiders' own threshold.
import { eq, like } from 'drizzle-orm';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { db } from '$lib/server/db';
import {
	group as groupTable,
	outsiderResponse,
	outsideView,
	rateLimit
} from '$lib/server/db/schema';
import { mail } from '$lib/server/db/work-schema';
import { limits } from '$lib/server/accounts/rate-limit';
import {
	askOutsiders,
	makePersonalLinks,
	makeSharedLink,
	outsiderQuestionsOf
} from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { submitResponse } from '$lib/server/reviews/responses';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { answersFor, makeGroupWithMembers, sessionCookie } from '../support/factories';
import { messageOf } from '../support/http';
import { useBuiltServerWithMail } from '../support/server';
import { outcome } from '../support/outcome';

const app = useBuiltServerWithMail();

let addresses = 0;
/** A client address of its own, so that one test's answers do not count against another's. */
const somewhere = () => ({ 'x-forwarded-for': `203.0.113.${++addresses % 250}` });

async function reviewAskingOutsiders({ open = true } = {}) {
	const world = await makeGroupWithMembers(5);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(askOutsiders(world.group.id, reviewId))).toBe('done');
	if (open) expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	const path = `/g/${world.group.slug}/reviews/${reviewId}`;
	return { ...world, reviewId, path, cookie: await sessionCookie(world.owner.id) };
}

const links = (reviewId: string, count: number) =>
	(makePersonalLinks(reviewId, count) as { value: string[] }).value;

/** An outsider's whole form: every scored question at `score`, with a comment and a guess. */
function outsiderForm(reviewId: string, score: number, words = 'Hard to tell from outside.') {
	const fields: Record<string, string> = {};
	for (const q of outsiderQuestionsOf(reviewId)) {
		if (q.kind === 'scale') {
			fields[`score:${q.key}`] = String(score);
			fields[`comment:${q.key}`] = q.key === 'execution' ? words : '';
		} else fields[`answer:${q.key}`] = `${words} (what it is for)`;
	}
	return fields;
}

const answer = (token: string, fields: Record<string, string>, headers = somewhere()) =>
	app.http.post(`/o/${token}?/answer`, fields, { headers });

const responsesOf = (reviewId: string) =>
	db.select().from(outsiderResponse).where(eq(outsiderResponse.reviewId, reviewId)).all().length;

describe('an outsider with a personal link', () => {
	it('sees who asks and what is shared, answers without an account, and is thanked', async () => {
		const { group, reviewId } = await reviewAskingOutsiders();
		const [token] = links(reviewId, 1);
		const page = await app.http.get(`/o/${token}`);
		expect(page.status).toBe(200);
		const html = await page.text();
		const [{ name }] = db
			.select({ name: groupTable.name })
			.from(groupTable)
			.where(eq(groupTable.id, group.id))
			.all();
		expect(html).toContain(`<h1>${name} would like to know how it looks from outside</h1>`);
		expect(html).toContain('In a sentence, what do you think this group is for?');
		// nothing to sign up for, and no way into the app from here
		expect(html).not.toMatch(/href="\/(signup|login)"/);

		const sent = await answer(token, outsiderForm(reviewId, 2));
		expect(sent.status).toBe(303);
		expect(sent.headers.get('location')).toBe('/o/thanks');
		const thanks = await (await app.http.get('/o/thanks')).text();
		expect(thanks).toContain('Your answers are in');
		expect(thanks).not.toMatch(/href="\/(signup|login)"/);
		expect(responsesOf(reviewId)).toBe(1);

		const again = await app.http.get(`/o/${token}`);
		expect(again.status).toBe(410);
		expect(await messageOf(again)).toMatch(/already been used/);
	});

	it('takes exactly one answer when 20 tries race for it', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const [token] = links(reviewId, 1);
		const fields = outsiderForm(reviewId, 3);
		const statuses = (
			await Promise.all(Array.from({ length: 20 }, () => answer(token, fields)))
		).map((r) => r.status);
		expect(statuses.filter((s) => s === 303)).toHaveLength(1);
		expect(statuses.filter((s) => s === 410)).toHaveLength(19);
		expect(responsesOf(reviewId)).toBe(1);
		const [view] = db.select().from(outsideView).where(eq(outsideView.reviewId, reviewId)).all();
		expect(view).toMatchObject({ personalAnswers: 1, sharedAnswers: 0 });
	});

	it('refuses a score out of range or a missing one with 400, and keeps nothing', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const [token] = links(reviewId, 1);
		const bad = await answer(token, { ...outsiderForm(reviewId, 3), 'score:execution': '7' });
		expect(bad.status).toBe(400);
		expect(await messageOf(bad)).toMatch(/score from 1 to 5/);
		const missing = outsiderForm(reviewId, 3);
		delete missing['score:direction'];
		expect((await answer(token, missing)).status).toBe(400);
		const tooLong = await answer(token, {
			...outsiderForm(reviewId, 3),
			[`answer:${purposeGuessKey}`]: 'x'.repeat(4001)
		});
		expect(tooLong.status).toBe(400);
		expect(responsesOf(reviewId)).toBe(0);
		// the link still works after refusals
		expect((await answer(token, outsiderForm(reviewId, 3))).status).toBe(303);
	});

	it('says a link is not open yet on a draft, and that a made-up one does not work', async () => {
		const { reviewId } = await reviewAskingOutsiders({ open: false });
		const [token] = links(reviewId, 1);
		const early = await app.http.get(`/o/${token}`);
		expect(early.status).toBe(200);
		expect(await early.text()).toContain('Not open yet');
		expect((await answer(token, outsiderForm(reviewId, 3))).status).toBe(409);
		expect((await app.http.get('/o/notarealtokenatall')).status).toBe(404);
		expect((await answer('notarealtokenatall', outsiderForm(reviewId, 3))).status).toBe(404);
		expect(responsesOf(reviewId)).toBe(0);
	});
});

describe('the shared link', () => {
	it('stops at its cap, and takes one answer per browser', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const token = (makeSharedLink(reviewId, 3) as { value: string }).value;
		const first = await answer(token, outsiderForm(reviewId, 4));
		expect(first.status).toBe(303);
		const cookie = first.headers.get('set-cookie')!.split(';')[0];
		const sameBrowser = await app.http.post(`/o/${token}?/answer`, outsiderForm(reviewId, 4), {
			cookie,
			headers: somewhere()
		});
		expect(sameBrowser.status).toBe(409);
		expect(await messageOf(sameBrowser)).toMatch(/already answered from this browser/);
		expect(await (await app.http.get(`/o/${token}`, { cookie })).text()).toContain(
			'You have answered'
		);
		for (let i = 0; i < 2; i++)
			expect((await answer(token, outsiderForm(reviewId, 4))).status).toBe(303);
		const full = await answer(token, outsiderForm(reviewId, 4));
		expect(full.status).toBe(410);
		expect(await messageOf(full)).toMatch(/taken all the answers it can/);
		expect(responsesOf(reviewId)).toBe(3);
	});

	it('slows down one address that answers again and again: 429 with Retry-After', async () => {
		const { reviewId } = await reviewAskingOutsiders();
		const token = (makeSharedLink(reviewId, 1000) as { value: string }).value;
		const from = somewhere();
		const { max } = limits.outsiderAnswersPerAddress;
		for (let i = 0; i < max; i++)
			expect((await answer(token, outsiderForm(reviewId, 3), from)).status).toBe(303);
		const slowed = await answer(token, outsiderForm(reviewId, 3), from);
		expect(slowed.status).toBe(429);
		expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(responsesOf(reviewId)).toBe(max);
		// another address is not held up
		expect((await answer(token, outsiderForm(reviewId, 3))).status).toBe(303);
		// and the count keeps no address, nor a time finer than the quarter hour
		const counts = db.select().from(rateLimit).where(like(rateLimit.key, 'outsider:%')).all();
		expect(counts.length).toBeGreaterThanOrEqual(2);
		for (const row of counts) {
			expect(row.key).not.toMatch(/203\.0\.113/);
			expect(row.resetAt % limits.outsiderAnswersPerAddress.windowMs).toBe(0);
		}
	});
});

describe('the facilitator', () => {
	it('asks outsiders, makes links shown once, and stops outsiders early', async () => {
		const world = await makeGroupWithMembers(5);
		const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
		const path = `/g/${world.group.slug}/reviews/${reviewId}/outsiders`;
		const cookie = await sessionCookie(world.owner.id);
		const page = await (await app.http.get(path, { cookie })).text();
		expect(page).toContain('Which questions do outsiders get?');

		const asked = await app.http.post(
			`${path}?/ask`,
			{ 'ask:execution': 'on', 'ask:democracy': 'on' },
			{ cookie }
		);
		expect(asked.status).toBe(200);
		expect(outsiderQuestionsOf(reviewId).map((q) => q.key)).toEqual([
			'execution',
			'democracy',
			purposeGuessKey
		]);
		const twice = await app.http.post(`${path}?/ask`, { 'ask:execution': 'on' }, { cookie });
		expect(twice.status).toBe(409);

		const made = await app.http.post(`${path}?/links`, { count: '3' }, { cookie });
		expect(made.status).toBe(200);
		const tokens = [...(await made.text()).matchAll(/\/o\/([a-z0-9]{20,})/g)].map((m) => m[1]);
		expect(new Set(tokens).size).toBe(3);
		// shown once: the page does not show them again
		const later = await (await app.http.get(path, { cookie })).text();
		for (const token of tokens) expect(later).not.toContain(token);
		for (const count of ['0', '201', 'many'])
			expect((await app.http.post(`${path}?/links`, { count }, { cookie })).status).toBe(400);

		await openReview(world.group.id, reviewId);
		expect((await app.http.get(`/o/${tokens[0]}`)).status).toBe(200);
		expect((await app.http.post(`${path}?/close`, {}, { cookie })).status).toBe(400);
		expect((await app.http.post(`${path}?/close`, { confirm: 'close' }, { cookie })).status).toBe(
			200
		);
		expect((await app.http.get(`/o/${tokens[0]}`)).status).toBe(410);
		expect((await answer(tokens[1], outsiderForm(reviewId, 3))).status).toBe(410);
	});

	it('sends personal links by email and keeps no address: not in a table, the file or the log', async () => {
		const { reviewId, path, cookie } = await reviewAskingOutsiders();
		const addresses = ['neighbour.one@example.org', 'ally.two@example.org'];
		const sent = await app.http.post(
			`${path}/outsiders?/send`,
			{ addresses: addresses.join('\n') },
			{ cookie }
		);
		expect(sent.status).toBe(200);
		expect(await sent.text()).toContain('Sent 2 links. The addresses were not kept.');
		const received = await vi.waitFor(
			async () => {
				const all = await Promise.all(addresses.map((a) => app.sink.mail(a)));
				expect(all.every((m) => m.length === 1)).toBe(true);
				return all.map((m) => m[0]);
			},
			{ timeout: 10_000, interval: 50 }
		);
		const tokens = received.map((m) => m.text.match(/\/o\/([a-z0-9]+)/)![1]);
		expect(new Set(tokens).size).toBe(2);
		expect((await answer(tokens[0], outsiderForm(reviewId, 2))).status).toBe(303);

		expect(
			db
				.select()
				.from(mail)
				.all()
				.map((m) => m.toAddress)
		).not.toEqual(expect.arrayContaining([expect.stringMatching(/neighbour\.one|ally\.two/)]));
		const file = process.env.DATABASE_URL!.slice('file:'.length);
		for (const part of [file, `${file}-wal`].filter(existsSync)) {
			const bytes = readFileSync(part);
			for (const needle of [...addresses, ...tokens])
				expect(bytes.includes(needle), `${needle} in ${part}`).toBe(false);
		}
		expect(app.server.output()).not.toMatch(/neighbour\.one|ally\.two/);

		const bad = await app.http.post(
			`${path}/outsiders?/send`,
			{ addresses: 'ok@example.org\nnot-an-address' },
			{ cookie }
		);
		expect(bad.status).toBe(400);
		expect(await messageOf(bad)).toMatch(/"not-an-address" is not an email address/);
		expect(await app.sink.mail('ok@example.org')).toEqual([]);
	});
});

describe('what members see', () => {
	it('nothing of outsiders below their threshold, even with members revealed; then the gap', async () => {
		const { group, members, reviewId, path } = await reviewAskingOutsiders();
		const questions = await questionsOf(reviewId);
		for (const member of members)
			await submitResponse(reviewId, member.id, answersFor(questions, 4));
		const tokens = links(reviewId, 5);
		for (const [i, token] of tokens.slice(0, 4).entries())
			expect((await answer(token, outsiderForm(reviewId, 2, `Outsider words ${i}`))).status).toBe(
				303
			);
		await closeReview(group.id, reviewId);
		const memberCookie = await sessionCookie(members[1].id);
		const hidden = await (await app.http.get(`${path}/results`, { cookie: memberCookie })).text();
		expect(hidden).toContain('Results: ');
		expect(hidden).toContain('4 people outside the group answered');
		expect(hidden).not.toContain('Outsider words');
		expect(hidden).not.toContain('What outsiders think it is for');
		expect(hidden).not.toMatch(/outsiders see/);

		// a fifth outsider would have revealed it, but the review is closed: the link is refused
		expect((await answer(tokens[4], outsiderForm(reviewId, 2))).status).toBe(410);
	});

	it('at the outsiders’ threshold: the gap sentence, their comments and their guesses', async () => {
		const { group, members, reviewId, path } = await reviewAskingOutsiders();
		const questions = await questionsOf(reviewId);
		for (const member of members)
			await submitResponse(reviewId, member.id, answersFor(questions, 5));
		for (const [i, token] of links(reviewId, 5).entries())
			await answer(token, outsiderForm(reviewId, i === 0 ? 2 : 1, `Outsider words ${i}`));
		await closeReview(group.id, reviewId);
		const page = await (
			await app.http.get(`${path}/results`, { cookie: await sessionCookie(members[1].id) })
		).text();
		// members all 5; outsiders four 1s and one 2: 1.2, far beyond the noise
		expect(page).toContain(
			'Members rate organization 5.0; outsiders see 1.2. That gap is larger than the noise.'
		);
		expect(page).toContain('What outsiders think it is for');
		for (let i = 0; i < 5; i++) {
			expect(page).toContain(`>Outsider words ${i}<`);
			expect(page).toContain(`Outsider words ${i} (what it is for)`);
		}
		// members may not make tasks from it; a facilitator may, from a gap or an outsider's words
		expect(page).not.toContain('outsiderText=');
		const facilitatorPage = await (
			await app.http.get(`${path}/results`, { cookie: await sessionCookie(members[0].id) })
		).text();
		const textId = facilitatorPage.match(/outsiderText=([0-9a-f]+)/)![1];
		const task = await app.http.get(
			`/g/${group.slug}/board/new?review=${reviewId}&outsiderText=${textId}`,
			{ cookie: await sessionCookie(members[0].id) }
		);
		expect(task.status).toBe(200);
		expect(await task.text()).toMatch(/An outsider: Outsider words \d/);
		const gap = await app.http.get(`/g/${group.slug}/board/new?review=${reviewId}&gap=execution`, {
			cookie: await sessionCookie(members[0].id)
		});
		expect(await gap.text()).toContain('outsiders see 1.2');
		const unknown = await app.http.get(
			`/g/${group.slug}/board/new?review=${reviewId}&outsiderText=0000`,
			{ cookie: await sessionCookie(members[0].id) }
		);
		expect(unknown.status).toBe(404);
	});
});
