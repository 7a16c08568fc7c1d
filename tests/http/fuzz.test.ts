// Property-based fuzzing (fast-check) of every form action and page with generated and hostile
// input: wrong types, huge strings, unicode edge cases, missing, extra and repeated fields,
// SQL and HTML injection. Never a 5xx; every 4xx says why in words; a refused request leaves
// the database as it was. And stored text comes back as text, never as markup.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { areasOf } from '$lib/server/tasks/areas';
import { resetCalendarToken } from '$lib/server/tasks/calendar';
import { notificationKinds, taskStatuses } from '$lib/server/db/work-schema';
import { defaultInstrument } from '$lib/server/reviews/instrument';
import { questionsOf } from '$lib/server/reviews/reviews';
import {
	askOutsiders,
	makeSharedLink,
	outsiderQuestionsOf
} from '$lib/server/outsiders/outside-view';
import { runReminders } from '$lib/server/reminders/scheduler';
import { defaultPassword, makeUser, sessionCookie, uniqueEmail } from '../support/factories';
import { client, messageOf } from '../support/http';
import { discoverEndpoints } from '../support/routes';
import { startServer, type RunningServer } from '../support/server';
import { snapshot } from '../support/snapshot';
import { groupWorld } from '../support/world';

// every route the built app has, as SvelteKit loads it
const discovered = await discoverEndpoints();

/** Runs per form action and per page; kept modest so the whole file stays near a minute. */
const actionRuns = 20;
const pageRuns = 15;

let server: RunningServer;
let http: ReturnType<typeof client>;
let serverExit = '';

beforeAll(async () => {
	server = await startServer();
	http = client(server.url);
	server.process.on('exit', (code, signal) => (serverExit = `code ${code}, signal ${signal}`));
});
afterAll(() => server?.stop());

// ---------------------------------------------------------------------------------------------
// A world: a group with an owner, a facilitator and a member, reviews in each state, a task,
// areas and an invitation. Every form action gets a world of its own, so an action that
// destroys (deleteGroup, deleteAccount, leave, remove, archive, logout, changePassword) can
// only spoil its own later runs, never another action's.

