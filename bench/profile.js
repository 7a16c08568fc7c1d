// `npm run bench:profile -- [path ...]`: where a page's CPU time goes. On the database the last
// `npm run bench` left (bench/results/bench.db, 2,000 groups), it starts the built server as one
// process under `node --cpu-prof`, loads each page at 20 connections (2 s of warm-up, then 4 s
// counted) as the owner of the seeded group of 500 tasks, and sorts the server's CPU samples of
// the counted seconds into the parts of a request: each sample goes to the innermost part its
// stack is in, the app's and SvelteKit's parts before the adapter's and Node's own.
// Paths may use <group> for the seeded group's address; the default is the purpose page, the
// board and /healthz.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { openDatabase, startSession } from '../scripts/database.js';
import { freePort, untilServing } from './serving.js';

const databasePath = 'bench/results/bench.db';
const warmUpSeconds = 2;
const countedSeconds = 4;

/** [part, test of a stack frame]: the first part that matches, innermost frame first, wins. */
const tiers = [
	[
		['garbage collection', (name) => name === '(garbage collector)'],
		['idle', (name) => name === '(idle)']
	],
	[
		['session: token hash, one query', (name) => name === 'validateSessionToken'],
		[
			'the page and layout loads: queries, rows',
			(name, url) => name === 'load_server_data' || (name === 'load' && url.includes('.server.ts'))
		],
		['CSP nonce', (name) => name === 'generate_nonce' || name === 'getRandomValues'],
		['etag: a hash of the whole HTML', (name, url) => name === 'hash' && url.includes('exports')],
		['data for hydration (devalue)', (name) => name === 'stringify' || name === 'uneval'],
		['Svelte components', (name, url) => name === 'Root' || url.includes('.svelte.js')],
		['SvelteKit: HTML and headers', (name) => name === 'render_response'],
		['SvelteKit: routing, hooks, cookies', (name) => name === 'internal_respond']
	],
	[
		[
			'adapter-node: Request and Response objects',
			(_name, url) => url.includes('/handler') || url.includes('undici')
		]
	],
	[['Node: HTTP parsing, sockets, microtasks', (_name, url) => url.startsWith('node:') || !url]]
];

if (!existsSync(databasePath)) {
	console.error(`No ${databasePath}: run \`npm run bench\` once first; this reads what it seeded.`);
	process.exit(1);
}
if (!existsSync('build/index.js')) {
	console.error('No build/: run `npm run build` first.');
	process.exit(1);
}

const { slug, cookie } = signInAsSeedOwner();
const asked = process.argv.slice(2);
const paths = (asked.length > 0 ? asked : ['<group>/purpose', '<group>/board', '/healthz']).map(
	(path) => path.replace('<group>', `/g/${slug}`)
);
for (const path of paths) await profile(path);

// A session for the owner of the seeded group with 500 tasks, as scripts/seed.js makes them (a
// row more in bench/results/bench.db, which the next `npm run bench` starts afresh).
function signInAsSeedOwner() {
	const database = openDatabase(`file:${databasePath}`);
	const [owner] = database.execute(
		`select g.slug, m.user_id as userId from "group" g join membership m on m.group_id = g.id
		 where m.role = 'owner' and (select count(*) from task t where t.group_id = g.id) >= 500`
	).rows;
	const cookie = startSession(database, owner.userId);
	database.close();
	return { slug: owner.slug, cookie };
}

async function profile(path) {
	const port = await freePort();
	const profiles = mkdtempSync(`${tmpdir()}/outsider-profile-`);
	const log = openSync(`${profiles}/server.log`, 'w');
	const server = spawn(
		process.execPath,
		['--cpu-prof', `--cpu-prof-dir=${profiles}`, 'scripts/serve.js'],
		{
			env: {
				...process.env,
				DATABASE_URL: `file:${databasePath}`,
				HOST: '127.0.0.1',
				PORT: String(port),
				WEB_CONCURRENCY: '1'
			},
			stdio: ['ignore', log, log]
		}
	);
	closeSync(log);
	await untilServing({ url: `http://127.0.0.1:${port}`, child: server }, `${profiles}/server.log`);

	let requests = 0;
	let refused = 0;
	let counting = false;
	const run = autocannon({
		url: `http://127.0.0.1:${port}${path}`,
		headers: { cookie },
		connections: 20,
		duration: warmUpSeconds + countedSeconds
	});
	run.on('response', (_client, status) => {
		if (status >= 300) refused++;
		else if (counting) requests++;
	});
	await sleep(warmUpSeconds * 1000);
	// V8's profile and process.hrtime read the same monotonic clock, in µs and ns
	const from = Number(process.hrtime.bigint() / 1000n);
	counting = true;
	await sleep(countedSeconds * 1000);
	counting = false;
	const to = Number(process.hrtime.bigint() / 1000n);
	await run;
	const exited = new Promise((resolve) => server.on('exit', resolve));
	server.kill('SIGTERM');
	await exited;
	if (refused > 0) {
		console.error(
			`${path} answered ${refused} requests with a status of 300 or more; see ${profiles}/server.log`
		);
		process.exitCode = 1;
		return;
	}

	// the main thread's profile (the log-emptying thread writes one of its own)
	const [main] = readdirSync(profiles)
		.filter((name) => name.endsWith('.cpuprofile'))
		.sort();
	const parts = partsOf(JSON.parse(readFileSync(`${profiles}/${main}`, 'utf8')), from, to);
	const busy = [...parts].reduce((sum, [part, us]) => sum + (part === 'idle' ? 0 : us), 0);
	console.log(
		`\n${path}: ${requests} requests in ${countedSeconds} s, ${Math.round(busy / requests)} µs of the main thread each`
	);
	for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) {
		if (part === 'idle') continue;
		const share = `${((100 * us) / busy).toFixed(1)}%`.padStart(6);
		console.log(`${share} ${String(Math.round(us / requests)).padStart(6)} µs  ${part}`);
	}
	console.log(`(profile: ${profiles}/${main})`);
}

/** Microseconds of samples between `from` and `to`, by part of a request. */
function partsOf(profile, from, to) {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const parents = new Map();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parents.set(child, node.id);
	const parts = new Map();
	let time = profile.startTime;
	profile.samples.forEach((id, i) => {
		time += profile.timeDeltas[i];
		if (time < from || time > to) return;
		const part = partOf(id, nodes, parents);
		parts.set(part, (parts.get(part) ?? 0) + profile.timeDeltas[i]);
	});
	return parts;
}

function partOf(id, nodes, parents) {
	for (const tier of tiers)
		for (let node = id; node !== undefined; node = parents.get(node)) {
			const { functionName, url } = nodes.get(node).callFrame;
			for (const [part, matches] of tier) if (matches(functionName, url)) return part;
		}
	return 'other';
}
