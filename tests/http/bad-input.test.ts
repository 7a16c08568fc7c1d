// Every form, sent what a careless browser or a hostile script might send: each gets a 4xx with
// a message a person can act on, and the database is exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areasOf } from '$lib/server/tasks/areas';
import { createInvite } from '$lib/server/groups/invites';
import { openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import {
	addMember,
	makeGroup,
	makeOwnedTask,
	makeUser,
	sessionCookie,
	uniqueEmail
} from '../support/factories';
import { client, messageOf } from '../support/http';
import { startServer, type RunningServer } from '../support/server';
import { snapshot } from '../support/snapshot';

let server: RunningServer;
let http: ReturnType<typeof client>;
let ownerCookie: string;
let slug: string;
let memberId: string;
let inviteId: string;
let openPath: string;
let draftPath: string;
let scaleKeys: string[];
let ownerId: string;
let taskPath: string;
let taskId: string;
let outreachId: string;
let foreignAreaId: string;

beforeAll(async () => {
	server = await startServer();
	http = client(server.url);
	const owner = await makeUser();
	const member = await makeUser();
	const group = await makeGroup(owner.id);
	await addMember(group.id, member.id);
	ownerCookie = await sessionCookie(owner.id);
	slug = group.slug;
	memberId = member.id;
	inviteId = (
		await createInvite({
			groupId: group.id,
			role: 'member',
			expiresInDays: 7,
			maxUses: 5,
			createdBy: owner.id
		})
	).id;
	const open = await createReview({ groupId: group.id, createdBy: owner.id });
	await openReview(group.id, open);
	const draft = await createReview({ groupId: group.id, createdBy: owner.id });
	openPath = `/g/${slug}/reviews/${open}`;
	draftPath = `/g/${slug}/reviews/${draft}`;
	scaleKeys = (await questionsOf(open)).filter((q) => q.kind === 'scale').map((q) => q.key);

	// divisions of labor: a task the owner owns (no due day, so no reminder falls due meanwhile),
	// the group's areas and an area of another group
	ownerId = owner.id;
	taskId = await makeOwnedTask(group.id, owner.id, 'Book the hall');
	taskPath = `/g/${slug}/board/${taskId}`;
	outreachId = (await areasOf(group.id)).find((a) => a.name === 'Outreach')!.id;
	const otherGroup = await makeGroup(member.id);
	foreignAreaId = (await areasOf(otherGroup.id))[0].id;
});
afterAll(() => server?.stop());

interface Form {
	path: () => string;
	/** An empty form is a valid request here (every field is optional). */
	emptyAllowed?: boolean;
	signedIn: boolean;
	fields: () => Record<string, string>;
	/** Values of the right type that must still be refused. */
	wrong: () => Record<string, string>[];
}

/** The new-task form as the page sends it: every field present, the optional ones maybe empty. */
const newTask = (overrides: Record<string, string> = {}) => ({
	title: 'Print the leaflets',
	description: 'Two hundred, double-sided.',
	dueOn: '2031-05-12',
	areaId: outreachId,
	recurrence: 'weekly',
	ownerId: memberId,
	...overrides
});
const taskUpdate = (overrides: Record<string, string> = {}) => ({
	taskId,
	title: 'Book the big hall',
	description: '',
	dueOn: '',
	areaId: '',
	recurrence: '',
	...overrides
});

const forms: Record<string, Form> = {
	signup: {
		path: () => '/signup?/signup',
		signedIn: false,
		fields: () => ({ displayName: 'Rosa', email: uniqueEmail(), password: 'plum tractor window' }),
		wrong: () => [
			{ displayName: 'Rosa', email: 'not-an-email', password: 'plum tractor window' },
			{ displayName: '   ', email: uniqueEmail(), password: 'plum tractor window' },
			{ displayName: 'Rosa\u0000', email: uniqueEmail(), password: 'plum tractor window' },
			{ displayName: 'Rosa', email: uniqueEmail(), password: 'short' }
		]
	},
	login: {
		path: () => '/login?/login',
		signedIn: false,
		fields: () => ({ email: uniqueEmail(), password: 'whatever it is' }),
		wrong: () => [{ email: "' or 1=1 --", password: 'x' }]
	},
	createGroup: {
		path: () => '/groups/new?/create',
		signedIn: true,
		fields: () => ({
			name: 'Riverside Renters',
			slug: '',
			purpose: 'Stop evictions on the riverside.'
		}),
		wrong: () => [
			{
				name: 'Riverside Renters',
				slug: 'Not A Slug!',
				purpose: 'Stop evictions on the riverside.'
			},
			{ name: 'Riverside Renters', slug: '', purpose: 'short' },
			{ name: 'x'.repeat(101), slug: '', purpose: 'Stop evictions on the riverside.' }
		]
	},
	changeRole: {
		path: () => `/g/${slug}/members?/changeRole`,
		signedIn: true,
		fields: () => ({ userId: memberId, role: 'facilitator' }),
		wrong: () => [
			{ userId: memberId, role: 'admin' },
			{ userId: 'nobody', role: 'member' }
		]
	},
	remove: {
		path: () => `/g/${slug}/members?/remove`,
		signedIn: true,
		fields: () => ({ userId: memberId }),
		wrong: () => [{ userId: 'nobody' }]
	},
	createInvite: {
		path: () => `/g/${slug}/invites?/create`,
		signedIn: true,
		fields: () => ({ role: 'member', expiresInDays: '7', maxUses: '10' }),
		wrong: () => [
			{ role: 'member', expiresInDays: '3', maxUses: '10' },
			{ role: 'member', expiresInDays: '7', maxUses: 'lots' },
			{ role: 'member', expiresInDays: '7', maxUses: '0' },
			{ role: 'member', expiresInDays: '7', maxUses: '1.5' },
			{ role: 'member', expiresInDays: '7', maxUses: '100000' }
		]
	},
	revokeInvite: {
		path: () => `/g/${slug}/invites?/revoke`,
		signedIn: true,
		fields: () => ({ inviteId }),
		wrong: () => [{ inviteId: 'nope' }]
	},
	changePassword: {
		path: () => '/account?/changePassword',
		signedIn: true,
		fields: () => ({ currentPassword: 'not my password', newPassword: 'violet engine harbour' }),
		wrong: () => [{ currentPassword: 'correct horse battery staple', newPassword: 'password' }]
	},
	submitAnswers: {
		path: () => `${openPath}?/submit`,
		signedIn: true,
		fields: () => Object.fromEntries(scaleKeys.map((k) => [`score:${k}`, '3'])),
		wrong: () => [
			Object.fromEntries(scaleKeys.map((k) => [`score:${k}`, '6'])),
			Object.fromEntries(scaleKeys.map((k) => [`score:${k}`, '2.5'])),
			{
				...Object.fromEntries(scaleKeys.map((k) => [`score:${k}`, '3'])),
				'score:not-a-question': '3'
			},
			{
				...Object.fromEntries(scaleKeys.map((k) => [`score:${k}`, '3'])),
				'answer:raise-issue': 'x'.repeat(4001)
			}
		]
	},
	scheduleReview: {
		path: () => `${draftPath}?/schedule`,
		signedIn: true,
		emptyAllowed: true,
		fields: () => ({ opensAt: '2031-03-01T18:00', closesAt: '2031-03-15T18:00', tzOffset: '0' }),
		wrong: () => [
			{ opensAt: '2020-03-01T18:00', closesAt: '', tzOffset: '0' },
			{ opensAt: '2031-03-15T18:00', closesAt: '2031-03-01T18:00', tzOffset: '0' },
			{ opensAt: 'next tuesday', closesAt: '', tzOffset: '0' },
			{ opensAt: '2031-03-01T18:00', closesAt: '', tzOffset: '9999' }
		]
	},
	groupThreshold: {
		path: () => `/g/${slug}/reviews?/threshold`,
		signedIn: true,
		fields: () => ({ threshold: '6' }),
		wrong: () => [
			{ threshold: '2' },
			{ threshold: '-5' },
			{ threshold: 'five' },
			{ threshold: '4.5' }
		]
	},
	addQuestion: {
		path: () => `${draftPath}/edit?/addQuestion`,
		signedIn: true,
		fields: () => ({
			kind: 'scale',
			title: 'Are meetings fun?',
			prompt: '',
			lowLabel: '',
			highLabel: ''
		}),
		wrong: () => [
			{ kind: 'poll', title: 'Are meetings fun?' },
			{ kind: 'text', title: '' }
		]
	},
	updateQuestion: {
		path: () => `${draftPath}/edit?/updateQuestion`,
		signedIn: true,
		fields: () => ({
			key: 'democracy',
			title: 'Many voices?',
			prompt: '',
			lowLabel: '',
			highLabel: ''
		}),
		wrong: () => [{ key: 'no-such-question', title: 'Many voices?' }]
	},
	moveQuestion: {
		path: () => `${draftPath}/edit?/moveQuestion`,
		signedIn: true,
		fields: () => ({ key: 'democracy', direction: 'up' }),
		wrong: () => [
			{ key: 'democracy', direction: 'sideways' },
			{ key: 'no-such-question', direction: 'up' }
		]
	},
	restatePurpose: {
		path: () => `/g/${slug}/purpose?/restate`,
		signedIn: true,
		fields: () => ({
			text: 'Keep every tenant on our street housed and heard.',
			reason: 'no change at all'
		}),
		wrong: () => [
			{ text: 'short', reason: 'We grew.' },
			{ text: 'A new purpose that is long enough.', reason: '' },
			{ text: 'A new purpose that is long enough.', reason: 'x'.repeat(1001) }
		]
	},
	deleteGroup: {
		path: () => `/g/${slug}/members?/deleteGroup`,
		signedIn: true,
		fields: () => ({ confirmName: 'not the name' }),
		wrong: () => [{ confirmName: '' }, { confirmName: 'Group' }]
	},
	deleteAccount: {
		path: () => '/account?/deleteAccount',
		signedIn: true,
		fields: () => ({ password: 'not my password' }),
		wrong: () => [{ password: '' }]
	},
	createTask: {
		path: () => `/g/${slug}/board/new?/create`,
		signedIn: true,
		fields: () => newTask(),
		wrong: () => [
			newTask({ title: '' }),
			newTask({ title: '   ' }),
			newTask({ title: 'x'.repeat(201) }),
			newTask({ description: 'x'.repeat(5001) }),
			newTask({ dueOn: 'tomorrow' }),
			newTask({ dueOn: '2026-02-30' }),
			newTask({ dueOn: '1999-12-31' }),
			newTask({ recurrence: 'daily' }),
			newTask({ areaId: foreignAreaId }),
			newTask({ areaId: 'nope' }),
			newTask({ ownerId: 'nobody' })
		]
	},
	updateTask: {
		path: () => `${taskPath}?/update`,
		signedIn: true,
		fields: () => taskUpdate(),
		wrong: () => [
			taskUpdate({ title: '' }),
			taskUpdate({ title: 'x'.repeat(201) }),
			taskUpdate({ dueOn: 'tomorrow' }),
			taskUpdate({ dueOn: '2026-02-30' }),
			taskUpdate({ recurrence: 'daily' }),
			taskUpdate({ areaId: foreignAreaId }),
			taskUpdate({ areaId: 'nope' }),
			taskUpdate({ taskId: 'nope' })
		]
	},
	moveTask: {
		path: () => `${taskPath}?/move`,
		signedIn: true,
		fields: () => ({ taskId, status: 'doing' }),
		wrong: () => [
			{ taskId, status: 'archived' },
			{ taskId, status: 'DONE' },
			{ taskId: 'nope', status: 'doing' }
		]
	},
	assignTask: {
		path: () => `${taskPath}?/assign`,
		signedIn: true,
		fields: () => ({ taskId, userId: memberId }),
		wrong: () => [
			{ taskId, userId: 'nobody' },
			{ taskId, userId: ownerId },
			{ taskId: 'nope', userId: memberId }
		]
	},
	delegateTask: {
		path: () => `${taskPath}?/delegate`,
		signedIn: true,
		fields: () => ({ taskId, userId: memberId, note: 'You know the caretaker.' }),
		wrong: () => [
			{ taskId, userId: memberId, note: 'x'.repeat(501) },
			{ taskId, userId: 'nobody', note: '' },
			{ taskId, userId: ownerId, note: '' },
			{ taskId: 'nope', userId: memberId, note: '' }
		]
	},
	archiveTask: {
		path: () => `${taskPath}?/archive`,
		signedIn: true,
		fields: () => ({ taskId }),
		wrong: () => [{ taskId: 'nope' }]
	},
	commentOnTask: {
		path: () => `${taskPath}?/comment`,
		signedIn: true,
		fields: () => ({ taskId, body: 'I can do Tuesday.' }),
		wrong: () => [
			{ taskId, body: '' },
			{ taskId, body: '  \n ' },
			{ taskId, body: 'x'.repeat(2001) },
			{ taskId: 'nope', body: 'I can do Tuesday.' }
		]
	},
	addArea: {
		path: () => `/g/${slug}/areas?/add`,
		signedIn: true,
		fields: () => ({ name: 'Repairs' }),
		wrong: () => [
			{ name: '' },
			{ name: 'x'.repeat(61) },
			{ name: 'outreach' },
			{ name: '  OUTREACH ' }
		]
	},
	renameArea: {
		path: () => `/g/${slug}/areas?/rename`,
		signedIn: true,
		fields: () => ({ areaId: outreachId, name: 'Door knocking' }),
		wrong: () => [
			{ areaId: outreachId, name: '' },
			{ areaId: outreachId, name: 'x'.repeat(61) },
			{ areaId: outreachId, name: 'FINANCES' },
			{ areaId: 'nope', name: 'Door knocking' },
			{ areaId: foreignAreaId, name: 'Door knocking' }
		]
	},
	preferences: {
		path: () => '/account?/preferences',
		signedIn: true,
		fields: () => ({
			task_assigned: 'email',
			task_due: 'in_app',
			review_opened: 'none',
			review_closing: 'email',
			review_closed: 'email'
		}),
		wrong: (): Record<string, string>[] => [
			{
				task_assigned: 'sms',
				task_due: 'email',
				review_opened: 'email',
				review_closing: 'email',
				review_closed: 'email'
			},
			{
				task_assigned: 'EMAIL',
				task_due: 'email',
				review_opened: 'email',
				review_closing: 'email',
				review_closed: 'email'
			},
			{ task_assigned: 'email', task_due: 'email', review_opened: 'email' }
		]
	},
	// An unknown notice id marks nothing and is answered as a success: only what is not an id is
	// wrong here.
	readNotification: {
		path: () => '/notifications?/read',
		signedIn: true,
		fields: () => ({ id: 'nope' }),
		wrong: () => [{ id: 'x'.repeat(65) }]
	}
};

async function expectRefused(send: () => Promise<Response>, status?: number) {
	const before = await snapshot();
	const response = await send();
	expect(response.status).toBeGreaterThanOrEqual(400);
	expect(response.status).toBeLessThan(500);
	if (status) expect(response.status).toBe(status);
	const message = await messageOf(response);
	expect(message.length, 'a message for the person').toBeGreaterThan(10);
	expect(await snapshot()).toEqual(before);
	return message;
}

describe.each(Object.entries(forms))('bad input to %s', (_name, form) => {
	const cookie = () => (form.signedIn ? ownerCookie : undefined);

	if (!form.emptyAllowed) {
		it('empty form', () =>
			expectRefused(() => http.post(form.path(), {}, { cookie: cookie() }), 400));
	}

	it('a 1 MB field', async () => {
		const fields = { ...form.fields() };
		const first = Object.keys(fields)[0];
		fields[first] = 'x'.repeat(1024 * 1024);
		const message = await expectRefused(
			() => http.post(form.path(), fields, { cookie: cookie() }),
			413
		);
		expect(message).toMatch(/too much to send/);
	});

	it('a 10 KB value in every field', () => {
		const fields = Object.fromEntries(
			Object.keys(form.fields()).map((k) => [k, 'é'.repeat(10_000)])
		);
		// 400 from validation, or 413 when the form has so many fields that it exceeds 256 KB
		return expectRefused(() => http.post(form.path(), fields, { cookie: cookie() }));
	});

	it('a file where text belongs', async () => {
		const body = new FormData();
		for (const [key, value] of Object.entries(form.fields())) body.set(key, value);
		const first = Object.keys(form.fields())[0];
		body.set(first, new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
		const message = await expectRefused(
			() => http.post(form.path(), body, { cookie: cookie() }),
			400
		);
		expect(message).toMatch(/must be text, not a file/);
	});

	it('a field sent twice', async () => {
		const fields = Object.entries(form.fields());
		const message = await expectRefused(
			() => http.post(form.path(), [...fields, fields[0]], { cookie: cookie() }),
			400
		);
		expect(message).toMatch(/more than once/);
	});

	it('JSON instead of a form', () =>
		expectRefused(() =>
			fetch(server.url + form.path(), {
				method: 'POST',
				body: JSON.stringify(form.fields()),
				headers: {
					'content-type': 'application/json',
					accept: 'text/html',
					origin: server.url,
					...(cookie() ? { cookie: cookie()! } : {})
				},
				redirect: 'manual'
			})
		));

	it('values of the right shape that are still wrong', async () => {
		for (const fields of form.wrong()) {
			await expectRefused(() => http.post(form.path(), fields, { cookie: cookie() }));
		}
	});
});

describe('duplicate submissions', () => {
	it('a review title of 10 KB is refused and no review is created', async () => {
		await expectRefused(
			() =>
				http.post(
					`/g/${slug}/reviews?/create`,
					{ title: 'q'.repeat(10_000) },
					{ cookie: ownerCookie }
				),
			400
		);
	});

	it('signing up twice with one email creates one account', async () => {
		const fields = forms.signup.fields();
		expect((await http.post('/signup?/signup', fields)).status).toBe(303);
		const message = await expectRefused(() => http.post('/signup?/signup', fields), 400);
		expect(message).toMatch(/already exists/);
	});

	it('creating a group at a taken address suggests another and creates nothing', async () => {
		const fields = {
			name: 'Harbour Tenants',
			slug: `harbour-${Date.now()}`,
			purpose: 'Keep the harbour flats affordable.'
		};
		expect((await http.post('/groups/new?/create', fields, { cookie: ownerCookie })).status).toBe(
			303
		);
		const message = await expectRefused(
			() => http.post('/groups/new?/create', fields, { cookie: ownerCookie }),
			400
		);
		expect(message).toMatch(/is taken\. How about "harbour-tenants/);
	});

	it('revoking a link twice', async () => {
		const fields = forms.revokeInvite.fields();
		expect(
			(await http.post(forms.revokeInvite.path(), fields, { cookie: ownerCookie })).status
		).toBe(200);
		const message = await expectRefused(
			() => http.post(forms.revokeInvite.path(), fields, { cookie: ownerCookie }),
			400
		);
		expect(message).toMatch(/already revoked/);
	});
});

describe('divisions of labor: the status says why', () => {
	const post = (path: string, fields: Record<string, string>) =>
		expectRefused(() => http.post(path, fields, { cookie: ownerCookie }));

	it('an area name taken in another case is a conflict, on adding and on renaming', async () => {
		const added = await expectRefused(
			() => http.post(`/g/${slug}/areas?/add`, { name: 'outreach' }, { cookie: ownerCookie }),
			409
		);
		expect(added).toMatch(/already an area with that name/);
		await expectRefused(
			() =>
				http.post(
					`/g/${slug}/areas?/rename`,
					{ areaId: outreachId, name: 'FINANCES' },
					{ cookie: ownerCookie }
				),
			409
		);
	});

	it('an unknown task or area is not found', async () => {
		await expectRefused(
			() =>
				http.post(
					`${taskPath}?/move`,
					{ taskId: 'nope', status: 'doing' },
					{ cookie: ownerCookie }
				),
			404
		);
		await expectRefused(
			() =>
				http.post(
					`/g/${slug}/areas?/rename`,
					{ areaId: foreignAreaId, name: 'Door knocking' },
					{ cookie: ownerCookie }
				),
			404
		);
	});

	it('a person who is not a member cannot be given a task; an owner cannot be added twice', async () => {
		expect(await post(`/g/${slug}/board/new?/create`, newTask({ ownerId: 'nobody' }))).toMatch(
			/not a member/
		);
		expect(await post(`${taskPath}?/assign`, { taskId, userId: 'nobody' })).toMatch(/not a member/);
		await expectRefused(
			() => http.post(`${taskPath}?/assign`, { taskId, userId: ownerId }, { cookie: ownerCookie }),
			409
		);
	});

	it('a repeat that is not offered is named in the message', async () => {
		expect(await post(`/g/${slug}/board/new?/create`, newTask({ recurrence: 'daily' }))).toMatch(
			/weekly, monthly, quarterly/
		);
	});

	it('the optional fields may be left out of the form', async () => {
		// refused for the owner, not for the missing due day, area and repeat
		expect(
			await post(`/g/${slug}/board/new?/create`, { title: 'Print', ownerId: 'nobody' })
		).toMatch(/not a member/);
		expect(await post(`${taskPath}?/delegate`, { taskId, userId: 'nobody' })).toMatch(
			/not a member/
		);
	});

	it('a day that does not exist is a form error, not a server error', async () => {
		for (const dueOn of ['2026-02-30', '2026-02-32', '2026-13-01', '2026-00-10']) {
			const message = await expectRefused(
				() =>
					http.post(`/g/${slug}/board/new?/create`, newTask({ dueOn }), { cookie: ownerCookie }),
				400
			);
			expect(message).toMatch(/as a day/);
		}
	});
});