async function world() {
	const groupName = `Fuzz ${crypto.randomUUID().slice(0, 8)}`;
	const { owner, member, facilitator, group, invite, reviews, taskId } = await groupWorld({
		name: groupName,
		taskFor: 'member'
	});
	const calendarToken = await resetCalendarToken(owner.id);
	// the open review asks outsiders too, through a shared link that takes every run's answer
	askOutsiders(group.id, reviews.open);
	const shared = makeSharedLink(reviews.open, 1000);
	if (!shared.ok) throw new Error(`makeSharedLink: ${shared.refusal}`);
	// What the server's scheduler would do on its next tick (the "review opened" notices of the
	// reviews just opened), done now: a tick in the middle of a request would change the database
	// under a check that it did not change. (Without SMTP the mail goes to the log: kept quiet.)
	const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
	try {
		await runReminders();
	} finally {
		quiet.mockRestore();
	}
	return {
		owner,
		member,
		facilitator,
		group: { ...group, name: groupName },
		ownerCookie: await sessionCookie(owner.id),
		memberCookie: await sessionCookie(member.id),
		inviteId: invite.id,
		inviteToken: invite.token,
		calendarToken,
		reviews,
		taskId,
		areaIds: (await areasOf(group.id)).map((a) => a.id),
		openKeys: (await questionsOf(reviews.open)).map((q) => ({ key: q.key, kind: q.kind })),
		draftKeys: (await questionsOf(reviews.draft)).map((q) => q.key),
		outsiderToken: shared.value,
		outsiderKeys: outsiderQuestionsOf(reviews.open).map((q) => ({ key: q.key, kind: q.kind }))
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
// a member picker in a group too large to list sends the name typed beside the id picked
const chosenPerson = (w: World): Fields => ({
	...person(w),
	userIdName: ['', 'Nobody by this name']
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

/** An answer form's fields, members' or outsiders': a score and a comment, or an open answer. */
const answerFields = (keys: { key: string; kind: string }[]): Fields =>
	Object.fromEntries(
		keys.flatMap(({ key, kind }) =>
			kind === 'scale'
				? [
						[`score:${key}`, ['1', '3', '5']],
						[`comment:${key}`, ['', 'Fine.']]
					]
				: [[`answer:${key}`, ['', 'More outreach.']]]
		)
	);

const actions: Record<string, ActionSpec> = {
	'POST /?/sample': { fields: () => ({}) },
	// the world's group is not a sample: refused, whatever is sent
	'POST /g/[group]?/deleteSample': { fields: () => ({}) },
	'POST /account?/calendar': { fields: () => ({}) },
	'POST /account?/rename': { fields: () => ({ displayName: ['Rosa Parks', '', '  '] }) },
	'POST /account?/changePassword': {
		fields: () => ({
			currentPassword: [defaultPassword, 'not my password'],
			newPassword: ['violet engine harbour', 'password']
		})
	},
	// the right password is offered, but the owner is their group's only owner: refused (409)
	'POST /account?/deleteAccount': { fields: () => ({ password: [defaultPassword, ''] }) },
	'POST /account?/preferences': {
		fields: () => Object.fromEntries(notificationKinds.map((k) => [k, ['email', 'in_app', 'none']]))
	},
	'POST /g/[group]/areas?/add': { fields: () => ({ name: ['Repairs', 'outreach'] }) },
	'POST /g/[group]/areas?/hold': {
		fields: (w) => ({
			areaId: w.areaIds,
			userId: [w.member.id, w.owner.id],
			userIdName: ['', 'Nobody by this name']
		})
	},
	'POST /g/[group]/areas?/release': {
		fields: (w) => ({ areaId: w.areaIds, userId: [w.member.id, w.owner.id] })
	},
	'POST /g/[group]/areas?/remove': { fields: (w) => ({ areaId: w.areaIds }) },
	'POST /g/[group]/areas?/rename': {
		fields: (w) => ({ areaId: w.areaIds, name: ['Door knocking', 'FINANCES'] })
	},
	'POST /g/[group]/board/[task]?/archive': { fields: task },
	'POST /g/[group]/board/[task]?/assign': { fields: chosenPerson },
	'POST /g/[group]/board/[task]?/comment': {
		fields: (w) => ({ ...task(w), body: ['I can do Tuesday.'] })
	},
	'POST /g/[group]/board/[task]?/delegate': {
		fields: (w) => ({ ...chosenPerson(w), note: ['', 'You know the caretaker.'] })
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
			ownerIdName: ['', 'Nobody by this name'],
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
	// Near misses of the name only: the real name deletes the group (its own world, so no other
	// action would notice), after which every later run would only meet a 404.
	'POST /g/[group]/members?/deleteGroup': {
		fields: (w) => ({
			confirmName: [w.group.name.toUpperCase(), `${w.group.name}.`, w.group.name.slice(1), '']
		})
	},
	// the owner is the group's only owner, so leaving is always refused (409)
	'POST /g/[group]/members?/leave': { fields: () => ({}) },
	'POST /g/[group]/members?/remove': {
		fields: (w) => ({ userId: [w.member.id, w.owner.id] })
	},
	// nobody in the world was removed, so letting someone back is always refused (400)
	'POST /g/[group]/members?/allowBack': {
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
	// near misses of the confirmation only: the real one deletes the review for every later run
	'POST /g/[group]/reviews/[review]?/delete': {
		review: 'closed',
		fields: () => ({ confirm: ['Delete', 'yes', 'deleted', ''] })
	},
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
		fields: (w) => answerFields(w.openKeys)
	},
	// the token in the path is the world's shared link, or junk (see below)
	'POST /o/[token]?/answer': { signedOut: true, fields: (w) => answerFields(w.outsiderKeys) },
	'POST /g/[group]/reviews/[review]/outsiders?/ask': {
		review: 'draft',
		fields: () => ({ 'ask:execution': ['on', 'off', ''], 'ask:direction': ['on', 'yes'] })
	},
	'POST /g/[group]/reviews/[review]/outsiders?/links': {
		review: 'open',
		fields: () => ({ count: ['1', '3', '0', '201', 'ten', '2.5'] })
	},
	// no mail server here: refused (409) whatever is sent
	'POST /g/[group]/reviews/[review]/outsiders?/send': {
		review: 'open',
		fields: () => ({ addresses: ['ally@example.org', 'not an address', ''] })
	},
	'POST /g/[group]/reviews/[review]/outsiders?/shared': {
		review: 'open',
		fields: () => ({ cap: ['1', '50', '0', '1001', 'lots'] })
	},
	// near misses of the confirmation only: the real one closes the view for every later run
	'POST /g/[group]/reviews/[review]/outsiders?/close': {
		review: 'open',
		fields: () => ({ confirm: ['Close', 'yes', ''] })
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
	// ends the world's owner session: later runs of this action are signed out (still 303)
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
	// the token in the path is fuzzed as well (junkSegment)
	'POST /unsubscribe/[token]?/unsubscribe': { fields: () => ({}) },
	'POST /verify-email/[token]?/confirm': { signedOut: true, fields: () => ({}) },
	'POST /reset-password/[token]?/reset': {
		signedOut: true,
		fields: () => ({ password: ['plum tractor window', 'short', ''] })
	},
	'POST /forgot-password?/send': {
		signedOut: true,
		fields: (w) => ({ email: [w.owner.email, uniqueEmail(), 'not an address'] })
	},
	'POST /account?/changeEmail': {
		fields: () => ({
			email: [uniqueEmail(), 'not an address'],
			password: [defaultPassword, 'wrong']
		})
	},
	'POST /account?/sendVerification': { fields: () => ({}) },
	'POST /account?/dismissBanner': {
		fields: () => ({ next: ['/tasks', '//evil.example', 'javascript:alert(1)'] })
	},
	'POST /account?/logOutOthers': { fields: () => ({}) }
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
						outsiderKeys: [{ key: 'purpose-guess', kind: 'text' }],
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

/**
 * A form for `fields`, of one of two shapes, half the runs each:
 * - nearly right: every real field with a value it accepts, but one hostile or bent value in
 *   one of them, so that injection strings and odd unicode get past validation to the database;
 * - wild: real fields left out, hostile values anywhere, extra and repeated keys, and bodies
 *   that are not a form at all (JSON, plain text, a file where text belongs).
 */
function formArbitrary(fields: Fields) {
	const names = Object.keys(fields);
	const validFor = (name: string) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
	const realPair = (name: string) => fc.tuple(fc.constant(name), valueFor(validFor(name)));
	const extra = fc
		.oneof(
			...(names.length > 0
				? [{ weight: 3, arbitrary: fc.constantFrom(...names) }]
				: ([] as { weight: number; arbitrary: fc.Arbitrary<string> }[])),
			{ weight: 2, arbitrary: junkName }
		)
		.chain((name) => fc.tuple(fc.constant(name), valueFor(validFor(name))));

	const nearlyRight =
		names.length === 0 || names.some((name) => fields[name].length === 0)
			? null
			: fc.nat({ max: names.length - 1 }).chain((bad) =>
					fc
						.record({
							values: fc.tuple(...names.map((name) => fc.constantFrom(...fields[name]))),
							value: fc.oneof(hostileValue, bent(fields[names[bad]])),
							multipart: fc.boolean()
						})
						.map(({ values, value, multipart }): Body => {
							const pairs = names.map((name, i): [string, string] => [name, values[i]]);
							pairs[bad] = [names[bad], value];
							return { pairs, encoding: multipart ? 'multipart' : 'urlencoded' };
						})
				);

	const wild = fc
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

	return nearlyRight ? fc.oneof(nearlyRight, wild) : wild;
}

// Each request on a connection of its own: over a kept-alive one, about one request in 200 was
// reset by the server after some 6 s (seen nowhere else yet, and never reproduced alone), which
// only slowed the fuzz down; withRetry still sends such a request again, once.
const fresh = { connection: 'close' };

function send(path: string, body: Body, cookie: string | undefined) {
	const options = { cookie, headers: fresh };
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
			...fresh,
			...(cookie ? { cookie } : {})
		},
		redirect: 'manual'
	});
}

// ---------------------------------------------------------------------------------------------
// The properties.

/**
 * The message a refusal shows, without messageOf's fallback to the first paragraph under the
 * heading: on a form page that is the page's introduction, not a message.
 */
const messageFrom = (response: Response) => messageOf(response, { orFirstParagraph: false });

/** A sentence a person can act on: not empty, not a stack trace, not the framework's default. */
function expectHumanMessage(message: string, status: number, context: string) {
	expect(message, `${context}: a ${status} needs a message`).toMatch(/\p{L}{2,}.*\s.*\p{L}{2,}/su);
	expect(message, context).not.toMatch(
		/Internal Error|^Error:|\n\s+at \S|node_modules|\.(ts|js):\d+/
	);
}

// Rows the server's own background work writes (reminders delivered as notices and mail): a
// change there between two snapshots may be the scheduler, not the request.
const backgroundTables = new Set(['reminder', 'notification', 'mail']);

function changedTables(before: Record<string, unknown[]>, after: Record<string, unknown[]>) {
	return Object.keys({ ...before, ...after }).filter(
		(name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])
	);
}

/**
 * Waits until the server's background work is done: the delivery it kicks off 200 ms after a
 * reminder is made, then two snapshots a moment apart that agree.
 */
async function settle() {
	await new Promise((resolve) => setTimeout(resolve, 400));
	let last = JSON.stringify(await snapshot());
	for (let i = 0; i < 20; i++) {
		await new Promise((resolve) => setTimeout(resolve, 150));
		const now = JSON.stringify(await snapshot());
		if (now === last) return;
		last = now;
	}
}

const maxBodyBytes = 256 * 1024;
const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text).length;
/**
 * What the body weighs on the wire, as `send` encodes it, never less (multipart adds a header of
 * about 100 bytes a field). It must not be much more either: a body thought too large is not
 * resent after a reset, and an earlier estimate (three times the text) let the connection reset
 * of a 116 KB body, which the app had accepted and acted on, pass for a refusal.
 */
function weight(body: Body) {
	switch (body.encoding) {
		case 'urlencoded':
			return bytes(new URLSearchParams(body.pairs).toString());
		case 'json':
			return bytes(JSON.stringify(Object.fromEntries(body.pairs)));
		case 'multipart':
		case 'file':
			return body.pairs.reduce((sum, [k, v]) => sum + bytes(k) + bytes(v) + 150, 0);
		default:
			return bytes(body.pairs.map(([k, v]) => `${k}=${v}`).join('\n'));
	}
}

/**
 * The server answers a body over 256 KB with 413 and closes the connection before reading it.
 * A streamed multipart upload may then fail on the client's side (EPIPE or ECONNRESET) before
 * the 413 can be read: that is a refusal too, but not one whose message can be checked.
 */
function refusedTooLarge(body: Body, error: unknown) {
	const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
	return weight(body) > maxBodyBytes && ['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(code);
}

/**
 * Sends again, once, a request whose connection was reset before any answer came (see `fresh`
 * below). The check around it compares the database from before the first attempt, so a first
 * attempt that did reach the app and changed something would still be caught.
 */
async function withRetry(request: () => Promise<Response>, retry = true) {
	// A kept-alive socket the server has just closed fails the request that reuses it; fetch's
	// pool may hand out another such socket on the next try, so a reset is tried up to 3 times.
	for (let attempt = 1; ; attempt++) {
		try {
			return await request();
		} catch (error) {
			const code = (error as { cause?: { code?: string } }).cause?.code;
			// EPIPE is the same reset, seen while the client was still sending a (small) upload
			const reset = code === 'ECONNRESET' || code === 'EPIPE';
			if (!retry || !reset || attempt === 3 || server.process.exitCode !== null) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}
}

/**
 * One request, with the properties every answer must have: below 500, and a 4xx explains
 * itself and leaves the database as it was. A change limited to the background tables is looked
 * at again once, on a resend.
 */
async function check(
	endpoint: string,
	w: World,
	path: string,
	body: Body,
	cookie: string | undefined,
	resend = true
) {
	const before = await snapshot();
	const context = `POST ${path} with ${summarize(body)}`;
	let response: Response;
	try {
		response = await withRetry(() => send(path, body, cookie), weight(body) <= maxBodyBytes);
	} catch (error) {
		if (!refusedTooLarge(body, error)) throw error;
		expect(changedTables(before, await snapshot()), context).toEqual([]);
		return 413;
	}
	const status = response.status;
	expect(status, context).toBeLessThan(500);
	if (status < 400) {
		// a success may have kicked off reminder delivery: should it land between the snapshots
		// of a later refused request, that request is looked at again (below)
		await response.body?.cancel();
		return status;
	}
	expectHumanMessage(await messageFrom(response), status, context);
	const changed = changedTables(before, await snapshot());
	if (changed.length > 0 && resend && changed.every((name) => backgroundTables.has(name))) {
		await settle();
		return check(endpoint, w, path, body, cookie, false);
	}
	expect(changed, `tables changed by a refused request: ${context}`).toEqual([]);
	return status;
}

const short = (s: string) =>
	s.length > 60 ? `${JSON.stringify(s.slice(0, 60))}…(${s.length} chars)` : JSON.stringify(s);

function summarize(body: Body) {
	return `${body.encoding} [${body.pairs.map(([k, v]) => `${short(k)}=${short(v)}`).join(', ')}]`;
}

/** fast-check's report, with long strings cut so that a failure stays readable. */
function reporter<Ts>(details: fc.RunDetails<Ts>) {
	if (!details.failed) return;
	const value = JSON.stringify(details.counterexample, (_key, v) =>
		typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v
	);
	const error = details.errorInstance as Error & { cause?: { code?: string; message?: string } };
	const cause = `${error?.message ?? ''}${error?.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
	// what the server logged (handleError logs every 5xx with its stack)
	const log = `${server.output().slice(-3000)}${serverExit ? `\n(server exited: ${serverExit})` : ''}`;
	throw new Error(
		`Property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}")\n` +
			`Counterexample: ${value}\n${cause}\nServer log (end):\n${log}`
	);
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
			discovered.filter((e) => e.startsWith('POST ') && e.includes('?/'))
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
					: route.startsWith('/o/')
						? fc.oneof({ weight: 3, arbitrary: fc.constant(w.outsiderToken) }, junkSegment)
						: /^\/(unsubscribe|verify-email|reset-password)\//.test(route)
							? junkSegment
							: fc.constant('');
				await fc.assert(
					fc.asyncProperty(formArbitrary(spec.fields(w)), token, async (body, segment) => {
						const path = pathOf(route, w, spec.review ?? 'draft', segment);
						await check(endpoint, w, path, body, cookie);
					}),
					{ numRuns: actionRuns, reporter }
				);
			},
			120_000
		);
	}
});

