// The authorization matrix: every page, endpoint and form action, requested by each kind of
// visitor, and the status each must get. Adding a route without a row here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvite, revokeInvite } from '$lib/server/groups/invites';
import { changeRole, removeMember } from '$lib/server/groups/memberships';
import { addMember, makeGroup, makeUser, sessionCookie } from '../support/factories';
import { client } from '../support/http';
import { discoverEndpoints } from '../support/routes';
import { startServer, type RunningServer } from '../support/server';
import { groupWorld } from '../support/world';
import { outcome } from '../support/outcome';

const basePersonas = [
	'signedOut',
	'nonMember',
	'member',
	'facilitator',
	'owner',
	'otherOwner'
] as const;
// Revocation: people whose standing changed while their session stayed live (and had just been
// used, so that anything cached about them was fresh). A removed member and an owner who left
// may reach what a non-member may; a demoted facilitator, what a member may. Every row checks them.
const revokedPersonas = ['removedMember', 'demotedFacilitator', 'ownerWhoLeft'] as const;
const personas = [...basePersonas, ...revokedPersonas] as const;
type Persona = (typeof personas)[number];
type Expected = Record<(typeof basePersonas)[number], number>;
const withRevoked = (e: Expected): Record<Persona, number> => ({
	...e,
	removedMember: e.nonMember,
	demotedFacilitator: e.member,
	ownerWhoLeft: e.nonMember
});

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
/**
 * A group page or action: signed-out visitors are sent to log in (303), whether or not the group
 * exists; it is hidden (404) from signed-in people outside the group.
 */
