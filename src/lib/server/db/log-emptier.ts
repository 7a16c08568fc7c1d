import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { busyTimeoutMs, restartLogPages } from './connection';
import { pausingWrites } from './write-gate';

// Emptying the write-ahead log into the database file syncs both to the disk. On the thread that
// serves requests, that sync held the event loop for as long as the disk took: 0.4 s while the
// disk was busy writing, measured with two workers taking answers. A `TRUNCATE` checkpoint also
// holds SQLite's write lock throughout, so the other workers' answers waited as long.
//
// So the log is emptied here, on a thread of its own with its own connection, in two steps:
// - a PASSIVE checkpoint copies the log into the file and syncs, without the write lock: answers
//   go on being written meanwhile, and requests go on being served;
// - only when that left nothing behind, and no other connection has committed in the moment
//   after it (`settleMs`), a TRUNCATE checkpoint takes the write lock to cut the log to zero
//   bytes, which with nothing left to copy needs no sync. A write committed between the copy and
//   the cut would be copied and synced under the write lock, while every writer of every worker
//   waits for the disk: so the log is cut once writes have paused, not while they keep coming.
// A write that came in between is copied by the next round. Meanwhile the log does not grow old:
// once every frame has been copied, the next commit starts the log again from its beginning, and
// `journal_size_limit = 0` (db/connection.ts) cuts off whatever lay beyond its own frames.
//
// While writes never stop (answers under load), no round finds every frame copied and the log
// keeps growing. Past `restartLogPages`, `cutIfLong` pauses writes in every worker (they wait on
// their event loops, db/write-gate.ts), and a TRUNCATE copies the frames left, syncs and cuts.
// SQLite would otherwise do this inside a commit, copying and syncing on the request thread while
// every request of that worker waited: 300-600 ms when the disk was busy (`npm run bench`).
//
// The same thread rebuilds the file (VACUUM) after something was deleted: on the bench's 2,000
// groups that took seconds, during which the request thread served nobody. Here, reads go on
// meanwhile (they see the file as it was until the rebuild commits); a write waits for it.

/**
 * The thread's whole program, as text: a file of its own would need an entry of its own in
 * SvelteKit's build. It loads the same driver as the app, from the path the app resolved.
 */
