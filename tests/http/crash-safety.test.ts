// The built server, killed with SIGKILL in the middle of a burst of review answers and task
// updates, then started again on the same file: the database must be intact, every write that
// was answered with a success must be there, and a review's "who answered" (eligibility) must
// match its "what was answered" (response and answer) one for one. Three rounds, one server
// process killed per round; each round's restarted server is the one the next round kills.
//
// The crash moment is random. The rounds log their seed; CRASH_SEED=<seed> replays the rounds'
// choices (which requests, in which order, when the kill comes), though not their exact timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, openFile } from '../support/sql';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { receiptHash } from '$lib/server/reviews/responses';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { createTask } from '$lib/server/tasks/commands';
import { taskStatuses, type TaskStatus } from '$lib/server/db/work-schema';
import { makeGroupWithMembers, sessionCookie } from '../support/factories';
import { startServer, type RunningServer } from '../support/server';
import { outcome } from '../support/outcome';

const respondents = 150;
const tasksPerRound = 30;
/** Per task, in order, each sent only once the one before it was answered. */
const chain = ['move', 'comment', 'move', 'comment', 'move'] as const;
const parallel = 10;

type Outcome = 'ok' | 'refused' | 'no-answer' | 'not-sent';
interface Sent {
	outcome: Outcome;
	detail?: string;
	receipt?: string;
}

let server: RunningServer;
let raw: ReturnType<typeof openFile>;
let world: Awaited<ReturnType<typeof makeGroupWithMembers>>;
let cookies: Map<string, string>;
/** The review a round left open (if it failed before closing it): the next round closes it. */
let stillOpen: string | undefined;
const baseSeed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));

beforeAll(async () => {
	server = await startServer();
	raw = openFile();
	// the owner answers late, after each restart; the other 150 are the burst
	world = await makeGroupWithMembers(respondents + 1);
	cookies = new Map();
	for (const person of world.members) cookies.set(person.id, await sessionCookie(person.id));
});

afterAll(async () => {
	// stop() waits for an exit that a server already killed by a failed round will never send
	if (server && server.process.exitCode === null && server.process.signalCode === null)
		await server.stop();
	raw?.close();
});

