// The anonymity promise, tested the way it would be broken: by reading the database file, its
// write-ahead log and a backup byte by byte, as an operator holding copies would, after members
// answered in a known order unlike the order they joined in. See tests/support/sqlite-file.ts.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { execute, openFile } from '../support/sql';
import { deleteAccount } from '$lib/server/accounts/accounts';
import {
	eraseDeletedForGood,
	finishForgetting,
	forgetDelayMs,
	forgetSoon,
	forgetRecentWrites,
	writeThenForget
} from '$lib/server/anonymity';
import { logEmptier } from '$lib/server/db/log-emptier';
import {
	autoCheckpointPages,
	busyTimeoutMs,
	connectionSettings,
	restartLogPages
} from '$lib/server/db';
import { asWrite } from '$lib/server/db/write-gate';
import { deleteGroup } from '$lib/server/groups/groups';
import { receiptHash, submitResponse } from '$lib/server/reviews/responses';
import { closeReview, deleteReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { commentOnTask, createTask } from '$lib/server/tasks/commands';
import {
	askOutsiders,
	makePersonalLinks,
	makeSharedLink,
	outsiderQuestionsOf,
	submitOutsiderAnswers
} from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';
import { hashToken } from '$lib/server/tokens';
import {
	addMember,
	answersFor,
	makeGroup,
	makeGroupWithMembers,
	makeUser
} from '../support/factories';
import { projectRoot, tmpPath } from '../support/paths';
import { kendallTau } from '../support/rank-correlation';
import { SqliteFile, bytesContain, readBytes, type Cell, type Value } from '../support/sqlite-file';
import { outcome } from '../support/outcome';

const run = promisify(execFile);
const databasePath = process.env.DATABASE_URL!.slice('file:'.length);
const walPath = `${databasePath}-wal`;
const respondents = 60;

/** A random order of 0..n-1, so that answer order differs from join order. */
function permutation(n: number) {
	const order = Array.from({ length: n }, (_, i) => i);
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[order[i], order[j]] = [order[j], order[i]];
	}
	return order;
}

/**
 * A review of `respondents` members who all answer, one after another, in a random order. Each
 * comment names its respondent's place in that order, which is how the test (and only the test)
 * tells whose a stored cell is.
 */
async function answeredReview(tag: string) {
	const world = await makeGroupWithMembers(respondents);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	const placesAtOpening = eligibilityPlaces(reviewId);
	const questions = await questionsOf(reviewId);
	const order = permutation(respondents);
	const rankOfUser = new Map<string, number>();
	const rankOfReceipt = new Map<string, number>();
	for (let rank = 0; rank < respondents; rank++) {
		const member = world.members[order[rank]];
		const answers = questions.map((q) => ({
			questionKey: q.key,
			score: q.kind === 'scale' ? 1 + ((rank + q.position) % 5) : null,
			text: `${tag}-${q.key}-rank-${rank}-end`
		}));
		const result = await submitResponse(reviewId, member.id, answers);
		if (!result.ok) throw new Error(result.refusal);
		rankOfUser.set(member.id, rank);
		rankOfReceipt.set(receiptHash(result.value), rank);
	}
	return { ...world, reviewId, questions, rankOfUser, rankOfReceipt, placesAtOpening };
}

/** Where each member's row of who may answer sits in the file: page, offset and rowid. */
function eligibilityPlaces(reviewId: string) {
	return Object.fromEntries(
		SqliteFile.read(databasePath, walPath)
			.cellsOf('eligibility')
			.filter((c) => c.values[0] === reviewId)
			.map((c) => [String(c.values[1]), `${c.page}:${c.offset}:${c.rowid}`])
	);
}

type Ranked = Cell & { rank: number };

/**
 * Every physical order an adversary could read off a set of cells, each set against answer
 * order (`rank`: the respondent's place in it; a respondent's several answers share it, and
 * pairs of one respondent's cells are not compared). How far Kendall's tau strays by chance is
 * measured on the same cells: answer order is shuffled among respondents 200 times, and the
 * spread of those taus is the noise. A |tau| beyond 4.5 times that spread happens by chance
 * about 7 times in a million; storage that keeps answer order gives |tau| near 1. The bound must
 * also stay well below 1 (60 respondents give 0.2 to 0.7), or the test could not tell the two
 * apart.
 */
