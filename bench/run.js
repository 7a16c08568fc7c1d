// `npm run bench`: measures what the issues promise, as ratios to /healthz in the same run.
// It starts the built server on loopback, seeds a group of 300 members with 40 closed reviews and
// 500 tasks (scripts/seed.js), 2,000 more groups of 50 members with 8 reviews each
// (scripts/seed-many.js; BENCH_GROUPS changes the number) and 8,000 members who each answer once,
// drives each case with autocannon at 20 connections for BENCH_SECONDS, reads the server's CPU
// time and longest event-loop stall, weighs the JavaScript and CSS of key pages in Chromium,
// prints a table and writes bench/results/latest.json. Exits 1 when a budget fails.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { createClient } from '@libsql/client';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.js';

const run = promisify(execFile);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const work = 'bench/results';
rmSync(`${work}/bench.db`, { force: true });
rmSync(`${work}/bench.db-wal`, { force: true });
rmSync(`${work}/bench.db-shm`, { force: true });
mkdirSync(work, { recursive: true });
const stallFile = `${work}/event-loop.json`;
const env = {
	...process.env,
	DATABASE_URL: `file:${work}/bench.db`,
	HOST: '127.0.0.1',
	PORT: '0',
	EVENT_LOOP_REPORT: stallFile
};

