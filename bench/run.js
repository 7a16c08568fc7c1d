// `npm run bench`: the acceptance test of the server budgets (issue 13), as ratios measured in
// one run on one machine. It seeds an instance through the built app (scripts/seed.js,
// scripts/seed-many.js), then measures every signed-in page and submitting at two sizes of the
// instance (BENCH_SMALL_GROUPS, default 200, and BENCH_GROUPS, default 2,000 groups), each on a
// fresh single-process server: the server's CPU time per request (each against its budget's
// page measured right after it) and the longest event-loop stall. It then measures p99 at 20
// connections on the server as `npm start` runs it (one worker per core), read throughput on
// WEB_CONCURRENCY=2 against one process, side by side, and what the
// machine itself gains from a second process, closes a review of 300 answers once, and weighs the
// JavaScript and CSS of key pages in Chromium. Prints one table, writes bench/results/latest.json, exits 1 when a budget fails.
import { spawn, execFile } from 'node:child_process';
import {
	closeSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import Database from 'libsql';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.js';
import { freePort, untilServing } from './serving.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const warmUpSeconds = Math.min(2, seconds);
// A case with a budget and the page its budget names are measured in turns, this many of each:
// the case for a quarter of `seconds` at a time, its reference for `referenceSeconds` in all.
const turns = 4;
const referenceSeconds = Math.min(4, seconds);
// before each turn, uncounted, so that the other page's leftover garbage is collected first
const turnWarmUpSeconds = 0.5;
const connections = 20;
const sizes = [
	Number(process.env.BENCH_SMALL_GROUPS ?? 200),
	Number(process.env.BENCH_GROUPS ?? 2000)
];
const work = 'bench/results';
const databasePath = `${work}/bench.db`;
const stallReport = `${work}/event-loop.json`;
const serverLog = `${work}/server.log`;
const env = {
	...process.env,
	DATABASE_URL: `file:${databasePath}`,
	HOST: '127.0.0.1',
	EVENT_LOOP_REPORT: stallReport
};

const budget = {
	pageOverPurpose: 2,
	// results and the board: their content is the point, every answer of a review, every card
	heavyPageOverPurpose: 3,
	submitOverPurpose: 2,
	purposeOverHealthz: 2.8,
	p99Ms: 100,
	sizeChange: 0.15,
	stallMs: 50,
	workerScaling: 1.7,
	workers: 2
};
// the latency run: as many workers as `npm start` runs here, each case this long after a warm-up
const deployedWorkers = availableParallelism();
const latencySeconds = Math.min(3, seconds);
const latencyWarmUpSeconds = Math.min(1, seconds);
// every page, this long and twice around, on each fresh server before anything is measured
const serverWarmUpSeconds = Math.min(1, seconds);
const throughputCases = [
	'purpose page',
	'health page (40 reviews x 300 members)',
	'results of a closed review'
];

const run = promisify(execFile);
const started = performance.now();
const say = (line) =>
	console.log(`[${Math.round((performance.now() - started) / 1000)} s] ${line}`);

// ---------------------------------------------------------------------------------------------
// The server under test

const running = new Set();
process.on('exit', () => running.forEach((server) => server.child.kill('SIGTERM')));
process.on('SIGINT', () => process.exit(130));

// `workers` becomes WEB_CONCURRENCY: 1 is one process, more is a primary with that many workers.
async function startServer(workers, settings = {}) {
	const port = await freePort();
	// the server's log (mail included, without SMTP_URL) is not part of the bench's output
	const log = openSync(serverLog, 'a');
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		env: { ...env, ...settings, PORT: String(port), WEB_CONCURRENCY: String(workers) },
		stdio: ['ignore', log, log]
	});
	closeSync(log);
	const server = { child, pid: child.pid, url: `http://127.0.0.1:${port}`, workers };
	running.add(server);
	child.on('exit', () => running.delete(server));
	await untilServing(server, serverLog);
	if (workers > 1) await untilProcesses(server, workers);
	return server;
}

// A primary answers as soon as its first worker listens: wait for the others to be forked, so
// that the warm-up reaches them too. A server that runs one process whatever it is asked to run
// shows up in the throughput check, not here.
async function untilProcesses(server, workers) {
	for (let i = 0; i < 50 && descendantsOf(server.pid).length < workers; i++) await sleep(100);
	await sleep(500);
}

async function stopServer(server) {
	const family = [server.pid, ...descendantsOf(server.pid)];
	server.child.kill('SIGTERM');
	for (let i = 0; i < 100 && family.some(isAlive); i++) await sleep(100);
	for (const pid of family.filter(isAlive)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------
// What the server spends: CPU time from /proc, event-loop stalls from scripts/serve.js

// Fields of /proc/<pid>/stat after the command name, which may itself contain spaces.
function procStat(pid) {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
	} catch {
		return undefined; // the process has gone
	}
}

function descendantsOf(pid) {
	const parentOf = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const fields = procStat(entry);
		if (fields) parentOf.set(Number(entry), Number(fields[1]));
	}
	const found = [];
	const search = [pid];
	while (search.length > 0) {
		const parent = search.pop();
		for (const [child, ppid] of parentOf)
			if (ppid === parent) {
				found.push(child);
				search.push(child);
			}
	}
	return found;
}

