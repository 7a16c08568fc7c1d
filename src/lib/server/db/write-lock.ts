import { busyTimeoutMs, type Connection } from './connection';

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
 * Runs `work` with SQLite's busy handler off: a statement that finds a lock it needs taken fails
 * at once with SQLITE_BUSY instead of sleeping on this thread. `work` is synchronous, so no other
 * statement runs on the connection while the timeout is 0.
 */
export function withoutBusyWaits<T>(connection: Connection, work: () => T): T {
	connection.exec('PRAGMA busy_timeout = 0');
	try {
		return work();
	} finally {
		connection.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
	}
}

/**
 * Runs `begin(started)` until it gets the write lock: `begin` opens the transaction and calls
 * `started()` first thing inside it, so that a transaction refused after it began (which has run
 * some of its work) is never run again. Gives up with SQLite's "database is locked" after the
 * busy timeout.
 */
export function withWriteLock<T>(connection: Connection, begin: (started: () => void) => T): T {
	let began = false;
	const started = () => {
		began = true;
	};
	const deadline = performance.now() + busyTimeoutMs;
	return withoutBusyWaits(connection, () => {
		for (let wait = firstPauseMs; ; wait = Math.min(wait * 1.5, longestPauseMs)) {
			try {
				return begin(started);
			} catch (error) {
				if (began || !isBusy(error) || performance.now() + wait > deadline) throw error;
				pause(wait);
			}
		}
	});
}