function orders(name: string, cells: Ranked[]) {
	const found: { measure: string; tau: number; bound: number }[] = [];
	const ranks = Math.max(0, ...cells.map((c) => c.rank)) + 1;
	const shuffles = Array.from({ length: 200 }, () => permutation(ranks));
	const add = (measure: string, place: (c: Ranked) => number, groups: Ranked[][] = [cells]) => {
		const tau = (rankOf: (c: Ranked) => number) => {
			let concordant = 0;
			let discordant = 0;
			for (const group of groups) {
				const counted = kendallTau(group, place, rankOf, (a, b) => a.rank !== b.rank);
				concordant += counted.concordant;
				discordant += counted.discordant;
			}
			return concordant + discordant === 0
				? 0
				: (concordant - discordant) / (concordant + discordant);
		};
		const noise = shuffles.map((shuffle) => tau((c) => shuffle[c.rank]));
		const spread = Math.sqrt(noise.reduce((sum, t) => sum + t * t, 0) / noise.length);
		found.push({ measure: `${name}: ${measure}`, tau: tau((c) => c.rank), bound: 4.5 * spread });
	};
	add('file position', (c) => c.page * 65536 + c.offset);
	const pages = new Map<number, Ranked[]>();
	for (const c of cells) pages.set(c.page, [...(pages.get(c.page) ?? []), c]);
	add('cell offset within a page', (c) => c.offset, [...pages.values()]);
	if (cells.every((c) => c.rowid !== null)) add('rowid', (c) => Number(c.rowid));
	return found;
}

/** The cells of one review's participation and response data, each with its respondent's rank. */
function rankedStructures(file: SqliteFile, review: Awaited<ReturnType<typeof answeredReview>>) {
	const { reviewId, rankOfUser, rankOfReceipt } = review;
	const ranked = (cells: Cell[], rankOf: (c: Cell) => number | undefined) =>
		cells.flatMap((c) => {
			const rank = rankOf(c);
			return rank === undefined ? [] : [{ ...c, rank }];
		});
	const responses = file.cellsOf('response').filter((c) => c.values[1] === reviewId);
	const rankOfResponse = new Map(
		responses.map((c) => [String(c.values[0]), rankOfReceipt.get(String(c.values[2]))!])
	);
	const structures: Record<string, Ranked[]> = {
		eligibility: ranked(file.cellsOf('eligibility'), (c) => rankOfUser.get(String(c.values[1]))),
		eligibility_review_user_unique: ranked(file.cellsOf('eligibility_review_user_unique'), (c) =>
			rankOfUser.get(String(c.values[1]))
		),
		response: ranked(responses, (c) => rankOfReceipt.get(String(c.values[2]))),
		response_review_idx: ranked(file.cellsOf('response_review_idx'), (c) =>
			rankOfResponse.get(String(c.values[1]))
		),
		response_receiptHash_unique: ranked(file.cellsOf('response_receiptHash_unique'), (c) =>
			rankOfReceipt.get(String(c.values[0]))
		)
	};
	structures.answer = ranked(file.cellsOf('answer'), (c) =>
		rankOfResponse.get(String(c.values[0]))
	);
	for (const [name, cells] of Object.entries(structures)) {
		// every respondent is found in every structure: the test reads what is really there
		const each = name === 'answer' ? review.questions.length : 1;
		expect(cells, name).toHaveLength(respondents * each);
	}
	return structures;
}