// ---------------------------------------------------------------------------------------------
// Pages and endpoints: junk route parameters and query strings.

/** The query parameters each page reads, with values it knows; any page gets the others too. */
const pageQueries: Record<string, (w: World) => Fields> = {
	'/': () => ({ farewell: ['logged-out', 'deleted', 'group-deleted'] }),
	'/login': () => ({
		next: ['/tasks', '//evil.example', 'https://evil.example', '/\\evil.example']
	}),
	'/signup': () => ({ next: ['/tasks', '//evil.example', 'javascript:alert(1)'] }),
	'/g/[group]': () => ({ welcome: ['1'] }),
	'/g/[group]/board': (w) => ({
		show: ['all', 'mine', 'unowned', 'done'],
		area: w.areaIds,
		owner: [w.member.id, w.owner.id],
		archived: ['1']
	}),
	'/g/[group]/board/new': (w) => ({
		review: [w.reviews.closed, w.reviews.open, w.reviews.draft],
		dimension: ['democracy', 'impression'],
		text: ['nope']
	}),
	'/g/[group]/board/[task]': () => ({ created: ['1'] }),
	'/g/[group]/compare': (w) => ({
		a: [w.reviews.closed, w.reviews.open],
		b: [w.reviews.closed, w.reviews.draft]
	})
};
const anyQueryKeys = [
	...['farewell', 'next', 'welcome', 'show', 'area', 'owner', 'archived', 'review', 'dimension'],
	...['text', 'created', 'a', 'b', 'q', 'ownerName']
];

