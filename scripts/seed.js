// Seeds a group with many closed reviews against a running Outsider, for the benchmark and the
// browser tests: `node scripts/seed.js --server http://127.0.0.1:3000 --reviews 40 --members 300`.
// People, memberships, sessions and answers are written straight to the database (fast, in
// bulk); groups and reviews are created, opened, restated and closed through the app's own
// forms, so aggregates come from the real closing code. Prints JSON: the group and a cookie.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openDatabase, startSession } from './database.js';
import { hash } from '@node-rs/argon2';

const { values: args } = parseArgs({
	options: {
		server: { type: 'string' },
		reviews: { type: 'string', default: '6' },
		members: { type: 'string', default: '8' },
		'hidden-every': { type: 'string', default: '0' },
		'restate-every': { type: 'string', default: '0' },
		name: { type: 'string', default: 'Seeded Tenants Union' },
		// tasks on the group's board, spread over columns, owners, areas and due days
		tasks: { type: 'string', default: '0' },
		// leave one more review open at the end, and print its id and scored question keys
		open: { type: 'boolean', default: false },
		// print a session cookie for every member (for load tests where each request is someone else)
		'all-cookies': { type: 'boolean', default: false }
	}
});
if (!args.server) {
	console.error(
		'Give the running app with --server http://127.0.0.1:PORT (and the same DATABASE_URL).'
	);
	process.exit(1);
}
const server = args.server.replace(/\/$/, '');
const reviewCount = Number(args.reviews);
const memberCount = Number(args.members);
const hiddenEvery = Number(args['hidden-every']);
const restateEvery = Number(args['restate-every']);
const db = openDatabase(process.env.DATABASE_URL ?? 'file:data/outsider.db');

