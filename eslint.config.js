import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// With a synchronous driver, a query built but never run (`.run()`, `.all()` or `.get()`
		// forgotten) does nothing and says nothing: a statement may not end on a builder step.
		files: ['src/**/*.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector:
						'ExpressionStatement > CallExpression[callee.property.name=/^(values|set|where|from|returning|onConflictDoNothing|onConflictDoUpdate|orderBy|limit|groupBy|innerJoin|leftJoin)$/]:has(MemberExpression > Identifier.object[name=/^(db|tx|database|executor)$/])',
					message: 'This query is built but never run: end it with .run(), .all() or .get().'
				}
			]
		}
	},
	{
		// The app is served at the root with no `paths.base`, so plain hrefs are already resolved.
		rules: { 'svelte/no-navigation-without-resolve': 'off' }
	},
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'tests/.tmp/',
			'test-results/',
			'playwright-report/',
			'data/',
			'reports/',
			'.stryker-tmp/'
		]
	}
);