function expectNoOrder(structures: Record<string, Ranked[]>) {
	const measures = Object.entries(structures).flatMap(([name, cells]) => orders(name, cells));
	const closest = measures.reduce((a, b) =>
		Math.abs(b.tau) / b.bound > Math.abs(a.tau) / a.bound ? b : a
	);
	console.log(
		`${measures.length} orders measured; closest to its bound: ${closest.measure}, ` +
			`tau ${closest.tau.toFixed(3)} against ${closest.bound.toFixed(3)}`
	);
	for (const m of measures) {
		expect(m.bound, `${m.measure}: too few cells to tell order from chance`).toBeLessThan(0.8);
		expect(Math.abs(m.tau), `${m.measure} follows answer order`).toBeLessThan(m.bound);
	}
	return measures;
}

const walSize = () => (existsSync(walPath) ? statSync(walPath).size : 0);

describe('the database file, read as an operator holding a copy would', () => {
	it('after close: nothing in the file or its log follows the order members answered in', async () => {
		const review = await answeredReview('closed');
		expect(outcome(await closeReview(review.group.id, review.reviewId))).toBe('done');
		// the log is empty: no transaction's pages, in commit order, are left in it
		expect(walSize()).toBe(0);
		// closing left the copying to the thread, and commits copy again past 1,000 pages
		expect(connectionSettings().autoCheckpoint).toBe(autoCheckpointPages);
		const file = SqliteFile.read(databasePath, walPath);
		const structures = rankedStructures(file, review);
		// the comments copied for the group to read, under fresh random keys
		structures.revealed_text = file
			.cellsOf('revealed_text')
			.filter((c) => c.values[0] === review.reviewId)
			.map((c) => ({ ...c, rank: Number(String(c.values[3]).match(/-rank-(\d+)-/)![1]) }));
		expect(structures.revealed_text).toHaveLength(respondents * review.questions.length);
		expectNoOrder(structures);
		expect(eligibilityPlaces(review.reviewId)).toEqual(review.placesAtOpening);
		// and no copy of an answer lingers where it sat before closing rewrote it: one in the
		// answers, one among the comments revealed to the group
		const bytes = readBytes(databasePath);
		for (const rank of [0, 17, respondents - 1]) {
			const text = `closed-raise-issue-rank-${rank}-end`;
			expect(Buffer.from(bytes).toString('latin1').split(text).length - 1, text).toBe(2);
		}
	});

	it('while open: who answered keeps no order, and the log is emptied a moment after answers', async () => {
		const review = await answeredReview('open');
		expect(walSize(), 'the log holds the latest answers for a moment').toBeGreaterThan(0);
		await new Promise((resolve) => setTimeout(resolve, forgetDelayMs + 200));
		expect(walSize()).toBe(0);
		const file = SqliteFile.read(databasePath, walPath);
		const structures = rankedStructures(file, review);
		// answering moved no member's row: each flag was overwritten where it stood
		expect(eligibilityPlaces(review.reviewId)).toEqual(review.placesAtOpening);
		const who = {
			eligibility: structures.eligibility,
			eligibility_review_user_unique: structures.eligibility_review_user_unique
		};
		expectNoOrder(who);
		// What the README says stays visible until close: response and answer cells written since
		// the review opened may sit, in part, in the order they arrived (page splits re-sort some).
		// Nothing pairs them with people, as the flags above carry no order; two copies taken while
		// open would still show who answered, and what, in between. That the measure is not blind
		// to such order: cells written in answer order into a table with random keys, as responses
		// were before this fix, are caught by the same measures.
		await execute('create table order_control (id text primary key, rank integer) without rowid');
		for (let rank = 0; rank < respondents; rank++) {
			await execute({
				sql: 'insert into order_control values (?, ?)',
				args: [crypto.randomUUID(), rank]
			});
		}
		await execute('PRAGMA wal_checkpoint(TRUNCATE)');
		const control = SqliteFile.read(databasePath, walPath)
			.cellsOf('order_control')
			.map((c) => ({ ...c, rank: Number(c.values[1]) }));
		const caught = orders('order_control', control).filter((m) => Math.abs(m.tau) >= m.bound);
		expect(caught.map((m) => m.measure)).toContain('order_control: cell offset within a page');
		await execute('drop table order_control');
		await closeReview(review.group.id, review.reviewId);
	});

	it('a backup made while a review is open keeps no order of who answered or of what', async () => {
		const review = await answeredReview('backup');
		const target = `${tmpPath('order-backup')}.db`;
		await run('node', ['scripts/backup.js', target], { cwd: projectRoot, env: process.env });
		expectNoOrder(rankedStructures(SqliteFile.read(target), review));
		await closeReview(review.group.id, review.reviewId);
	});
});

