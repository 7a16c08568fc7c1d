import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
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

	it('refuses a body over 256 KB with 413 and a sentence, before reading it', async () => {
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

	it('refuses a chunked body over 256 KB, which has no length to check, with 413', async () => {
		// node:http, not fetch: the server answers and closes before the rest of the body is sent,
		// and fetch gives up on the whole exchange when its upload is cut, answer or not
		const url = new URL(`${app.server.url}/login?/login`);
		const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const request = httpRequest(
				url,
				{
					method: 'POST',
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						origin: app.server.url,
						accept: 'text/html',
						'transfer-encoding': 'chunked'
					}
				},
				(response) => {
					let body = '';
					response.on('data', (chunk) => (body += chunk));
					response.on('end', () => resolve({ status: response.statusCode!, body }));
					response.on('error', () => resolve({ status: response.statusCode!, body }));
				}
			);
			request.on('error', (error) => {
				if (!(error as NodeJS.ErrnoException).code?.match(/EPIPE|ECONNRESET/)) reject(error);
			});
			const chunk = 'x'.repeat(16 * 1024);
			let sent = 0;
			const write = () => {
				while (sent < 20 && request.write(chunk)) sent++;
				if (sent < 20) request.once('drain', () => (sent++, write()));
				else request.end();
			};
			write();
		});
		expect(answer.status).toBe(413);
		expect(answer.body).toMatch(/That was too much to send at once/);
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
