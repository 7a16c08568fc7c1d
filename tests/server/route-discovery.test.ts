import { describe, expect, it } from 'vitest';
import { discoverEndpoints, endpointsOf, pathOf } from '../support/routes';

describe('route discovery', () => {
	it('lists what a module exports, however it is written', async () => {
		const functionGet = await import('../support/route-fixtures/function-get');
		const constMethods = await import('../support/route-fixtures/const-methods');
		const actions = await import('../support/route-fixtures/actions');
		expect(endpointsOf('/texts', { page: false, endpoint: functionGet })).toEqual(['GET /texts']);
		expect(endpointsOf('/both', { page: false, endpoint: constMethods })).toEqual([
			'GET /both',
			'POST /both'
		]);
		expect(endpointsOf('/review', { page: true, pageServer: actions }).sort()).toEqual([
			'GET /review',
			'POST /review?/archive',
			'POST /review?/close',
			'POST /review?/reopen'
		]);
	});

	it('names routes without their groups', () => {
		expect(pathOf('/')).toBe('/');
		expect(pathOf('/(app)/g/[group]/members')).toBe('/g/[group]/members');
	});

	it('finds the built app’s pages, endpoints and actions from SvelteKit’s own manifest', async () => {
		const found = await discoverEndpoints();
		expect(found).toContain('GET /healthz');
		expect(found).toContain('GET /g/[group]/reviews/[review]');
		expect(found).toContain('POST /g/[group]/reviews/[review]?/submit');
		expect(found).toContain('GET /g/[group]/reviews/[review]/receipts');
		const pagesOnly = await discoverEndpoints({ withModules: false });
		expect(pagesOnly.every((e) => e.startsWith('GET '))).toBe(true);
		expect(pagesOnly).toContain('GET /g/[group]/reviews/[review]');
	});
});