/** mulberry32: a small seeded generator, so a round's random choices can be replayed. */
function generator(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A form action as SvelteKit's enhanced forms send it: success is HTTP 200 with a JSON result of
 * type "success". Anything that never came back whole is "no-answer": it may or may not have
 * been written before the kill.
 */
async function act(
	base: string,
	path: string,
	fields: Record<string, string>,
	cookie: string
): Promise<Sent> {
	let status: number;
	let text: string;
	try {
		const res = await fetch(base + path, {
			method: 'POST',
			body: new URLSearchParams(fields),
			headers: {
				accept: 'application/json',
				'x-sveltekit-action': 'true',
				'content-type': 'application/x-www-form-urlencoded',
				origin: base,
				cookie
			},
			redirect: 'manual',
			signal: AbortSignal.timeout(15_000)
		});
		status = res.status;
		text = await res.text();
	} catch (error) {
		return { outcome: 'no-answer', detail: String((error as Error).cause ?? error) };
	}
	let type: unknown;
	try {
		type = JSON.parse(text).type;
	} catch {
		return { outcome: 'no-answer', detail: `${status}, unreadable body` };
	}
	if (status === 200 && type === 'success') {
		return { outcome: 'ok', receipt: text.match(/[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/)?.[0] };
	}
	return { outcome: 'refused', detail: `${status} ${text.slice(0, 300)}` };
}

async function rows<T>(sql: string, args: (string | number)[] = []) {
	return execute({ sql, args }, raw).rows as unknown as T[];
}

async function checkFileIntact() {
	const [integrity] = await rows<{ integrity_check: string }>('PRAGMA integrity_check');
	expect(integrity.integrity_check).toBe('ok');
	expect(await rows('PRAGMA foreign_key_check')).toEqual([]);
}

async function round(number: number) {
	const random = generator(baseSeed + number);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const { group, owner } = world;
	const burst = world.members.filter((m) => m.id !== owner.id);
	const slug = group.slug;
	// a failed round may have left its server dead or its review open
	if (server.process.exitCode !== null || server.process.signalCode !== null)
		server = await startServer();
	if (stillOpen) await closeReview(group.id, stillOpen);

	// a fresh review and fresh tasks, each owned by one member (who moves it)
	const reviewId = await createReview({ groupId: group.id, createdBy: owner.id });
	expect(outcome(await openReview(group.id, reviewId))).toBe('done');
	stillOpen = reviewId;
	const questions = await questionsOf(reviewId);
	const scaleKeys = questions.filter((q) => q.kind === 'scale').map((q) => q.key);
	const tasks: { id: string; ownerId: string }[] = [];
	for (let i = 0; i < tasksPerRound; i++) {
		const ownerId = burst[i].id;
		const created = await createTask(
			{ userId: ownerId, groupId: group.id, role: 'member' },
			{
				title: `Round ${number} task ${i}`,
				description: '',
				dueOn: null,
				areaId: null,
				recurrence: null,
				ownerIds: [ownerId]
			}
		);
		if (!created.ok) throw new Error(created.refusal);
		tasks.push({ id: created.value, ownerId });
	}
	const tasksOfGroup = async () =>
		Number(
			(
				await rows<{ n: number }>('select count(*) as n from task where group_id = ?', [group.id])
			)[0].n
		);
	const tasksBefore = await tasksOfGroup();

	// what is sent, and what came back
	const submits = burst.map((member) => ({
		member,
		scores: {} as Record<string, string>,
		result: { outcome: 'not-sent' } as Sent
	}));
	const taskOps = tasks.map((t) => ({
		...t,
		ops: chain.map((kind, i) => ({
			kind,
			status: kind === 'move' ? pick(taskStatuses) : undefined,
			body: kind === 'comment' ? `round ${number}, task ${t.id}, comment ${i}` : undefined,
			authorId: kind === 'move' ? t.ownerId : pick(burst).id,
			result: { outcome: 'not-sent' } as Sent
		}))
	}));
	const total = submits.length + taskOps.length * chain.length;
	const killAt = Math.floor(total * (0.2 + 0.6 * random()));
	const killDelayMs = Math.floor(random() * 20);

	const child = server.process;
	const base = server.url;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const started = performance.now();
	let sent = 0;
	let killed = false;
	let killedAfterMs = 0;
	let sentAtKill = 0;
	let inFlight = 0;
	let inFlightAtKill = 0;
	const kill = () => {
		if (killed) return;
		killed = true;
		killedAfterMs = Math.round(performance.now() - started);
		sentAtKill = sent;
		inFlightAtKill = inFlight;
		child.kill('SIGKILL');
	};
	const send = async (path: string, fields: Record<string, string>, userId: string) => {
		inFlight++;
		const answer = act(base, path, fields, cookies.get(userId)!);
		if (++sent === killAt) setTimeout(kill, killDelayMs);
		try {
			return await answer;
		} finally {
			inFlight--;
		}
	};

	const units: (() => Promise<void>)[] = [
		...submits.map((s) => async () => {
			const fields: Record<string, string> = {};
			for (const key of scaleKeys) {
				s.scores[key] = String(1 + Math.floor(random() * 5));
				fields[`score:${key}`] = s.scores[key];
			}
			s.result = await send(`/g/${slug}/reviews/${reviewId}?/submit`, fields, s.member.id);
		}),
		...taskOps.map((t) => async () => {
			for (const op of t.ops) {
				if (killed) return;
				op.result =
					op.kind === 'move'
						? await send(
								`/g/${slug}/board/${t.id}?/move`,
								{ taskId: t.id, status: op.status! },
								op.authorId
							)
						: await send(
								`/g/${slug}/board/${t.id}?/comment`,
								{ taskId: t.id, body: op.body! },
								op.authorId
							);
			}
		})
	];
	for (let i = units.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[units[i], units[j]] = [units[j], units[i]];
	}
	const queue = [...units];
	await Promise.all(
		Array.from({ length: parallel }, async () => {
			while (!killed && queue.length > 0) await queue.shift()!();
		})
	);
	const lateKill = !killed;
	kill(); // in case the burst ended before the timer fired
	await exited;
	expect(child.signalCode).toBe('SIGKILL');

	const all = [
		...submits.map((s) => s.result),
		...taskOps.flatMap((t) => t.ops.map((o) => o.result))
	];
	const count = (outcome: Outcome) => all.filter((r) => r.outcome === outcome).length;
	console.log(
		`crash-safety round ${number} (CRASH_SEED=${baseSeed}): killed after ${sentAtKill} of ${total} requests ` +
			`(aimed at ${killAt} + ${killDelayMs} ms${lateKill ? ', burst ended first' : ''}), ` +
			`${killedAfterMs} ms into the burst, ${inFlightAtKill} in flight; ok ${count('ok')}, ` +
			`refused ${count('refused')}, no answer ${count('no-answer')}, not sent ${count('not-sent')}`
	);
	// the kill came in the middle of the burst, with requests on their way: a round where the burst
	// finished first would prove nothing about crashes
	expect(lateKill, 'the burst ended before the kill').toBe(false);
	expect(inFlightAtKill, 'no request was in flight at the kill').toBeGreaterThan(0);
	// every request was valid: nothing the live server answered may be a refusal or an error
	expect(
		all.filter((r) => r.outcome === 'refused').map((r) => r.detail),
		server.output()
	).toEqual([]);
	expect(count('ok')).toBeGreaterThan(0);

	// the file, before anything else opens it again
	await checkFileIntact();

	server = await startServer();
	expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	await checkFileIntact();

	// answers: every answered submit is there, nobody unsent is, and the two halves match
	const participants = new Set(
		(
			await rows<{ user_id: string }>(
				'select user_id from eligibility where review_id = ? and answered = 1',
				[reviewId]
			)
		).map((r) => r.user_id)
	);
	for (const s of submits) {
		const id = s.member.id;
		if (s.result.outcome === 'ok')
			expect(participants.has(id), `answered submit of ${id} not recorded`).toBe(true);
		if (s.result.outcome === 'not-sent')
			expect(participants.has(id), `unsent submit of ${id} recorded`).toBe(false);
	}
	const responses = await rows<{
		id: string;
		receipt_hash: string;
		answers: number;
		scored: number;
	}>(
		`select r.id, r.receipt_hash,
			(select count(*) from answer a where a.response_id = r.id) as answers,
			(select count(*) from answer a where a.response_id = r.id
				and a.score between 1 and 5) as scored
		from response r where r.review_id = ?`,
		[reviewId]
	);
	expect(responses.length).toBe(participants.size);
	for (const r of responses) {
		expect(Number(r.answers)).toBe(questions.length);
		expect(Number(r.scored)).toBe(scaleKeys.length);
	}
	const hashes = new Set(responses.map((r) => r.receipt_hash));
	for (const s of submits.filter((s) => s.result.outcome === 'ok')) {
		expect(s.result.receipt).toBeTruthy();
		expect(hashes.has(receiptHash(s.result.receipt!)), `receipt ${s.result.receipt} lost`).toBe(
			true
		);
	}
	// what is stored is what was sent: the scores of each answered submit (found by its receipt,
	// which only the test holds), and of every stored response some submit that was sent
	const stored = new Map<string, Record<string, string>>();
	for (const a of await rows<{ receipt_hash: string; question_key: string; score: number }>(
		`select r.receipt_hash, a.question_key, a.score from response r
			join answer a on a.response_id = r.id where r.review_id = ? and a.score is not null`,
		[reviewId]
	)) {
		const scores = stored.get(a.receipt_hash) ?? {};
		scores[a.question_key] = String(a.score);
		stored.set(a.receipt_hash, scores);
	}
	for (const s of submits.filter((s) => s.result.outcome === 'ok'))
		expect(stored.get(receiptHash(s.result.receipt!))).toEqual(s.scores);
	const sentScores = submits
		.filter((s) => s.result.outcome !== 'not-sent')
		.map((s) => JSON.stringify(s.scores, scaleKeys));
	for (const scores of stored.values())
		expect(sentScores).toContain(JSON.stringify(scores, scaleKeys));
	const sentSubmits = submits.filter((s) => s.result.outcome !== 'not-sent').length;
	expect(participants.size).toBeLessThanOrEqual(sentSubmits);

	// tasks: every answered comment is there, nothing unsent is, and each task's column is the
	// last answered move's or one sent after it that got no answer
	const comments = new Set(
		(
			await rows<{ body: string }>(
				`select body from task_comment where task_id in (${tasks.map(() => '?').join(',')})`,
				tasks.map((t) => t.id)
			)
		).map((r) => r.body)
	);
	const unanswered = all.filter((r) => r.outcome === 'no-answer').length;
	const writtenAnyway =
		submits.filter((s) => s.result.outcome === 'no-answer' && participants.has(s.member.id))
			.length +
		taskOps
			.flatMap((t) => t.ops)
			.filter((o) => o.kind === 'comment' && o.result.outcome === 'no-answer')
			.filter((o) => comments.has(o.body!)).length;
	console.log(
		`crash-safety round ${number}: of the ${unanswered} requests with no answer, ` +
			`${writtenAnyway} submits or comments were written all the same`
	);
	for (const t of taskOps) {
		const [row] = await rows<{ status: TaskStatus; completed_at: number | null }>(
			'select status, completed_at from task where id = ?',
			[t.id]
		);
		let allowed: TaskStatus[] = ['todo'];
		for (const op of t.ops) {
			if (op.kind === 'comment') {
				if (op.result.outcome === 'ok')
					expect(comments.has(op.body!), `answered "${op.body}" lost`).toBe(true);
				if (op.result.outcome === 'not-sent')
					expect(comments.has(op.body!), `unsent "${op.body}" stored`).toBe(false);
			} else if (op.result.outcome === 'ok') allowed = [op.status!];
			else if (op.result.outcome === 'no-answer') allowed.push(op.status!);
		}
		expect(allowed, `task ${t.id}: ${JSON.stringify(t.ops)}`).toContain(row.status);
		expect(row.completed_at !== null).toBe(row.status === 'done');
	}
	expect(await tasksOfGroup(), 'tasks appeared or vanished').toBe(tasksBefore);

	// the restarted server takes new answers: the owner, who was not in the burst, answers now
	const fields: Record<string, string> = {};
	for (const key of scaleKeys) fields[`score:${key}`] = '3';
	const late = await act(
		server.url,
		`/g/${slug}/reviews/${reviewId}?/submit`,
		fields,
		cookies.get(owner.id)!
	);
	expect(late.outcome, late.detail).toBe('ok');
	const [{ n: participationCount }] = await rows<{ n: number }>(
		'select count(*) as n from eligibility where review_id = ? and answered = 1',
		[reviewId]
	);
	const [{ n: responseCount }] = await rows<{ n: number }>(
		'select count(*) as n from response where review_id = ?',
		[reviewId]
	);
	expect(Number(participationCount)).toBe(participants.size + 1);
	expect(Number(responseCount)).toBe(participants.size + 1);

	// close it, so the next round can open a review of the same group
	expect(outcome(await closeReview(group.id, reviewId))).toBe('done');
	stillOpen = undefined;
}

describe('a server killed mid-burst', () => {
	for (const number of [1, 2, 3]) {
		it(
			`round ${number}: loses no answered write and leaves the file intact`,
			{
				timeout: 45_000
			},
			() => round(number)
		);
	}
});
