import { describe, expect, it } from 'vitest';
import { makeGroup, makeUser, sessionCookie } from '../support/factories';
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
});
