// Every page, endpoint and form action the app has, as SvelteKit itself sees them: read from the
// manifest `vite build` writes, with each route's modules imported and their exports listed. Not
// from the source text: `export async function GET`, an action written as a method, or actions
// spread in from another object are found like any other. Tests that must cover every route (the
// authorization matrix, the CSRF check, the fuzz, the accessibility run) take their list here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './paths';

const manifestFile = join(projectRoot, '.svelte-kit/output/server/manifest-full.js');
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'] as const;

interface ManifestRoute {
	id: string;
	page: { leaf: number } | null;
	endpoint: (() => Promise<Record<string, unknown>>) | null;
}
interface Manifest {
	_: { routes: ManifestRoute[]; nodes: (() => Promise<{ server?: Record<string, unknown> }>)[] };
}

/** "/(app)/g/[group]/members" -> "/g/[group]/members" */
export function pathOf(routeId: string) {
	return (
		'/' +
		routeId
			.split('/')
			.filter((part) => part && !/^\(.+\)$/.test(part))
			.join('/')
	);
}

/**
 * What one route answers, from its modules as loaded: a page (GET), each HTTP method its
 * endpoint exports, and each key of its page's `actions`.
 */
export function endpointsOf(
	path: string,
	modules: {
		page: boolean;
		pageServer?: Record<string, unknown>;
		endpoint?: Record<string, unknown>;
	}
) {
	const found: string[] = [];
	if (modules.page) found.push(`GET ${path}`);
	for (const method of methods) {
		if (typeof modules.endpoint?.[method] === 'function') found.push(`${method} ${path}`);
	}
	const actions = modules.pageServer?.actions;
	if (actions && typeof actions === 'object') {
		for (const action of Object.keys(actions)) found.push(`POST ${path}?/${action}`);
	}
	return found;
}

async function loadManifest(): Promise<Manifest> {
	if (!existsSync(manifestFile))
		throw new Error('No build found: run `npm run build` first (npm test does).');
	return (await import(/* @vite-ignore */ pathToFileURL(manifestFile).href)).manifest;
}

/**
 * Every route of the built app. With `withModules: false`, only its pages, which the manifest
 * lists without importing any route code: for a test process that should not load the server's
 * modules (they open the database).
 */
export async function discoverEndpoints({ withModules = true } = {}): Promise<string[]> {
	const manifest = await loadManifest();
	const found = new Set<string>();
	for (const route of manifest._.routes) {
		const path = pathOf(route.id);
		if (!withModules) {
			if (route.page) found.add(`GET ${path}`);
			continue;
		}
		const pageServer = route.page ? (await manifest._.nodes[route.page.leaf]()).server : undefined;
		const endpoint = route.endpoint ? await route.endpoint() : undefined;
		for (const e of endpointsOf(path, { page: Boolean(route.page), pageServer, endpoint }))
			found.add(e);
	}
	return [...found].sort();
}