const queryValue = fc.oneof(
	fc.constantFrom(...injections),
	fc.string({ maxLength: 200 }),
	fc.string({ unit: 'grapheme', maxLength: 100 }),
	fc.constant('x'.repeat(20_000))
);

/** A query string: the page's own parameters, right or hostile, then anything else. */
function queryArbitrary(fields: Fields) {
	const own = Object.entries(fields).map(([key, valid]) =>
		fc.option(
			fc.tuple(fc.constant(key), fc.oneof(fc.constantFrom(...valid), bent(valid), queryValue)),
			{ freq: 3 }
		)
	);
	const other = fc.array(
		fc.tuple(
			fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...anyQueryKeys) }, junkName),
			queryValue
		),
		{ maxLength: 4 }
	);
	return fc.tuple(fc.tuple(...own), other).map(([mine, others]) => {
		const params = new URLSearchParams();
		for (const pair of [...mine, ...others]) if (pair) params.append(pair[0], pair[1]);
		return params.toString();
	});
}

/**
 * A page shows no JavaScript internals, as a lookup by a query value that is the name of an
 * Object.prototype member (?farewell=constructor) would. Not asked of a page whose query says
 * "[object Object]" itself.
 */
function expectNoInternals(html: string, url: string, context: string) {
	expect(html, context).not.toContain('[native code]');
	if (!decodeURIComponent(url.replace(/\+/g, ' ')).includes('[object Object]'))
		expect(html, context).not.toContain('[object Object]');
}

