// The personal calendar feed, through the built server: the address comes from the account page,
// the feed is iCalendar that a real parser reads back exactly, and a reset address is gone.
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetCalendarToken } from '$lib/server/tasks/calendar';
import { openReview, scheduleReview } from '$lib/server/reviews/lifecycle';
import { createReview } from '$lib/server/reviews/reviews';
import { archiveTask, createTask, moveTask } from '$lib/server/tasks/commands';
import { type Actor } from '$lib/server/tasks/rules';
import { addMember, makeGroup, makeUser, sessionCookie } from '../support/factories';
import { messageOf } from '../support/http';
import { useBuiltServer } from '../support/server';
import { snapshot } from '../support/snapshot';
import { outcome } from '../support/outcome';

const app = useBuiltServer();

const groupName = 'Riverside, Tenants; Union';
const tricky = 'Flyers, posters; and\nbanners \\ for Saturday: "big" ones';
const long =
	'Banner für die Demo 🏳️‍🌈✊🏽 — größer als letztes Jahr, mit Übersetzung ins Türkçe, العربية und 中文 😀👩‍👩‍👧';
const closesAt = new Date('2031-06-01T17:30:00Z');

let person: Awaited<ReturnType<typeof makeUser>>;
let cookie: string;
let groupId: string;
let groupSlug: string;
const tasks: Record<string, string> = {};
let reviewId: string;

async function newTask(actor: Actor, title: string, dueOn: string | null, ownerIds: string[]) {
	const created = await createTask(actor, {
		title,
		description: '',
		dueOn,
		areaId: null,
		recurrence: null,
		ownerIds
	});
	if (!created.ok) throw new Error(created.refusal);
	return created.value;
}

beforeAll(async () => {
	person = await makeUser();
	cookie = await sessionCookie(person.id);
	const group = await makeGroup(person.id, { name: groupName });
	groupId = group.id;
	groupSlug = group.slug;
	const me: Actor = { userId: person.id, groupId, role: 'owner' };
	const other = await makeUser();
	await addMember(groupId, other.id);

	tasks.plain = await newTask(me, 'Book the hall', '2031-05-12', [person.id]);
	tasks.tricky = await newTask(me, tricky, '2031-05-13', [person.id]);
	tasks.long = await newTask(me, long, '2031-05-14', [person.id]);
	// none of these belongs in the feed
	tasks.undated = await newTask(me, 'Whenever', null, [person.id]);
	tasks.done = await newTask(me, 'Already done', '2031-05-15', [person.id]);
	expect((await moveTask(me, tasks.done, 'done')).ok).toBe(true);
	tasks.archived = await newTask(me, 'Put away', '2031-05-16', [person.id]);
	expect((await archiveTask(me, tasks.archived)).ok).toBe(true);
	tasks.unowned = await newTask(me, 'Anyone?', '2031-05-17', []);
	tasks.theirs = await newTask(me, 'Not mine', '2031-05-18', [other.id]);

	reviewId = await createReview({ groupId, createdBy: person.id, title: 'Spring review' });
	expect((await scheduleReview(groupId, reviewId, { opensAt: null, closesAt })).ok).toBe(true);
	expect(outcome(await openReview(groupId, reviewId))).toBe('done');
	// a draft with a closing time, and another group's open review: neither is in the feed
	const draft = await createReview({ groupId, createdBy: person.id, title: 'Summer review' });
	const schedule = { opensAt: new Date('2031-07-01T09:00:00Z'), closesAt: new Date('2031-07-15Z') };
	expect((await scheduleReview(groupId, draft, schedule)).ok).toBe(true);
	const elsewhere = await makeGroup(other.id);
	const theirReview = await createReview({ groupId: elsewhere.id, createdBy: other.id });
	await scheduleReview(elsewhere.id, theirReview, { opensAt: null, closesAt });
	expect(outcome(await openReview(elsewhere.id, theirReview))).toBe('done');
});