/**
 * Personal links made, how many of them outsiders use (in a random order), and answers through
 * the shared link besides.
 */
const personalLinks = 60;
const personalAnswers = 40;
const sharedAnswers = 5;
const outsiders = personalAnswers + sharedAnswers;
const outsiderTables = [
	'outside_view',
	'outsider_answer',
	'outsider_link',
	'outsider_question',
	'outsider_response'
];

/**
 * A review that asks outsiders, with `personalLinks` personal links and a shared link. Outsiders
 * answer one after another: `personalAnswers` personal links, picked and ordered at random (so
 * unlike the order they were made in and unlike their hashes' order), and the shared link at
 * `sharedAnswers` random places among them. As for members, each text names its writer's place in
 * that order, which is how the test (and only the test) tells whose a stored cell is.
 */
async function outsidersAnswered(tag: string) {
	const world = await makeGroupWithMembers(5);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id });
	expect(outcome(askOutsiders(world.group.id, reviewId))).toBe('done');
	expect(outcome(await openReview(world.group.id, reviewId))).toBe('done');
	const made = makePersonalLinks(reviewId, personalLinks);
	const shared = makeSharedLink(reviewId, sharedAnswers);
	if (!made.ok || !shared.ok) throw new Error('no links');
	const tokens = made.value;
	const linksAtFirst = linkPlaces(reviewId);
	const questions = outsiderQuestionsOf(reviewId);
	const picked = permutation(personalLinks).slice(0, personalAnswers);
	const throughShared = new Set(permutation(outsiders).slice(0, sharedAnswers));
	const rankOfLink = new Map<string, number>();
	for (let rank = 0, next = 0; rank < outsiders; rank++) {
		const token = throughShared.has(rank) ? shared.value : tokens[picked[next++]];
		if (!throughShared.has(rank)) rankOfLink.set(hashToken(token), rank);
		const answers = questions.map((q) => ({
			questionKey: q.key,
			score: q.kind === 'scale' ? 1 + ((rank + q.position) % 5) : null,
			text: `${tag}-${q.key}-rank-${rank}-end`
		}));
		expect(outcome(submitOutsiderAnswers(token, answers))).toBe('done');
	}
	// the order of answering is unlike the order the links were made in, and their hashes'
	const hashes = tokens.map(hashToken);
	const sorted = [...hashes].sort();
	const used = [...rankOfLink.keys()];
	const rank = (hash: string) => rankOfLink.get(hash)!;
	for (const place of [(h: string) => hashes.indexOf(h), (h: string) => sorted.indexOf(h)])
		expect(Math.abs(kendallTau(used, place, rank).tau)).toBeLessThan(0.5);
	return {
		...world,
		reviewId,
		questions,
		tag,
		tokens,
		shared: shared.value,
		rankOfLink,
		linksAtFirst
	};
}

/** Where each of a review's personal links sits in the file (page and offset), by hash. */
function linkPlaces(reviewId: string) {
	return Object.fromEntries(
		SqliteFile.read(databasePath, walPath)
			.cellsOf('outsider_link')
			.filter((c) => c.values[1] === reviewId)
			.map((c) => [String(c.values[0]), `${c.page}:${c.offset}`])
	);
}

/**
 * The cells of one review's outsiders' answers and used links, each with its outsider's place in
 * the order of answering: answers by the place their text names, responses by their answers', and
 * links by the order they were used in (unused links have no place; the shared link is a count).
 */
