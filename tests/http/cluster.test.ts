// The app as `npm start` runs it on a machine with more than one core: a primary process and
// one worker per core (here WEB_CONCURRENCY=2), each a whole app server on the same database
// file, with the schedulers running in every worker.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { eligibility, review } from '$lib/server/db/schema';
import { area, reminder } from '$lib/server/db/work-schema';
import { scheduleReview } from '$lib/server/reviews/lifecycle';
import { createReview } from '$lib/server/reviews/reviews';
import { createTask } from '$lib/server/tasks/commands';
import { makeGroupWithMembers, sessionCookie } from '../support/factories';
import { client } from '../support/http';
import { noteCookie, noteForm } from '../support/sent';
import { startMailSink } from '../support/mail';
import { execute, openFile } from '../support/sql';
import { tmpPath } from '../support/paths';
import { startServer, type RunningServer } from '../support/server';

/** The primary's child processes: its workers. */
function workersOf(server: RunningServer) {
	const pid = server.process.pid!;
	return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
}

/** Bytes a process has written (to sockets, files and pipes alike) since it started. */
const bytesWritten = (pid: string) =>
	Number(readFileSync(`/proc/${pid}/io`, 'utf8').match(/wchar: (\d+)/)![1]);

/** The log-in page, 20 times at once, each on a connection of its own: the statuses. */
function requestsOnNewConnections(url: string) {
	const once = () =>
		new Promise<number>((resolve, reject) =>
			get(`${url}/login`, { agent: false }, (response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode!));
			}).on('error', reject)
		);
	return Promise.all(Array.from({ length: 20 }, once));
}

/** A form POSTed on a connection of its own (so the primary hands it to either worker): its status. */
function postOnNewConnection(
	url: string,
	path: string,
	fields: Record<string, string>,
	cookie: string
) {
	const body = new URLSearchParams(fields).toString();
	noteForm(path, new URLSearchParams(fields));
	noteCookie(cookie);
	return new Promise<number>((resolve, reject) =>
		request(
			`${url}${path}`,
			{
				method: 'POST',
				agent: false,
				headers: {
					origin: url,
					cookie,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded',
					'content-length': Buffer.byteLength(body)
				}
			},
			(response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode!));
			}
		)
			.on('error', reject)
			.end(body)
	);
}

/** The workers' longest event-loop stall since the last report (see scripts/cluster.js). */
async function longestStalls(server: RunningServer, report: string) {
	rmSync(report, { force: true });
	server.process.kill('SIGUSR2');
	await until(
		() => existsSync(report),
		(found) => found
	);
	return JSON.parse(readFileSync(report, 'utf8')) as { maxMs: number; p99Ms: number };
}

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, ms = 10_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() > deadline) return value;
		await sleep(100);
	}
}

describe('two workers on a fresh database file', () => {
	const file = `${tmpPath('cluster-fresh')}.db`;
	const stallReport = tmpPath('event-loop');
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({
			DATABASE_URL: `file:${file}`,
			WEB_CONCURRENCY: '2',
			EVENT_LOOP_REPORT: stallReport
		});
	});
	afterAll(() => server?.stop());

	it('applies the migrations once and says once where it runs', async () => {
		expect(server.output().match(/running at/g)).toHaveLength(1);
		const journal = JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8'));
		const database = openFile(file);
		const { rows } = execute('select count(*) as applied from __drizzle_migrations', database);
		database.close();
		expect(Number(rows[0].applied)).toBe(journal.entries.length);
	});

	it('serves from both workers, on the one port it announced', async () => {
		const workers = workersOf(server);
		expect(workers).toHaveLength(2);
		const before = workers.map(bytesWritten);
		const statuses = await requestsOnNewConnections(server.url);
		expect(statuses.every((s) => s === 200)).toBe(true);
		// each wrote at least a few log-in pages (about 2.5 KB each) to its sockets
		workers.forEach((pid, i) => expect(bytesWritten(pid) - before[i]).toBeGreaterThan(10_000));
	});

	it('replaces a worker that crashes, and the new one serves', async () => {
		const [crashed, survivor] = workersOf(server);
		process.kill(Number(crashed), 'SIGKILL');
		const workers = await until(
			() => workersOf(server),
			(now) => now.length === 2 && !now.includes(crashed)
		);
		expect(workers).toHaveLength(2);
		expect(workers).toContain(survivor);
		expect(workers).not.toContain(crashed);
		const replacement = workers.find((pid) => pid !== survivor)!;
		const before = bytesWritten(replacement);
		// it starts in the background: until it listens, the survivor serves everything
		await until(
			async () => (await requestsOnNewConnections(server.url)).every((s) => s === 200),
			() => bytesWritten(replacement) - before > 10_000
		);
		expect(bytesWritten(replacement) - before).toBeGreaterThan(10_000);
		expect(server.output()).toMatch(/a worker stopped \(SIGKILL\); starting another/);
	});

	it('reports the longest event-loop stall of its workers on SIGUSR2', async () => {
		const report = await longestStalls(server, stallReport);
		expect(report.maxMs).toBeGreaterThan(0);
		expect(report.p99Ms).toBeGreaterThan(0);
	});

	it('stops every worker and exits 0 on SIGTERM', async () => {
		const workers = workersOf(server);
		await server.stop();
		expect(server.process.exitCode).toBe(0);
		for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
	});
});

