import { and, eq, inArray } from 'drizzle-orm';
import { databaseConfig } from '$lib/server/config';
import { autoCheckpointPages, db, rowInserter, type Executor } from '$lib/server/db';
import { logEmptier } from '$lib/server/db/log-emptier';
import { apartFromWrites, pausingWrites } from '$lib/server/db/write-gate';
import { slices } from '$lib/server/db/slices';
import { answer, outsiderAnswer, outsiderResponse, response } from '$lib/server/db/schema';
import { notification, reminder } from '$lib/server/db/work-schema';
import { newId } from '$lib/server/tokens';

// What the database FILE keeps, beyond what SQL shows. An operator, a seized laptop or a leaked
// backup holds the raw pages, and SQLite's pages remember more than their rows:
// - a new cell goes just below the previous one in its page, so cell offsets replay insert order,
//   whatever the keys;
// - the write-ahead log keeps each transaction's pages together, in commit order;
// - deleted bytes stay where they were unless `secure_delete` is on (it is, on every connection:
//   see db/index.ts).
// The functions here undo what those would tell about who answered what.

/** Where one kind of response and its answers are stored, for `rewriteUnderNewKeys`. */
interface StoredResponses<
	R extends { id: string },
	A extends { responseId: string; questionKey: string }
> {
	responses: R[];
	answersOf(ids: string[]): A[];
	remove(ids: string[]): void;
	insertResponse(response: R): void;
	insertAnswer(answer: A): void;
}

/**
 * Rewrites responses and their answers under fresh random keys, inserted in key order, so that
 * their placement (page, cell offset) follows random keys only and no longer the order they were
 * submitted in. The old cells are zeroed by `secure_delete`.
 */
function rewriteUnderNewKeys<
	R extends { id: string },
	A extends { responseId: string; questionKey: string }
>(stored: StoredResponses<R, A>) {
	const ids = stored.responses.map((r) => r.id);
	if (ids.length === 0) return;
	const answers = [...slices(ids, 500)].flatMap((slice) => stored.answersOf(slice));
	const renamed = new Map(ids.map((id) => [id, newId()]));
	for (const slice of slices(ids, 500)) stored.remove(slice);
	const responses = stored.responses
		.map((r) => ({ ...r, id: renamed.get(r.id)! }))
		.sort((a, b) => compareKeys(a.id, b.id));
	const renamedAnswers = answers
		.map((a) => ({ ...a, responseId: renamed.get(a.responseId)! }))
		.sort(
			(a, b) => compareKeys(a.responseId, b.responseId) || compareKeys(a.questionKey, b.questionKey)
		);
	for (const r of responses) stored.insertResponse(r);
	for (const a of renamedAnswers) stored.insertAnswer(a);
}

const insertResponse = rowInserter(response);
const insertAnswer = rowInserter(answer);
const insertOutsiderResponse = rowInserter(outsiderResponse);
const insertOutsiderAnswer = rowInserter(outsiderAnswer);

/**
 * Rewrites a closing review's members' responses under new keys (see `rewriteUnderNewKeys`).
 * Runs inside the closing transaction; receipts keep working, as they check the receipt hash,
 * not the key.
 */
export function shuffleStoredResponses(tx: Executor, reviewId: string) {
	rewriteUnderNewKeys({
		responses: tx.select().from(response).where(eq(response.reviewId, reviewId)).all(),
		answersOf: (ids) => tx.select().from(answer).where(inArray(answer.responseId, ids)).all(),
		remove: (ids) => {
			tx.delete(answer).where(inArray(answer.responseId, ids)).run();
			tx.delete(response).where(inArray(response.id, ids)).run();
		},
		insertResponse,
		insertAnswer
	});
}

/** The same for outsiders' answers to a closing review. */
export function shuffleStoredOutsiderResponses(tx: Executor, reviewId: string) {
	rewriteUnderNewKeys({
		responses: tx
			.select()
			.from(outsiderResponse)
			.where(eq(outsiderResponse.reviewId, reviewId))
			.all(),
		answersOf: (ids) =>
			tx.select().from(outsiderAnswer).where(inArray(outsiderAnswer.responseId, ids)).all(),
		remove: (ids) => {
			tx.delete(outsiderAnswer).where(inArray(outsiderAnswer.responseId, ids)).run();
			tx.delete(outsiderResponse).where(inArray(outsiderResponse.id, ids)).run();
		},
		insertResponse: insertOutsiderResponse,
		insertAnswer: insertOutsiderAnswer
	});
}

/**
 * Deletes the reminders "you have not answered yet" of a closing review, with their notices and
 * mail: each says that one member had not answered at one moment, which is a "when" about who
 * answered. Once the review has closed they have nothing left to ask of anyone.
 */
export function forgetWhoWasReminded(tx: Executor, reviewId: string) {
	const closing = and(eq(reminder.reviewId, reviewId), eq(reminder.kind, 'review_closing'));
	tx.delete(notification)
		.where(
			inArray(notification.reminderId, tx.select({ id: reminder.id }).from(reminder).where(closing))
		)
		.run();
	// their mail goes with them (mail.reminder_id cascades)
	tx.delete(reminder).where(closing).run();
}

