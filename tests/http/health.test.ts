import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { dimensionResult } from '$lib/server/db/schema';
import { askOutsiders, type OutsiderAnswer } from '$lib/server/outsiders/outside-view';
import { purposeHistory, restatePurpose } from '$lib/server/groups/purposes';
import { submitResponse } from '$lib/server/reviews/responses';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import {
	answersFor,
	makeGroupWithMembers,
	outsidersAnswer,
	sessionCookie
} from '../support/factories';
import { useBuiltServer } from '../support/server';

const app = useBuiltServer();

async function closedReview(
	world: Awaited<ReturnType<typeof makeGroupWithMembers>>,
	title: string,
	answers: number,
	score: number,
	outsiders?: OutsiderAnswer[][]
) {
	const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id, title });
	if (outsiders) expect(askOutsiders(world.group.id, id).ok).toBe(true);
	await openReview(world.group.id, id);
	if (outsiders)
		outsidersAnswer(id, { shared: outsiders.slice(0, 2), personal: outsiders.slice(2) });
	const questions = await questionsOf(id);
	for (const m of world.members.slice(0, answers)) {
		await submitResponse(
			id,
			m.id,
			answersFor(questions, score, (key) => (key === 'raise-issue' ? `said in ${title}` : null))
		);
	}
	await closeReview(world.group.id, id);
	return id;
}

describe('export', () => {
	it('contains exactly the revealed aggregates; a hidden review is in neither file', async () => {
		const world = await makeGroupWithMembers(6);
		const first = await closedReview(world, '=SUM(A1) 2026 Q1', 5, 2);
		await closedReview(world, 'Hidden Q2', 2, 5);
		const third = await closedReview(world, '2026 Q3', 6, 4);
		const cookie = await sessionCookie(world.members[3].id);

		const csvResponse = await app.http.get(`/g/${world.group.slug}/export.csv`, { cookie });
		expect(csvResponse.status).toBe(200);
		expect(csvResponse.headers.get('content-type')).toMatch(/text\/csv/);
		expect(csvResponse.headers.get('content-disposition')).toMatch(
			/attachment; filename=".*-health\.csv"/
		);
		const lines = (await csvResponse.text()).trim().split('\r\n');
		expect(lines[0]).toBe(
			'review,closed_at,dimension,title,count,mean,standard_deviation,scored_1,scored_2,scored_3,scored_4,scored_5,' +
				'outsiders_mean,outsiders_standard_deviation,outsiders_count,' +
				'outsiders_answered_by_personal_link,outsiders_answered_by_shared_link'
		);
		expect(lines).toHaveLength(1 + 2 * 7);
		expect(lines.join()).not.toContain('Hidden Q2');
		expect(lines.join()).not.toContain('said in'); // never raw answers
		// a title that a spreadsheet would run as a formula is neutralised
		expect(lines[1].startsWith(`"'=SUM(A1) 2026 Q1"`)).toBe(true);

		const json = await (
			await app.http.get(`/g/${world.group.slug}/export.json`, { cookie })
		).json();
		expect(json.rows).toHaveLength(14);
		expect(new Set(json.rows.map((r: { reviewId: string }) => r.reviewId))).toEqual(
			new Set([first, third])
		);
		const stored = await db
			.select()
			.from(dimensionResult)
			.where(inArray(dimensionResult.reviewId, [first, third]));
		for (const row of stored) {
			const exported = json.rows.find(
				(r: { reviewId: string; dimension: string }) =>
					r.reviewId === row.reviewId && r.dimension === row.questionKey
			);
			expect(exported.mean).toBeCloseTo(row.mean, 4);
			expect(exported.count).toBe(row.count);
			expect(exported.distribution).toEqual(row.distribution);
		}
	});
});

// An outsider's sheet: a direction score, and words that must never leave the server.
const outsider = (direction: number): OutsiderAnswer[] => [
	{ questionKey: 'direction', score: direction, text: 'outsider wrote this' }
];

