// The board page through the built server: a long column shows its first cards and offers the
// rest, so a board of hundreds stays readable and quick to render.
import { beforeAll, describe, expect, it } from 'vitest';
import { commentOnTask, createTask, moveTask } from '$lib/server/tasks/commands';
import { addArea, areasOf } from '$lib/server/tasks/areas';
import { makeGroup, makeUser, sessionCookie } from '../support/factories';
import { useBuiltServer } from '../support/server';

const app = useBuiltServer();
let cookie: string;
let board: string;

beforeAll(async () => {
	const owner = await makeUser();
	const group = await makeGroup(owner.id);
	cookie = await sessionCookie(owner.id);
	board = `/g/${group.slug}/board`;
	const actor = { userId: owner.id, groupId: group.id, role: 'owner' as const };
	for (let i = 1; i <= 45; i++) {
		const task = await createTask(actor, {
			title: `Task number ${i}`,
			description: '',
			dueOn: null,
			areaId: null,
			recurrence: null,
			ownerIds: [owner.id]
		});
		if (!task.ok) throw new Error(task.refusal);
		// 40 to do, 5 done
		if (i > 40) await moveTask(actor, task.value, 'done');
	}
});

const cards = (html: string) => [...html.matchAll(/>Task number (\d+)</g)].length;

describe('the board', () => {
	it('shows the first 10 cards of a long column and a link to all of them', async () => {
		const html = await (await app.http.get(board, { cookie })).text();
		// 10 to do; done shows its latest 5
		expect(cards(html)).toBe(10 + 5);
		expect(html).toContain('Show all 40');
		expect(html).toMatch(/href="\?column=todo#column-todo"/);
	});

	it('shows the whole column when asked', async () => {
		const html = await (await app.http.get(`${board}?column=todo`, { cookie })).text();
		expect(cards(html)).toBe(40 + 5);
		expect(html).not.toContain('Show all 40');
	});
});

describe('a card', () => {
	it('says its owner, area, repetition and comments on one line, and offers the other columns', async () => {
		const owner = await makeUser({ displayName: 'Olga Owner' });
		const group = await makeGroup(owner.id);
		await addArea(group.id, 'Repairs');
		const repairs = (await areasOf(group.id)).find((a) => a.name === 'Repairs')!;
		const actor = { userId: owner.id, groupId: group.id, role: 'owner' as const };
		const task = await createTask(actor, {
			title: 'Fix the door',
			description: '',
			dueOn: null,
			areaId: repairs.id,
			recurrence: 'weekly',
			ownerIds: [owner.id]
		});
		if (!task.ok) throw new Error(task.refusal);
		for (const words of ['Ordered the hinge.', 'Fitted.'])
			expect((await commentOnTask(actor, task.value, words)).ok).toBe(true);
		const html = await (
			await app.http.get(`/g/${group.slug}/board`, { cookie: await sessionCookie(owner.id) })
		).text();
		const card = html.slice(
			html.indexOf('Fix the door</a>'),
			html.indexOf('</li>', html.indexOf('Fix the door</a>'))
		);
		// as a reader sees it, markers and line breaks aside
		const line = card
			.slice(card.indexOf('<p class="meta">'), card.indexOf('</p>'))
			.replace(/<!--[^>]*-->|<[^>]+>/g, '')
			.replace(/\s+/g, ' ')
			.trim();
		expect(line).toBe('Olga Owner · Repairs · repeats weekly · 2 comments');
		const moves = [...card.matchAll(/<button name="status" value="(\w+)"/g)].map((m) => m[1]);
		expect(moves).toEqual(['doing', 'blocked', 'done']);
	});
});
