// Starts the real built server (`node scripts/serve.js`, as in production) on a free loopback
// port, against the database of the calling test file unless told otherwise. It runs as one
// process unless a test asks for workers (WEB_CONCURRENCY): a test that kills the server kills
// the one process that serves, and files running side by side do not each start one per core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { client } from './http';
import { startMailSink } from './mail';
import { projectRoot } from './paths';
import { leaksIn } from './sent';

export interface RunningServer {
	url: string;
	origin: string;
	process: ChildProcess;
	output: () => string;
	stop: () => Promise<void>;
}

export async function startServer(
	env: Record<string, string | undefined> = {}
): Promise<RunningServer> {
	if (!existsSync(`${projectRoot}build/handler.js`)) {
		throw new Error(
			'The app is not built: run `npm run build` before these tests (npm test does).'
		);
	}
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		cwd: projectRoot,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', WEB_CONCURRENCY: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
		child.stdout!.on('data', () => {
			const match = output.match(/running at (http:\/\/\S+)/);
			if (match) {
				clearTimeout(timer);
				resolve(match[1].replace('localhost', '127.0.0.1'));
			}
		});
		child.on('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${output}`));
		});
	});
	return {
		url,
		origin: url,
		process: child,
		output: () => output,
		// Stopping also checks the server's whole log against everything the tests sent it.
		stop: async () => {
			await new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			});
			const leaks = leaksIn(output);
			if (leaks.length > 0) {
				const shown = leaks.slice(0, 12).join(', ');
				const more = leaks.length > 12 ? ` and ${leaks.length - 12} more` : '';
				throw new Error(`The server's log holds what was sent to it: ${shown}${more}`);
			}
		}
	};
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export function startExpectingFailure(env: Record<string, string | undefined>) {
	const child = spawn(process.execPath, ['scripts/serve.js'], {
		cwd: projectRoot,
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', WEB_CONCURRENCY: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk) => (stdout += chunk));
	child.stderr.on('data', (chunk) => (stderr += chunk));
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`server did not stop:\n${stdout}${stderr}`));
		}, 20_000);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

/**
 * For a test file that drives the built server: starts it before the file's tests and stops it
 * after. Read `app.server` and `app.http` inside tests (they exist once beforeAll has run).
 */
export function useBuiltServer(env: Record<string, string | undefined> = {}) {
	const app = {} as { server: RunningServer; http: ReturnType<typeof client> };
	beforeAll(async () => {
		app.server = await startServer(env);
		app.http = client(app.server.url);
	});
	afterAll(() => app.server?.stop());
	return app;
}

/**
 * The built server as `useBuiltServer` starts it, with its mail going through a real SMTP
 * exchange to a local sink (`app.sink`), and the client address read from X-Forwarded-For, so
 * that one test can be several people in several places.
 */
export function useBuiltServerWithMail() {
	const env: Record<string, string> = { ADDRESS_HEADER: 'x-forwarded-for' };
	let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
	// registered first, so it runs first: the server starts with the sink's SMTP_URL
	beforeAll(async () => {
		sink = await startMailSink();
		env.SMTP_URL = sink.url;
	});
	afterAll(() => sink?.stop());
	const app = useBuiltServer(env) as ReturnType<typeof useBuiltServer> & {
		sink: Awaited<ReturnType<typeof startMailSink>>;
	};
	// read inside tests, once beforeAll has started it (as `app.server`)
	Object.defineProperty(app, 'sink', { get: () => sink });
	return app;
}
