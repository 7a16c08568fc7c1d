import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// For `npm run test:mutation`: the server suites only. They test the domain modules on a real
// database file and need neither the build nor a running server. (Not mergeConfig: it would add
// these lists to the base config's instead of replacing them.)
export default defineConfig({
	...base,
	test: {
		...base.test,
		include: ['tests/server/**/*.test.ts'],
		exclude: ['tests/server/route-discovery.test.ts', 'node_modules/**']
	}
});
