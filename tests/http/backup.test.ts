import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeGroup, makeUser } from '../support/factories';
import { projectRoot, tmpPath } from '../support/paths';
import { startServer } from '../support/server';
import { execute, openFile } from '../support/sql';

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
			const copy = openFile(target);
			const live = openFile();
			for (const table of ['user', 'group', 'membership', 'purpose']) {
				const count = (c: typeof copy) =>
					Number(execute(`select count(*) as n from "${table}"`, c).rows[0].n);
				expect(count(copy), table).toBe(count(live));
			}
			expect(execute('pragma integrity_check', copy).rows[0].integrity_check).toBe('ok');
			copy.close();
			live.close();
		} finally {
			await server.stop();
		}
	});
});
