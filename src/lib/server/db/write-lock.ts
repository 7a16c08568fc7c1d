import type { Connection } from './connection';

// Another process on the same file (the other workers of `npm start`, a backup) may hold the
// write lock when a transaction begins. SQLite's own busy handler then sleeps 1, 2, 5, 10 ... up
// to 100 ms at a time on the thread that serves every request, and sleeps on well past the
// moment the lock is let go: with two workers taking answers, `BEGIN IMMEDIATE` waited 1-2 ms on
// average and up to 80 ms while a transaction holds the lock for about half a millisecond
// (`npm run bench` at 2,000 groups). Here a transaction that finds the lock taken tries again
// after 0.05 ms, then a little longer each time up to 1 ms, for as long as the busy timeout.

const firstPauseMs = 0.05;
const longestPauseMs = 1;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps this thread: the caller holds no lock, and a transaction cannot yield to the loop. */
const pause = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY';

/**
 * Runs `begin(started)` until it gets the write lock: `begin` opens the transaction and calls
 * `started()` first thing inside it, so that a transaction refused after it began (which has run
 * some of its work) is never run again. Gives up with SQLite's "database is locked" after
 * `timeoutMs`.
 */
export function withWriteLock<T>(
	connection: Connection,
	timeoutMs: number,
	begin: (started: () => void) => T
): T {
	let began = false;
	const started = () => {
		began = true;
	};
	const deadline = performance.now() + timeoutMs;
	// synchronous from here to `finally`: no other statement runs with the timeout at 0
	connection.exec('PRAGMA busy_timeout = 0');
	try {
		for (let wait = firstPauseMs; ; wait = Math.min(wait * 1.5, longestPauseMs)) {
			try {
				return begin(started);
			} catch (error) {
				if (began || !isBusy(error) || performance.now() + wait > deadline) throw error;
				pause(wait);
			}
		}
	} finally {
		connection.exec(`PRAGMA busy_timeout = ${timeoutMs}`);
	}
}
