// The primary of `npm run serve` with WEB_CONCURRENCY above 1: forks that many workers, each
// running scripts/serve.js as the app server, and keeps them running. It serves nothing itself
// and never opens the database.
import cluster from 'node:cluster';
import { renameSync, writeFileSync } from 'node:fs';

/** How long stopping waits for workers to finish their requests (each gives up after 5 s). */
const stopWaitMs = 8000;

/**
 * Forks `count` workers and calls `announce(port)` once all of them listen. The first worker
 * starts alone: importing the app applies the migrations, which two processes on a fresh file
 * would both try to apply. The others start once it listens, when there is nothing left to apply.
 */
export function runWorkers(count, announce) {
	const served = new Set(); // ids of workers that have listened
	let started = false;
	let stopping = false;
	let exitCode = 0;
	let failedStarts = 0;

	function fork() {
		const worker = cluster.fork();
		worker.once('listening', ({ port }) => {
			served.add(worker.id);
			failedStarts = 0;
			if (started) return;
			if (served.size === 1) for (let i = 1; i < count; i++) fork();
			if (served.size === count) {
				started = true;
				announce(port);
			}
		});
		return worker;
	}

	cluster.on('exit', (worker, code, signal) => {
		const listened = served.delete(worker.id);
		if (stopping) {
			if (Object.keys(cluster.workers).length === 0) process.exit(exitCode);
		} else if (!started) {
			// A worker could not start (it printed why: a wrong setting, a port in use): neither can
			// the others, so stop everything rather than start it again and again.
			stopAll(code || 1);
		} else if (listened) {
			console.error(
				`Outsider: a worker stopped (${signal ?? `exit code ${code}`}); starting another.`
			);
			fork();
		} else {
			// A replacement failed to start while the others serve: try again, less and less often.
			const delayMs = Math.min(1000 * 2 ** failedStarts++, 60_000);
			console.error(
				`Outsider: a new worker could not start (${signal ?? `exit code ${code}`}); trying again in ${delayMs / 1000} s.`
			);
			setTimeout(() => stopping || fork(), delayMs);
		}
	});

	function stopAll(code) {
		if (stopping) return;
		stopping = true;
		exitCode = code;
		const running = Object.values(cluster.workers);
		if (running.length === 0) process.exit(exitCode);
		for (const worker of running) worker.process.kill('SIGTERM');
		setTimeout(() => process.exit(exitCode), stopWaitMs).unref();
	}

	relayWritesPaused();
	process.on('SIGTERM', () => stopAll(0));
	process.on('SIGINT', () => stopAll(0));
	if (process.env.EVENT_LOOP_REPORT)
		reportEventLoops(process.env.EVENT_LOOP_REPORT, () =>
			Object.values(cluster.workers).filter((w) => served.has(w.id) && w.isConnected())
		);
	fork();
}

/**
 * Passes on what a worker that rebuilds the database file and the others tell each other
 * (src/lib/server/db/write-gate.ts): "paused" to the other workers; their "drained" back, as one
 * once all have said it; "resumed" to the others. A worker that stops counts as drained, and its
 * rebuild as over.
 */
function relayWritesPaused() {
	const rebuilding = new Map(); // rebuilding worker's id -> ids of workers yet to drain
	const send = (worker, message) => worker?.isConnected() && worker.send(message, () => {});
	const others = (id) => Object.values(cluster.workers).filter((w) => w.id !== id);
	const settle = (id) => {
		const left = rebuilding.get(id);
		if (left?.size === 0) send(cluster.workers[id], { outsiderWrites: 'drained' });
	};
	const resumed = (id) => {
		if (!rebuilding.delete(id)) return;
		for (const worker of others(id)) send(worker, { outsiderWrites: 'resumed', worker: id });
	};
	cluster.on('message', (worker, message) => {
		const said = message?.outsiderWrites;
		if (said === 'paused') {
			const asked = others(worker.id).filter((w) => w.isConnected());
			rebuilding.set(worker.id, new Set(asked.map((w) => w.id)));
			for (const other of asked) send(other, { outsiderWrites: 'paused', worker: worker.id });
			settle(worker.id);
		} else if (said === 'drained' && rebuilding.get(message.worker)?.delete(worker.id)) {
			settle(message.worker);
		} else if (said === 'resumed') {
			resumed(worker.id);
		}
	});
	cluster.on('exit', (worker) => {
		resumed(worker.id);
		for (const [id, left] of rebuilding) if (left.delete(worker.id)) settle(id);
	});
}

/**
 * For `npm run bench`: on SIGUSR2, asks every worker for its longest event-loop stall since the
 * last report and writes the largest of each figure, as a single process would.
 */
function reportEventLoops(file, serving) {
	let round = 0;
	process.on('SIGUSR2', () => {
		const id = ++round;
		const asked = serving();
		const replies = [];
		const write = () => {
			cluster.off('message', collect);
			clearTimeout(timer);
			const largest = (key) => Math.max(0, ...replies.map((r) => r[key]));
			// written whole, then renamed: a reader never sees half a file
			writeFileSync(
				`${file}.tmp`,
				JSON.stringify({ maxMs: largest('maxMs'), p99Ms: largest('p99Ms') })
			);
			renameSync(`${file}.tmp`, file);
		};
		const collect = (_worker, message) => {
			if (message?.eventLoopReport !== id) return;
			replies.push(message);
			if (replies.length === asked.length) write();
		};
		const timer = setTimeout(write, 2000);
		cluster.on('message', collect);
		// a worker that died meanwhile simply does not answer
		for (const worker of asked) worker.send({ eventLoopReport: id }, () => {});
		if (asked.length === 0) write();
	});
}
