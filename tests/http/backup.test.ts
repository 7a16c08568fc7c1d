import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { makeGroup, makeUser } from '../support/factories';
import { projectRoot, tmpPath } from '../support/paths';
import { startServer } from '../support/server';

const run = promisify(execFile);

describe('npm run db:backup', () => {
	it('writes a consistent copy while the app serves, with every row', async () => {
		const server = await startServer();
		try {
			const owner = await makeUser();
			await makeGroup(owner.id);
			const target = `${tmpPath('backup')}.db`;
			const { stdout } = await run('node', ['scripts/backup.js', target], {
				cwd: projectRoot,
				env: process.env
			});
			expect(stdout).toMatch(/Backed up/);
			const copy = createClient({ url: `file:${target}` });
			const live = createClient({ url: process.env.DATABASE_URL! });
			for (const table of ['user', 'group', 'membership', 'purpose']) {
				const count = async (c: typeof copy) =>
					Number((await c.execute(`select count(*) as n from "${table}"`)).rows[0].n);
				expect(await count(copy), table).toBe(await count(live));
			}
			expect((await copy.execute('pragma integrity_check')).rows[0].integrity_check).toBe('ok');
			copy.close();
			live.close();
		} finally {
			await server.stop();
		}
	});
});
