import { AsyncLocalStorage } from 'node:async_hooks';
import cluster from 'node:cluster';

// Rebuilding the file after a deletion (VACUUM on the log's thread, see anonymity.ts) holds
// SQLite's write lock until it commits: seconds on the bench's 2,000 groups. A transaction begun
// meanwhile waits for that lock in `withWriteLock`, on the thread that serves every request of its
// process (a transaction is synchronous and cannot yield to the event loop): the whole process
// stood still, and past the busy timeout (5 s) the form failed with "something went wrong".
//
// So writes wait for a rebuild here instead, on the event loop, where waiting holds no one up:
// - work that may write (a request other than GET and HEAD, see hooks.server.ts; a page running a
//   review's due transitions; the schedulers' ticks) runs through `asWrite`: it starts once no
//   rebuild runs, and counts as a write in flight until it ends;
// - a rebuild first pauses new writes, in this process and, through the cluster's primary
//   (scripts/cluster.js), in the other workers; then waits until the writes in flight everywhere
//   have ended (at most `drainLimitMs`); then rebuilds; then lets the paused writes go on.
// Pages go on being read meanwhile. A write that is only bookkeeping (a session's "last used")
// is skipped while a rebuild runs. Cutting a log that writes never let the log's thread cut
// pauses writes the same way, for as long as its last copy and sync (db/log-emptier.ts). A
// worker that starts during a pause is not told of it, and a write it takes waits in
// `withWriteLock` as before.

/** How long a rebuild waits for the writes in flight to end before it starts anyway. */
const drainLimitMs = 2000;

/** The write in flight that the running code belongs to. */
const currentWrite = new AsyncLocalStorage<symbol>();
const inFlight = new Set<symbol>();
let rebuildsHere = 0;
/** Workers (by cluster id) rebuilding the file now, as the primary passed on. */
const pausedByWorkers = new Set<number>();

/** Whether a rebuild of the file is running or about to, in this process or another worker. */
export const writesPaused = () => rebuildsHere > 0 || pausedByWorkers.size > 0;

/** Callbacks run once when their condition holds; checked whenever the state above changes. */
const waiters: { ready: () => boolean; then: () => void }[] = [];
function whenReady(ready: () => boolean): Promise<void> {
	if (ready()) return Promise.resolve();
	return new Promise((then) => waiters.push({ ready, then }));
}
function recheck() {
	for (const waiter of [...waiters]) {
		if (!waiter.ready()) continue;
		waiters.splice(waiters.indexOf(waiter), 1);
		waiter.then();
	}
}

/** Whether no write is in flight here but `except` (the rebuild's own request). */
const drainedHere = (except?: symbol) => () =>
	inFlight.size === 0 || (inFlight.size === 1 && except !== undefined && inFlight.has(except));

/**
 * Runs `work`, which may write, once no rebuild of the file runs; a rebuild that begins meanwhile
 * waits for it to end. Work already inside `asWrite` runs at once: it was let in already.
 */
export async function asWrite<T>(work: () => Promise<T>): Promise<T> {
	if (currentWrite.getStore()) return work();
	// a rebuild may pause writes again between the wake-up and this code running
	while (writesPaused()) await whenReady(() => !writesPaused());
	const write = Symbol('write');
	inFlight.add(write);
	try {
		return await currentWrite.run(write, work);
	} finally {
		inFlight.delete(write);
		recheck();
	}
}

/**
 * Runs `work` as no write's part, though called from one (a timer a request set): a pause of
 * writes it starts waits for every write in flight.
 */
export const apartFromWrites = <T>(work: () => T): T => currentWrite.exit(work);

/** What the workers and their primary tell each other (see scripts/cluster.js). */
export interface WritesMessage {
	/**
	 * paused: a worker is about to rebuild (to the primary; from it, to the other workers);
	 * drained: a worker has no write in flight left (to the primary, naming the rebuilding worker;
	 * once all have, from it to that worker); resumed: the rebuild is over (as paused).
	 */
	outsiderWrites: 'paused' | 'drained' | 'resumed';
	worker?: number;
}

// Only a cluster's worker has a primary to tell (a test runner's child process has a channel
// too, to its runner); a worker whose channel has closed (it is stopping) has no one left.
const tellPrimary = (message: WritesMessage) => {
	if (cluster.isWorker && process.connected)
		process.send?.(message, undefined, undefined, () => {});
};
let otherWorkersDrained: (() => void) | undefined;

if (cluster.isWorker) {
	process.on('message', (message: Partial<WritesMessage> | null) => {
		const from = message?.worker;
		if (message?.outsiderWrites === 'drained' && from === undefined) otherWorkersDrained?.();
		if (from === undefined) return;
		if (message?.outsiderWrites === 'paused') {
			pausedByWorkers.add(from);
			void whenReady(drainedHere()).then(() =>
				tellPrimary({ outsiderWrites: 'drained', worker: from })
			);
		}
		if (message?.outsiderWrites === 'resumed') pausedByWorkers.delete(from);
		recheck();
	});
}

/** Resolves once every other worker has no write in flight (at once outside a cluster). */
function othersDrained(): Promise<void> {
	if (!cluster.isWorker) return Promise.resolve();
	return new Promise((resolve) => {
		otherWorkersDrained = resolve;
		tellPrimary({ outsiderWrites: 'paused' });
	});
}

/**
 * Runs `work` (a rebuild of the file, a cut of a long log) with writes paused, in this process and
 * the other workers, once those in flight have ended (or `drainLimitMs` passed); they go on once
 * it is over.
 */
export async function pausingWrites<T>(work: () => Promise<T>): Promise<T> {
	const first = rebuildsHere++ === 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		const drained = Promise.all([
			first ? othersDrained() : undefined,
			whenReady(drainedHere(currentWrite.getStore()))
		]);
		const limit = new Promise((resolve) => (timer = setTimeout(resolve, drainLimitMs)));
		await Promise.race([drained, limit]);
		return await work();
	} finally {
		clearTimeout(timer);
		if (--rebuildsHere === 0) {
			otherWorkersDrained = undefined;
			tellPrimary({ outsiderWrites: 'resumed' });
		}
		recheck();
	}
}
