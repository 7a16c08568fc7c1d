import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Server modules are tested directly, without SvelteKit's Vite plugin: `$env` and `$app` are
// replaced by two small modules that read the real process environment.
export default defineConfig({
	resolve: {
		alias: [
			{ find: /^\$lib\//, replacement: here('./src/lib/') },
			{ find: '$env/dynamic/private', replacement: here('./tests/support/env.ts') },
			{ find: '$app/environment', replacement: here('./tests/support/app-environment.ts') }
		]
	},
	test: {
		include: ['tests/**/*.test.ts'],
		exclude: ['tests/e2e/**', 'node_modules/**'],
		globalSetup: ['tests/support/global-setup.ts'],
		setupFiles: ['tests/support/setup.ts'],
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 120_000
	}
});
