// Fills a migrated database with many groups, for `npm run bench`: by default 2,000 groups of 50
// members with 8 closed reviews each, their answers and their stored results. Written straight
// to the database in large multi-row inserts (the app's forms would take hours), with the same
// shapes the app writes: random response keys, results computed as at close.
//   DATABASE_URL=file:bench/results/bench.db node scripts/seed-many.js --groups 2000
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openDatabase } from './database.js';

const { values: args } = parseArgs({
	options: {
		groups: { type: 'string', default: '2000' },
		members: { type: 'string', default: '50' },
		reviews: { type: 'string', default: '8' }
	}
});
const groupCount = Number(args.groups);
const memberCount = Number(args.members);
const reviewCount = Number(args.reviews);
// waits for the running app's own writes (its scheduler) instead of failing at once
const db = openDatabase(process.env.DATABASE_URL ?? 'file:data/outsider.db', {
	timeoutMs: 30_000
});

const questions = (
	await db.execute(
		// the default instrument, as a draft copies it: the seeded reviews ask the same questions
		'select key, kind, title, prompt, low_label, high_label, position from question where review_id = (select id from review order by created_at limit 1)'
	)
).rows;
if (questions.length === 0) throw new Error('Seed one group with scripts/seed.js first.');
const scaleKeys = questions.filter((q) => q.kind === 'scale').map((q) => q.key);

let state = 7;
const random = () => (state = (state * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32;
const id = () => randomBytes(12).toString('hex');
const run = Date.now().toString(36);

// One INSERT per chunk, as many rows as SQLite's limit on bound values allows.
async function insert(table, columns, rows) {
	const perChunk = Math.floor(32000 / columns.length);
	const statements = [];
	for (let i = 0; i < rows.length; i += perChunk) {
		const chunk = rows.slice(i, i + perChunk);
		statements.push({
			sql: `insert into ${table} (${columns.join(', ')}) values ${chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`,
			args: chunk.flat()
		});
	}
	for (let i = 0; i < statements.length; i += 20)
		await db.batch(statements.slice(i, i + 20), 'write');
}

const started = Date.now();
const day = 86_400_000;
const empty = () => ({
	user: [],
	group: [],
	purpose: [],
	membership: [],
	review: [],
	question: [],
	eligibility: [],
	response: [],
	answer: [],
	result: []
});
let rows = empty();
for (let g = 0; g < groupCount; g++) {
	const groupId = id();
	const people = Array.from({ length: memberCount }, () => id());
	rows.group.push([groupId, `many-${run}-${g}`, `Group ${g + 1}`, 5, Date.now()]);
	rows.purpose.push([
		groupId,
		1,
		'Win repairs for every building on the street.',
		people[0],
		Date.now()
	]);
	people.forEach((userId, i) => {
		rows.user.push([userId, `p${i}-g${g}-${run}@example.org`, `Person ${i + 1}`, 'x']);
		rows.membership.push([groupId, userId, i === 0 ? 'owner' : 'member']);
	});
	for (let r = 0; r < reviewCount; r++) {
		const reviewId = id();
		const closedAt = Date.now() - (reviewCount - r) * 90 * day;
		const answering = people.filter(() => random() < 0.75);
		rows.review.push([
			reviewId,
			groupId,
			`${2024 + Math.floor(r / 4)} Q${(r % 4) + 1}`,
			'closed',
			closedAt - 14 * day,
			closedAt,
			5,
			memberCount,
			1,
			answering.length,
			people[0]
		]);
		for (const q of questions)
			rows.question.push([
				reviewId,
				q.key,
				q.position,
				q.kind,
				q.title,
				q.prompt,
				q.low_label,
				q.high_label
			]);
		const answered = new Set(answering);
		for (const userId of people)
			rows.eligibility.push([reviewId, userId, answered.has(userId) ? 1 : 0]);
		const scores = Object.fromEntries(scaleKeys.map((k) => [k, []]));
		for (let left = answering.length; left > 0; left--) {
			const responseId = id();
			rows.response.push([responseId, reviewId, id()]);
			for (const key of scaleKeys) {
				const score = 1 + Math.floor(random() * 5);
				scores[key].push(score);
				rows.answer.push([responseId, key, score]);
			}
		}
		for (const key of scaleKeys) {
			const list = scores[key];
			const mean = list.reduce((a, b) => a + b, 0) / list.length;
			const sd = Math.sqrt(list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length);
			const distribution = [1, 2, 3, 4, 5].map((s) => list.filter((x) => x === s).length);
			rows.result.push([reviewId, key, list.length, mean, sd, JSON.stringify(distribution)]);
		}
	}
	// written 50 groups at a time
	if ((g + 1) % 50 !== 0 && g !== groupCount - 1) continue;
	await insert('user', ['id', 'email', 'display_name', 'password_hash'], rows.user);
	await insert('"group"', ['id', 'slug', 'name', 'anonymity_threshold', 'created_at'], rows.group);
	await insert('purpose', ['group_id', 'version', 'text', 'set_by', 'set_at'], rows.purpose);
	await insert('membership', ['group_id', 'user_id', 'role'], rows.membership);
	await insert(
		'review',
		[
			'id',
			'group_id',
			'title',
			'status',
			'opened_at',
			'closed_at',
			'threshold',
			'eligible_count',
			'purpose_version',
			'response_count',
			'created_by'
		],
		rows.review
	);
	await insert(
		'question',
		['review_id', 'key', 'position', 'kind', 'title', 'prompt', 'low_label', 'high_label'],
		rows.question
	);
	await insert('eligibility', ['review_id', 'user_id', 'answered'], rows.eligibility);
	await insert('response', ['id', 'review_id', 'receipt_hash'], rows.response);
	await insert('answer', ['response_id', 'question_key', 'score'], rows.answer);
	await insert(
		'dimension_result',
		['review_id', 'question_key', 'count', 'mean', 'standard_deviation', 'distribution'],
		rows.result
	);
	rows = empty();
	if ((g + 1) % 250 === 0)
		console.error(
			`  ${g + 1} of ${groupCount} groups (${Math.round((Date.now() - started) / 1000)} s)`
		);
}
db.close();