describe('fuzzing every page and endpoint', () => {
	let w: World;
	beforeAll(async () => {
		w = await world();
	});

	const gets = discovered.filter((e) => e.startsWith('GET '));
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
							query: queryArbitrary(pageQueries[route]?.(w) ?? {}),
							who: fc.constantFrom('owner', 'member', 'signedOut')
						}),
						async ({ junk, segment, review, query, who }) => {
							const reals: Record<string, string> = {
								group: w.group.slug,
								review: w.reviews[review],
								task: w.taskId,
								member: w.member.id,
								token: route.startsWith('/calendar/') ? `${w.calendarToken}.ics` : w.inviteToken
							};
							let path = route;
							params.forEach((name, i) => {
								path = path.replace(`[${name}]`, junk[i] ? segment : (reals[name] ?? 'nope'));
							});
							const url = query ? `${path}?${query}` : path;
							const cookie =
								who === 'owner' ? w.ownerCookie : who === 'member' ? w.memberCookie : undefined;
							const response = await withRetry(() => http.get(url, { cookie, headers: fresh }));
							const context = `GET ${short(url)} as ${who}`;
							expect(response.status, context).toBeLessThan(500);
							// Node itself answers an address over its 16 KB header limit with a bare
							// 431, before the app sees the request: nothing the app can word.
							if (response.status === 431 && url.length > 12_000) return;
							if (response.status >= 400)
								expectHumanMessage(await messageFrom(response), response.status, context);
							else expectNoInternals(await response.text(), url, context);
						}
					),
					{ numRuns: pageRuns, reporter }
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
			expect(response.status, `POST ${path}: ${await messageFrom(response.clone())}`).toBeLessThan(
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
		const memberId = (await members.text())
			.match(/\/members\/([\w-]+)"/g)!
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
		const reviewPath = review.headers
			.get('location')!
			.split('?')[0]
			.replace(/\/edit$/, '');
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
		// (the page carries the payload from the start, in the member's and the group's names:
		// wait for the notice itself, an unread one with its "Mark as read" form)
		const notice = (html: string) =>
			html.match(/<li[^>]*>(?:(?!<\/li>)[\s\S])*action="\?\/read"(?:(?!<\/li>)[\s\S])*<\/li>/)?.[0];
		for (let i = 0; i < 150 && !notice(notices); i++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			notices = await (await http.get('/notifications', { cookie: memberCookie })).text();
		}
		expectEscaped(notice(notices) ?? '', 'the notice of the task');
		expectEscaped(notices, '/notifications');
	}, 60_000);
});