describe('export with outsiders', () => {
	it('adds outsiders’ aggregates where at least k of them answered, never below, never texts', async () => {
		const world = await makeGroupWithMembers(6);
		// direction: outsiders 2, 2, 3, 3, 5 (mean 3, spread √1.2); members all 4
		await closedReview(world, 'Seen', 5, 4, [2, 2, 3, 3, 5].map(outsider));
		// members revealed (6 of 6), outsiders 4 of their 5: theirs stay hidden
		await closedReview(world, 'Unseen', 6, 4, [1, 1, 1, 1].map(outsider));
		const cookie = await sessionCookie(world.members[2].id);

		const csv = await (await app.http.get(`/g/${world.group.slug}/export.csv`, { cookie })).text();
		const lines = csv.trim().split('\r\n');
		const row = (title: string, dimension: string) =>
			lines.find((l) => l.startsWith(`${title},`) && l.split(',')[2] === dimension)!.split(',');
		expect(row('Seen', 'direction').slice(12)).toEqual(['3', '1.0954', '5', '3', '2']);
		expect(row('Seen', 'execution').slice(12)).toEqual(['', '', '', '', '']);
		expect(row('Unseen', 'direction').slice(12)).toEqual(['', '', '', '', '']);
		expect(csv).not.toContain('outsider wrote this');

		const body = await (
			await app.http.get(`/g/${world.group.slug}/export.json`, { cookie })
		).text();
		const rows: { review: string; dimension: string; outsiders: unknown }[] = JSON.parse(body).rows;
		const of = (title: string, dimension: string) =>
			rows.find((r) => r.review === title && r.dimension === dimension)!;
		expect(of('Seen', 'direction').outsiders).toEqual({
			mean: 3,
			standardDeviation: 1.0954,
			count: 5,
			answered: { personal: 3, shared: 2 }
		});
		expect(of('Unseen', 'direction').outsiders).toBeNull();
		expect(rows.filter((r) => r.outsiders !== null)).toHaveLength(1);
		expect(body).not.toContain('outsider wrote this');
	});
});

