// Property-based fuzzing (fast-check) of every form action and page with generated and hostile
// input: wrong types, huge strings, unicode edge cases, missing, extra and repeated fields,
// SQL and HTML injection. Never a 5xx; every 4xx says why in words; a refused request leaves
// the database as it was. And stored text comes back as text, never as markup.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areasOf } from '$lib/server/areas';
import { resetCalendarToken } from '$lib/server/calendar';
import { notificationKinds, taskStatuses } from '$lib/server/db/work-schema';
import { defaultInstrument } from '$lib/server/instrument';
import { createInvite } from '$lib/server/invites';
import { closeReview, openReview } from '$lib/server/review-lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews';
import { createTask } from '$lib/server/tasks';
import { runReminders } from '$lib/server/work-scheduler';
import {
	addMember,
	defaultPassword,
	makeGroup,
	makeUser,
	sessionCookie,
	uniqueEmail
} from '../support/factories';
import { client, messageOf } from '../support/http';
import { discoverEndpoints } from '../support/routes';
import { startServer, type RunningServer } from '../support/server';
import { snapshot } from '../support/snapshot';

/** Runs per form action and per page; kept modest so the whole file stays near a minute. */
const actionRuns = 20;
const pageRuns = 15;

let server: RunningServer;
let http: ReturnType<typeof client>;

beforeAll(async () => {
	server = await startServer();
	http = client(server.url);
});
afterAll(() => server?.stop());

// ---------------------------------------------------------------------------------------------
// A world: a group with an owner, a facilitator and a member, reviews in each state, a task,
// areas and an invitation. Every form action gets a world of its own, so an action that
// destroys (deleteGroup, deleteAccount, leave, remove, archive, logout, changePassword) can
// only spoil its own later runs, never another action's.

async function world() {
	const owner = await makeUser();
	const member = await makeUser();
	const facilitator = await makeUser();
	const groupName = `Fuzz ${crypto.randomUUID().slice(0, 8)}`;
	const group = await makeGroup(owner.id, { name: groupName });
	await addMember(group.id, member.id, 'member');
	await addMember(group.id, facilitator.id, 'facilitator');
	const active = await createInvite({
		groupId: group.id,
		role: 'member',
		expiresInDays: 7,
		maxUses: 5,
		createdBy: owner.id
	});
	const reviews = {
		draft: await createReview({ groupId: group.id, createdBy: owner.id }),
		open: await createReview({ groupId: group.id, createdBy: owner.id }),
		closed: await createReview({ groupId: group.id, createdBy: owner.id })
	};
	await openReview(group.id, reviews.closed);
	await closeReview(group.id, reviews.closed);
	await openReview(group.id, reviews.open);
	const task = await createTask(
		{ userId: owner.id, groupId: group.id, role: 'owner' },
		{
			title: 'Print flyers',
			description: '',
			dueOn: null,
			areaId: null,
			recurrence: null,
			ownerIds: [member.id]
		}
	);
	if (!task.ok) throw new Error('could not create the task');
	const calendarToken = await resetCalendarToken(owner.id);
	// What the server's scheduler would do on its next tick (the "review opened" notices of the
	// reviews just opened), done now: a tick in the middle of a request would change the database
	// under a check that it did not change.
	await runReminders();
	return {
		owner,
		member,
		facilitator,
		group: { ...group, name: groupName },
		ownerCookie: await sessionCookie(owner.id),
		memberCookie: await sessionCookie(member.id),
		inviteId: active.id,
		inviteToken: active.token,
		calendarToken,
		reviews,
		taskId: task.value,
		areaIds: (await areasOf(group.id)).map((a) => a.id),
		openKeys: (await questionsOf(reviews.open)).map((q) => ({ key: q.key, kind: q.kind })),
		draftKeys: (await questionsOf(reviews.draft)).map((q) => q.key)
	};
}
type World = Awaited<ReturnType<typeof world>>;

// ---------------------------------------------------------------------------------------------
// What each action reads: its field names, with values it would accept. The fuzz picks from
// these as often as from hostile values, so that it gets past the first check of a form.