const program = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const connection = new Database(workerData.path);
// never wait in SQLite's busy handler: a lock that is taken means "next round"
connection.exec('PRAGMA busy_timeout = 0');
connection.exec('PRAGMA synchronous = NORMAL');
const checkpoint = (mode) => {
	try {
		const [busy, frames, copied] = Object.values(
			connection.prepare('PRAGMA wal_checkpoint(' + mode + ')').get()
		);
		return { busy: Number(busy) !== 0, frames: Number(frames), copied: Number(copied) };
	} catch {
		return { busy: true, frames: -1, copied: -1 };
	}
};
// a rebuild waits out a write in progress, as it did on the request thread; sleeping here holds
// no request
const rebuild = () => {
	connection.exec('PRAGMA busy_timeout = ' + workerData.busyTimeoutMs);
	try {
		connection.exec('VACUUM');
		return true;
	} catch {
		return false;
	} finally {
		connection.exec('PRAGMA busy_timeout = 0');
	}
};
// changes whenever another connection (any process's) has committed since the last reading
const versionStatement = connection.prepare('PRAGMA data_version');
const dataVersion = () => Number(Object.values(versionStatement.get())[0]);
const allCopied = (round) => !round.busy && round.frames > 0 && round.frames === round.copied;
const pause = new Int32Array(new SharedArrayBuffer(4));
// What a task did, before the log is looked at once more for the reply.
const run = (task) => {
	// writes are paused for this one (see \`cutIfLong\` below): copy what is left and cut at once
	if (task === 'restart') return { rebuilt: false, cut: !checkpoint('TRUNCATE').busy };
	const rebuilt = task === 'rebuild' && rebuild();
	const copied = checkpoint('PASSIVE');
	let cut = false;
	if (allCopied(copied)) {
		const before = dataVersion();
		Atomics.wait(pause, 0, 0, workerData.settleMs); // this thread holds up no one
		const settled = checkpoint('PASSIVE');
		cut = allCopied(settled) && dataVersion() === before;
		if (cut) checkpoint('TRUNCATE');
	}
	return { rebuilt, cut };
};
parentPort.on('message', (task) => {
	const done = run(task);
	const left = checkpoint('PASSIVE');
	parentPort.postMessage({ ...done, emptied: left.frames === 0, frames: left.frames });
});
`;

const driver = createRequire(import.meta.url).resolve('libsql');

/** How long the log must stay as it is, copied, before it is cut. */
const settleMs = 20;

type Task = 'empty' | 'rebuild' | 'restart';
/** `frames`: how long the log is after the round, in pages (-1: the thread failed). */
type Reply = { rebuilt: boolean; cut: boolean; emptied: boolean; frames: number };
const failed: Reply = { rebuilt: false, cut: false, emptied: false, frames: -1 };

/**
 * The log-emptying thread of the database at `path`. `empty()` empties the log and resolves to
 * whether it is empty now; calls while one round runs share a single next round, so a burst of
 * answers asks for one or two rounds, not one each. `rebuild()` rebuilds the file, then empties
 * the log, and resolves to whether it rebuilt it.
 */
export function logEmptier(path: string) {
	let thread: Worker | undefined;
	// the thread answers its tasks in the order it was given them
	const waiting: { task: Task; reply: Promise<Reply>; answer: (reply: Reply) => void }[] = [];
	let rounds = 0;
	let cuts = 0;
	let restarting: Promise<boolean> | undefined;
	let lastFrames = 0;

	const answerNext = (reply: Reply) => {
		if (reply.cut) cuts++;
		lastFrames = reply.frames;
		waiting.shift()?.answer(reply);
	};
	const started = () => {
		if (thread) return thread;
		const created = new Worker(program, {
			eval: true,
			workerData: { driver, path, busyTimeoutMs, settleMs }
		});
		created.unref();
		created.on('message', answerNext);
		// a thread that failed is replaced at the next task; what it was given counts as not done
		const fail = () => {
			if (thread === created) thread = undefined;
			while (waiting.length > 0) answerNext(failed);
		};
		created.on('error', fail);
		created.on('exit', fail);
		return (thread = created);
	};

	function send(task: Task) {
		// a round of emptying that has not begun yet (a task runs before it) serves this call too
		const last = waiting.at(-1);
		if (task === 'empty' && waiting.length > 1 && last?.task === 'empty') return last.reply;
		let answer!: (reply: Reply) => void;
		const reply = new Promise<Reply>((resolve) => (answer = resolve));
		waiting.push({ task, reply, answer });
		rounds++;
		started().postMessage(task);
		return reply;
	}

	const empty = async () => (await send('empty')).emptied;
	const rebuild = async () => (await send('rebuild')).rebuilt;

	/**
	 * When the last round left the log `restartLogPages` long or longer (writes never paused long
	 * enough for it to be cut), cuts it with writes paused in every worker: they wait on their
	 * event loops while what is left is copied and synced. Resolves to whether the log is empty.
	 * Not for a request to await: the pause would wait for it (it is a write in flight).
	 */
	function cutIfLong() {
		if (lastFrames < restartLogPages) return Promise.resolve(lastFrames === 0);
		restarting ??= pausingWrites(async () => (await send('restart')).emptied).finally(
			() => (restarting = undefined)
		);
		return restarting;
	}

	/** Ends the thread (a test's database going away); a later call starts another. */
	async function stop() {
		await thread?.terminate();
	}

	return {
		empty,
		cutIfLong,
		rebuild,
		stop,
		rounds: () => rounds,
		cuts: () => cuts
	};
}