/** Asks for a new address on the account page, as the button does; returns its path. */
async function newAddress() {
	const response = await app.http.post('/account?/calendar', {}, { cookie });
	expect(response.status).toBe(200);
	const html = await response.text();
	const match = html.match(/(http:\/\/[^\s"<]+)\/calendar\/([a-z0-9]+)\.ics/);
	expect(match, 'the calendar address on the page').toBeTruthy();
	expect(match![1]).toBe(app.server.url);
	// and the same address as a link that calendars open as a subscription
	expect(html).toContain(
		`href="${app.server.url.replace('http:', 'webcal:')}/calendar/${match![2]}.ics"`
	);
	return `/calendar/${match![2]}.ics`;
}

function events(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	expect(calendar.name).toBe('vcalendar');
	return new Map(
		calendar
			.getAllSubcomponents('vevent')
			.map((event) => [String(event.getFirstPropertyValue('uid')), event])
	);
}

describe('the calendar feed', () => {
	let path: string;

	beforeAll(async () => {
		path = await newAddress();
	});

	it('is iCalendar, sent without a cookie, private to caches', async () => {
		const response = await app.http.get(path);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
		expect(response.headers.get('cache-control')).toMatch(/private/);
		const text = await response.text();
		expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
		expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
		// every line ends in CRLF and is at most 75 octets (RFC 5545, 3.1)
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		for (const line of text.split('\r\n')) {
			expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
		}
		// the address without .ics works too
		expect((await app.http.get(path.replace(/\.ics$/, ''))).status).toBe(200);
	});

	it('has an all-day event for each due day of my open tasks, and one for the review closing', async () => {
		const feed = events(await (await app.http.get(path)).text());
		expect([...feed.keys()].sort()).toEqual(
			[
				`task-${tasks.plain}@outsider`,
				`task-${tasks.tricky}@outsider`,
				`task-${tasks.long}@outsider`,
				`review-${reviewId}@outsider`
			].sort()
		);

		const plain = feed.get(`task-${tasks.plain}@outsider`)!;
		const start = plain.getFirstProperty('dtstart')!;
		expect(start.type).toBe('date');
		const startDay = start.getFirstValue() as ICAL.Time;
		expect(startDay.isDate).toBe(true);
		expect(startDay.toString()).toBe('2031-05-12');
		expect(plain.getFirstProperty('dtend')!.type).toBe('date');
		expect(String(plain.getFirstPropertyValue('dtend'))).toBe('2031-05-13');
		expect(plain.getFirstPropertyValue('summary')).toBe(`Due: Book the hall (${groupName})`);
		expect(plain.getFirstPropertyValue('url')).toMatch(
			new RegExp(`/g/[a-z0-9-]+/board/${tasks.plain}$`)
		);

		const closing = feed.get(`review-${reviewId}@outsider`)!;
		expect(closing.getFirstProperty('dtstart')!.type).toBe('date-time');
		const at = closing.getFirstPropertyValue('dtstart') as ICAL.Time;
		expect(at.isDate).toBe(false);
		expect(at.toJSDate().getTime()).toBe(closesAt.getTime());
		expect(closing.getFirstPropertyValue('summary')).toBe(`${groupName}: Spring review closes`);
		expect(closing.getFirstPropertyValue('url')).toMatch(
			new RegExp(`/g/[a-z0-9-]+/reviews/${reviewId}$`)
		);
	});

	it('keeps commas, semicolons, backslashes, newlines and long unicode titles exactly', async () => {
		const feed = events(await (await app.http.get(path)).text());
		expect(feed.get(`task-${tasks.tricky}@outsider`)!.getFirstPropertyValue('summary')).toBe(
			`Due: ${tricky} (${groupName})`
		);
		expect(Buffer.byteLength(long, 'utf8')).toBeGreaterThan(150);
		expect(feed.get(`task-${tasks.long}@outsider`)!.getFirstPropertyValue('summary')).toBe(
			`Due: ${long} (${groupName})`
		);
	});

	it('a title with a bare carriage return is refused, and one stored before cannot break the feed', async () => {
		const title = 'Call the council\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Injected';
		const eventsIn = (feed: string) =>
			feed.split('\r\n').filter((line) => line === 'BEGIN:VEVENT').length;
		const before = eventsIn(await (await app.http.get(path)).text());
		const response = await app.http.post(
			`/g/${groupSlug}/board/new?/create`,
			{
				title,
				dueOn: '2031-05-21',
				ownerId: person.id,
				description: '',
				areaId: '',
				recurrence: ''
			},
			{ cookie }
		);
		expect(response.status).toBe(400);
		expect(await messageOf(response)).toBe('The title must be on one line.');
		// a title stored before one-line fields were enforced is escaped in the feed
		await newTask({ userId: person.id, groupId, role: 'owner' }, title, '2031-05-21', [person.id]);
		const text = await (await app.http.get(path)).text();
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		// one new event for the new task, and no other
		expect(eventsIn(text)).toBe(before + 1);
		expect(text).toContain(
			'SUMMARY:Due: Call the council\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Injected'
		);
	});

	it('follows the tasks: a task done or archived since is gone on the next fetch', async () => {
		const me: Actor = { userId: person.id, groupId, role: 'owner' };
		const later = await newTask(me, 'Later', '2031-05-20', [person.id]);
		expect(events(await (await app.http.get(path)).text()).has(`task-${later}@outsider`)).toBe(
			true
		);
		expect((await moveTask(me, later, 'done')).ok).toBe(true);
		expect(events(await (await app.http.get(path)).text()).has(`task-${later}@outsider`)).toBe(
			false
		);
		expect((await moveTask(me, later, 'doing')).ok).toBe(true);
		expect((await archiveTask(me, later)).ok).toBe(true);
		expect(events(await (await app.http.get(path)).text()).has(`task-${later}@outsider`)).toBe(
			false
		);
	});
});

describe('the calendar address', () => {
	it('a new address ends the old one', async () => {
		const first = await newAddress();
		expect((await app.http.get(first)).status).toBe(200);
		const second = await newAddress();
		expect(second).not.toBe(first);
		const gone = await app.http.get(first);
		expect(gone.status).toBe(404);
		expect(await gone.text()).toMatch(/not valid any more/);
		expect((await app.http.get(second)).status).toBe(200);

		// and resetting from elsewhere (the same function) ends the one from the page
		const third = `/calendar/${await resetCalendarToken(person.id)}.ics`;
		expect((await app.http.get(second)).status).toBe(404);
		expect((await app.http.get(third)).status).toBe(200);
	});

	it('made-up, over-long and empty-looking addresses are not found and change nothing', async () => {
		const before = await snapshot();
		for (const path of [
			'/calendar/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics',
			`/calendar/${'a'.repeat(5000)}.ics`,
			'/calendar/.ics',
			`/calendar/${encodeURIComponent("' or 1=1 --")}.ics`
		]) {
			const response = await app.http.get(path);
			expect(response.status, path).toBe(404);
			expect(response.headers.get('content-type')).not.toMatch(/calendar/);
		}
		expect(await snapshot()).toEqual(before);
	});

	it('each person has their own feed', async () => {
		const stranger = await makeUser();
		const token = await resetCalendarToken(stranger.id);
		const feed = events(await (await app.http.get(`/calendar/${token}.ics`)).text());
		expect(feed.size).toBe(0);
	});

	it('only a signed-in person gets an address', async () => {
		const before = await snapshot();
		const response = await app.http.post('/account?/calendar', {});
		expect(response.status).toBeGreaterThanOrEqual(300);
		expect(response.status).toBeLessThan(500);
		expect(await response.text()).not.toMatch(/\/calendar\/[a-z0-9]+\.ics/);
		expect(await snapshot()).toEqual(before);
	});
});