type Fields = Record<string, string[]>;
interface ActionSpec {
	fields: (w: World) => Fields;
	/** Which of the world's reviews stands for [review]. */
	review?: 'draft' | 'open' | 'closed';
	signedOut?: boolean;
}

const task = (w: World): Fields => ({ taskId: [w.taskId, 'nope'] });
const person = (w: World): Fields => ({
	...task(w),
	userId: [w.member.id, w.facilitator.id, w.owner.id]
});
const taskFields = (w: World): Fields => ({
	title: ['Book the hall'],
	description: ['', 'Two hundred, double-sided.'],
	dueOn: ['', '2031-05-12', '2026-02-30'],
	areaId: ['', ...w.areaIds],
	recurrence: ['', 'weekly', 'monthly', 'quarterly']
});
const wording: Fields = {
	title: ['Are meetings fun?'],
	prompt: ['', 'Say why.'],
	lowLabel: ['', 'Never'],
	highLabel: ['', 'Always']
};

const actions: Record<string, ActionSpec> = {
	'POST /account?/calendar': { fields: () => ({}) },
	'POST /account?/changePassword': {
		fields: () => ({
			currentPassword: [defaultPassword, 'not my password'],
			newPassword: ['violet engine harbour', 'password']
		})
	},
	'POST /account?/deleteAccount': { fields: () => ({ password: [defaultPassword, ''] }) },
	'POST /account?/preferences': {
		fields: () => Object.fromEntries(notificationKinds.map((k) => [k, ['email', 'in_app', 'none']]))
	},
	'POST /g/[group]/areas?/add': { fields: () => ({ name: ['Repairs', 'outreach'] }) },
	'POST /g/[group]/areas?/hold': {
		fields: (w) => ({ areaId: w.areaIds, userId: [w.member.id, w.owner.id] })
	},
	'POST /g/[group]/areas?/release': {
		fields: (w) => ({ areaId: w.areaIds, userId: [w.member.id, w.owner.id] })
	},
	'POST /g/[group]/areas?/remove': { fields: (w) => ({ areaId: w.areaIds }) },
	'POST /g/[group]/areas?/rename': {
		fields: (w) => ({ areaId: w.areaIds, name: ['Door knocking', 'FINANCES'] })
	},
	'POST /g/[group]/board/[task]?/archive': { fields: task },
	'POST /g/[group]/board/[task]?/assign': { fields: person },
	'POST /g/[group]/board/[task]?/comment': {
		fields: (w) => ({ ...task(w), body: ['I can do Tuesday.'] })
	},
	'POST /g/[group]/board/[task]?/delegate': {
		fields: (w) => ({ ...person(w), note: ['', 'You know the caretaker.'] })
	},
	'POST /g/[group]/board/[task]?/move': {
		fields: (w) => ({ ...task(w), status: [...taskStatuses, 'archived'] })
	},
	'POST /g/[group]/board/[task]?/release': { fields: person },
	'POST /g/[group]/board/[task]?/take': { fields: task },
	'POST /g/[group]/board/[task]?/update': {
		fields: (w) => ({ ...task(w), ...taskFields(w) })
	},
	'POST /g/[group]/board/new?/create': {
		fields: (w) => ({
			...taskFields(w),
			ownerId: ['', w.member.id],
			review: ['', w.reviews.closed, w.reviews.open],
			dimension: ['', 'democracy'],
			text: ['']
		})
	},
	'POST /g/[group]/board?/move': {
		fields: (w) => ({ ...task(w), status: [...taskStatuses] })
	},
	'POST /g/[group]/board?/take': { fields: task },
	'POST /g/[group]/invites?/create': {
		fields: () => ({
			role: ['member', 'facilitator', 'owner'],
			note: ['', 'For the Tuesday crowd'],
			expiresInDays: ['1', '7', '30'],
			maxUses: ['1', '10', '500']
		})
	},
	'POST /g/[group]/invites?/revoke': { fields: (w) => ({ inviteId: [w.inviteId] }) },
	'POST /g/[group]/members?/changeRole': {
		fields: (w) => ({
			userId: [w.member.id, w.facilitator.id, w.owner.id],
			role: ['member', 'facilitator', 'owner']
		})
	},
	// the real name is offered: a run that deletes the group leaves later runs of this action
	// only 404s, which is fine, as this world is its own
	'POST /g/[group]/members?/deleteGroup': { fields: (w) => ({ confirmName: [w.group.name] }) },
	// the owner is the group's only owner, so leaving is always refused (409)
	'POST /g/[group]/members?/leave': { fields: () => ({}) },
	'POST /g/[group]/members?/remove': {
		fields: (w) => ({ userId: [w.member.id, w.owner.id] })
	},
	'POST /g/[group]/purpose?/restate': {
		fields: () => ({
			text: ['Keep every tenant on our street housed and heard.'],
			reason: ['We grew.']
		})
	},
	'POST /g/[group]/reviews/[review]/edit?/addQuestion': {
		review: 'draft',
		fields: () => ({ kind: ['scale', 'text'], ...wording })
	},
	'POST /g/[group]/reviews/[review]/edit?/addStandard': {
		review: 'draft',
		fields: () => ({ standardKey: defaultInstrument.map((q) => q.key) })
	},
	'POST /g/[group]/reviews/[review]/edit?/moveQuestion': {
		review: 'draft',
		fields: (w) => ({ key: w.draftKeys, direction: ['up', 'down'] })
	},
	'POST /g/[group]/reviews/[review]/edit?/removeQuestion': {
		review: 'draft',
		fields: (w) => ({ key: w.draftKeys })
	},
	'POST /g/[group]/reviews/[review]/edit?/rename': {
		review: 'draft',
		fields: () => ({ title: ['Spring check-up'] })
	},
	'POST /g/[group]/reviews/[review]/edit?/updateQuestion': {
		review: 'draft',
		fields: (w) => ({ key: w.draftKeys, ...wording })
	},
	'POST /g/[group]/reviews/[review]?/close': { review: 'open', fields: () => ({}) },
	// the group already has an open review, so opening the draft is refused (409)
	'POST /g/[group]/reviews/[review]?/open': { review: 'draft', fields: () => ({}) },
	'POST /g/[group]/reviews/[review]?/remind': { review: 'open', fields: () => ({}) },
	'POST /g/[group]/reviews/[review]?/schedule': {
		review: 'draft',
		fields: () => ({
			opensAt: ['', '2031-03-01T18:00', '2020-03-01T18:00'],
			closesAt: ['', '2031-03-15T18:00'],
			tzOffset: ['0', '-120', '840']
		})
	},
	'POST /g/[group]/reviews/[review]?/submit': {
		review: 'open',
		fields: (w) =>
			Object.fromEntries(
				w.openKeys.flatMap(({ key, kind }) =>
					kind === 'scale'
						? [
								[`score:${key}`, ['1', '3', '5']],
								[`comment:${key}`, ['', 'Fine.']]
							]
						: [[`answer:${key}`, ['', 'More outreach.']]]
				)
			)
	},
	'POST /g/[group]/reviews?/create': { fields: () => ({ title: ['', 'Spring check-up'] }) },
	'POST /g/[group]/reviews?/threshold': { fields: () => ({ threshold: ['3', '6', '100'] }) },
	'POST /groups/new?/create': {
		fields: () => ({
			name: ['Riverside Renters'],
			slug: ['', 'riverside'],
			purpose: ['Stop evictions on the riverside.']
		})
	},
	// the owner is already in the group: accepting sends them to it (303)
	'POST /invite/[token]?/accept': { fields: () => ({}) },
	'POST /login?/login': {
		signedOut: true,
		fields: (w) => ({
			email: [w.owner.email, uniqueEmail()],
			password: [defaultPassword, 'wrong'],
			next: ['', '/tasks', '//evil.example', 'javascript:alert(1)']
		})
	},
	// ends the world's owner session: later runs of this action are signed out (303 to /login)
	'POST /logout?/logout': { fields: () => ({}) },
	'POST /notifications?/read': { fields: () => ({ id: ['nope'] }) },
	'POST /notifications?/readAll': { fields: () => ({}) },
	'POST /signup?/signup': {
		signedOut: true,
		fields: () => ({
			displayName: ['Rosa'],
			email: [uniqueEmail()],
			password: ['plum tractor window', 'short'],
			next: ['', '/tasks', '//evil.example']
		})
	},
	// the token in the path is fuzzed as well (see tokenSegment)
	'POST /unsubscribe/[token]?/unsubscribe': { fields: () => ({}) }
};