// ---------------------------------------------------------------------------------------------
// What the fuzz once found: refusals that were 4xx, as they should be, but showed the person no
// message, and a start page that showed JavaScript internals. Kept as plain cases.

describe('cases the fuzz found', () => {
	it('a new task with an over-long owner id is refused with a message', async () => {
		const w = await world();
		const response = await http.post(
			`/g/${w.group.slug}/board/new?/create`,
			{ title: 'Print the leaflets', ownerId: 'x'.repeat(65) },
			{ cookie: w.ownerCookie }
		);
		expect(response.status).toBe(400);
		expectHumanMessage(await messageFrom(response), 400, 'new task, ownerId of 65 characters');
	});

	it('signing up with an over-long next address is refused with a message', async () => {
		const response = await http.post('/signup?/signup', {
			displayName: 'Rosa',
			email: uniqueEmail(),
			password: 'plum tractor window',
			next: `/${'x'.repeat(500)}`
		});
		expect(response.status).toBe(400);
		expectHumanMessage(await messageFrom(response), 400, 'sign-up, next of 501 characters');
	});

	it('removing someone who is not a member is refused with a message', async () => {
		const w = await world();
		const response = await http.post(
			`/g/${w.group.slug}/members?/remove`,
			{ userId: 'nobody' },
			{ cookie: w.ownerCookie }
		);
		expect(response.status).toBe(400);
		expectHumanMessage(await messageFrom(response), 400, 'remove, userId nobody');
	});

	it('the start page shows no farewell for ?farewell=constructor', async () => {
		const response = await http.get('/?farewell=constructor');
		expect(response.status).toBe(200);
		expectNoInternals(
			await response.text(),
			'/?farewell=constructor',
			'GET /?farewell=constructor'
		);
	});
});
