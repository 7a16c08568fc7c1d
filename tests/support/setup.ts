// Runs before every test file: each file gets its own real libSQL database file, migrated exactly
// as the app migrates at start-up. Files that start the built server hand it this same file.
import { tmpPath } from './paths';

process.env.DATABASE_URL = `file:${tmpPath('vitest')}.db`;
delete process.env.DATABASE_AUTH_TOKEN;

const { prepareDatabase } = await import('$lib/server/db');
await prepareDatabase();