// The server's own CPU time: what a request costs it, whatever the load generator (on the same
// cores) can or cannot keep up with. With workers, the primary and every worker together; a
// process's children that have exited count in its cutime and cstime.
function serverCpuMs(server) {
	let ticks = 0;
	for (const pid of [server.pid, ...descendantsOf(server.pid)]) {
		const fields = procStat(pid);
		if (fields) ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
	}
	return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

// The longest the server's event loop was blocked since the last call. One process writes
// EVENT_LOOP_REPORT; with workers, the primary forwards the signal and each worker writes
// EVENT_LOOP_REPORT.<worker id>. The longest of whichever were written counts.
async function longestStallMs(server) {
	const reports = () =>
		readdirSync(work)
			.filter(
				(name) =>
					`${work}/${name}` === stallReport || `${work}/${name}`.startsWith(`${stallReport}.`)
			)
			.map((name) => `${work}/${name}`);
	for (const report of reports()) rmSync(report, { force: true });
	const expected = Math.max(1, descendantsOf(server.pid).length);
	server.child.kill('SIGUSR2');
	for (let i = 0; i < 250 && reports().length < expected; i++) await sleep(20);
	const written = reports();
	if (written.length === 0) throw new Error(`no event-loop report in ${stallReport}*`);
	const stalls = await Promise.all(written.map(readStallReport));
	return Math.max(...stalls);
}

// A report can be seen between its creation and its writing: read it again a moment later.
async function readStallReport(path) {
	for (let attempt = 0; ; attempt++) {
		try {
			return JSON.parse(readFileSync(path, 'utf8')).maxMs;
		} catch (error) {
			if (attempt === 10) throw error;
			await sleep(20);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Seeding

const seed = async (url, extra) =>
	JSON.parse(
		(
			await run(process.execPath, ['scripts/seed.js', '--server', url, ...extra], {
				env,
				maxBuffer: 1e8
			})
		).stdout
	);

async function seedMoreGroups(count) {
	if (count <= 0) return;
	say(`Seeding ${count} more groups of 50 members with 8 closed reviews each...`);
	await run(process.execPath, ['scripts/seed-many.js', '--groups', String(count)], { env });
}

// Seeding writes hundreds of megabytes, which the kernel goes on writing to the disk for a while
// after. Measured during that, every sync of the app's log waited behind it: submitting at 2,000
// groups used half a core at 258 answers a second, against 709 at 200 groups. Measure from a
// disk that has caught up.
async function settleDisk() {
	say('Waiting for the seeded data to reach the disk (sync)...');
	await run('sync');
}

function query(sql, ...params) {
	// waits for the running app's own writes (its scheduler) instead of failing at once
	const database = new Database(databasePath, { timeout: 30_000 });
	try {
		return database.prepare(sql).all(...params);
	} finally {
		database.close();
	}
}

const formHeaders = (url, cookie) => ({
	...(cookie && { cookie }),
	origin: url,
	accept: 'application/json',
	'x-sveltekit-action': 'true',
	'content-type': 'application/x-www-form-urlencoded'
});

async function postForm(url, path, body, cookie) {
	const response = await fetch(url + path, {
		method: 'POST',
		body,
		headers: formHeaders(url, cookie)
	});
	const result = response.ok && (await response.json());
	// a refused form answers 200 with a failure inside
	if (!result || result.type === 'failure' || result.type === 'error')
		throw new Error(`${path} answered ${response.status}: ${JSON.stringify(result)}`);
	return result;
}

// Everything but the many groups: the group the pages show, members who each answer once (one
// group for each size, since answering twice is refused), and a review all 300 members answered,
// closed once at the end.
async function seedInstance(url) {
	say('Seeding a group of 300 members with 40 closed reviews and 500 tasks...');
	const main = await seed(url, [
		'--reviews',
		'40',
		'--members',
		'300',
		'--restate-every',
		'10',
		'--tasks',
		'500',
		'--open'
	]);
	const base = `/g/${main.slug}`;
	const exported = await (
		await fetch(`${url}${base}/export.json`, { headers: { cookie: main.cookie } })
	).json();
	const draft = await postForm(url, `${base}/reviews?/create`, 'title=Next+quarter', main.cookie);
	// outsiders asked about the open review, and a personal link for the outsider's page
	const outsiders = `${base}/reviews/${main.open.reviewId}/outsiders`;
	const asked = ['impression', 'execution', 'direction', 'progress', 'democracy', 'purpose'];
	await postForm(url, `${outsiders}?/ask`, asked.map((k) => `ask:${k}=on`).join('&'), main.cookie);
	const links = await postForm(url, `${outsiders}?/links`, 'count=1', main.cookie);
	const outsiderToken = JSON.stringify(links).match(/\/o\/([a-z2-7]{32})/)[1];

	// about 950 submissions a second at most (one process, 2,000 groups), over the warm-up, the
	// measured and the stall runs; a member who ran out would be refused, which costs less
	const answeringMembers = Math.max(1000, 1500 * (seconds + 2 * warmUpSeconds));
	const answering = [];
	// one group for each size, and one for the latency run on workers
	for (const name of [...sizes.map(String), 'on workers']) {
		say(`Seeding ${answeringMembers} members who will each answer once (${name})...`);
		answering.push(
			await seed(url, [
				'--reviews',
				'0',
				'--members',
				String(answeringMembers),
				'--open',
				'--all-cookies',
				'--name',
				`Answering ${name}`
			])
		);
	}

	say('Seeding a group of 300 members who all answer an open review...');
	const closing = await seed(url, [
		'--reviews',
		'0',
		'--members',
		'300',
		'--open',
		'--all-cookies',
		'--name',
		'Closing'
	]);
	for (const [i, member] of [closing.cookie, ...closing.memberCookies].entries())
		await postForm(
			url,
			`/g/${closing.slug}/reviews/${closing.open.reviewId}?/submit`,
			commentedAnswer(closing, i),
			member
		);

	return {
		main,
		base,
		openReviewId: main.open.reviewId,
		outsiderToken,
		closedReviewId: exported.rows.at(-1).reviewId,
		// the action redirects to the draft's editing page
		draftReviewId: draft.location.split('/').at(-2),
		taskId: query(
			"select t.id from task t where t.group_id = ? and t.area_id is not null and t.status != 'done' and exists (select 1 from task_owner o where o.task_id = t.id) order by t.title limit 1",
			main.groupId
		)[0].id,
		busiestMemberId: query(
			'select o.user_id as id from task_owner o join task t on t.id = o.task_id where t.group_id = ? group by o.user_id order by count(*) desc, o.user_id limit 1',
			main.groupId
		)[0].id,
		answering,
		closing
	};
}

const commentedAnswer = (group, i) =>
	new URLSearchParams([
		...group.open.scaleKeys.map((key, k) => [`score:${key}`, String(((i + k) % 5) + 1)]),
		...group.open.scaleKeys.slice(0, 3).map((key) => [`comment:${key}`, `Comment ${i} on ${key}.`])
	]).toString();

// Opening the reviews made thousands of "review opened" reminders, and the tasks' due days make
// more at the scheduler's next tick (every 30 s): measure once a tick has passed and the app
// has delivered them all (to its log, without SMTP_URL), not while it is still doing so.
async function untilRemindersDelivered() {
	say('Waiting for the scheduler to deliver the reminders the seeding made...');
	await sleep(32_000);
	while (query("select count(*) as pending from reminder where status = 'pending'")[0].pending > 0)
		await sleep(500);
}

// ---------------------------------------------------------------------------------------------
// The cases

const signedIn = (path, cookie) => (url) => ({ url: url + path, headers: { cookie } });

// Every request is another member answering: answering twice is refused, and would be an error.
function submission(group) {
	const body = new URLSearchParams(
		group.open.scaleKeys.map((key, i) => [`score:${key}`, String((i % 5) + 1)])
	).toString();
	let next = 0;
	const submit = (url) => ({
		url: `${url}/g/${group.slug}/reviews/${group.open.reviewId}?/submit`,
		method: 'POST',
		body,
		headers: formHeaders(url),
		// a refused answer is a 200 with a failure inside; it counts as an error (a mismatch)
		verifyBody: (answer) => answer.startsWith('{"type":"success"'),
		requests: [
			{
				setupRequest: (request) => ({
					...request,
					headers: {
						...request.headers,
						cookie: group.memberCookies[next++ % group.memberCookies.length]
					}
				})
			}
		]
	});
	submit.overused = () => next > group.memberCookies.length;
	return submit;
}

// `over` names the case whose CPU per request the budget compares with, `times` how many times
// it may cost; a reference has no budget of its own.
function pageCases(seeds, answering) {
	const { main, base } = seeds;
	const owner = main.cookie;
	const operator = main.people[1];
	const page = (name, path, { cookie = owner, times = budget.pageOverPurpose } = {}) => ({
		name,
		path,
		request: signedIn(path, cookie),
		over: 'purpose page',
		times
	});
	const heavy = { times: budget.heavyPageOverPurpose };
	return [
		{ name: 'healthz (reference)', path: '/healthz', request: signedIn('/healthz', owner) },
		// the log-in form, signed out: a page with no query at all
		{
			name: 'log-in page, signed out (reference)',
			path: '/login',
			request: (url) => ({ url: `${url}/login` })
		},
		// a signed-in group page with almost no data (session, membership, one small query)
		{
			...page('purpose page', `${base}/purpose`),
			over: 'healthz (reference)',
			times: budget.purposeOverHealthz
		},
		page('group overview', base),
		page('reviews list (41 reviews and a draft)', `${base}/reviews`),
		page('open review, as a member', `${base}/reviews/${seeds.openReviewId}`, {
			cookie: main.people[0].cookie
		}),
		page('draft review, editing its questions', `${base}/reviews/${seeds.draftReviewId}/edit`),
		page('results of a closed review', `${base}/reviews/${seeds.closedReviewId}/results`, heavy),
		page('health page (40 reviews x 300 members)', `${base}/health`),
		page('compare the last two reviews', `${base}/compare`),
		page('board with 500 tasks', `${base}/board`, heavy),
		page('task detail', `${base}/board/${seeds.taskId}`),
		page('new task form', `${base}/board/new`),
		page('areas', `${base}/areas`),
		page('members (300)', `${base}/members`),
		page('a member and their tasks', `${base}/members/${seeds.busiestMemberId}`),
		page('invite links', `${base}/invites`),
		page('asking outsiders, their links', `${base}/reviews/${seeds.openReviewId}/outsiders`),
		{
			name: "an outsider's form, signed out",
			path: '/o/[token]',
			request: (url) => ({ url: `${url}/o/${seeds.outsiderToken}` }),
			over: 'purpose page',
			times: budget.pageOverPurpose
		},
		page('home, signed in', '/'),
		page('my tasks', '/tasks'),
		page('notifications', '/notifications'),
		page('account', '/account'),
		page('new group form', '/groups/new'),
		page('log-out page', '/logout'),
		page('outbox, as an operator', '/outbox', { cookie: operator.cookie }),
		{
			name: 'submit a response',
			path: `/g/${answering.slug}/reviews/${answering.open.reviewId}?/submit`,
			request: submission(answering),
			over: 'purpose page',
			times: budget.submitOverPurpose,
			// each member answers once: the warm-up leaves the members to the measurement
			writes: true
		}
	];
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * One page under load: warmed up first, uncounted (the first requests of a case compile its
 * code and fill caches, which is not what a request costs a server that has been running),
 * then measured, in one run of the load generator: the server's CPU time and the responses
 * counted between the two moments, with each one's latency.
 */
async function underLoad(server, options, { warmUp = warmUpSeconds, duration = seconds } = {}) {
	const latencies = [];
	let counting = false;
	let failed = 0;
	const run = autocannon({ ...options, connections, duration: warmUp + duration });
	run.on('response', (_client, statusCode, _bytes, responseTime) => {
		if (!counting) return;
		latencies.push(responseTime);
		if (statusCode >= 300) failed++;
	});
	await sleep(warmUp * 1000);
	counting = true;
	const cpuBefore = serverCpuMs(server);
	// the load generator (autocannon, in this process) shares the machine's cores with the server
	const generatorBefore = process.cpuUsage();
	const wallBefore = performance.now();
	await sleep(duration * 1000);
	counting = false;
	const cpuMs = serverCpuMs(server) - cpuBefore;
	const wallMs = performance.now() - wallBefore;
	const generator = process.cpuUsage(generatorBefore);
	const result = await run;
	return together([
		{
			cpuMs,
			wallMs,
			generatorMs: (generator.user + generator.system) / 1000,
			latencies,
			errors: failed + result.errors + result.timeouts + result.mismatches
		}
	]);
}

/** Measurements of one page, in turns or halves, as one: totals, and p99 over every response. */
function together(parts) {
	const sum = (key) => parts.reduce((total, part) => total + part[key], 0);
	const latencies = parts.flatMap((part) => part.latencies).sort((a, b) => a - b);
	const percentile = (p) =>
		latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
	const stalls = parts.map((part) => part.stallUnderLoadMs).filter((ms) => ms !== undefined);
	return {
		serverCores: sum('cpuMs') / sum('wallMs'),
		generatorCores: sum('generatorMs') / sum('wallMs'),
		cpuPerRequestUs: (sum('cpuMs') * 1000) / latencies.length,
		requestsPerSecond: (latencies.length * 1000) / sum('wallMs'),
		cpuMs: sum('cpuMs'),
		wallMs: sum('wallMs'),
		generatorMs: sum('generatorMs'),
		latencies,
		p50: Math.round(percentile(0.5)),
		p99: Math.round(percentile(0.99)),
		errors: sum('errors'),
		...(stalls.length > 0 && { stallUnderLoadMs: Math.max(...stalls) })
	};
}

// The longest stall, measured one request at a time: under 20 connections the loop's delay also
// counts requests waiting their turn, which is queueing, not one request blocking.
async function stallOneAtATime(server, options) {
	await longestStallMs(server);
	await autocannon({ ...options, connections: 1, duration: warmUpSeconds });
	return longestStallMs(server);
}

// Stalls are measured at the largest size only: a request that blocks the loop at a smaller one
// blocks it at least as long there, and each stall run costs two seconds a case.
// Each case with a budget is measured in turns with the page its budget names: four turns of
// each, alternating, so that both see the same machine. This machine's speed drifts (the same
// page has cost half as much again within a minute, and 1.5 times as much ten minutes later),
// which ratios to a reference measured even seconds before the case did not survive.
async function measureCases(server, cases, groups, { stalls }) {
	const measured = {};
	const byName = new Map(cases.map((c) => [c.name, c]));
	for (const testCase of cases) {
		const options = testCase.request(server.url);
		const result = testCase.over
			? await inTurns(server, options, byName.get(testCase.over).request(server.url))
			: await underLoad(server, options);
		if (stalls) result.stallMs = await stallOneAtATime(server, options);
		measured[testCase.name] = result;
		say(
			`${groups} groups, ${testCase.name}: ${Math.round(result.cpuPerRequestUs)} µs/request, p99 ${result.p99} ms${result.reference ? ` (${testCase.over} beside it: ${Math.round(result.reference.cpuPerRequestUs)} µs)` : ''}`
		);
		if (testCase.request.overused?.())
			console.log(
				`Note: more submissions than members in ${testCase.path}: raise answeringMembers.`
			);
	}
	return measured;
}

// A fresh server compiles its code in its first seconds under load: measured first on a new
// server, the purpose page cost 3.2 times /healthz, and 2.4-2.7 times on the same server once
// every page had been loaded for two seconds (scratch runs on the bench's database). A server
// that has been running has long compiled it, and each size, the latency run and the throughput
// run start their servers afresh, so each first loads every page that reads for a moment, twice
// around (the cases' own warm-up then compiles what is theirs alone).
async function warmUp(server, cases) {
	for (let round = 0; round < 2; round++)
		for (const testCase of cases.filter((c) => !c.writes))
			await autocannon({
				...testCase.request(server.url),
				connections,
				duration: serverWarmUpSeconds
			});
}

/** A case and its reference in alternating turns; each one's totals over its turns. */
async function inTurns(server, options, referenceOptions) {
	const own = [];
	const reference = [];
	for (let turn = 0; turn < turns; turn++) {
		own.push(
			await underLoad(server, options, {
				warmUp: turn === 0 ? warmUpSeconds : turnWarmUpSeconds,
				duration: seconds / turns
			})
		);
		reference.push(
			await underLoad(server, referenceOptions, {
				warmUp: turnWarmUpSeconds,
				duration: referenceSeconds / turns
			})
		);
	}
	return { ...together(own), reference: together(reference) };
}

// p99 as people wait for it: on the server as `npm start` runs it on this machine, one worker per
// core. On one process 20 connections queue behind one another, so its p99 is about 20 times a
// request's CPU time whatever the page does (the table shows it too); the budget is judged here.
async function measureLatency(cases, settings) {
	const server = await startServer(deployedWorkers, settings);
	await warmUp(server, cases);
	const measured = {};
	for (const testCase of cases) {
		await longestStallMs(server);
		const syncs = probeDiskSyncs();
		const result = await underLoad(server, testCase.request(server.url), {
			warmUp: latencyWarmUpSeconds,
			duration: latencySeconds
		});
		const disk = await syncs();
		// a p99 far above the CPU per request is either a worker's blocked loop (seen here) or
		// waiting outside the loop: the disk, the write lock, the machine
		const stallMs = await longestStallMs(server);
		measured[testCase.name] = { p99: result.p99, errors: result.errors, stallMs, disk };
		say(
			`on ${deployedWorkers} workers, ${testCase.name}: p99 ${result.p99} ms, longest stall ${stallMs.toFixed(1)} ms, disk syncs meanwhile p99 ${disk.p99.toFixed(1)} ms`
		);
	}
	await stopServer(server);
	return measured;
}

// The disk as the server's syncs meet it. Writes sync only when the log is copied into the file
// (db/connection.ts), so on workers a submission's p99 takes in the disk's slowest syncs: 72 ms
// in one run and 1,577 ms in another of the same code. While a latency case runs, this process
// writes 4 KB to a file of its own and syncs it, every 20 ms, on libuv's threads (the load
// generator's loop goes on); the p99 of those syncs is reported beside the case's.
function probeDiskSyncs() {
	const times = [];
	let running = true;
	const probing = (async () => {
		const file = await open(`${work}/disk-probe`, 'w');
		const block = Buffer.alloc(4096, 1);
		try {
			while (running) {
				const start = performance.now();
				await file.write(block, 0, block.length, 0);
				await file.sync();
				times.push(performance.now() - start);
				await sleep(20);
			}
		} finally {
			await file.close();
		}
	})();
	return async () => {
		running = false;
		await probing;
		times.sort((a, b) => a - b);
		const at = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? 0;
		return { p50: at(0.5), p99: at(0.99), max: times.at(-1) ?? 0, syncs: times.length };
	};
}

// Closing computes results and rewrites every response and answer in random order (the
// anonymity promise at the level of the file): one request, its CPU time and the loop's stall.
async function closeReview(server, closing) {
	await longestStallMs(server);
	const cpuBefore = serverCpuMs(server);
	const closeStarted = performance.now();
	const closed = await fetch(
		`${server.url}/g/${closing.slug}/reviews/${closing.open.reviewId}?/close`,
		{
			method: 'POST',
			headers: formHeaders(server.url, closing.cookie)
		}
	);
	return {
		name: 'close a review of 300 answers (one request)',
		status: closed.status,
		ms: performance.now() - closeStarted,
		cpuMs: serverCpuMs(server) - cpuBefore,
		stallMs: await longestStallMs(server)
	};
}

// Read pages on one process and on WEB_CONCURRENCY workers: both servers run at once on the same
// database, and each case alternates between them in halves (one, workers, one, workers), so
// that the machine's drift over a minute moves both alike instead of favouring whichever ran
// first. An idle server costs the other nothing.
async function measureScaling(cases, groups, settings) {
	const servers = [await startServer(1, settings), await startServer(budget.workers, settings)];
	for (const server of servers) await warmUp(server, cases);
	const results = [];
	for (const testCase of cases) {
		const halves = servers.map(() => []);
		for (let round = 0; round < 2; round++)
			for (const [i, server] of servers.entries()) {
				await longestStallMs(server);
				const result = await underLoad(server, testCase.request(server.url), {
					warmUp: round === 0 ? warmUpSeconds : 0,
					duration: seconds / 2
				});
				halves[i].push({ ...result, stallUnderLoadMs: await longestStallMs(server) });
			}
		const [oneProcess, workers] = halves.map((measured, i) => ({
			processes: 1 + descendantsOf(servers[i].pid).length,
			...together(measured)
		}));
		say(
			`${groups} groups, ${testCase.name}: ${Math.round(oneProcess.requestsPerSecond)} requests/s on one process, ${Math.round(workers.requestsPerSecond)} on WEB_CONCURRENCY=${budget.workers}`
		);
		results.push({
			name: testCase.name,
			oneProcess,
			workers,
			scaling: workers.requestsPerSecond / oneProcess.requestsPerSecond
		});
	}
	for (const server of servers) await stopServer(server);
	return results;
}

// What the machine gains from a second process at all, with no server, database or network: a
// CPU-bound loop in one process, then in `count` at once. Virtual cores that share a physical
// one, or a busy host, give less than `count` times; no server can scale past that.
async function machineScaling(count) {
	const loop = `const { createHash } = require('node:crypto'); let n = 0; const end = Date.now() + 3000;
		while (Date.now() < end) { createHash('sha256').update(String(n)).digest(); n++; }
		console.log(n);`;
	const work = async (processes) => {
		const counts = await Promise.all(
			Array.from({ length: processes }, () =>
				run(process.execPath, ['-e', loop]).then(({ stdout }) => Number(stdout))
			)
		);
		return counts.reduce((sum, n) => sum + n, 0);
	};
	const one = await work(1);
	const many = await work(count);
	return { processes: count, scaling: many / one };
}

const processesText = (count) => `${count} ${count === 1 ? 'process' : 'processes'}`;

// JavaScript and CSS each key page loads, gzip-compressed, as Chromium fetched them.
async function weighPages(url, seeds) {
	const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
	const context = await browser.newContext();
	await context.addCookies([{ name: 'session', value: seeds.main.cookie.split('=')[1], url }]);
	const weights = [];
	for (const [name, path] of [
		['home', '/'],
		['answer a review', `${seeds.base}/reviews/${seeds.openReviewId}`],
		["an outsider's form", `/o/${seeds.outsiderToken}`],
		['results', `${seeds.base}/reviews/${seeds.closedReviewId}/results`],
		['health (charts)', `${seeds.base}/health`],
		['board', `${seeds.base}/board`]
	])
		weights.push({ name, path, ...(await weighPage(context, url + path)) });
	await browser.close();
	return weights;
}

async function weighPage(context, address) {
	const tab = await context.newPage();
	const loaded = { script: [], stylesheet: [] };
	tab.on('response', (response) => {
		const kind = response.request().resourceType();
		if (kind in loaded) loaded[kind].push(response.body().catch(() => Buffer.alloc(0)));
	});
	await tab.goto(address, { waitUntil: 'networkidle' });
	const scripts = await Promise.all(loaded.script);
	const styles = await Promise.all(loaded.stylesheet);
	await tab.close();
	const gzipKB = (bodies) =>
		Number((bodies.reduce((sum, body) => sum + gzipSync(body).length, 0) / 1024).toFixed(1));
	return {
		files: scripts.length,
		gzipKB: gzipKB(scripts),
		cssGzipKB: gzipKB(styles),
		// 'radialLinear' is a scale id that only Chart.js's code contains
		chartJs: scripts.some((body) => body.includes('radialLinear') || body.includes('chartjs'))
	};
}

// ---------------------------------------------------------------------------------------------
// Judging

// Each case at each size, with its CPU ratio to the case its budget names (the purpose page for
// a reference), and its failures.
function judgeCases(cases, measuredBySize, deployed) {
	// The two sizes are measured minutes apart, and the machine's speed drifts by as much as the
	// budget in that time (in one run /healthz, which reads no group data, cost 18% more at the
	// second size; in the next, 11% less). The drift moves every case alike, so each case's change
	// is taken against the median change of all cases: a page whose cost grows with the instance
	// stands out from the rest.
	// A case measured with its reference beside it changes by its cost relative to that reference
	// (drift cancels); a reference itself, by its own cost.
	const relativeCost = (own) =>
		own.reference ? own.cpuPerRequestUs / own.reference.cpuPerRequestUs : own.cpuPerRequestUs;
	const changes = cases
		.map((c) => {
			const [small, large] = sizes.map((groups) => measuredBySize.get(groups)[c.name]);
			return relativeCost(large) / relativeCost(small);
		})
		.sort((x, y) => x - y);
	const typicalChange = changes[Math.floor(changes.length / 2)];
	return cases.map((testCase) => {
		const over = testCase.over ?? 'purpose page';
		const at = {};
		for (const [groups, measured] of measuredBySize) {
			const own = measured[testCase.name];
			const reference = own.reference ?? measured[over];
			at[groups] = { ...own, ratio: own.cpuPerRequestUs / reference.cpuPerRequestUs };
		}
		const [small, large] = sizes.map((groups) =>
			relativeCost(measuredBySize.get(groups)[testCase.name])
		);
		const sizeChange = large / small / typicalChange - 1;
		const judged = { ...testCase, over, at, sizeChange, deployed: deployed[testCase.name] };
		delete judged.request;
		return { ...judged, failures: failuresOf(judged) };
	});
}

const checks = [
	{
		kind: 'cpu',
		what: `every signed-in page costs at most ${budget.pageOverPurpose}x the purpose page's CPU per request (results and the board ${budget.heavyPageOverPurpose}x), submitting at most ${budget.submitOverPurpose}x`,
		fails: (c, at) => c.times !== undefined && c.over === 'purpose page' && at.ratio > c.times,
		detail: (c, at) => `${at.ratio.toFixed(2)}x`
	},
	{
		kind: 'purpose',
		what: `the purpose page costs at most ${budget.purposeOverHealthz}x /healthz's CPU per request`,
		fails: (c, at) => c.over === 'healthz (reference)' && at.ratio > c.times,
		detail: (c, at) => `${at.ratio.toFixed(2)}x`
	},
	{
		kind: 'stall',
		what: `no request blocks the event loop for more than ${budget.stallMs} ms`,
		fails: (c, at) => at.stallMs > budget.stallMs,
		detail: (c, at) => `${at.stallMs.toFixed(1)} ms`
	},
	{
		kind: 'errors',
		what: 'no errors under load',
		fails: (c, at) => at.errors > 0,
		detail: (c, at) => `${at.errors} errors`
	}
];

function failuresOf(judged) {
	const failures = [];
	for (const check of checks) {
		const failing = Object.entries(judged.at).filter(([, at]) => check.fails(judged, at));
		if (failing.length === 0) continue;
		const details = failing.map(
			([groups, at]) => `${check.detail(judged, at)} at ${groups} groups`
		);
		failures.push({ kind: check.kind, text: `${judged.name}: ${details.join(', ')}` });
	}
	const { deployed } = judged;
	if (deployed.p99 >= budget.p99Ms || deployed.errors > 0)
		failures.push({
			kind: 'p99',
			text: `${judged.name}: ${deployed.p99} ms, ${deployed.errors} errors on ${deployedWorkers} workers (longest event-loop stall ${deployed.stallMs.toFixed(1)} ms; the disk's syncs meanwhile: p99 ${deployed.disk.p99.toFixed(1)} ms, longest ${deployed.disk.max.toFixed(1)} ms)`
		});
	if (Math.abs(judged.sizeChange) > budget.sizeChange)
		failures.push({
			kind: 'size',
			text: `${judged.name}: ${sizes.map((groups) => Math.round(judged.at[groups].cpuPerRequestUs)).join(' → ')} µs, ${percent(judged.sizeChange)} against the median case`
		});
	return failures;
}

const percent = (change) => `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`;

function budgetsOf(judged, workers, closing, weights) {
	const failed = (kind) =>
		judged.flatMap((c) => c.failures.filter((f) => f.kind === kind).map((f) => f.text));
	const fromCases = [
		...checks,
		{
			kind: 'p99',
			what: `p99 under ${budget.p99Ms} ms at ${connections} connections, every page and submitting, on ${deployedWorkers} workers (as \`npm start\` runs here), with no errors`
		},
		{
			kind: 'size',
			what: `a case's CPU per request changes by at most ${percent(budget.sizeChange).slice(1)} more than the median case's between ${sizes[0]} and ${sizes[1]} groups`
		}
	].map(({ kind, what }) => ({ what, ok: failed(kind).length === 0, failing: failed(kind) }));
	const weight = (name) => weights.find((w) => w.name === name);
	const notScaling = workers.filter(
		(w) => w.scaling < budget.workerScaling || w.oneProcess.errors > 0 || w.workers.errors > 0
	);
	return [
		...fromCases,
		{
			what: `read pages on WEB_CONCURRENCY=${budget.workers} serve at least ${budget.workerScaling}x the requests/s of one process, with no errors`,
			ok: notScaling.length === 0,
			failing: notScaling.map(
				(w) =>
					`${w.name}: ${w.scaling.toFixed(2)}x on ${processesText(w.workers.processes)}, ${w.oneProcess.errors + w.workers.errors} errors; the server used ${w.workers.serverCores.toFixed(2)} cores and the load generator ${w.workers.generatorCores.toFixed(2)} of the machine's ${availableParallelism()}`
			)
		},
		{ what: 'closing a review of 300 answers succeeds', ok: closing.status < 400, failing: [] },
		{
			what: 'the answering page loads no Chart.js',
			ok: !weight('answer a review').chartJs,
			failing: []
		},
		{
			what: "the answering pages (members' and outsiders') load at most 60 KB of JavaScript (gzip)",
			ok: weight('answer a review').gzipKB <= 60 && weight("an outsider's form").gzipKB <= 60,
			failing: []
		},
		{
			what: 'the health page loads at most 140 KB of JavaScript (gzip)',
			ok: weight('health (charts)').gzipKB <= 140,
			failing: []
		}
	];
}

// ---------------------------------------------------------------------------------------------
// Reporting

const pad = (s, n) => String(s).padEnd(n);
const padLeft = (s, n) => String(s).padStart(n);

function budgetText(c) {
	if (c.times === undefined) return 'reference';
	return `<= ${c.times}x ${c.over === 'purpose page' ? 'purpose' : 'healthz'}`;
}

function printTable(judged) {
	const [small, large] = sizes;
	const sizeColumns = (groups) =>
		`${padLeft(`CPU µs @${groups}`, 13)}${padLeft('ratio', 7)}${padLeft('p99 ms', 8)}`;
	console.log(
		`\n${pad('case (20 connections, one process)', 40)}${pad('budget', 17)}${sizeColumns(small)}  ${sizeColumns(large)}${padLeft('size', 7)}${padLeft(`stall @${large}`, 13)}${padLeft(`p99 ${deployedWorkers} workers`, 14)}  result`
	);
	for (const c of judged) {
		const cells = (at) =>
			`${padLeft(Math.round(at.cpuPerRequestUs), 13)}${padLeft(at.ratio.toFixed(2), 7)}${padLeft(at.p99, 8)}`;
		const stall = c.at[large].stallMs;
		console.log(
			`${pad(c.name, 40)}${pad(budgetText(c), 17)}${cells(c.at[small])}  ${cells(c.at[large])}${padLeft(percent(c.sizeChange), 7)}${padLeft(stall.toFixed(1), 13)}${padLeft(c.deployed.p99, 14)}  ${c.failures.length === 0 ? 'pass' : 'FAIL'}`
		);
	}
	console.log(
		`ratio: CPU per request over the budget's page's, the two measured in ${turns} alternating turns (${seconds} s and ${referenceSeconds} s in all), or for a reference over the purpose page's; size: change of that ratio from ${small} to ${large} groups, against the median case's change; stall: longest, in ms, one request at a time; p99 ${deployedWorkers} workers: at ${large} groups on the server as \`npm start\` runs here (${latencySeconds} s a case), which the p99 budget judges`
	);
	const syncs = judged.map((c) => c.deployed.disk.p99);
	const writing = judged.filter((c) => c.writes);
	console.log(
		`the disk meanwhile (a 4 KB write synced every 20 ms during each p99 case): p99 ${Math.min(...syncs).toFixed(1)}-${Math.max(...syncs).toFixed(1)} ms${writing.map((c) => `, ${c.deployed.disk.p99.toFixed(1)} ms during ${c.name}`).join('')}`
	);
}

function printWorkers(workers, machine) {
	console.log(`\nread throughput at ${connections} connections, ${sizes.at(-1)} groups:`);
	console.log(
		`this machine itself: ${machine.processes} processes hashing in a loop do ${machine.scaling.toFixed(2)}x the work of one (the most any server could gain here)`
	);
	const run = (measured) =>
		`${padLeft(Math.round(measured.requestsPerSecond), 6)} requests/s (${processesText(measured.processes)}, p99 ${measured.p99} ms, ${measured.errors} errors, stall under load ${measured.stallUnderLoadMs.toFixed(1)} ms, server ${measured.serverCores.toFixed(2)} cores + load generator ${measured.generatorCores.toFixed(2)})`;
	for (const w of workers)
		console.log(
			`${pad(w.name, 40)}${w.scaling.toFixed(2)}x: WEB_CONCURRENCY=1 ${run(w.oneProcess)}, WEB_CONCURRENCY=${budget.workers} ${run(w.workers)}`
		);
}

function printClosing(closing, healthzUs) {
	console.log(
		`\n${closing.name}: ${closing.ms.toFixed(0)} ms, ${closing.cpuMs.toFixed(0)} ms of server CPU (${((closing.cpuMs * 1000) / healthzUs).toFixed(0)}x a /healthz request), longest stall ${closing.stallMs.toFixed(1)} ms, status ${closing.status}`
	);
}

function printWeights(weights) {
	console.log(
		`\n${pad('page', 20)}${pad('scripts', 9)}${pad('JS gzip KB', 12)}${pad('CSS gzip KB', 13)}Chart.js`
	);
	for (const w of weights)
		console.log(
			`${pad(w.name, 20)}${pad(w.files, 9)}${pad(w.gzipKB, 12)}${pad(w.cssGzipKB, 13)}${w.chartJs ? 'yes' : 'no'}`
		);
}

function printBudgets(budgets) {
	console.log('');
	for (const b of budgets) {
		console.log(`${b.ok ? 'PASS' : 'FAIL'}  ${b.what}`);
		for (const failing of b.failing) console.log(`        ${failing}`);
	}
}

// ---------------------------------------------------------------------------------------------

function freshWorkspace() {
	for (const file of [
		databasePath,
		`${databasePath}-wal`,
		`${databasePath}-shm`,
		serverLog,
		`${work}/disk-probe`
	])
		rmSync(file, { force: true });
	mkdirSync(work, { recursive: true });
}

freshWorkspace();
const seedingServer = await startServer(1);
const seeds = await seedInstance(seedingServer.url);
await untilRemindersDelivered();
await stopServer(seedingServer);

// Each size on a fresh server, after seeding, so that both start from the same state. A member
// of the group is an operator, to measure the outbox page.
const settings = { OPERATOR_EMAILS: seeds.main.people[1].email };
const measuredBySize = new Map();
let closing;
let weights;
let seededGroups = 0;
for (const [index, groups] of sizes.entries()) {
	await seedMoreGroups(groups - seededGroups);
	seededGroups = groups;
	await settleDisk();
	const server = await startServer(1, settings);
	const largest = index === sizes.length - 1;
	const cases = pageCases(seeds, seeds.answering[index]);
	say(`Warming up at ${groups} groups, one process...`);
	await warmUp(server, cases);
	say(`Measuring at ${groups} groups, one process...`);
	measuredBySize.set(groups, await measureCases(server, cases, groups, { stalls: largest }));
	if (largest) {
		closing = await closeReview(server, seeds.closing);
		weights = await weighPages(server.url, seeds);
	}
	await stopServer(server);
}
const cases = pageCases(seeds, seeds.answering.at(sizes.length - 1));
say(`Measuring p99 at ${sizes.at(-1)} groups on ${deployedWorkers} workers...`);
const deployed = await measureLatency(pageCases(seeds, seeds.answering.at(-1)), settings);
const workers = await measureScaling(
	cases.filter((c) => throughputCases.includes(c.name)),
	sizes.at(-1),
	settings
);

const machine = await machineScaling(budget.workers);
const judged = judgeCases(cases, measuredBySize, deployed);
const budgets = budgetsOf(judged, workers, closing, weights);
const minutes = (performance.now() - started) / 60_000;
printTable(judged);
printWorkers(workers, machine);
printClosing(closing, judged.find((c) => c.path === '/healthz').at[sizes.at(-1)].cpuPerRequestUs);
printWeights(weights);
printBudgets(budgets);
writeFileSync(
	`${work}/latest.json`,
	JSON.stringify(
		{
			at: new Date().toISOString(),
			seconds,
			sizes,
			minutes,
			cases: judged,
			workers,
			machine,
			closing,
			weights,
			budgets
		},
		// every response's latency was kept for the percentiles; the file keeps the percentiles
		(key, value) => (key === 'latencies' ? undefined : value),
		'\t'
	)
);
console.log(`\nWritten to ${work}/latest.json after ${minutes.toFixed(1)} minutes`);
process.exit(budgets.every((b) => b.ok) ? 0 : 1);