/** Every field name a form of the app uses, for a field sent to the wrong form. */
const appFieldNames = [
	...new Set(
		[
			...Object.values(actions).flatMap((spec) =>
				Object.keys(
					spec.fields({
						areaIds: ['a'],
						draftKeys: ['k'],
						openKeys: [{ key: 'k', kind: 'scale' }],
						member: { id: 'm' },
						facilitator: { id: 'f' },
						owner: { id: 'o', email: 'o@example.org' },
						group: { name: 'g' },
						reviews: { draft: 'd', open: 'o', closed: 'c' },
						taskId: 't',
						inviteId: 'i'
					} as unknown as World)
				)
			),
			'id',
			'status',
			'show',
			'area',
			'owner',
			'a',
			'b'
		].map((name) => name.replace(/:k$/, ':democracy'))
	)
];

// ---------------------------------------------------------------------------------------------
// Hostile values.

const injections = [
	"'; drop table user; --",
	"' or 1=1 --",
	'" or ""="',
	'1; select * from session',
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'"><svg onload=alert(1)>',
	'javascript:alert(1)',
	'{{7*7}}',
	'${7*7}',
	'%00',
	'../../../../etc/passwd',
	'__proto__',
	'constructor',
	'[object Object]',
	'null',
	'undefined',
	'true',
	'[]',
	'{}',
	'1e309',
	'-1e309',
	'-0',
	'NaN',
	'Infinity',
	'0x10',
	'1.5',
	'-1',
	'9007199254740993',
	'9'.repeat(400),
	'',
	' ',
	'\t\n\r',
	'\u0000',
	'a\u0000b',
	'\u0007\u001b[31m',
	'\u202e\u200f\u200e',
	'\u200b\u200c\u200d\ufeff',
	'👩‍👩‍👧‍👦🏳️‍🌈',
	'e\u0301\u0301\u0301\u0301',
	'\ufffd\uffff',
	'𝕳𝖊𝖑𝖑𝖔',
	'ﷺ',
	'2026-02-30',
	'2031-03-01T25:61',
	'-99999-01-01'
];