describe('the schedulers, running in both workers', () => {
	let sink: Awaited<ReturnType<typeof startMailSink>>;
	let server: RunningServer;
	// When the app starts, a review is due to open, and 60 tasks handed to three members wait to be
	// announced: more than one claim holds (50), and the first worker is still sending its 50 when
	// the second starts (smtp-server waits a tenth of a second before greeting each connection, to
	// catch clients that talk too soon), so both deliver.
	let atStart: Awaited<ReturnType<typeof makeGroupWithMembers>>;
	const handedOn = 60;
	// A review due to open while both serve: the members open its page at that moment.
	let whileServing: Awaited<ReturnType<typeof makeGroupWithMembers>>;
	let laterReview: string;

	beforeAll(async () => {
		sink = await startMailSink();
		atStart = await makeGroupWithMembers(4);
		whileServing = await makeGroupWithMembers(4);
		const { group, owner, members } = atStart;
		const dueReview = await createReview({ groupId: group.id, createdBy: owner.id });
		await scheduleReview(group.id, dueReview, {
			opensAt: new Date(Date.now() + 100),
			closesAt: null
		});
		for (let i = 0; i < handedOn; i++) {
			const created = await createTask(
				{ userId: owner.id, groupId: group.id, role: 'owner' },
				{
					title: `Leaflet run ${i}`,
					description: '',
					dueOn: null,
					areaId: null,
					recurrence: null,
					ownerIds: [members[1 + (i % 3)].id]
				}
			);
			expect(created.ok).toBe(true);
		}
		laterReview = await createReview({
			groupId: whileServing.group.id,
			createdBy: whileServing.owner.id
		});
		await sleep(100);
		server = await startServer({ WEB_CONCURRENCY: '2', SMTP_URL: sink.url });
	});
	afterAll(async () => {
		await server?.stop();
		sink?.stop();
	});

	it('delivers what was due at start once, from both workers at the same time', async () => {
		const { members } = atStart;
		const expected = members.length + handedOn;
		await until(
			() => sink.mail(),
			(mail) => mail.length >= expected,
			20_000
		);
		// a second copy would come from the other worker's delivery: give it time to arrive
		await sleep(500);
		const mail = await sink.mail();
		expect(mail).toHaveLength(expected);
		expect(new Set(mail.map((m) => m.messageId)).size).toBe(expected);
		for (const person of members) {
			const subjects = (await sink.mail(person.email)).map((m) => m.subject);
			expect(subjects.filter((s) => s.endsWith('” is open'))).toHaveLength(1);
			expect(new Set(subjects).size).toBe(subjects.length);
		}
		// both workers took part: each claimed some of them
		const claims = await db
			.selectDistinct({ worker: reminder.claimedBy })
			.from(reminder)
			.where(eq(reminder.status, 'sent'));
		expect(claims).toHaveLength(2);
	});

	it('opens a review once, when both workers find it due at the same moment', async () => {
		const opensAt = new Date(Date.now() + 500);
		const scheduled = await scheduleReview(whileServing.group.id, laterReview, {
			opensAt,
			closesAt: null
		});
		expect(scheduled.ok).toBe(true);
		const cookies = await Promise.all(whileServing.members.map((m) => sessionCookie(m.id)));
		await sleep(opensAt.getTime() - Date.now() + 10);
		// every member opens the review's page three times at once: each request, in whichever
		// worker, first runs the group's due transitions
		const http = client(server.url);
		const path = `/g/${whileServing.group.slug}/reviews/${laterReview}`;
		const pages = await Promise.all(
			[...cookies, ...cookies, ...cookies].map((cookie) => http.get(path, { cookie }))
		);
		expect(pages.map((p) => p.status)).toEqual(pages.map(() => 200));
		const [opened] = await db.select().from(review).where(eq(review.id, laterReview));
		expect(opened.status).toBe('open');
		const eligible = await db
			.select()
			.from(eligibility)
			.where(eq(eligibility.reviewId, laterReview));
		expect(eligible).toHaveLength(whileServing.members.length);
	});

	it('reminds each member once when "remind" is pressed in both workers at once', async () => {
		const http = client(server.url);
		const cookie = await sessionCookie(whileServing.owner.id);
		const path = `/g/${whileServing.group.slug}/reviews/${laterReview}?/remind`;
		const presses = await Promise.all(
			Array.from({ length: 6 }, () => http.post(path, {}, { cookie }))
		);
		expect(presses.map((p) => p.status)).toEqual(presses.map(() => 200));
		const waitingFor = async (email: string) =>
			(await sink.mail(email)).filter((m) => m.subject.endsWith(' is waiting for your answers'));
		await until(
			() => Promise.all(whileServing.members.map((m) => waitingFor(m.email))),
			(received) => received.every((theirs) => theirs.length > 0)
		);
		await sleep(500);
		for (const person of whileServing.members)
			expect(await waitingFor(person.email)).toHaveLength(1);
	});
});

