// `npm run db:backup [file]`: writes a consistent copy of the embedded database with VACUUM INTO,
// safe while the app is serving (a plain file copy of a live WAL database is not).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase } from './database.js';

const url = process.env.DATABASE_URL?.trim() || 'file:data/outsider.db';
if (!url.startsWith('file:')) {
	console.error(
		'db:backup copies the embedded database; for a libSQL server or Turso, use its own backups.'
	);
	process.exit(1);
}
const source = url.slice('file:'.length);
if (!existsSync(source)) {
	console.error(`There is no database at ${source} yet: start the app once, or set DATABASE_URL.`);
	process.exit(1);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const target = resolve(process.argv[2] ?? `backups/outsider-${stamp}.db`);
if (existsSync(target)) {
	console.error(`${target} already exists: choose another file name.`);
	process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
const client = openDatabase(url);
client.execute({ sql: 'VACUUM INTO ?', args: [target] });
client.close();
console.log(`Backed up ${source} to ${target}`);