const hugeString = fc
	.record({
		length: fc.integer({ min: 10_000, max: 300_000 }),
		unit: fc.constantFrom('x', 'é', '😀', '<', '%', '\u0000', 'a ')
	})
	.map(({ length, unit }) => unit.repeat(Math.ceil(length / unit.length)));

const hostileValue = fc.oneof(
	{ weight: 5, arbitrary: fc.constantFrom(...injections) },
	{ weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
	{ weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
	{ weight: 1, arbitrary: fc.integer().map(String) },
	{ weight: 1, arbitrary: fc.double().map(String) },
	{ weight: 1, arbitrary: hugeString }
);

/** A value of the field's own kind, bent: padded, shouted, cut, repeated or poisoned. */
const bent = (valid: string[]) =>
	fc
		.record({
			value: fc.constantFrom(...valid),
			how: fc.constantFrom('pad', 'upper', 'nul', 'repeat', 'suffix', 'rtl')
		})
		.map(({ value, how }) =>
			how === 'pad'
				? `  ${value}  `
				: how === 'upper'
					? value.toUpperCase()
					: how === 'nul'
						? `${value}\u0000`
						: how === 'repeat'
							? value.repeat(50)
							: how === 'rtl'
								? `\u202e${value}`
								: `${value}'; drop table task; --`
		);

const valueFor = (valid: string[] | undefined) =>
	valid && valid.length > 0
		? fc.oneof(
				{ weight: 4, arbitrary: fc.constantFrom(...valid) },
				{ weight: 1, arbitrary: bent(valid) },
				{ weight: 4, arbitrary: hostileValue }
			)
		: hostileValue;

const junkName = fc.oneof(
	fc.constantFrom(
		'__proto__',
		'constructor',
		'prototype',
		'toString',
		'hasOwnProperty',
		'score:',
		'answer:',
		'a[]',
		'a[0]',
		'a.b',
		'',
		' ',
		'\u0000',
		'<script>',
		"name'--",
		'x'.repeat(2000)
	),
	fc.string({ maxLength: 40 }),
	fc.constantFrom(...appFieldNames)
);

type Encoding = 'urlencoded' | 'multipart' | 'file' | 'json' | 'text';
interface Body {
	pairs: [string, string][];
	encoding: Encoding;
}

/** A form for `fields`: some real fields left out, hostile values in, extra and repeated keys. */
function formArbitrary(fields: Fields) {
	const names = Object.keys(fields);
	const realPair = (name: string) => fc.tuple(fc.constant(name), valueFor(fields[name]));
	const extra = fc
		.oneof(
			...(names.length > 0
				? [{ weight: 3, arbitrary: fc.constantFrom(...names) }]
				: ([] as { weight: number; arbitrary: fc.Arbitrary<string> }[])),
			{ weight: 2, arbitrary: junkName }
		)
		.chain((name) => fc.tuple(fc.constant(name), valueFor(fields[name])));
	return fc
		.record({
			// every real field present (then some taken out), as a page's form sends it
			present: names.length > 0 ? fc.subarray(names) : fc.constant([] as string[]),
			values: fc.tuple(...names.map(realPair)),
			extras: fc.array(extra, { maxLength: 6 }),
			// a field sent twice, by index into the form
			repeat: fc.option(fc.nat(), { freq: 4 }),
			encoding: fc.constantFrom<Encoding>(
				'urlencoded',
				'urlencoded',
				'urlencoded',
				'urlencoded',
				'multipart',
				'multipart',
				'file',
				'json',
				'text'
			)
		})
		.map(({ present, values, extras, repeat, encoding }): Body => {
			const kept = new Set(present);
			const pairs: [string, string][] = (values as [string, string][]).filter(([name]) =>
				kept.has(name)
			);
			for (const [name, value] of extras) {
				const at = pairs.findIndex(([n]) => n === name);
				if (at >= 0) pairs[at] = [name, value];
				else pairs.push([name, value]);
			}
			if (repeat !== null && pairs.length > 0) pairs.push(pairs[repeat % pairs.length]);
			return { pairs, encoding };
		});
}

function send(path: string, body: Body, cookie: string | undefined) {
	const options = { cookie };
	if (body.encoding === 'urlencoded') return http.post(path, body.pairs, options);
	if (body.encoding === 'multipart' || body.encoding === 'file') {
		const form = new FormData();
		body.pairs.forEach(([name, value], i) => {
			if (body.encoding === 'file' && i === 0)
				form.append(name, new Blob([value], { type: 'text/plain' }), 'hello.txt');
			else form.append(name, value);
		});
		return http.post(path, form, options);
	}
	return fetch(server.url + path, {
		method: 'POST',
		body:
			body.encoding === 'json'
				? JSON.stringify(Object.fromEntries(body.pairs))
				: body.pairs.map(([k, v]) => `${k}=${v}`).join('\n'),
		headers: {
			'content-type': body.encoding === 'json' ? 'application/json' : 'text/plain',
			accept: 'text/html',
			origin: server.url,
			...(cookie ? { cookie } : {})
		},
		redirect: 'manual'
	});
}

// ---------------------------------------------------------------------------------------------
// The properties.

/** A sentence a person can act on: not empty, not a stack trace, not the framework's default. */
function expectHumanMessage(message: string, status: number) {
	expect(message, `status ${status} needs a message`).toMatch(/\p{L}{2,}.*\s.*\p{L}{2,}/su);
	expect(message).not.toMatch(/Internal Error|^Error:|\n\s+at \S|node_modules|\.(ts|js):\d+/);
}

// Rows the server's own background work writes (reminders delivered as notices and mail): a
// change there between two snapshots may be the scheduler, not the request.
const backgroundTables = new Set(['reminder', 'notification', 'mail']);

function changedTables(before: Record<string, unknown[]>, after: Record<string, unknown[]>) {
	return Object.keys({ ...before, ...after }).filter(
		(name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])
	);
}

/** Waits until two snapshots a moment apart agree: work kicked off by a success is done. */
async function settle() {
	let last = JSON.stringify(await snapshot());
	for (let i = 0; i < 20; i++) {
		await new Promise((resolve) => setTimeout(resolve, 150));
		const now = JSON.stringify(await snapshot());
		if (now === last) return;
		last = now;
	}
}

/**
 * One request, with the properties every answer must have. A 4xx must leave the database as it
 * was; a change limited to the background tables is looked at again once, on a resend.
 */
async function check(path: string, body: Body, cookie: string | undefined, resend = true) {
	const before = await snapshot();
	const response = await send(path, body, cookie);
	const status = response.status;
	const described = `${status} for POST ${path} with ${summarize(body)}`;
	expect(status, described).toBeLessThan(500);
	if (status < 400) {
		await response.body?.cancel();
		// a success may have kicked off reminder delivery: let it finish before the next snapshot
		await settle();
		return status;
	}
	expectHumanMessage(await messageOf(response), status);
	const after = await snapshot();
	const changed = changedTables(before, after);
	if (changed.length > 0 && resend && changed.every((name) => backgroundTables.has(name))) {
		await settle();
		return check(path, body, cookie, false);
	}
	expect(changed, `tables changed by a refused request: ${described}`).toEqual([]);
	return status;
}

function summarize(body: Body) {
	const short = (s: string) => (s.length > 60 ? `${JSON.stringify(s.slice(0, 60))}…(${s.length})` : JSON.stringify(s));
	return `${body.encoding} [${body.pairs.map(([k, v]) => `${short(k)}=${short(v)}`).join(', ')}]`;
}

/** A path segment standing for a token or id that is not one. */
const junkSegment = fc.oneof(
	fc.constantFrom(
		'nope',
		'%00',
		'%E0%A4%A',
		'%ZZ',
		'%',
		'..%2F..%2Fetc%2Fpasswd',
		'%3Cscript%3Ealert(1)%3C%2Fscript%3E',
		"'%20or%201=1--",
		'x'.repeat(5000),
		'a.ics',
		'.ics',
		'%F0%9F%98%80',
		'%2e%2e'
	),
	fc.string({ minLength: 1, maxLength: 120 }).map(encodeURIComponent),
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map(encodeURIComponent)
);

function pathOf(route: string, w: World, review: keyof World['reviews'], token: string) {
	return route
		.replace('[group]', w.group.slug)
		.replace('[review]', w.reviews[review])
		.replace('[task]', w.taskId)
		.replace('[member]', w.member.id)
		.replace('[token]', token);
}

describe('fuzzing every form action', () => {
	it('has a spec for every form action', () => {
		expect(Object.keys(actions).sort()).toEqual(
			discoverEndpoints().filter((e) => e.startsWith('POST ') && e.includes('?/'))
		);
	});

	for (const [endpoint, spec] of Object.entries(actions)) {
		it(
			endpoint,
			async () => {
				const w = await world();
				const route = endpoint.slice('POST '.length);
				const cookie = spec.signedOut ? undefined : w.ownerCookie;
				const token = route.startsWith('/invite/')
					? fc.constant(w.inviteToken)
					: route.startsWith('/unsubscribe/')
						? junkSegment
						: fc.constant('');
				const statuses: number[] = [];
				await fc.assert(
					fc.asyncProperty(formArbitrary(spec.fields(w)), token, async (body, segment) => {
						const path = pathOf(route, w, spec.review ?? 'draft', segment);
						statuses.push(await check(path, body, cookie));
					}),
					{ numRuns: actionRuns }
				);
				// the fuzz reached the action: not every request stopped at the same answer
				expect(statuses.length).toBeGreaterThanOrEqual(actionRuns);
			},
			120_000
		);
	}
});

// ---------------------------------------------------------------------------------------------
// Pages and endpoints: junk route parameters and query strings.

const queryKeys = [
	'show',
	'area',
	'owner',
	'review',
	'dimension',
	'text',
	'a',
	'b',
	'next',
	'farewell',
	'welcome',
	'created',
	'archived',
	'/',
	'__proto__'
];

const queryValue = fc.oneof(
	fc.constantFrom(...injections),
	fc.constantFrom('mine', 'unowned', 'all', 'done', '-1', '0', '99999', 'democracy'),
	fc.string({ maxLength: 200 }),
	fc.string({ unit: 'grapheme', maxLength: 100 }),
	fc.constantFrom('x'.repeat(20_000))
);

const query = fc
	.array(
		fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...queryKeys) }, junkName), queryValue),
		{ maxLength: 6 }
	)
	.map((pairs) => {
		const params = new URLSearchParams();
		for (const [k, v] of pairs) params.append(k, v);
		return params.toString();
	});

