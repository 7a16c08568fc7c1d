import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Emptying the write-ahead log into the database file syncs both to the disk. On the thread that
// serves requests, that sync held the event loop for as long as the disk took: 0.4 s while the
// disk was busy writing, measured with two workers taking answers. A `TRUNCATE` checkpoint also
// holds SQLite's write lock throughout, so the other workers' answers waited as long.
//
// So the log is emptied here, on a thread of its own with its own connection, in two steps:
// - a PASSIVE checkpoint copies the log into the file and syncs, without the write lock: answers
//   go on being written meanwhile, and requests go on being served;
// - only when that left nothing behind (no write came in between), a TRUNCATE checkpoint takes
//   the write lock to cut the log to zero bytes, which with nothing left to copy needs no sync.
// A write that came in between is copied by the next round. Meanwhile the log does not grow old:
// once every frame has been copied, the next commit starts the log again from its beginning, and
// `journal_size_limit = 0` (db/connection.ts) cuts off whatever lay beyond its own frames.

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
parentPort.on('message', () => {
	const copied = checkpoint('PASSIVE');
	if (!copied.busy && copied.frames > 0 && copied.frames === copied.copied) checkpoint('TRUNCATE');
	parentPort.postMessage(checkpoint('PASSIVE').frames === 0);
});
`;

const driver = createRequire(import.meta.url).resolve('libsql');

/**
 * Empties the log of the database at `path` on the log-emptying thread; resolves to whether the
 * log is empty now. Calls while one round runs share a single next round, so a burst of answers
 * asks for one or two rounds, not one each.
 */
export function logEmptier(path: string) {
	let thread: Worker | undefined;
	let running: Promise<boolean> | undefined;
	let queued: Promise<boolean> | undefined;
	let answer: ((emptied: boolean) => void) | undefined;
	let rounds = 0;

	const started = () => {
		if (thread) return thread;
		const created = new Worker(program, { eval: true, workerData: { driver, path } });
		created.unref();
		created.on('message', (emptied: boolean) => answer?.(emptied));
		// a thread that failed is replaced at the next round; this round counts as not emptied
		created.on('error', () => answer?.(false));
		created.on('exit', () => {
			if (thread === created) thread = undefined;
			answer?.(false);
		});
		return (thread = created);
	};

	const round = () =>
		new Promise<boolean>((resolve) => {
			answer = (emptied) => {
				answer = undefined;
				resolve(emptied);
			};
			rounds++;
			started().postMessage('empty');
		});

	function empty(): Promise<boolean> {
		if (!running) {
			running = round().finally(() => (running = undefined));
			return running;
		}
		queued ??= running.then(() => {
			queued = undefined;
			return empty();
		});
		return queued;
	}

	/** Ends the thread (a test's database going away); a later call starts another. */
	async function stop() {
		await thread?.terminate();
	}

	return { empty, stop, rounds: () => rounds };
}