const inGroup = (member: number, facilitator: number, owner: number): Expected => ({
	signedOut: 303,
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
	// makes (once) and opens the person's own sample group
	'POST /?/sample': signedIn(303, 303),
	// only the person a sample was made for deletes it; this group is nobody's sample
	'POST /g/[group]?/deleteSample': inGroup(404, 404, 404),
	'GET /healthz': everyone(200),
	'GET /login': signedIn(200, 303),
	// signed-in visitors are sent on, as from the page itself
	'POST /login?/login': signedIn(400, 303),
	'GET /signup': signedIn(200, 303),
	'POST /signup?/signup': signedIn(400, 303),
	'GET /logout': signedIn(303, 200),
	'POST /logout?/logout': everyone(303),
	'GET /account': signedIn(303, 200),
	'POST /account?/rename': signedIn(303, 400),
	'POST /account?/changePassword': signedIn(303, 400),
	'POST /account?/deleteAccount': signedIn(303, 400),
	'POST /account?/changeEmail': signedIn(303, 400),
	// everyone here has confirmed their address: "confirmed already"
	'POST /account?/sendVerification': signedIn(303, 200),
	'POST /account?/dismissBanner': signedIn(303, 303),
	'POST /account?/logOutOthers': signedIn(303, 200),
	'GET /forgot-password': everyone(200),
	'POST /forgot-password?/send': everyone(400),
	'GET /groups/new': signedIn(303, 200),
	'POST /groups/new?/create': signedIn(303, 400),
	'GET /g/[group]': inGroup(200, 200, 200),
	'GET /g/[group]/members': inGroup(200, 200, 200),
	// the names a member picker suggests as one types: what the members page shows members
	'GET /g/[group]/member-names': inGroup(200, 200, 200),
	'POST /g/[group]/members?/changeRole': inGroup(403, 403, 400),
	'POST /g/[group]/members?/remove': inGroup(403, 403, 400),
	'POST /g/[group]/members?/allowBack': inGroup(403, 403, 400),
	// the owner is the group's only owner, so they may not leave it
	'POST /g/[group]/members?/leave': inGroup(303, 303, 409),
	'POST /g/[group]/members?/deleteGroup': inGroup(403, 403, 400),
	'GET /g/[group]/invites': inGroup(403, 403, 200),
	'POST /g/[group]/invites?/create': inGroup(403, 403, 400),
	'POST /g/[group]/invites?/revoke': inGroup(403, 403, 400),
	// an invitation page is public (the link is the permission); members go straight to the group
	'GET /invite/[token]': { ...everyone(200), member: 303, facilitator: 303, owner: 303 },
	// accepting a revoked link: signed-out visitors are sent to log in first, members to the group
	'POST /invite/[token]?/accept': {
		...signedIn(303, 410),
		member: 303,
		facilitator: 303,
		owner: 303
	},

	'GET /g/[group]/health': inGroup(200, 200, 200),
	'GET /g/[group]/compare': inGroup(200, 200, 200),
	'GET /g/[group]/export.csv': inGroup(200, 200, 200),
	'GET /g/[group]/export.json': inGroup(200, 200, 200),
	'GET /g/[group]/purpose': inGroup(200, 200, 200),
	'POST /g/[group]/purpose?/restate': inGroup(403, 400, 400),
	'GET /g/[group]/reviews': inGroup(200, 200, 200),
	// an empty title is allowed (the quarter's name is used), so creating succeeds
	'POST /g/[group]/reviews?/create': inGroup(403, 303, 303),
	'POST /g/[group]/reviews?/threshold': inGroup(403, 400, 400),
	// "[review] (draft)" etc. say which of the group's reviews the row requests. A draft's page is
	// hidden (404) from plain members, like a review that does not exist; facilitator-only
	// actions answer members 403 before looking at the review at all.
	'GET /g/[group]/reviews/[review] (draft)': inGroup(404, 200, 200),
	'GET /g/[group]/reviews/[review] (open)': inGroup(200, 200, 200),
	'GET /g/[group]/reviews/[review] (closed)': inGroup(200, 200, 200),
	'POST /g/[group]/reviews/[review]?/submit (open)': inGroup(400, 400, 400),
	// the group already has an open review, so opening the draft is refused (409) even when allowed
	'POST /g/[group]/reviews/[review]?/open (draft)': inGroup(403, 409, 409),
	// the facilitator closes it; by the owner's turn it is already closed
	'POST /g/[group]/reviews/[review]?/close (open)': inGroup(403, 303, 409),
	'POST /g/[group]/reviews/[review]?/schedule (draft)': inGroup(403, 200, 200),
	'GET /g/[group]/reviews/[review]/edit (draft)': inGroup(403, 200, 200),
	'POST /g/[group]/reviews/[review]/edit?/rename (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/edit?/addQuestion (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/edit?/addStandard (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/edit?/updateQuestion (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/edit?/removeQuestion (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/edit?/moveQuestion (draft)': inGroup(403, 400, 400),
	// Asking outsiders is the facilitators'. Sending links by email needs a mail server, which
	// this server has not: refused (409) before the form is read.
	'GET /g/[group]/reviews/[review]/outsiders (draft)': inGroup(403, 200, 200),
	'POST /g/[group]/reviews/[review]/outsiders?/ask (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/outsiders?/links (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/outsiders?/send (draft)': inGroup(403, 409, 409),
	'POST /g/[group]/reviews/[review]/outsiders?/shared (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]/outsiders?/close (draft)': inGroup(403, 400, 400),
	'GET /g/[group]/reviews/[review]/results (closed)': inGroup(200, 200, 200),
	// the same for results with numbers and comments in them
	'GET /g/[group]/reviews/[review]/results (revealed)': inGroup(200, 200, 200),
	// results of a review still open do not exist yet: everyone allowed is sent back to it
	'GET /g/[group]/reviews/[review]/results (open)': inGroup(303, 303, 303),
	'GET /g/[group]/reviews/[review]/receipts (open)': inGroup(200, 200, 200),
	// the app reminds those who have not answered; on a review still open
	'POST /g/[group]/reviews/[review]?/remind (open)': inGroup(403, 200, 200),
	// deleting needs a confirmation in the form: an empty one stops whoever may delete at 400.
	// Drafts are the facilitators'; a closed review, with the group's answers, only an owner's.
	'POST /g/[group]/reviews/[review]?/delete (draft)': inGroup(403, 400, 400),
	'POST /g/[group]/reviews/[review]?/delete (closed)': inGroup(403, 403, 400),

	// The board: every member may use it; who may change which task is decided per task, after
	// the form is read (tests/server/tasks.test.ts), so an empty form stops everyone at 400.
	'GET /g/[group]/board': inGroup(200, 200, 200),
	'POST /g/[group]/board?/move': inGroup(400, 400, 400),
	'POST /g/[group]/board?/take': inGroup(400, 400, 400),
	'GET /g/[group]/board/new': inGroup(200, 200, 200),
	'POST /g/[group]/board/new?/create': inGroup(400, 400, 400),
	'GET /g/[group]/board/[task]': inGroup(200, 200, 200),
	'POST /g/[group]/board/[task]?/update': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/move': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/take': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/assign': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/release': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/delegate': inGroup(400, 400, 400),
	'POST /g/[group]/board/[task]?/archive': inGroup(400, 400, 400),
	// any member may comment on any task of the group, as the README says
	'POST /g/[group]/board/[task]?/comment': inGroup(400, 400, 400),
	'GET /g/[group]/areas': inGroup(200, 200, 200),
	'POST /g/[group]/areas?/add': inGroup(403, 400, 400),
	'POST /g/[group]/areas?/rename': inGroup(403, 400, 400),
	'POST /g/[group]/areas?/remove': inGroup(403, 400, 400),
	// anyone may hold an area themselves; naming someone else is checked after reading the form
	'POST /g/[group]/areas?/hold': inGroup(400, 400, 400),
	'POST /g/[group]/areas?/release': inGroup(400, 400, 400),
	'GET /g/[group]/members/[member]': inGroup(200, 200, 200),
	'GET /tasks': signedIn(303, 200),
	'GET /notifications': signedIn(303, 200),
	// following someone's notice: none of these visitors has one with this id
	'GET /notifications/[id]': signedIn(303, 404),
	'POST /notifications?/read': signedIn(303, 400),
	'POST /notifications?/readAll': signedIn(303, 200),
	'POST /account?/preferences': signedIn(303, 400),
	'POST /account?/calendar': signedIn(303, 200),
	// only instance operators (confirmed and in OPERATOR_EMAILS, none here) see the outbox; to others it is not there
	'GET /outbox': signedIn(303, 404),
	// secret links are the permission; an unknown one is not found, whoever asks
	'GET /calendar/[token]': everyone(404),
	'GET /unsubscribe/[token]': everyone(200),
	'POST /unsubscribe/[token]?/unsubscribe': everyone(404),
	'GET /verify-email/[token]': everyone(200),
	'POST /verify-email/[token]?/confirm': everyone(404),
	// an outsider's link is the permission, whoever holds it; this one is nobody's
	'GET /o/[token]': everyone(404),
	'POST /o/[token]?/answer': everyone(404),
	'GET /o/thanks': everyone(200),
	'GET /reset-password/[token]': everyone(200),
	// the form is read before the link: an empty one is refused first
	'POST /reset-password/[token]?/reset': everyone(400)
};

let server: RunningServer;
let users: Record<
	Exclude<Persona, 'signedOut' | 'member' | 'facilitator' | 'owner'>,
	{ id: string }
>;

beforeAll(async () => {
	server = await startServer();
	const otherOwner = await makeUser();
	await makeGroup(otherOwner.id);
	users = {
		nonMember: await makeUser(),
		otherOwner,
		removedMember: await makeUser(),
		demotedFacilitator: await makeUser(),
		ownerWhoLeft: await makeUser()
	};
});
afterAll(() => server?.stop());

/** A fresh group and fresh sessions per row, so one row's actions cannot affect another's. */
async function world() {
	const { owner, member, facilitator, group, invite, reviews, taskId } = await groupWorld();
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
		otherOwner: await sessionCookie(users.otherOwner.id),
		removedMember: await sessionCookie(users.removedMember.id),
		demotedFacilitator: await sessionCookie(users.demotedFacilitator.id),
		ownerWhoLeft: await sessionCookie(users.ownerWhoLeft.id)
	};
	await revokeStanding(group, cookies);
	return {
		group,
		cookies,
		activeToken: invite.token,
		revokedToken: revoked.token,
		reviews,
		taskId,
		ownerId: owner.id
	};
}