describe('fuzzing every page and endpoint', () => {
	let w: World;
	beforeAll(async () => {
		w = await world();
	});

	const gets = discoverEndpoints().filter((e) => e.startsWith('GET '));
	for (const endpoint of gets) {
		const route = endpoint.slice('GET '.length);
		it(
			endpoint,
			async () => {
				const params = [...route.matchAll(/\[(\w+)\]/g)].map(([, name]) => name);
				await fc.assert(
					fc.asyncProperty(
						fc.record({
							// each parameter real or junk
							junk: fc.tuple(...params.map(() => fc.boolean())),
							segment: junkSegment,
							review: fc.constantFrom('draft', 'open', 'closed' as const),
							query,
							who: fc.constantFrom('owner', 'member', 'signedOut')
						}),
						async ({ junk, segment, review, query, who }) => {
							let path = route;
							params.forEach((name, i) => {
								const real = {
									group: w.group.slug,
									review: w.reviews[review as keyof World['reviews']],
									task: w.taskId,
									member: w.member.id,
									token: route.startsWith('/calendar/')
										? `${w.calendarToken}.ics`
										: w.inviteToken
								}[name]!;
								path = path.replace(`[${name}]`, junk[i] ? segment : real);
							});
							const url = query ? `${path}?${query}` : path;
							const cookie =
								who === 'owner' ? w.ownerCookie : who === 'member' ? w.memberCookie : undefined;
							const response = await http.get(url, { cookie });
							expect(response.status, `GET ${url.slice(0, 300)}`).toBeLessThan(500);
							if (response.status >= 400)
								expectHumanMessage(await messageOf(response), response.status);
							else await response.body?.cancel();
						}
					),
					{ numRuns: pageRuns }
				);
			},
			60_000
		);
	}
});

