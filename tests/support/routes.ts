// Finds every page, endpoint and form action under src/routes, so that a test can insist each
// one appears in the authorization matrix.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from './paths';

const routesRoot = join(projectRoot, 'src/routes');

function* walk(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* walk(path);
		else yield path;
	}
}

/** "/(app)/g/[group]/members" -> "/g/[group]/members" */
function routeOf(file: string) {
	const dir = relative(routesRoot, join(file, '..'));
	const path =
		'/' +
		dir
			.split('/')
			.filter((part) => part && !/^\(.+\)$/.test(part))
			.join('/');
	return path;
}

export function discoverEndpoints(): string[] {
	const found = new Set<string>();
	for (const file of walk(routesRoot)) {
		const name = file.split('/').pop()!;
		const route = routeOf(file);
		if (name === '+page.svelte') found.add(`GET ${route}`);
		if (name === '+server.ts') {
			const source = readFileSync(file, 'utf8');
			for (const [, method] of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				found.add(`${method} ${route}`);
			}
		}
		if (name === '+page.server.ts') {
			const source = readFileSync(file, 'utf8');
			const block = source.match(/export const actions[^=]*=\s*\{([\s\S]*)\};/);
			if (!block) continue;
			for (const [, action] of block[1].matchAll(/^\t(\w+):/gm))
				found.add(`POST ${route}?/${action}`);
		}
	}
	return [...found].sort();
}