const server = spawn(process.execPath, ['scripts/serve.js'], {
	env,
	// the server's log (mail included, without SMTP_URL) is not part of the bench's output
	stdio: ['ignore', 'pipe', 'ignore']
});
const url = await new Promise((resolve, reject) => {
	let out = '';
	server.stdout.on('data', (chunk) => {
		out += chunk;
		const match = out.match(/running at (http:\/\/\S+)/);
		if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
	});
	server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const stop = () => server.kill('SIGTERM');
process.on('exit', stop);

const seed = async (extra) =>
	JSON.parse(
		(await run('node', ['scripts/seed.js', '--server', url, ...extra], { env, maxBuffer: 1e8 }))
			.stdout
	);
console.log('Seeding a group of 300 members with 40 closed reviews and 500 tasks...');
const seeded = await seed([
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
const cookie = seeded.cookie;
const base = `/g/${seeded.slug}`;
const openId = seeded.open.reviewId;
const lastClosed = (
	await (await fetch(`${url}${base}/export.json`, { headers: { cookie } })).json()
).rows.at(-1).reviewId;

const groups = Number(process.env.BENCH_GROUPS ?? 2000);
console.log(`Seeding ${groups} more groups of 50 members with 8 closed reviews each...`);
await run('node', ['scripts/seed-many.js', '--groups', String(groups)], { env });

// Submissions: each request is another member of a large group, answering its open review.
console.log('Seeding 8000 members who will each answer once...');
const answering = await seed([
	'--reviews',
	'0',
	'--members',
	'8000',
	'--open',
	'--all-cookies',
	'--name',
	'Answering'
]);
const answerBody = new URLSearchParams(
	answering.open.scaleKeys.map((key, i) => [`score:${key}`, String((i % 5) + 1)])
).toString();

// Closing: a review of 300 members who all answered (with comments), closed once at the end.
console.log('Seeding a group of 300 members who all answer an open review...');
const closing = await seed([
	'--reviews',
	'0',
	'--members',
	'300',
	'--open',
	'--all-cookies',
	'--name',
	'Closing'
]);
const commentBody = (i) =>
	new URLSearchParams([
		...closing.open.scaleKeys.map((key, k) => [`score:${key}`, String(((i + k) % 5) + 1)]),
		...closing.open.scaleKeys
			.slice(0, 3)
			.map((key) => [`comment:${key}`, `Comment ${i} on ${key}.`])
	]).toString();
for (const [i, member] of [closing.cookie, ...closing.memberCookies].entries()) {
	const response = await fetch(
		`${url}/g/${closing.slug}/reviews/${closing.open.reviewId}?/submit`,
		{
			method: 'POST',
			body: commentBody(i),
			headers: {
				cookie: member,
				origin: url,
				accept: 'application/json',
				'x-sveltekit-action': 'true',
				'content-type': 'application/x-www-form-urlencoded'
			}
		}
	);
	if (!response.ok) throw new Error(`answering the closing review: ${response.status}`);
}

// Opening the reviews made thousands of "review opened" reminders, and the tasks' due days make
// more at the scheduler's next tick (every 30 s): measure once a tick has passed and the app
// has delivered them all (to its log, without SMTP_URL), not while it is still doing so.
const database = createClient({ url: env.DATABASE_URL, timeout: 30_000 });
await sleep(32_000);
for (;;) {
	const { rows } = await database.execute(
		"select count(*) as pending from reminder where status = 'pending'"
	);
	if (Number(rows[0].pending) === 0) break;
	await sleep(500);
}
database.close();

// The server's own CPU time, from /proc: what a request costs the server, whatever the load
// generator (on the same two cores) can or cannot keep up with.
function serverCpuMs() {
	const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
	return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

// The longest the server's event loop was blocked since the last call (scripts/serve.js).
async function eventLoopStallMs() {
	rmSync(stallFile, { force: true });
	server.kill('SIGUSR2');
	for (let i = 0; i < 500 && !existsSync(stallFile); i++) await sleep(20);
	return JSON.parse(readFileSync(stallFile, 'utf8')).maxMs;
}

async function load(name, options) {
	// Warm up first, uncounted: the first requests of a case compile its code and fill caches,
	// which is not what a request costs a server that has been running.
	await autocannon({ ...options, connections: 20, duration: Math.min(2, seconds) });
	const cpuBefore = serverCpuMs();
	const result = await autocannon({ connections: 20, duration: seconds, ...options });
	const errors = result.errors + result.timeouts + (result.non2xx ?? 0);
	const cpuPerRequest = (serverCpuMs() - cpuBefore) / result.requests.total;
	// The longest stall, measured one request at a time: under 20 connections the loop's delay
	// also counts requests waiting their turn, which is queueing, not one request blocking.
	await eventLoopStallMs();
	await autocannon({ ...options, connections: 1, duration: Math.min(2, seconds) });
	const stallMs = await eventLoopStallMs();
	return {
		name,
		cpuPerRequest,
		requestsPerSecond: result.requests.average,
		p50: result.latency.p50,
		p99: result.latency.p99,
		errors,
		stallMs
	};
}

const page = (path, who = cookie) => ({ url: url + path, headers: { cookie: who } });
let nextMember = 0;
const rows = [
	await load('healthz', page('/healthz')),
	await load(
		'open review, as a member',
		page(`${base}/reviews/${openId}`, seeded.people[0].cookie)
	),
	await load('submit a response', {
		url: `${url}/g/${answering.slug}/reviews/${answering.open.reviewId}?/submit`,
		method: 'POST',
		body: answerBody,
		headers: {
			origin: url,
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			'content-type': 'application/x-www-form-urlencoded'
		},
		// every request is another member: answering twice is refused, and would count as an error
		requests: [
			{
				setupRequest: (request) => ({
					...request,
					headers: {
						...request.headers,
						cookie: answering.memberCookies[nextMember++ % answering.memberCookies.length]
					}
				})
			}
		]
	}),
	await load('results of a closed review', page(`${base}/reviews/${lastClosed}/results`)),
	await load('health page (40 reviews x 300 members)', page(`${base}/health`)),
	await load('board with 500 tasks', page(`${base}/board`)),
	// References, with no budget of their own: what server rendering costs before a page has any
	// content. The log-in form, signed out, is a page with no query at all; the purpose page is a
	// group page with almost no data (session, membership, one small query).
	await load('log-in page, signed out (reference)', { url: `${url}/login` }),
	await load('purpose page (reference)', page(`${base}/purpose`))
];
const baseline = rows[0];
for (const row of rows) {
	row.throughputRatio = row.requestsPerSecond / baseline.requestsPerSecond;
	row.cpuRatio = row.cpuPerRequest / baseline.cpuPerRequest;
}
// Closing computes results and rewrites every response and answer in random order (the
// anonymity promise at the level of the file): one request, its CPU time and the loop's stall.
await eventLoopStallMs();
const closeCpuBefore = serverCpuMs();
const closeStarted = performance.now();
const closed = await fetch(`${url}/g/${closing.slug}/reviews/${closing.open.reviewId}?/close`, {
	method: 'POST',
	headers: {
		cookie: closing.cookie,
		origin: url,
		'x-sveltekit-action': 'true',
		'content-type': 'application/x-www-form-urlencoded'
	}
});
const closeRow = {
	name: 'close a review of 300 answers (one request)',
	status: closed.status,
	ms: performance.now() - closeStarted,
	cpuMs: serverCpuMs() - closeCpuBefore,
	stallMs: await eventLoopStallMs()
};

if (nextMember > answering.memberCookies.length)
	console.log(`Note: ${nextMember} submissions for ${answering.memberCookies.length} members.`);

// JavaScript and CSS each key page loads, gzip-compressed, as Chromium fetched them.
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
const context = await browser.newContext();
await context.addCookies([{ name: 'session', value: cookie.split('=')[1], url }]);
const weights = [];
for (const [name, path] of [
	['home', '/'],
	['answer a review', `${base}/reviews/${openId}`],
	['results', `${base}/reviews/${lastClosed}/results`],
	['health (charts)', `${base}/health`],
	['board', `${base}/board`]
]) {
	const tab = await context.newPage();
	const loaded = { script: [], stylesheet: [] };
	tab.on('response', (response) => {
		const kind = response.request().resourceType();
		if (kind in loaded) loaded[kind].push(response.body().catch(() => Buffer.alloc(0)));
	});
	await tab.goto(url + path, { waitUntil: 'networkidle' });
	const scripts = await Promise.all(loaded.script);
	const styles = await Promise.all(loaded.stylesheet);
	const gzipKB = (bodies) =>
		Number((bodies.reduce((sum, body) => sum + gzipSync(body).length, 0) / 1024).toFixed(1));
	// 'radialLinear' is a scale id that only Chart.js's code contains
	const chartJs = scripts.some((body) => body.includes('radialLinear') || body.includes('chartjs'));
	weights.push({
		name,
		path,
		files: scripts.length,
		gzipKB: gzipKB(scripts),
		cssGzipKB: gzipKB(styles),
		chartJs
	});
	await tab.close();
}
await browser.close();
stop();

const row = (name) => rows.find((r) => r.name.startsWith(name));
const weight = (name) => weights.find((w) => w.name === name);
const budgets = [
	{
		// "Renders on the server in a time within 3x of /healthz": the server's own CPU time per
		// request, measured under load, not the round trip through a load generator that shares
		// the machine's two cores.
		what: 'health page costs the server at most 3x the CPU time of /healthz per request',
		ok: row('health page').cpuRatio <= 3
	},
	{
		what: 'submitting reaches 20% of /healthz requests/s, with no errors and p99 under 50 ms',
		ok: row('submit').throughputRatio >= 0.2 && row('submit').errors === 0 && row('submit').p99 < 50
	},
	...['open review', 'results', 'health page', 'board'].map((name) => ({
		what: `${row(name).name} reaches 30% of /healthz requests/s`,
		ok: row(name).throughputRatio >= 0.3
	})),
	{
		what: 'no request blocks the event loop for more than 50 ms',
		ok: rows.every((r) => r.stallMs <= 50)
	},
	{ what: 'the answering page loads no Chart.js', ok: !weight('answer a review').chartJs },
	{
		what: 'the answering page loads at most 60 KB of JavaScript (gzip)',
		ok: weight('answer a review').gzipKB <= 60
	},
	{
		what: 'the health page loads at most 140 KB of JavaScript (gzip)',
		ok: weight('health (charts)').gzipKB <= 140
	},
	{ what: 'no errors under load', ok: rows.every((r) => r.errors === 0) },
	{ what: 'closing a review of 300 answers succeeds', ok: closeRow.status < 400 }
];

const pad = (s, n) => String(s).padEnd(n);
console.log(
	`\n${pad('case (20 connections)', 42)}${pad('req/s', 9)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('errors', 8)}${pad('x healthz req/s', 17)}${pad('CPU ms/req', 12)}${pad('x healthz CPU', 15)}longest stall ms`
);
for (const r of rows) {
	console.log(
		`${pad(r.name, 42)}${pad(Math.round(r.requestsPerSecond), 9)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.errors, 8)}${pad(r.throughputRatio.toFixed(2), 17)}${pad(r.cpuPerRequest.toFixed(2), 12)}${pad(r.cpuRatio.toFixed(2), 15)}${r.stallMs.toFixed(1)}`
	);
}
console.log(
	`\n${closeRow.name}: ${closeRow.ms.toFixed(0)} ms, ${closeRow.cpuMs.toFixed(0)} ms of server CPU (${(closeRow.cpuMs / baseline.cpuPerRequest).toFixed(0)}x a /healthz request), longest stall ${closeRow.stallMs.toFixed(1)} ms, status ${closeRow.status}`
);
console.log(
	`\n${pad('page', 20)}${pad('scripts', 9)}${pad('JS gzip KB', 12)}${pad('CSS gzip KB', 13)}Chart.js`
);
for (const w of weights)
	console.log(
		`${pad(w.name, 20)}${pad(w.files, 9)}${pad(w.gzipKB, 12)}${pad(w.cssGzipKB, 13)}${w.chartJs ? 'yes' : 'no'}`
	);
console.log('');
for (const b of budgets) console.log(`${b.ok ? 'PASS' : 'FAIL'}  ${b.what}`);
writeFileSync(
	`${work}/latest.json`,
	JSON.stringify(
		{ at: new Date().toISOString(), seconds, rows, closing: closeRow, weights, budgets },
		null,
		'\t'
	)
);
console.log(`\nWritten to ${work}/latest.json`);
process.exit(budgets.every((b) => b.ok) ? 0 : 1);
