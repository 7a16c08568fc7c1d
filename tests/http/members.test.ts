// The members page through the built server: a group of hundreds is shown a page at a time, and
// a name finds a member on any page.
import { beforeAll, describe, expect, it } from 'vitest';
import { groupForMember } from '$lib/server/groups/groups';
import { createInvite } from '$lib/server/groups/invites';
import { addMember, makeGroup, makeUser, sessionCookie } from '../support/factories';
import { messageOf } from '../support/http';
import { useBuiltServer } from '../support/server';

const app = useBuiltServer();
let cookie: string;
let members: string;

beforeAll(async () => {
	const owner = await makeUser({ displayName: 'Aaron Owner' });
	const group = await makeGroup(owner.id);
	cookie = await sessionCookie(owner.id);
	members = `/g/${group.slug}/members`;
	for (let i = 1; i <= 119; i++) {
		const person = await makeUser({ displayName: `Person ${String(i).padStart(3, '0')}` });
		await addMember(group.id, person.id);
	}
});

const shown = (html: string) =>
	[...html.matchAll(/>(Person \d{3}|Aaron Owner)<\/a>/g)].map((m) => m[1]);

describe('the members page', () => {
	it('shows 25 members a page, by name, with the way to the next page', async () => {
		const html = await (await app.http.get(members, { cookie })).text();
		expect(shown(html)).toHaveLength(25);
		expect(shown(html)[0]).toBe('Aaron Owner');
		expect(html).toContain('120 members, 1–25 shown');
		expect(html).toContain('Page 1 of 5');
		expect(html).toMatch(/href="\?page=2" rel="next"/);
	});

	it('shows the last page with what is left, and the way back', async () => {
		const html = await (await app.http.get(`${members}?page=5`, { cookie })).text();
		expect(shown(html)).toEqual(
			Array.from({ length: 20 }, (_, i) => `Person ${String(100 + i).padStart(3, '0')}`)
		);
		expect(html).toMatch(/href="\?page=4" rel="prev"/);
		expect(html).not.toContain('rel="next"');
	});

	it('finds members by any part of their name, in any case', async () => {
		const html = await (await app.http.get(`${members}?q=person%2011`, { cookie })).text();
		expect(shown(html)).toEqual(Array.from({ length: 10 }, (_, i) => `Person ${110 + i}`));
		expect(html).toContain('10 members whose name contains “person 11”.');
		const none = await (await app.http.get(`${members}?q=NOBODY`, { cookie })).text();
		expect(none).toContain("Nobody's name contains “NOBODY”.");
	});

	it('treats a page number that is not one as the first page', async () => {
		for (const page of ['0', '-3', 'x', '1e9']) {
			const response = await app.http.get(`${members}?page=${page}`, { cookie });
			expect(response.status).toBe(200);
		}
	});
});

describe('removing a member', () => {
	it('keeps them out of an invitation link they kept, until the owner lets them back', async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const ownerCookie = await sessionCookie(owner.id);
		const { token } = await createInvite({
			groupId: group.id,
			role: 'member',
			expiresInDays: 7,
			maxUses: 10,
			createdBy: owner.id
		});
		const person = await makeUser({ displayName: 'Removed Person' });
		const personCookie = await sessionCookie(person.id);
		const accept = () => app.http.post(`/invite/${token}?/accept`, {}, { cookie: personCookie });
		expect((await accept()).status).toBe(303);

		const page = `/g/${group.slug}/members`;
		const removed = await app.http.post(
			`${page}?/remove`,
			{ userId: person.id },
			{ cookie: ownerCookie }
		);
		expect(removed.status).toBe(200);
		const refused = await accept();
		expect(refused.status).toBe(403);
		expect(await messageOf(refused)).toMatch(/An owner removed you from this group/);
		expect(await groupForMember(group.slug, person.id)).toBeUndefined();
		const listed = await (await app.http.get(page, { cookie: ownerCookie })).text();
		expect(listed).toContain('Let Removed Person back');

		const back = await app.http.post(
			`${page}?/allowBack`,
			{ userId: person.id },
			{ cookie: ownerCookie }
		);
		expect(back.status).toBe(200);
		expect((await accept()).status).toBe(303);
		expect(await groupForMember(group.slug, person.id)).toBeDefined();
	});
});