function rankedOutsiderStructures(
	file: SqliteFile,
	answered: Awaited<ReturnType<typeof outsidersAnswered>>
) {
	const { reviewId, rankOfLink, tag } = answered;
	const written = new RegExp(`^${tag}-.+-rank-(\\d+)-end$`);
	const rankOfText = (c: Cell) => {
		const found = c.values.map((v) => String(v).match(written)).find((m) => m !== null);
		return found ? Number(found[1]) : undefined;
	};
	const ranked = (cells: Cell[], rankOf: (c: Cell) => number | undefined) =>
		cells.flatMap((c) => {
			const rank = rankOf(c);
			return rank === undefined ? [] : [{ ...c, rank }];
		});
	const answers = ranked(file.cellsOf('outsider_answer'), rankOfText);
	const rankOfResponse = new Map(answers.map((c) => [String(c.values[0]), c.rank]));
	const links = file.cellsOf('outsider_link').filter((c) => c.values[1] === reviewId);
	// exactly the links used are marked used: the flag is what the test reads their order from
	expect(
		links
			.filter((c) => c.values[2] === 1)
			.map((c) => String(c.values[0]))
			.sort()
	).toEqual([...rankOfLink.keys()].sort());
	const structures: Record<string, Ranked[]> = {
		outsider_response: ranked(
			file.cellsOf('outsider_response').filter((c) => c.values[1] === reviewId),
			(c) => rankOfResponse.get(String(c.values[0]))
		),
		outsider_response_review_idx: ranked(file.cellsOf('outsider_response_review_idx'), (c) =>
			rankOfResponse.get(String(c.values[1]))
		),
		outsider_answer: answers,
		outsider_link: ranked(links, (c) => rankOfLink.get(String(c.values[0]))),
		outsider_link_review_idx: ranked(file.cellsOf('outsider_link_review_idx'), (c) =>
			rankOfLink.get(String(c.values[1]))
		)
	};
	const expected: Record<string, number> = {
		outsider_response: outsiders,
		outsider_response_review_idx: outsiders,
		outsider_answer: outsiders * answered.questions.length,
		outsider_link: personalAnswers,
		outsider_link_review_idx: personalAnswers
	};
	// every outsider is found in every structure: the test reads what is really there
	for (const [name, cells] of Object.entries(structures))
		expect(cells, name).toHaveLength(expected[name]);
	return structures;
}

/** No token, personal (used or not) or shared, is in the file or its log: only their hashes. */
function expectNoTokens(answered: Awaited<ReturnType<typeof outsidersAnswered>>) {
	const bytes = readBytes(databasePath);
	const log = existsSync(walPath) ? readBytes(walPath) : new Uint8Array();
	for (const token of [...answered.tokens, answered.shared]) {
		expect(bytesContain(bytes, token), `token ${token} in the file`).toBe(false);
		expect(bytesContain(log, token), `token ${token} in the log`).toBe(false);
	}
	// the search finds what is there: each link's hash (in the file, or still in the log)
	for (const token of [answered.tokens[0], answered.shared]) {
		const hash = hashToken(token);
		expect(bytesContain(bytes, hash) || bytesContain(log, hash), `hash of ${token}`).toBe(true);
	}
}

/** No copy of an answer lingers where it sat before a rewrite under new keys moved it. */
function expectOneCopy(tag: string) {
	const bytes = Buffer.from(readBytes(databasePath)).toString('latin1');
	for (const rank of [0, 17, outsiders - 1]) {
		const text = `${tag}-${purposeGuessKey}-rank-${rank}-end`;
		expect(bytes.split(text).length - 1, text).toBe(1);
	}
}

