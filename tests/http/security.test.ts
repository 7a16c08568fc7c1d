import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { makeGroup, makeUser, sessionCookie } from '../support/factories';
import { messageOf } from '../support/http';
import { discoverEndpoints } from '../support/routes';
import { useBuiltServer } from '../support/server';

const app = useBuiltServer();

describe('security', () => {
	it('refuses a cross-origin form POST to every action with 403, even with a valid session', async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const cookie = await sessionCookie(owner.id);
		const actions = (await discoverEndpoints()).filter(
			(e) => e.startsWith('POST ') && e.includes('?/')
		);
		expect(actions.length).toBeGreaterThan(5);
		for (const endpoint of actions) {
			const path = endpoint.slice(5).replace('[group]', group.slug).replace('[token]', 'anything');
			const response = await app.http.post(
				path,
				{ name: 'x' },
				{ cookie, origin: 'https://evil.example' }
			);
			expect({ endpoint, status: response.status }).toEqual({ endpoint, status: 403 });
			expect(await response.text()).toMatch(/Cross-site POST form submissions are forbidden/);
		}
	});

	it('sends a CSP and security headers with every page', async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const cookie = await sessionCookie(owner.id);
		for (const [path, options] of [
			['/', {}],
			['/login', {}],
			[`/g/${group.slug}`, { cookie }],
			['/g/does-not-exist', { cookie }]
		] as const) {
			const response = await app.http.get(path, options);
			const headers = response.headers;
			const csp = headers.get('content-security-policy') ?? '';
			expect(csp, path).toMatch(/default-src 'self'/);
			expect(csp, path).toMatch(/script-src 'self' 'nonce-/);
			expect(csp, path).toMatch(/frame-ancestors 'none'/);
			expect(csp, path).toMatch(/object-src 'none'/);
			expect(headers.get('x-content-type-options')).toBe('nosniff');
			expect(headers.get('x-frame-options')).toBe('DENY');
			expect(headers.get('referrer-policy')).toBe('same-origin');
			if ('cookie' in options) expect(headers.get('cache-control')).toBe('private, no-store');
		}
	});

	it('answers /healthz with 200 and a small JSON body', async () => {
		const response = await fetch(`${app.server.url}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok' });
	});

	it('refuses a body over 256 KB with 413 and a sentence, without parsing it', async () => {
		const response = await app.http.post('/login?/login', {
			email: 'a@b.co',
			password: 'x'.repeat(1024 * 1024)
		});
		expect(response.status).toBe(413);
		expect(await response.text()).toMatch(/too much to send at once/);
	});

	it('refuses 40,000 fields after little work: the server spends milliseconds, not seconds', async () => {
		// the server's own CPU time, from /proc: what the request cost it, whatever else runs here
		const cpuMs = () => {
			const fields = readFileSync(`/proc/${app.server.process.pid}/stat`, 'utf8')
				.split(') ')[1]
				.split(' ');
			return (Number(fields[11]) + Number(fields[12])) * 10;
		};
		const body = Array.from({ length: 40_000 }, () => 'a=').join('&');
		const before = cpuMs();
		const response = await fetch(`${app.server.url}/login?/login`, {
			method: 'POST',
			body,
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				origin: app.server.url,
				accept: 'text/html'
			}
		});
		expect(response.status).toBe(400);
		expect(await messageOf(response)).toBe('That form has more than 200 fields; no form here has.');
		// it once took 15.6 seconds of the event loop; a linear refusal takes a few milliseconds
		expect(cpuMs() - before).toBeLessThan(1000);
		expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
	});

	// A sender on a slow line is still uploading when the refusal is ready. The server reads the
	// rest and drops it: closing the connection instead resets it under the sender, and a browser
	// (or fetch) then reports a network error rather than the message. Each case sends its body in
	// pieces with pauses, then asks for /healthz on the same connection.
	it.each([
		['a Content-Length over adapter-node’s limit (1 MB)', { length: 1024 * 1024 }],
		['a Content-Length over the app’s 256 KB, under adapter-node’s limit', { length: 300_000 }],
		['a chunked body over 256 KB, which has no length to check', { length: 320_000, chunked: true }]
	])('refuses %s with 413, its message, and a connection still usable', async (_, body) => {
		const exchange = await sendSlowly('/login?/login', body);
		expect(exchange.error).toBeUndefined();
		expect(exchange.statuses).toEqual([413, 200]);
		expect(exchange.text).toMatch(/That was too much to send at once/);
	});

	it('refuses a line break in a name, which would forge a line of plain-text mail', async () => {
		const response = await app.http.post('/signup?/signup', {
			displayName: 'Ana\r\nBcc: everyone@example.org',
			email: 'ana-line-break@example.org',
			password: 'correct horse battery staple'
		});
		expect(response.status).toBe(400);
		expect(await messageOf(response)).toBe('Your name must be on one line.');
	});
});

/**
 * Sends an `email=xxx...` form of `length` bytes over one raw connection, in 64 KB pieces 5 ms
 * apart, then a GET of /healthz on the same connection; returns the status of every answer that
 * came back and any socket error. node:net, not fetch, so that nothing hides a cut connection.
 */
function sendSlowly(
	path: string,
	{ length, chunked = false }: { length: number; chunked?: boolean }
) {
	const { host, port } = new URL(app.server.url);
	const form = `email=${'x'.repeat(length - 6)}`;
	const piece = 64 * 1024;
	return new Promise<{ statuses: number[]; text: string; error?: string }>((resolve) => {
		const socket = connect(Number(port), host.split(':')[0]);
		let text = '';
		const finish = (error?: string) => {
			clearTimeout(patience);
			socket.destroy();
			const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
			resolve({ statuses, text, error });
		};
		socket.on('data', (data) => {
			text += data;
			if (text.includes('{"status":"ok"}')) finish();
		});
		socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
		socket.on('close', () => finish('closed by the server'));
		const patience = setTimeout(() => finish('no answer to /healthz within 20 s'), 20_000);
		socket.write(
			[
				`POST ${path} HTTP/1.1`,
				`Host: ${host}`,
				`Origin: ${app.server.url}`,
				'Accept: text/html',
				'Content-Type: application/x-www-form-urlencoded',
				chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
				'',
				''
			].join('\r\n')
		);
		let at = 0;
		const next = () => {
			if (socket.destroyed) return;
			if (at >= form.length) {
				if (chunked) socket.write('0\r\n\r\n');
				socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
				return;
			}
			const part = form.slice(at, at + piece);
			at += piece;
			const framed = chunked ? `${part.length.toString(16)}\r\n${part}\r\n` : part;
			socket.write(framed, () => setTimeout(next, 5));
		};
		next();
	});
}