// Reminders, notices and mail about a group, review or task need no deleting of their own when
// that is deleted: they carry it as a foreign key that cascades (see `subject` in work-schema.ts).

let emptier: ReturnType<typeof logEmptier> | undefined;
const emptierOf = (path: string) => (emptier ??= logEmptier(path));

/**
 * Moves everything in the write-ahead log into the database file and empties the log, so that
 * the log holds no transaction's pages (and so no order of recent writes). It runs on a thread of
 * its own (db/log-emptier.ts), so that the disk's syncs hold neither a request nor the write
 * lock, and it does not wait: while another process reads (a backup running) or writes, what
 * cannot be emptied now is emptied at the next answer or the review scheduler's next tick.
 * Resolves to whether the log is empty.
 */
export async function forgetRecentWrites() {
	// a libSQL server keeps its own log
	const path = databaseConfig().filePath;
	if (!path) return true;
	return emptierOf(path).empty();
}

let checkpointsLeftToThread = 0;

/**
 * Runs `work` (which writes thousands of pages in one commit: closing a review, VACUUM) while
 * this process's commits do not copy the log into the file themselves (SQLite's automatic
 * checkpoint, see db/connection.ts), leaving that to the thread: that copy and its syncs, on the
 * event loop, were 211 of the 480 ms closing a review of 300 answers took on the bench's
 * 2,000-group database.
 */
async function leavingCheckpointsToThread<T>(work: () => Promise<T>): Promise<T> {
	const setAutoCheckpoint = (pages: number) =>
		db.$client.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
	if (checkpointsLeftToThread++ === 0) setAutoCheckpoint(0);
	try {
		return await work();
	} finally {
		if (--checkpointsLeftToThread === 0) setAutoCheckpoint(autoCheckpointPages);
	}
}

/**
 * Runs `write` (one commit of thousands of pages: closing a review) and then empties the log on
 * the thread, the log holding the order `write` just rewrote (see `leavingCheckpointsToThread`).
 */
export async function writeThenForget<T>(write: () => T): Promise<T> {
	if (!databaseConfig().filePath) return write();
	return leavingCheckpointsToThread(async () => {
		const result = write();
		await forgetRecentWrites();
		return result;
	});
}

/**
 * `forgetRecentWrites`, for work that no request waits for: when writes never paused long enough
 * for the log to be cut and it has grown long, cuts it with writes paused (db/log-emptier.ts).
 */
async function forgetInBackground() {
	const path = databaseConfig().filePath;
	if (!path) return true;
	const emptier = emptierOf(path);
	return (await emptier.empty()) || (await emptier.cutIfLong());
}

/** How soon after an answer (or any other write) the log is emptied (see `forgetSoon`). */
export const forgetDelayMs = 100;
let soon: ReturnType<typeof setTimeout> | undefined;

/**
 * Empties the log a moment after an answer or any other write, once for every write in that
 * moment: each round syncs the disk, and after every answer the rounds made the slowest
 * submissions under load half again as slow (measured with `npm run bench`). A copy of the log
 * taken in that tenth of a second (longer while the disk is slow to sync) could link the answers
 * of that moment: the same as copying the database again and again while a review is open, the
 * limit the README states. A round that could not empty it (a write came in meanwhile, a backup
 * was reading) is followed by another a moment later, rather than by the scheduler's tick up to
 * 30 s later.
 */
export function forgetSoon() {
	if (soon) return;
	soon = setTimeout(() => {
		soon = undefined;
		void apartFromWrites(forgetInBackground).then((emptied) => emptied || forgetSoon());
	}, forgetDelayMs);
	soon.unref();
}

let rewritePending = false;

/**
 * After deleting a group, a review or an account: rebuilds the database file page by page
 * (VACUUM), then empties the log. `secure_delete` zeroes a deleted row where it stands, but a
 * copy of a row that SQLite moved earlier can stay behind in a page's unused space: a review's
 * title was found in the file after its group was deleted, in about one test run in five. A
 * rebuilt file holds only live rows. It costs seconds on the benchmark's file (2,000 groups) and
 * milliseconds on a small instance's, on the log-emptying thread: requests go on being read
 * meanwhile, and writes wait for it on the event loop (db/write-gate.ts). Should another
 * process hold the file, the review scheduler's next tick tries again.
 */
export async function eraseDeletedForGood() {
	const path = databaseConfig().filePath;
	if (!path) return;
	// the rebuilt file passes through the log whole: this process's commits leave copying it back
	// to the thread; and writes wait for the rebuild on the event loop (db/write-gate.ts)
	rewritePending = !(await leavingCheckpointsToThread(() =>
		pausingWrites(() => emptierOf(path).rebuild())
	));
}

/**
 * For the review scheduler's tick: finishes what a reader held up, and empties the log of every
 * other write since the last tick, which also syncs those writes to the disk (commits do not:
 * see db/connection.ts).
 */
export async function finishForgetting() {
	if (rewritePending) await eraseDeletedForGood();
	else await forgetInBackground();
}

/** Byte order of two keys, as SQLite sorts text: rows inserted in it land in key order. */
export const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
