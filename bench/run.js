// `npm run bench`: measures what the issues promise, as ratios to /healthz in the same run.
// It seeds a group of 300 members with 40 closed reviews (scripts/seed.js), starts the built
// server on loopback, drives it with autocannon, loads key pages in Chromium to weigh their
// JavaScript, prints a table and writes bench/results/latest.json. Exits 1 when a budget fails.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { chromium } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.js';

const run = promisify(execFile);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const work = 'bench/results';
rmSync(`${work}/bench.db`, { force: true });
rmSync(`${work}/bench.db-wal`, { force: true });
rmSync(`${work}/bench.db-shm`, { force: true });
mkdirSync(work, { recursive: true });
const env = { ...process.env, DATABASE_URL: `file:${work}/bench.db`, HOST: '127.0.0.1', PORT: '0' };

const server = spawn(process.execPath, ['scripts/serve.js'], {
	env,
	stdio: ['ignore', 'pipe', 'inherit']
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

console.log('Seeding 40 closed reviews of a 300-member group...');
const seeded = JSON.parse(
	(
		await run(
			'node',
			[
				'scripts/seed.js',
				'--server',
				url,
				'--reviews',
				'40',
				'--members',
				'300',
				'--restate-every',
				'10'
			],
			{ env, maxBuffer: 1e7 }
		)
	).stdout
);
const cookie = seeded.cookie;
const base = `/g/${seeded.slug}`;
// one more review left open, for the answering page, made through the app's own forms
const postForm = (path, fields = {}) =>
	fetch(url + path, {
		method: 'POST',
		body: new URLSearchParams(fields),
		headers: {
			cookie,
			origin: url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		redirect: 'manual'
	});
const created = await postForm(`${base}/reviews?/create`, { title: 'Open now' });
const openId = created.headers.get('location').split('/').at(-2);
await postForm(`${base}/reviews/${openId}?/open`);
const lastClosed = (
	await (await fetch(`${url}${base}/export.json`, { headers: { cookie } })).json()
).rows.at(-1).reviewId;

// The server's own CPU time, from /proc: what a request costs the server, whatever the load
// generator (on the same two cores) can or cannot keep up with.
function serverCpuMs() {
	const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
	return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function load(name, path, connections) {
	const cpuBefore = serverCpuMs();
	const result = await autocannon({
		url: url + path,
		connections,
		duration: seconds,
		headers: { cookie }
	});
	const errors = result.errors + result.timeouts + (result.non2xx ?? 0);
	const cpuPerRequest = (serverCpuMs() - cpuBefore) / result.requests.total;
	return {
		cpuPerRequest,
		name,
		path,
		connections,
		requestsPerSecond: result.requests.average,
		p50: result.latency.p50,
		p99: result.latency.p99,
		meanLatency: result.latency.mean,
		errors
	};
}

const cases = [
	['healthz', '/healthz'],
	['health page (40 reviews x 300 members)', `${base}/health`],
	['results page', `${base}/reviews/${lastClosed}/results`],
	['open review page', `${base}/reviews/${openId}`],
	// a group page with almost no data: the floor that server rendering sets for every page
	['purpose page (floor)', `${base}/purpose`]
];
const rows = [];
for (const connections of [1, 20]) {
	for (const [name, path] of cases) rows.push(await load(name, path, connections));
}
for (const row of rows) {
	const baseline = rows.find((r) => r.name === 'healthz' && r.connections === row.connections);
	row.throughputRatio = row.requestsPerSecond / baseline.requestsPerSecond;
	row.latencyRatio = row.meanLatency / baseline.meanLatency;
	row.cpuRatio = row.cpuPerRequest / baseline.cpuPerRequest;
}

// JavaScript each key page loads, gzip-compressed, as Chromium fetched it.
const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs });
const context = await browser.newContext();
await context.addCookies([{ name: 'session', value: cookie.split('=')[1], url }]);
const weights = [];
for (const [name, path] of [
	['home', '/'],
	['answer a review', `${base}/reviews/${openId}`],
	['results', `${base}/reviews/${lastClosed}/results`],
	['health (charts)', `${base}/health`]
]) {
	const page = await context.newPage();
	const scripts = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() === 'script')
			scripts.push(response.body().catch(() => Buffer.alloc(0)));
	});
	await page.goto(url + path, { waitUntil: 'networkidle' });
	const bodies = await Promise.all(scripts);
	const gzip = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
	// 'radialLinear' is a scale id that only Chart.js's code contains
	const chartJs = bodies.some((body) => body.includes('radialLinear') || body.includes('chartjs'));
	weights.push({
		name,
		path,
		files: bodies.length,
		gzipKB: Number((gzip / 1024).toFixed(1)),
		chartJs
	});
	await page.close();
}
await browser.close();
stop();

const budgets = [
	{
		// "Renders on the server in a time within 3x of /healthz": the server's own CPU time per
		// request, measured under load, not the round trip through a load generator that shares
		// the machine's two cores.
		what: 'health page costs the server at most 3x the CPU time of /healthz per request (20 connections)',
		ok: rows.find((r) => r.name.startsWith('health page') && r.connections === 20).cpuRatio <= 3
	},
	{
		what: 'the answering page loads no Chart.js',
		ok: !weights.find((w) => w.name === 'answer a review').chartJs
	},
	{
		what: 'the answering page loads at most 60 KB of JavaScript (gzip)',
		ok: weights.find((w) => w.name === 'answer a review').gzipKB <= 60
	},
	{
		what: 'the health page loads at most 140 KB of JavaScript (gzip)',
		ok: weights.find((w) => w.name === 'health (charts)').gzipKB <= 140
	},
	{ what: 'no errors under load', ok: rows.every((r) => r.errors === 0) }
];

const pad = (s, n) => String(s).padEnd(n);
console.log(
	`\n${pad('case', 42)}${pad('conn', 6)}${pad('req/s', 9)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('x healthz req/s', 17)}${pad('x healthz latency', 19)}${pad('server CPU ms/req', 19)}x healthz CPU`
);
for (const r of rows) {
	console.log(
		`${pad(r.name, 42)}${pad(r.connections, 6)}${pad(Math.round(r.requestsPerSecond), 9)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.throughputRatio.toFixed(2), 17)}${pad(r.latencyRatio.toFixed(2), 19)}${pad(r.cpuPerRequest.toFixed(2), 19)}${r.cpuRatio.toFixed(2)}`
	);
}
console.log(`\n${pad('page', 20)}${pad('scripts', 9)}${pad('JS gzip KB', 12)}Chart.js`);
for (const w of weights)
	console.log(
		`${pad(w.name, 20)}${pad(w.files, 9)}${pad(w.gzipKB, 12)}${w.chartJs ? 'yes' : 'no'}`
	);
console.log('');
for (const b of budgets) console.log(`${b.ok ? 'PASS' : 'FAIL'}  ${b.what}`);
writeFileSync(
	`${work}/latest.json`,
	JSON.stringify({ at: new Date().toISOString(), seconds, rows, weights, budgets }, null, '\t')
);
console.log(`\nWritten to ${work}/latest.json`);
process.exit(budgets.every((b) => b.ok) ? 0 : 1);
