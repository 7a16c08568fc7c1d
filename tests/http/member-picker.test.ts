// Choosing a member in a group too large to list (over 60): the pages send no list of names, a
// picker suggests members as one types (/g/<group>/member-names), and a name typed in full
// (without JavaScript) finds its member, on the task page, the new-task form, areas and the
// board's filter. A name that fits nobody, or several people, is refused and changes nothing.
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { area as areaTable, areaOwner, task, taskOwner } from '$lib/server/db/work-schema';
import { listedMembersAtMost } from '$lib/server/groups/memberships';
import { addArea } from '$lib/server/tasks/areas';
import {
	addMember,
	makeGroup,
	makeGroupWithMembers,
	makeOwnedTask,
	makeUser,
	sessionCookie
} from '../support/factories';
import { messageOf } from '../support/http';
import { useBuiltServer } from '../support/server';

const app = useBuiltServer();

let base: string;
let groupId: string;
let ownerCookie: string;
let taskId: string;
let areaId: string;
const named: Record<string, string> = {};

// Members straight into the tables: 60 accounts through the sign-up code would each hash a
// password, which takes most of a minute and tests nothing here.
async function addPeople(group: string, names: string[]) {
	for (const displayName of names) {
		const id = randomUUID();
		db.insert(user)
			.values({ id, email: `${id}@example.org`, displayName, passwordHash: 'x' })
			.run();
		named[displayName] ??= id;
		await addMember(group, id);
	}
}

beforeAll(async () => {
	const owner = await makeUser({ displayName: 'Pat Owner' });
	const group = await makeGroup(owner.id);
	groupId = group.id;
	base = `/g/${group.slug}`;
	ownerCookie = await sessionCookie(owner.id);
	const people = Array.from({ length: listedMembersAtMost }, (_, i) => `Neighbour ${i + 1}`);
	await addPeople(group.id, [...people, 'Rosa Parks', 'Sam Twin', 'Sam Twin']);
	taskId = await makeOwnedTask(groupId, owner.id, 'Book the hall');
	await addArea(groupId, 'Outreach');
	areaId = db
		.select({ id: areaTable.id })
		.from(areaTable)
		.where(eq(areaTable.groupId, groupId))
		.get()!.id;
});

const ownersOf = (id: string) =>
	db
		.select({ userId: taskOwner.userId })
		.from(taskOwner)
		.where(eq(taskOwner.taskId, id))
		.all()
		.map((row) => row.userId);

