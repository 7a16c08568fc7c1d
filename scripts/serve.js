// Starts the built app (adapter-node's handler) with start-up errors turned into one sentence:
// a wrong setting should tell the operator what to change, not print a stack trace.
// With WEB_CONCURRENCY above 1 (by default, one process per core), this process becomes the
// primary of a cluster (scripts/cluster.js) and runs this same file again in each worker.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);

function stop(sentence) {
	console.error(`Outsider could not start: ${sentence}`);
	process.exit(1);
}

function workerCount() {
	const setting = process.env.WEB_CONCURRENCY;
	if (setting === undefined || setting.trim() === '') return availableParallelism();
	const count = Number(setting);
	if (!Number.isInteger(count) || count < 1) {
		stop(
			`WEB_CONCURRENCY "${setting}" is not a number of processes; set it to a whole number such as 2, or leave it unset for one per core.`
		);
	}
	return count;
}

function announce(listeningPort) {
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	console.log(`Outsider is running at http://${shown}:${listeningPort}`);
}

if (!Number.isInteger(port) || port < 0 || port > 65535) {
	stop(`PORT "${process.env.PORT}" is not a port number; set it to a number such as 3000.`);
}
if (!existsSync(new URL('../build/handler.js', import.meta.url))) {
	stop(
		'the app has not been built yet; run `npm run build` first (or use `npm start`, which builds).'
	);
}
const workers = workerCount();

if (cluster.isPrimary && workers > 1) {
	const { runWorkers } = await import('./cluster.js');
	runWorkers(workers, announce);
} else {
	await serveApp();
}

/** The app server: the whole of a single-process run, or one worker of a cluster. */
async function serveApp() {
	// adapter-node assumes https when neither ORIGIN nor PROTOCOL_HEADER is set, which breaks
	// cookies and the CSRF check of a plain local run. This server speaks plain HTTP, so unless the
	// operator says otherwise, it tells the handler so in a header of its own that it always
	// overwrites.
	const socketProtocolHeader = 'x-outsider-socket-protocol';
	const reportSocketProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
	if (reportSocketProtocol) process.env.PROTOCOL_HEADER = socketProtocolHeader;

	let handler;
	try {
		// Importing the handler runs the app's start-up: configuration, database, migrations.
		({ handler } = await import('../build/handler.js'));
	} catch (error) {
		if (error?.name === 'ConfigError') stop(error.message);
		throw error;
	}

	const server = createServer((req, res) => {
		if (reportSocketProtocol) req.headers[socketProtocolHeader] = 'http';
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});

	server.on('error', (error) => {
		if (error.code === 'EADDRINUSE') {
			stop(`port ${port} is already in use; stop the other program or set PORT to a free port.`);
		}
		if (error.code === 'EACCES') {
			stop(`port ${port} needs privileges this user does not have; set PORT to 1024 or above.`);
		}
		if (error.code === 'EADDRNOTAVAIL') stop(`HOST "${host}" is not an address of this machine.`);
		throw error;
	});

	// For `npm run bench`: the longest event-loop stall since the last report, written on SIGUSR2,
	// or, in a cluster, sent to the primary when it asks (it writes the file for all workers).
	if (process.env.EVENT_LOOP_REPORT) {
		const delay = monitorEventLoopDelay({ resolution: 5 });
		delay.enable();
		const measure = () => {
			const stall = { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 };
			delay.reset();
			return stall;
		};
		if (cluster.isPrimary) {
			process.on('SIGUSR2', () =>
				writeFileSync(process.env.EVENT_LOOP_REPORT, JSON.stringify(measure()))
			);
		} else {
			process.on('message', (message) => {
				if (message?.eventLoopReport !== undefined)
					process.send({ eventLoopReport: message.eventLoopReport, ...measure() });
			});
		}
	}

	// In a cluster the primary holds the socket: every worker listening on the same port argument
	// (0 included) shares it, and the primary says once where the app runs.
	server.listen({ host, port }, () => {
		if (cluster.isPrimary) announce(server.address().port);
	});

	function shutdown() {
		server.close(() => process.exit(0));
		server.closeIdleConnections?.();
		setTimeout(() => process.exit(0), 5000).unref();
	}
	process.on('SIGTERM', shutdown);
	process.on('SIGINT', shutdown);
}
