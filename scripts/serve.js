// Starts the built app (adapter-node's handler) with start-up errors turned into one sentence:
// a wrong setting should tell the operator what to change, not print a stack trace.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';

const host = process.env.HOST ?? '0.0.0.0';
const port = Number(process.env.PORT ?? 3000);

function stop(sentence) {
	console.error(`Outsider could not start: ${sentence}`);
	process.exit(1);
}

if (!Number.isInteger(port) || port < 0 || port > 65535) {
	stop(`PORT "${process.env.PORT}" is not a port number; set it to a number such as 3000.`);
}
if (!existsSync(new URL('../build/handler.js', import.meta.url))) {
	stop(
		'the app has not been built yet; run `npm run build` first (or use `npm start`, which builds).'
	);
}

// adapter-node assumes https when neither ORIGIN nor PROTOCOL_HEADER is set, which breaks cookies
// and the CSRF check of a plain local run. This server speaks plain HTTP, so unless the operator
// says otherwise, it tells the handler so in a header of its own that it always overwrites.
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

server.listen({ host, port }, () => {
	const address = server.address();
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	console.log(`Outsider is running at http://${shown}:${address.port}`);
});

function shutdown() {
	server.close(() => process.exit(0));
	server.closeIdleConnections?.();
	setTimeout(() => process.exit(0), 5000).unref();
}
// For `npm run bench`: on SIGUSR2, write the longest event-loop stall since the last report.
if (process.env.EVENT_LOOP_REPORT) {
	const { monitorEventLoopDelay } = await import('node:perf_hooks');
	const { writeFileSync } = await import('node:fs');
	const delay = monitorEventLoopDelay({ resolution: 5 });
	delay.enable();
	process.on('SIGUSR2', () => {
		writeFileSync(
			process.env.EVENT_LOOP_REPORT,
			JSON.stringify({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 })
		);
		delay.reset();
	});
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
