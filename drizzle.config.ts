import { defineConfig } from 'drizzle-kit';

// Only used by `npm run db:generate`; the app applies the generated migrations itself at start-up.
export default defineConfig({
	schema: ['./src/lib/server/db/schema.ts', './src/lib/server/db/work-schema.ts'],
	out: './drizzle',
	dialect: 'sqlite',
	casing: 'snake_case'
});