// ---------------------------------------------------------------------------------------------
// Stored text renders as text.

const payload = '<script>window.__x=1</script><img src=x onerror=__y=1>';

/** The page shows the payload escaped, and nowhere as markup (SvelteKit's own data included). */
function expectEscaped(html: string, where: string, mustShow = true) {
	expect(html.toLowerCase(), `raw <script> in ${where}`).not.toContain('<script>window.__x');
	expect(html.toLowerCase(), `raw <img> in ${where}`).not.toContain('<img src=x');
	expect(html, `raw onerror attribute in ${where}`).not.toMatch(/<[a-z]+[^>]*\sonerror=__y/i);
	if (mustShow)
		expect(html, `escaped text in ${where}`).toMatch(/&lt;script(&gt;|>)window\.__x=1&lt;\/script/);
}

describe('stored text renders as text', () => {
	it('titles, names, comments, notes and purposes written through the forms', async () => {
		const owner = await makeUser();
		const ownerCookie = await sessionCookie(owner.id);
		const post = async (path: string, fields: Record<string, string>, cookie = ownerCookie) => {
			const response = await http.post(path, fields, { cookie });
			expect(response.status, `POST ${path}: ${await messageOf(response.clone())}`).toBeLessThan(
				400
			);
			await response.body?.cancel();
			return response;
		};

		// a group named and purposed with the payload, through the new-group form
		const created = await post('/groups/new?/create', {
			name: payload,
			slug: '',
			purpose: `${payload} Keep every tenant housed.`
		});
		const slug = created.headers.get('location')!.match(/\/g\/([^/?]+)/)![1];
		const base = `/g/${slug}`;

		// a person who signs up with the payload as their name and joins by an invitation
		const invite = await post(`${base}/invites?/create`, {
			role: 'member',
			note: payload,
			expiresInDays: '7',
			maxUses: '5'
		});
		const link = decodeURIComponent(
			invite.headers.get('set-cookie')?.match(/new-invite-link=([^;]+)/)?.[1] ?? ''
		);
		const token = link.match(/\/invite\/([^/?]+)/)?.[1];
		expect(token, 'the new invitation link').toBeTruthy();
		const signup = await post(
			'/signup?/signup',
			{ displayName: payload, email: uniqueEmail(), password: 'plum tractor window' },
			''
		);
		const memberCookie = signup.headers.get('set-cookie')!.match(/(session=[^;]+)/)![1];
		await post(`/invite/${token}?/accept`, {}, memberCookie);
		const members = await http.get(`${base}/members`, { cookie: ownerCookie });
		const memberId = (await members.text()).match(/\/members\/([\w-]+)"/g)!
			.map((m) => m.slice('/members/'.length, -1))
			.find((id) => id !== owner.id)!;

		// an area, a task given to the new member, a comment and a handing-on note
		await post(`${base}/areas?/add`, { name: payload });
		const area = await http.get(`${base}/areas`, { cookie: ownerCookie });
		const areaId = (await area.text()).match(/name="areaId" value="([^"]+)"/)![1];
		const newTask = await post(`${base}/board/new?/create`, {
			title: payload,
			description: payload,
			dueOn: '2031-05-12',
			areaId,
			recurrence: '',
			ownerId: memberId
		});
		const taskPath = newTask.headers.get('location')!.split('?')[0];
		const taskId = taskPath.split('/').pop()!;
		await post(`${taskPath}?/comment`, { taskId, body: payload });

		// the purpose restated, a review and a question of it
		await post(`${base}/purpose?/restate`, {
			text: `${payload} Housed and heard.`,
			reason: payload
		});
		const review = await post(`${base}/reviews?/create`, { title: payload });
		const reviewPath = review.headers.get('location')!.split('?')[0].replace(/\/edit$/, '');
		await post(`${reviewPath}/edit?/addQuestion`, {
			kind: 'text',
			title: payload,
			prompt: payload,
			lowLabel: '',
			highLabel: ''
		});

		const pages: [string, string | undefined][] = [
			[base, ownerCookie],
			[`${base}/board`, ownerCookie],
			[`${base}/board?area=${areaId}`, ownerCookie],
			[taskPath, ownerCookie],
			[`${base}/areas`, ownerCookie],
			[`${base}/purpose`, ownerCookie],
			[`${base}/reviews`, ownerCookie],
			[reviewPath, ownerCookie],
			[`${reviewPath}/edit`, ownerCookie],
			[`${base}/invites`, ownerCookie],
			[`${base}/members`, ownerCookie],
			[`${base}/members/${memberId}`, ownerCookie],
			['/tasks', memberCookie],
			['/', ownerCookie],
			// text from the query string is shown on the new-task page, never as markup
			[`${base}/board/new?text=${encodeURIComponent(payload)}`, ownerCookie]
		];
		for (const [path, cookie] of pages) {
			const response = await http.get(path, { cookie });
			expect(response.status, path).toBe(200);
			expectEscaped(await response.text(), path, !path.includes('/board/new'));
		}

		// the member's notice of the task they were given, once the server has delivered it
		let notices = '';
		for (let i = 0; i < 50 && !notices.includes('window.__x'); i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			notices = await (await http.get('/notifications', { cookie: memberCookie })).text();
		}
		expectEscaped(notices, '/notifications');
	}, 60_000);
});