describe('health page', () => {
	it('reads stored aggregates: shows revealed means and the hidden review as hidden', async () => {
		const world = await makeGroupWithMembers(6);
		await closedReview(world, 'Spring', 5, 2);
		await closedReview(world, 'Summer', 2, 5);
		await closedReview(world, 'Autumn', 6, 4);
		const html = await (
			await app.http.get(`/g/${world.group.slug}/health`, {
				cookie: await sessionCookie(world.owner.id)
			})
		).text();
		expect(html).toMatch(/<td class="light red[^"]*">2\.0 <small>Red<\/small><\/td>/);
		expect(html).toMatch(/<td class="light green[^"]*">4\.0 <small>Green<\/small><\/td>/);
		expect(html).toMatch(/<td class="muted[^"]*">hidden <small><\/small><\/td>/);
		expect(html).toContain('rose from 2.0 to 4.0 since Spring');
		// no outside view anywhere: no word of outsiders
		expect(html).not.toContain('Outsiders see');
		expect(html).not.toContain('outside the group');
	});

	it('shows outsiders’ mean and the gap where at least k of them answered, “—” elsewhere', async () => {
		const world = await makeGroupWithMembers(6);
		// members 4 everywhere; outsiders' direction 2, 2, 3, 3, 5: mean 3.0, gap -1.0
		await closedReview(world, 'Seen', 5, 4, [2, 2, 3, 3, 5].map(outsider));
		// four outsiders of five needed, all scoring 1: nothing of them may show
		await closedReview(world, 'Unseen', 6, 4, [1, 1, 1, 1].map(outsider));
		// members hidden (2 of 6), five outsiders all scoring 5: theirs shows, with no gap
		await closedReview(world, 'Few members', 2, 4, [5, 5, 5, 5, 5].map(outsider));
		const page = await app.http.get(`/g/${world.group.slug}/health`, {
			cookie: await sessionCookie(world.members[4].id)
		});
		// as a reader sees it: the source's line breaks are spaces
		const html = (await page.text()).replace(/\s+/g, ' ');
		expect(html).toContain('shown once at least 5 of them answered');
		const row = (name: string) => {
			const match = html.match(
				new RegExp(`<span class="visually-hidden">Direction:</span> ${name} ?</th>(.*?)</tr>`, 's')
			);
			expect(match, name).not.toBeNull();
			return [...match![1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
		};
		expect(row('Outsiders see')).toEqual(['3.0', '—', '5.0']);
		expect(row('Gap')).toEqual(['-1.0', '—', '—']);
		// only the dimension outsiders scored gets their rows
		expect(html.match(/Outsiders see/g)).toHaveLength(2); // the row and the sentence
		expect(html).not.toContain('outsider wrote this');
	});
	it('draws turnout for the last 8 reviews and leaves every review to the table', async () => {
		const world = await makeGroupWithMembers(6);
		for (let quarter = 1; quarter <= 9; quarter++)
			await closedReview(world, `Quarter ${quarter}`, 5, 3);
		const html = await (
			await app.http.get(`/g/${world.group.slug}/health`, {
				cookie: await sessionCookie(world.owner.id)
			})
		).text();
		const turnout = html.slice(
			html.indexOf('<ul class="turnout'),
			html.indexOf('</ul>', html.indexOf('<ul class="turnout'))
		);
		const bars = [...turnout.matchAll(/<span class="title">([^<]*)<\/span>/g)].map((m) => m[1]);
		expect(bars).toEqual(Array.from({ length: 8 }, (_, i) => `Quarter ${i + 2}`));
		expect(turnout).toContain('5 of 6');
		expect(html).toContain('each of the last 8 reviews');
		// the table still has all nine
		expect(html.match(/\/results">Quarter \d<\/a>/g)).toHaveLength(9);
		expect(html).not.toContain('show all');
	});

	it('shows the last 12 reviews in the table, and every review when asked', async () => {
		const world = await makeGroupWithMembers(6);
		for (let quarter = 1; quarter <= 13; quarter++)
			await closedReview(world, `Quarter ${quarter}`, 5, quarter % 2 ? 2 : 4);
		const cookie = await sessionCookie(world.owner.id);
		const health = `/g/${world.group.slug}/health`;
		// each column's heading, and each row's cells, in order
		const table = (html: string) => {
			const body = html.slice(html.indexOf('<table'), html.indexOf('</table>'));
			const row = (name: string) =>
				[
					...body
						.match(new RegExp(`<th scope="row">${name}</th>(.*?)</tr>`, 's'))![1]
						.matchAll(/<td[^>]*>([^<]*)/g)
				].map((m) => m[1].trim());
			return {
				titles: [...body.matchAll(/\/results">(Quarter \d+)<\/a>/g)].map((m) => m[1]),
				direction: row('Direction'),
				turnout: row('Turnout')
			};
		};
		const quarters = (from: number, to: number) =>
			Array.from({ length: to - from + 1 }, (_, i) => `Quarter ${from + i}`);
		const scores = (from: number, to: number) =>
			Array.from({ length: to - from + 1 }, (_, i) => ((from + i) % 2 ? '2.0' : '4.0'));

		const latest = await (await app.http.get(health, { cookie })).text();
		expect(table(latest).titles).toEqual(quarters(2, 13));
		// each column's cells are its own review's, not the first reviews'
		expect(table(latest).direction).toEqual(scores(2, 13));
		expect(table(latest).turnout).toHaveLength(12);
		expect(latest.replace(/\s+/g, ' ')).toContain(
			'The last 12 of 13 reviews: <a href="?reviews=all#heat-heading">show all 13</a>'
		);

		const all = await (await app.http.get(`${health}?reviews=all`, { cookie })).text();
		expect(table(all).titles).toEqual(quarters(1, 13));
		expect(table(all).direction).toEqual(scores(1, 13));
		expect(all).toContain('Show only the last 12');
		// the charts draw every review either way
		expect(latest).toContain('"Quarter 1"');
	});
});

describe('compare page', () => {
	const said = (html: string, title: string) =>
		html.match(new RegExp(`<li[^>]*>said in ${title}</li>`, 'g'))?.length ?? 0;

	it('shows 8 open answers of each review and a link to the rest, and follows a new review', async () => {
		const world = await makeGroupWithMembers(10);
		const spring = await closedReview(world, 'Spring', 10, 3);
		await closedReview(world, 'Summer', 6, 4);
		const cookie = await sessionCookie(world.members[0].id);
		const compare = `/g/${world.group.slug}/compare`;
		let html = await (await app.http.get(compare, { cookie })).text();
		expect(said(html, 'Spring')).toBe(8);
		expect(html).toContain('All 10 answers in Spring');
		expect(said(html, 'Summer')).toBe(6);
		expect(html).not.toContain('answers in Summer<');

		// the samples are kept until another review closes: then the latest two are compared
		const autumn = await closedReview(world, 'Autumn', 7, 2);
		html = await (await app.http.get(compare, { cookie })).text();
		expect(said(html, 'Spring')).toBe(0);
		expect(said(html, 'Summer')).toBe(6);
		expect(said(html, 'Autumn')).toBe(7);
		html = await (await app.http.get(`${compare}?a=${spring}&b=${autumn}`, { cookie })).text();
		expect(said(html, 'Spring')).toBe(8);
		expect(said(html, 'Autumn')).toBe(7);
	});
});

describe('purpose history', () => {
	it('keeps the original and both restatements in order, with differences, and each review its version', async () => {
		const world = await makeGroupWithMembers(5);
		const before = await closedReview(world, 'Before', 5, 3);
		await restatePurpose({
			groupId: world.group.id,
			setBy: world.owner.id,
			text: 'Win repairs for every tenant on our street.',
			reason: 'Repairs are what people join for.'
		});
		const between = await closedReview(world, 'Between', 5, 3);
		await restatePurpose({
			groupId: world.group.id,
			setBy: world.owner.id,
			text: 'Win repairs and fair rents for every tenant on our street.',
			reason: 'Rents rose.'
		});

		const history = await purposeHistory(world.group.id);
		expect(history.map((h) => h.version)).toEqual([1, 2, 3]);
		expect(history[0].text).toBe('Keep every tenant on our street housed and heard.');
		expect(history[0].diff).toBeNull();
		expect(history[2].reason).toBe('Rents rose.');
		const added = history[2].diff!.filter((p) => p.change === 'added').map((p) => p.text.trim());
		expect(added.join(' ')).toContain('fair rents');
		expect(history[2].diff!.filter((p) => p.change === 'removed')).toEqual([]);

		const cookie = await sessionCookie(world.members[1].id);
		const page = await (await app.http.get(`/g/${world.group.slug}/purpose`, { cookie })).text();
		expect(page).toContain('Original');
		expect(page).toMatch(/<ins[^>]*>[^<]*fair rents/);

		const resultsOf = async (id: string) =>
			(await app.http.get(`/g/${world.group.slug}/reviews/${id}/results`, { cookie })).text();
		expect(await resultsOf(between)).toContain('When this review opened, the purpose read:');
		expect(await resultsOf(between)).toMatch(
			/earlier[^>]*>Win repairs for every tenant on our street\./
		);
		expect(await resultsOf(before)).toMatch(
			/earlier[^>]*>Keep every tenant on our street housed and heard\./
		);
	});

	it('refuses restating to the same text', async () => {
		const world = await makeGroupWithMembers(2);
		const res = await app.http.post(
			`/g/${world.group.slug}/purpose?/restate`,
			{
				text: 'Keep every tenant on our street housed and heard.',
				reason: 'Nothing changed really.'
			},
			{ cookie: await sessionCookie(world.owner.id) }
		);
		expect(res.status).toBe(400);
		expect((await purposeHistory(world.group.id)).length).toBe(1);
	});
});