describe('rebuilding the file after a deletion, in one of two workers', () => {
	const stallReport = tmpPath('event-loop-rebuild');
	let server: RunningServer;
	let team: Awaited<ReturnType<typeof makeGroupWithMembers>>;
	beforeAll(async () => {
		team = await makeGroupWithMembers(1);
		// about 100 MB of rows, so that rebuilding the file takes a good part of a second
		execute('create table rebuild_filler (t blob)');
		execute(
			'with recursive n(i) as (select 1 union all select i + 1 from n where i < 24000) insert into rebuild_filler select randomblob(4000) from n'
		);
		server = await startServer({ WEB_CONCURRENCY: '2', EVENT_LOOP_REPORT: stallReport });
	});
	afterAll(async () => {
		await server?.stop();
		execute('drop table if exists rebuild_filler');
	});

	it('takes forms sent to either worker meanwhile, without holding up either', async () => {
		const { group, owner } = team;
		const cookie = await sessionCookie(owner.id);
		const reviewId = await createReview({ groupId: group.id, createdBy: owner.id });
		await requestsOnNewConnections(server.url); // both workers have served, and so warmed up
		await longestStalls(server, stallReport); // the next report starts now

		const started = performance.now();
		let took = 0;
		const deleted = client(server.url)
			.post(`/g/${group.slug}/reviews/${reviewId}?/delete`, { confirm: 'delete' }, { cookie })
			.then((response) => {
				took = performance.now() - started;
				return response.status;
			});
		const forms: Promise<number>[] = [];
		for (let i = 0; i < 10; i++) {
			await sleep(30);
			const path = `/g/${group.slug}/areas?/add`;
			forms.push(postOnNewConnection(server.url, path, { name: `Outreach ${i}` }, cookie));
		}
		expect(await deleted).toBe(303);
		expect(await Promise.all(forms)).toEqual(forms.map(() => 200));
		const added = await db
			.select()
			.from(area)
			.where(and(eq(area.groupId, group.id), like(area.name, 'Outreach %')));
		expect(added).toHaveLength(forms.length);
		// the rebuild was long enough for the forms to come in while it ran
		expect(took).toBeGreaterThan(300);
		// A form's transaction waiting for the rebuild's write lock held its worker still for as
		// long: both workers stalled for most of the rebuild. Forms wait on the event loop instead.
		const stalls = await longestStalls(server, stallReport);
		expect(stalls.maxMs).toBeLessThan(took / 4);
	});
});