describe('outsiders’ answers and links, read from the file as an operator would', () => {
	it('while open: no order of answering in answers or used links, no token, and the log is emptied', async () => {
		const answered = await outsidersAnswered('outsider-open');
		expect(walSize(), 'the log holds the latest answers for a moment').toBeGreaterThan(0);
		expectNoTokens(answered);
		await new Promise((resolve) => setTimeout(resolve, forgetDelayMs + 200));
		expect(walSize()).toBe(0);
		expectNoTokens(answered);
		// using a link moved no link: each flag was overwritten where it stood
		expect(linkPlaces(answered.reviewId)).toEqual(answered.linksAtFirst);
		expectNoOrder(rankedOutsiderStructures(SqliteFile.read(databasePath, walPath), answered));
		expectOneCopy('outsider-open');
		await closeReview(answered.group.id, answered.reviewId);
	});

	it('after close: nothing in the file or its log follows the order outsiders answered in', async () => {
		const answered = await outsidersAnswered('outsider-closed');
		expect(outcome(await closeReview(answered.group.id, answered.reviewId))).toBe('done');
		expect(walSize()).toBe(0);
		expectNoTokens(answered);
		expect(linkPlaces(answered.reviewId)).toEqual(answered.linksAtFirst);
		expectNoOrder(rankedOutsiderStructures(SqliteFile.read(databasePath, walPath), answered));
		expectOneCopy('outsider-closed');
	});

	it('the outsiders’ tables keep no time: no column for one, no value that is one', async () => {
		const started = Date.now();
		const names = SqliteFile.read(databasePath, walPath)
			.schema()
			.filter((e) => e.type === 'table' && e.name.startsWith('outside'))
			.map((e) => e.name)
			.sort();
		expect(names).toEqual(outsiderTables);
		for (const table of names) {
			const columns = execute(`select name from pragma_table_info('${table}')`).rows;
			expect(columns.length, table).toBeGreaterThan(0);
			for (const { name } of columns)
				expect(String(name), `${table}.${name}`).not.toMatch(/_at$|time|date|when|stamp|_on$/i);
		}
		// nor does any number stored there read as this moment, in milliseconds or in seconds
		const answered = await outsidersAnswered('outsider-time');
		const file = SqliteFile.read(databasePath, walPath);
		const now = [started - 86_400_000, Date.now() + 86_400_000];
		const isNow = (v: Value) =>
			typeof v === 'number' &&
			((v >= now[0] && v <= now[1]) || (v >= now[0] / 1000 && v <= now[1] / 1000));
		for (const table of outsiderTables)
			for (const cell of file.cellsOf(table))
				expect(cell.values.filter(isNow), `${table}: ${cell.values.join(', ')}`).toEqual([]);
		await closeReview(answered.group.id, answered.reviewId);
	});
});