/** Makes the three revocation personas members of `group`, uses their sessions, then revokes. */
async function revokeStanding(
	group: { id: string; slug: string },
	cookies: Record<Persona, string | undefined>
) {
	const http = client(server.url);
	const { removedMember, demotedFacilitator, ownerWhoLeft } = users;
	await addMember(group.id, removedMember.id, 'member');
	await addMember(group.id, demotedFacilitator.id, 'facilitator');
	await addMember(group.id, ownerWhoLeft.id, 'owner');
	for (const persona of revokedPersonas) {
		const response = await http.get(`/g/${group.slug}/members`, { cookie: cookies[persona] });
		expect(response.status).toBe(200);
		await response.body?.cancel();
	}
	expect(outcome(await removeMember(group.id, removedMember.id))).toBe('done');
	expect(outcome(await changeRole(group.id, demotedFacilitator.id, 'member'))).toBe('done');
	expect(outcome(await removeMember(group.id, ownerWhoLeft.id))).toBe('done');
}

describe('authorization matrix', () => {
	it('has a row for every page, endpoint and action', async () => {
		const covered = new Set(Object.keys(matrix).map((row) => row.replace(/ \(\w+\)$/, '')));
		expect([...covered].sort()).toEqual(await discoverEndpoints());
	});

	it('sends a signed-out visitor to log in from a group path, the same whether the group exists', async () => {
		const { group } = await world();
		const http = client(server.url);
		const locations = [];
		for (const slug of [group.slug, 'no-such-group']) {
			const response = await http.get(`/g/${slug}/board/some-task`);
			expect(response.status).toBe(303);
			locations.push(response.headers.get('location')!.replace(slug, '{slug}'));
		}
		expect(locations).toEqual([
			'/login?next=%2Fg%2F{slug}%2Fboard%2Fsome-task',
			'/login?next=%2Fg%2F{slug}%2Fboard%2Fsome-task'
		]);
	});

	for (const [endpoint, expected] of Object.entries(matrix)) {
		it(endpoint, async () => {
			const { group, cookies, activeToken, revokedToken, reviews, taskId, ownerId } = await world();
			const [method, route, state] = endpoint.split(' ');
			const reviewId = reviews[(state?.slice(1, -1) ?? 'draft') as keyof typeof reviews];
			const http = client(server.url);
			const actual = {} as Record<Persona, number>;
			for (const persona of personas) {
				const path = route
					.replace('[group]', group.slug)
					.replace('[token]', method === 'GET' ? activeToken : revokedToken)
					.replace('[review]', reviewId)
					.replace('[task]', taskId)
					.replace('[member]', ownerId);
				const response =
					method === 'GET'
						? await http.get(path, { cookie: cookies[persona] })
						: await http.post(path, {}, { cookie: cookies[persona] });
				actual[persona] = response.status;
				await response.body?.cancel();
			}
			expect(actual).toEqual(withRevoked(expected));
		});
	}
});
