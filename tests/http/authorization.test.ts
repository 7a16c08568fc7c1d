// The authorization matrix: every page, endpoint and form action, requested by each kind of
// visitor, and the status each must get. Adding a route without a row here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite, revokeInvite } from '$lib/server/invites';
import { addMember, makeGroup, makeUser, sessionCookie } from '../support/factories';
import { client } from '../support/http';
import { discoverEndpoints } from '../support/routes';
import { startServer, type RunningServer } from '../support/server';

const personas = [
	'signedOut',
	'nonMember',
	'member',
	'facilitator',
	'owner',
	'otherOwner'
] as const;
type Persona = (typeof personas)[number];
type Expected = Record<Persona, number>;

const everyone = (status: number): Expected => ({
	signedOut: status,
	nonMember: status,
	member: status,
	facilitator: status,
	owner: status,
	otherOwner: status
});
const signedIn = (signedOut: number, status: number): Expected => ({
	...everyone(status),
	signedOut
});
/** A group page or action: hidden (404) from anyone outside the group, signed out included. */
const inGroup = (member: number, facilitator: number, owner: number): Expected => ({
	signedOut: 404,
	nonMember: 404,
	otherOwner: 404,
	member,
	facilitator,
	owner
});

// Actions are posted with an empty form: 400 means the visitor got past the authorization check
// and met validation, which is where an allowed request with nothing in it must stop.
const matrix: Record<string, Expected> = {
	'GET /': everyone(200),
	'GET /healthz': everyone(200),
	'GET /login': signedIn(200, 303),
	// signed-in visitors are sent on, as from the page itself
	'POST /login?/login': signedIn(400, 303),
	'GET /signup': signedIn(200, 303),
	'POST /signup?/signup': signedIn(400, 303),
	'GET /logout': signedIn(303, 200),
	'POST /logout?/logout': everyone(303),
	'GET /account': signedIn(303, 200),
	'POST /account?/changePassword': signedIn(303, 400),
	'POST /account?/deleteAccount': signedIn(303, 400),
	'GET /groups/new': signedIn(303, 200),
	'POST /groups/new?/create': signedIn(303, 400),
	'GET /g/[group]': inGroup(200, 200, 200),
	'GET /g/[group]/members': inGroup(200, 200, 200),
	'POST /g/[group]/members?/changeRole': inGroup(403, 403, 400),
	'POST /g/[group]/members?/remove': inGroup(403, 403, 400),
	// the owner is the group's only owner, so they may not leave it
	'POST /g/[group]/members?/leave': inGroup(303, 303, 409),
	'GET /g/[group]/invites': inGroup(403, 403, 200),
	'POST /g/[group]/invites?/create': inGroup(403, 403, 400),
	'POST /g/[group]/invites?/revoke': inGroup(403, 403, 400),
	// an invitation page is public: the link is the permission
	'GET /invite/[token]': everyone(200),
	// accepting a revoked link: signed-out visitors are sent to log in first
	'POST /invite/[token]?/accept': signedIn(303, 410)
};

let server: RunningServer;
let users: Record<
	Exclude<Persona, 'signedOut' | 'member' | 'facilitator' | 'owner'>,
	{ id: string }
>;

beforeAll(async () => {
	server = await startServer();
	const outsider = await makeUser();
	const otherOwner = await makeUser();
	await makeGroup(otherOwner.id);
	users = { nonMember: outsider, otherOwner };
});
afterAll(() => server?.stop());

/** A fresh group and fresh sessions per row, so one row's actions cannot affect another's. */
async function world() {
	const owner = await makeUser();
	const member = await makeUser();
	const facilitator = await makeUser();
	const group = await makeGroup(owner.id);
	await addMember(group.id, member.id, 'member');
	await addMember(group.id, facilitator.id, 'facilitator');
	const active = await createInvite({
		groupId: group.id,
		role: 'member',
		expiresInDays: 7,
		maxUses: 5,
		createdBy: owner.id
	});
	const revoked = await createInvite({
		groupId: group.id,
		role: 'member',
		expiresInDays: 7,
		maxUses: 5,
		createdBy: owner.id
	});
	await revokeInvite(group.id, revoked.id);
	const cookies: Record<Persona, string | undefined> = {
		signedOut: undefined,
		nonMember: await sessionCookie(users.nonMember.id),
		member: await sessionCookie(member.id),
		facilitator: await sessionCookie(facilitator.id),
		owner: await sessionCookie(owner.id),
		otherOwner: await sessionCookie(users.otherOwner.id)
	};
	return { group, cookies, activeToken: active.token, revokedToken: revoked.token };
}

describe('authorization matrix', () => {
	it('has a row for every page, endpoint and action', () => {
		expect(Object.keys(matrix).sort()).toEqual(discoverEndpoints());
	});

	for (const [endpoint, expected] of Object.entries(matrix)) {
		it(endpoint, async () => {
			const { group, cookies, activeToken, revokedToken } = await world();
			const [method, route] = endpoint.split(' ');
			const http = client(server.url);
			const actual = {} as Expected;
			for (const persona of personas) {
				const path = route
					.replace('[group]', group.slug)
					.replace('[token]', method === 'GET' ? activeToken : revokedToken);
				const response =
					method === 'GET'
						? await http.get(path, { cookie: cookies[persona] })
						: await http.post(path, {}, { cookie: cookies[persona] });
				actual[persona] = response.status;
				await response.body?.cancel();
			}
			expect(actual).toEqual(expected);
		});
	}
});