describe('emptying the log', () => {
	it('does not wait for a reader (a backup), and finishes on the next tick once it lets go', async () => {
		const reader = openFile();
		reader.exec('BEGIN');
		execute('select count(*) from user', reader); // holds a snapshot of the log
		await makeUser(); // something in the log
		const started = performance.now();
		expect(await forgetRecentWrites()).toBe(false);
		// it gave up at once rather than waiting out the busy timeout on the server's one thread
		expect(performance.now() - started).toBeLessThan(busyTimeoutMs / 2);
		expect(walSize()).toBeGreaterThan(0);
		expect((await connectionSettings()).busyTimeout).toBe(busyTimeoutMs);
		reader.exec('COMMIT');
		reader.close();
		await finishForgetting();
		expect(walSize()).toBe(0);
	});

	it('after an answer, tries again a moment after a round a reader held up', async () => {
		const reader = openFile();
		reader.exec('BEGIN');
		execute('select count(*) from user', reader); // holds a snapshot of the log
		await makeUser(); // something in the log
		forgetSoon(); // as an answer does
		await sleep(forgetDelayMs + 100);
		expect(walSize()).toBeGreaterThan(0);
		reader.exec('COMMIT');
		reader.close();
		// the next round comes by itself, not 30 s later at the review scheduler's tick
		await sleep(forgetDelayMs + 200);
		expect(walSize()).toBe(0);
	});

	// about 50 pages of 4 KB in one commit
	const fillerCommit =
		'with recursive n(i) as (select 1 union all select i + 1 from n where i < 50) insert into log_filler select hex(randomblob(1800)) from n';
	const pageBytes = 4096 + 24; // a frame of the log: its page and a header

	it('starts again from its beginning while writes never stop, even with no round of the thread', async () => {
		const first = `first-${crypto.randomUUID()}`;
		execute('create table log_marker (t text)');
		execute('create table log_filler (t text)');
		execute({ sql: 'insert into log_marker values (?)', args: [first] });
		expect(bytesContain(readBytes(walPath), first)).toBe(true);
		// half as many pages again as the commits' own checkpoint waits for, with no round between
		for (let commit = 0; commit < (1.5 * autoCheckpointPages) / 50; commit++) execute(fillerCommit);
		// the commit past it copied the log into the file; the next one started it again and cut
		// the file to its own frames: the first write is no longer in it
		expect(bytesContain(readBytes(walPath), first)).toBe(false);
		expect(walSize()).toBeLessThan((autoCheckpointPages + 100) * pageBytes);
		execute('drop table log_marker');
		execute('drop table log_filler');
		expect(await forgetRecentWrites()).toBe(true);
	});

	it('while writes never stop, is cut by the thread with writes paused, long before commits would', async () => {
		const first = `first-${crypto.randomUUID()}`;
		execute('create table log_marker (t text)');
		execute('create table log_filler (t text)');
		execute({ sql: 'insert into log_marker values (?)', args: [first] });
		// about 10 pages every 2 ms for 2.5 s, each write followed by a round a moment later, as
		// requests that write are: three times as many pages as the commits' own checkpoint waits for
		let longest = 0;
		let writes = 0;
		const writing = setInterval(() => {
			void asWrite(async () => {
				execute(fillerCommit.replace('i < 50', 'i < 10'));
				writes++;
				longest = Math.max(longest, walSize());
			}).finally(forgetSoon);
		}, 2);
		await sleep(2500);
		clearInterval(writing);
		expect(writes * 10).toBeGreaterThan(1.5 * autoCheckpointPages);
		// the log was started again from its beginning: the first write is no longer in it ...
		expect(bytesContain(readBytes(walPath), first)).toBe(false);
		// ... and never grew to where a commit would have copied it on the request thread
		expect(longest).toBeGreaterThan(restartLogPages * pageBytes);
		expect(longest).toBeLessThan(autoCheckpointPages * pageBytes);
		execute('drop table log_marker');
		execute('drop table log_filler');
		expect(await forgetRecentWrites()).toBe(true);
	});

	it('is left to the thread for a write of thousands of pages, and commits copy again after', async () => {
		const during = await writeThenForget(() => connectionSettings().autoCheckpoint);
		expect(during).toBe(0);
		expect(connectionSettings().autoCheckpoint).toBe(autoCheckpointPages);
		expect(walSize()).toBe(0);
	});

	it('is not cut while writes keep coming (which would sync under the write lock), and is once they pause', async () => {
		const emptier = logEmptier(databasePath);
		execute('create table log_writes (t text)');
		// a write every 2 ms, as answers come under load
		const writing = setInterval(
			() => execute('insert into log_writes values (hex(randomblob(100)))'),
			2
		);
		for (let round = 0; round < 10; round++) await emptier.empty();
		clearInterval(writing);
		expect(emptier.rounds()).toBe(10);
		expect(emptier.cuts()).toBe(0);
		expect(await emptier.empty()).toBe(true);
		expect(emptier.cuts()).toBe(1);
		expect(walSize()).toBe(0);
		execute('drop table log_writes');
		await forgetRecentWrites();
		await emptier.stop();
	});

	it('runs one round at a time: a burst of answers asks for one more round, not one each', async () => {
		const emptier = logEmptier(databasePath);
		await makeUser(); // something in the log
		const calls = Array.from({ length: 20 }, () => emptier.empty());
		expect(await Promise.all(calls)).toEqual(Array(20).fill(true));
		expect(emptier.rounds()).toBe(2);
		expect(walSize()).toBe(0);
		await emptier.stop();
	});
});