describe('a member picker in a group too large to list', () => {
	it('sends no list of names, only a field to type one in', async () => {
		for (const page of [`/board/${taskId}`, '/board/new', '/areas', '/board']) {
			const html = await (await app.http.get(base + page, { cookie: ownerCookie })).text();
			expect(html, page).not.toContain('Neighbour 17');
			expect(html, page).toMatch(/<input[^>]+list="[^"]+-suggestions"/);
		}
	});

	it('suggests members whose name contains what was typed, eight at most', async () => {
		const suggestions = async (q: string, cookie = ownerCookie) => {
			const response = await app.http.get(`${base}/member-names?q=${encodeURIComponent(q)}`, {
				cookie
			});
			return { status: response.status, body: response.ok ? await response.json() : null };
		};
		const rosa = await suggestions('ROSA');
		expect(rosa.body.members).toEqual([{ userId: named['Rosa Parks'], displayName: 'Rosa Parks' }]);
		expect((await suggestions('neighbour')).body.members).toHaveLength(8);
		expect((await suggestions('Sam Twin')).body.members).toHaveLength(2);
		expect((await suggestions('x'.repeat(101))).status).toBe(400);
		// someone outside the group learns nothing of its members
		const stranger = await makeGroupWithMembers(1);
		expect((await suggestions('Rosa', await sessionCookie(stranger.owner.id))).status).toBe(404);
	});

	it('assigns a task to the member whose name was typed in full, in any case', async () => {
		const response = await app.http.post(
			`${base}/board/${taskId}?/assign`,
			{ taskId, userIdName: '  rosa parks ' },
			{ cookie: ownerCookie }
		);
		expect(response.status).toBe(200);
		expect(ownersOf(taskId)).toContain(named['Rosa Parks']);
	});

	it('refuses a name that fits nobody, or two people, and changes nothing', async () => {
		const before = ownersOf(taskId);
		const nobody = await app.http.post(
			`${base}/board/${taskId}?/assign`,
			{ taskId, userIdName: 'Rosa Park' },
			{ cookie: ownerCookie }
		);
		expect(nobody.status).toBe(400);
		expect(await messageOf(nobody)).toBe(
			'Nobody in this group is called “Rosa Park”. Type their name as the members page shows it.'
		);
		const twins = await app.http.post(
			`${base}/board/${taskId}?/delegate`,
			{ taskId, userIdName: 'Sam Twin', note: 'You know the hall.' },
			{ cookie: ownerCookie }
		);
		expect(twins.status).toBe(400);
		expect(await messageOf(twins)).toMatch(/^More than one member is called “Sam Twin”/);
		const empty = await app.http.post(
			`${base}/board/${taskId}?/assign`,
			{ taskId, userIdName: '' },
			{ cookie: ownerCookie }
		);
		expect(empty.status).toBe(400);
		expect(await messageOf(empty)).toBe('Choose a member.');
		expect(ownersOf(taskId)).toEqual(before);
	});

	it('gives a new task to the member named, or to nobody when the name is left empty', async () => {
		const create = (fields: Record<string, string>) =>
			app.http.post(`${base}/board/new?/create`, fields, { cookie: ownerCookie });
		const named13 = await create({ title: 'Print leaflets', ownerIdName: 'Neighbour 13' });
		expect(named13.status).toBe(303);
		const id = named13.headers.get('location')!.split('/').at(-1)!.split('?')[0];
		expect(ownersOf(id)).toEqual([named['Neighbour 13']]);
		const unowned = await create({ title: 'Call the landlord', ownerIdName: '' });
		expect(ownersOf(unowned.headers.get('location')!.split('/').at(-1)!.split('?')[0])).toEqual([]);
		const wrong = await create({ title: 'Never made', ownerIdName: 'Nobody at all' });
		expect(wrong.status).toBe(400);
		expect(
			db
				.select()
				.from(task)
				.where(and(eq(task.groupId, groupId), eq(task.title, 'Never made')))
				.all()
		).toEqual([]);
	});

	it('names an area’s owner by name', async () => {
		const response = await app.http.post(
			`${base}/areas?/hold`,
			{ areaId, userIdName: 'Neighbour 5' },
			{ cookie: ownerCookie }
		);
		expect(response.status).toBe(200);
		const holders = db
			.select({ userId: areaOwner.userId })
			.from(areaOwner)
			.where(eq(areaOwner.areaId, areaId))
			.all();
		expect(holders).toEqual([{ userId: named['Neighbour 5'] }]);
	});

	it('filters the board by the owner named, and says when nobody has that name', async () => {
		const html = await (
			await app.http.get(`${base}/board?ownerName=rosa+parks`, { cookie: ownerCookie })
		).text();
		expect(html).toContain('Book the hall');
		expect(html).not.toContain('Print leaflets');
		const nobody = await app.http.get(`${base}/board?ownerName=Rosa+Park`, {
			cookie: ownerCookie
		});
		expect(await messageOf(nobody)).toBe(
			'Nobody in this group is called “Rosa Park”. Type their name as the members page shows it.'
		);
	});
});

describe('a member picker in a small group', () => {
	it('lists every member to choose from', async () => {
		const small = await makeGroupWithMembers(3);
		const cookie = await sessionCookie(small.owner.id);
		const html = await (await app.http.get(`/g/${small.group.slug}/board/new`, { cookie })).text();
		for (const member of small.members.slice(1))
			expect(html).toContain(`<option value="${member.id}">${member.displayName}</option>`);
	});

	it('sends no names to a member who may neither assign a task nor hand it on', async () => {
		const small = await makeGroupWithMembers(3);
		const [owner, member, other] = small.members;
		const swept = await makeOwnedTask(small.group.id, owner.id, 'Sweep the stairs');
		const page = `/g/${small.group.slug}/board/${swept}`;
		const asMember = await (
			await app.http.get(page, { cookie: await sessionCookie(member.id) })
		).text();
		expect(asMember).toContain('Sweep the stairs');
		expect(asMember).not.toContain(other.displayName);
		const asOwner = await (
			await app.http.get(page, { cookie: await sessionCookie(owner.id) })
		).text();
		expect(asOwner).toContain(`<option value="${other.id}">${other.displayName}</option>`);
	});
});
