// What `npm run bench` and `npm run bench:profile` both need of the built server they start.
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port nothing on this machine listens on now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => resolve(port));
		});
		probe.on('error', reject);
	});
}

/**
 * Resolves once the server at `url` answers /healthz; fails at once if its process exits, or
 * after a minute.
 * @param {{ url: string; child: import('node:child_process').ChildProcess }} server
 * @param {string} log where the server's output went, for the message
 */
export async function untilServing(server, log) {
	for (let i = 0; i < 600; i++) {
		if (server.child.exitCode !== null)
			throw new Error(`the server exited with ${server.child.exitCode}; see ${log}`);
		const ok = await fetch(`${server.url}/healthz`).then(
			(response) => response.ok,
			() => false
		);
		if (ok) return;
		await sleep(100);
	}
	throw new Error(`the server did not answer /healthz within a minute; see ${log}`);
}