describe('deleted means gone from the file', () => {
	const marker = () => `gone-${crypto.randomUUID()}`;
	const expectGone = (text: string) => {
		expect(walSize()).toBe(0);
		expect(bytesContain(readBytes(databasePath), text), 'in the database file').toBe(false);
		if (existsSync(walPath))
			expect(bytesContain(readBytes(walPath), text), 'in the log').toBe(false);
	};

	it('an account: its name, its email and what it wrote on tasks', async () => {
		const text = marker();
		const owner = await makeUser();
		const { id: groupId } = await makeGroup(owner.id);
		const leaving = await makeUser({ displayName: `name ${text}`, email: `${text}@example.org` });
		await addMember(groupId, leaving.id);
		const created = await createTask(
			{ userId: owner.id, groupId, role: 'owner' },
			{
				title: 'Flyers',
				description: '',
				dueOn: null,
				areaId: null,
				recurrence: null,
				ownerIds: []
			}
		);
		if (!created.ok) throw new Error('no task');
		const said = await commentOnTask(
			{ userId: leaving.id, groupId, role: 'member' },
			created.value,
			`comment ${text}`
		);
		expect(said.ok).toBe(true);
		const [before, log] = [
			readBytes(databasePath),
			existsSync(walPath) ? readBytes(walPath) : null
		];
		expect(bytesContain(before, text) || (log !== null && bytesContain(log, text))).toBe(true);
		expect((await deleteAccount(leaving.id)).deleted).toBe(true);
		expectGone(text);
	});

	/** A closed review of five members, titled `text`, whose every answer quotes it. */
	async function closedReviewQuoting(text: string) {
		const world = await makeGroupWithMembers(5);
		const groupId = world.group.id;
		const reviewId = await createReview({ groupId, createdBy: world.owner.id, title: text });
		await openReview(groupId, reviewId);
		const questions = await questionsOf(reviewId);
		for (const m of world.members)
			await submitResponse(
				reviewId,
				m.id,
				answersFor(questions, 4, () => `answer ${text}`)
			);
		await closeReview(groupId, reviewId);
		expect(bytesContain(readBytes(databasePath), `answer ${text}`)).toBe(true);
		return { world, groupId, reviewId };
	}

	it('a group: its name, purpose, reviews, answers and tasks', async () => {
		const text = marker();
		const { world, groupId } = await closedReviewQuoting(text);
		await createTask(
			{ userId: world.owner.id, groupId, role: 'owner' },
			{
				title: `task ${text}`,
				description: '',
				dueOn: null,
				areaId: null,
				recurrence: null,
				ownerIds: []
			}
		);
		await deleteGroup(groupId);
		expectGone(text);
	});

	it('is rebuilt on the log-emptying thread: the server goes on serving meanwhile', async () => {
		const sizeBefore = statSync(databasePath).size;
		// about 32 MB of rows, so that rebuilding the file takes a while
		execute('create table rebuild_filler (t blob)');
		execute(
			'with recursive n(i) as (select 1 union all select i + 1 from n where i < 8000) insert into rebuild_filler select randomblob(4000) from n'
		);
		expect(await forgetRecentWrites()).toBe(true);
		let longestGap = 0;
		let lastTick = performance.now();
		const ticking = setInterval(() => {
			const now = performance.now();
			longestGap = Math.max(longestGap, now - lastTick);
			lastTick = now;
		}, 1);
		const started = performance.now();
		await eraseDeletedForGood();
		const took = performance.now() - started;
		clearInterval(ticking);
		// rebuilt on this thread, the whole rebuild would be one gap between two ticks (127 of the
		// 211 ms this test took then; 3 of 228 ms on the log-emptying thread)
		expect(longestGap).toBeLessThan(took / 4);
		execute('drop table rebuild_filler');
		await eraseDeletedForGood();
		// it did rebuild: the dropped rows' pages are gone from the file, not kept as free pages
		expect(walSize()).toBe(0);
		expect(statSync(databasePath).size).toBeLessThan(sizeBefore + 1_000_000);
	});

	it('a closed review: its title, answers and revealed comments', async () => {
		const text = marker();
		const { groupId, reviewId } = await closedReviewQuoting(text);
		expect(outcome(await deleteReview(groupId, reviewId))).toBe('done');
		expectGone(text);
	});
});