// A small deterministic random source, so two runs seed the same scores.
let state = 42;
const random = () => (state = (state * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
const id = () =>
	randomBytes(15)
		.toString('base64url')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, 'x');
const run = `${Date.now().toString(36)}`;

const emailOf = (label) => `${label.toLowerCase().replace(/\W+/g, '-')}-${run}@example.org`;

async function person(label, passwordHash) {
	const userId = id();
	// seeded people have confirmed their address, so reminders reach them by email
	await db.execute({
		sql: 'insert into user (id, email, display_name, password_hash, email_verified_at) values (?, ?, ?, ?, ?)',
		args: [userId, emailOf(label), label, passwordHash, Date.now()]
	});
	return userId;
}

const sessionFor = (userId) => startSession(db, userId);

async function post(path, fields, cookie) {
	const response = await fetch(server + path, {
		method: 'POST',
		body: new URLSearchParams(fields),
		headers: {
			cookie,
			origin: server,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		redirect: 'manual'
	});
	if (response.status >= 400)
		throw new Error(
			`${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`
		);
	return response;
}

const passwordHash = await hash('seeded password not for use', {
	memoryCost: 19456,
	timeCost: 2,
	parallelism: 1
});
const ownerId = await person('Seed Owner', passwordHash);
const cookie = await sessionFor(ownerId);
const slug = `seeded-${run}`;
await post(
	'/groups/new?/create',
	{ name: args.name, slug, purpose: 'Keep every tenant housed, safe and heard.' },
	cookie
);
const [{ id: groupId }] = (
	await db.execute({ sql: 'select id from "group" where slug = ?', args: [slug] })
).rows;

const members = [ownerId];
for (let i = 1; i < memberCount; i++) members.push(await person(`Member ${i}`, passwordHash));
await db.batch(
	members.slice(1).map((userId) => ({
		sql: 'insert into membership (group_id, user_id, role) values (?, ?, ?)',
		args: [groupId, userId, 'member']
	})),
	'write'
);

for (let r = 0; r < reviewCount; r++) {
	if (restateEvery && r > 0 && r % restateEvery === 0) {
		await post(
			`/g/${slug}/purpose?/restate`,
			{ text: `Keep every tenant housed, safe and heard (restated ${r}).`, reason: 'We grew.' },
			cookie
		);
	}
	const title = `${2016 + Math.floor(r / 4)} Q${(r % 4) + 1}`;
	const created = await post(`/g/${slug}/reviews?/create`, { title }, cookie);
	const reviewId = created.headers.get('location').split('/').at(-2);
	await post(`/g/${slug}/reviews/${reviewId}?/open`, {}, cookie);
	const questions = (
		await db.execute({
			sql: 'select key, kind from question where review_id = ?',
			args: [reviewId]
		})
	).rows;
	// A hidden review: too few answers (2) for the threshold of 5.
	const answering =
		hiddenEvery && (r + 1) % hiddenEvery === 0
			? 2
			: Math.round(memberCount * (0.55 + random() * 0.4));
	const statements = [];
	for (const userId of members.slice(0, answering)) {
		const responseId = id();
		statements.push({
			sql: 'update eligibility set answered = 1 where review_id = ? and user_id = ?',
			args: [reviewId, userId]
		});
		statements.push({
			sql: 'insert into response (id, review_id, receipt_hash) values (?, ?, ?)',
			args: [responseId, reviewId, id()]
		});
		for (const q of questions) {
			const drift = (r / Math.max(1, reviewCount - 1)) * 1.5;
			const score =
				q.kind === 'scale'
					? Math.max(1, Math.min(5, Math.round(1.5 + drift + random() * 2.5)))
					: null;
			const text =
				q.kind === 'text' && random() < 0.3 ? `Seeded answer ${Math.floor(random() * 1000)}` : null;
			statements.push({
				sql: 'insert into answer (response_id, question_key, score, text) values (?, ?, ?, ?)',
				args: [responseId, q.key, score, text]
			});
		}
	}
	for (let i = 0; i < statements.length; i += 5000)
		await db.batch(statements.slice(i, i + 5000), 'write');
	await post(`/g/${slug}/reviews/${reviewId}?/close`, {}, cookie);
}
const taskCount = Number(args.tasks);
if (taskCount > 0) {
	const areas = (
		await db.execute({ sql: 'select id from area where group_id = ?', args: [groupId] })
	).rows.map((r) => r.id);
	const statuses = ['todo', 'doing', 'blocked', 'done'];
	const statements = [];
	const now = Date.now();
	for (let t = 0; t < taskCount; t++) {
		const taskId = id();
		const due = random() < 0.7 ? new Date(now + (random() * 60 - 20) * 86400_000) : null;
		statements.push({
			sql: 'insert into task (id, group_id, title, description, status, due_on, area_id, created_by, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
			args: [
				taskId,
				groupId,
				`Seeded task ${t + 1}`,
				'',
				statuses[Math.floor(random() * statuses.length)],
				due && due.toISOString().slice(0, 10),
				random() < 0.8 ? areas[Math.floor(random() * areas.length)] : null,
				ownerId,
				now,
				now
			]
		});
		if (random() < 0.85)
			statements.push({
				sql: 'insert into task_owner (task_id, user_id) values (?, ?)',
				args: [taskId, members[Math.floor(random() * members.length)]]
			});
	}
	await db.batch(statements, 'write');
}

let open;
if (args.open) {
	const created = await post(`/g/${slug}/reviews?/create`, { title: 'Open now' }, cookie);
	const reviewId = created.headers.get('location').split('/').at(-2);
	await post(`/g/${slug}/reviews/${reviewId}?/open`, {}, cookie);
	const keys = (
		await db.execute({
			sql: "select key from question where review_id = ? and kind = 'scale'",
			args: [reviewId]
		})
	).rows.map((r) => r.key);
	open = { reviewId, scaleKeys: keys };
}
const memberCookies = [];
if (args['all-cookies'])
	for (const userId of members.slice(1)) memberCookies.push(await sessionFor(userId));

// two members who can sign in, for browser tests that need more than one person
const people = [];
for (const [index, userId] of members.slice(1, 3).entries()) {
	const label = `Member ${index + 1}`;
	people.push({
		name: label,
		email: emailOf(label),
		cookie: await sessionFor(userId)
	});
}
db.close();
console.log(JSON.stringify({ slug, cookie, groupId, people, open, memberCookies }));
