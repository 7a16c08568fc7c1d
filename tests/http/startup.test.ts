import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tmpPath } from '../support/paths';
import { startExpectingFailure, startServer } from '../support/server';

// A wrong setting ends start-up with exit code 1 and one sentence, not a stack trace: in one
// process, and in a cluster, where the sentence comes from the first worker and the primary stops
// rather than start workers again.
async function expectOneSentence(env: Record<string, string>, pattern: RegExp) {
	const { code, stderr } = await startExpectingFailure(env);
	expect(code).toBe(1);
	const lines = stderr.trim().split('\n');
	expect(lines, stderr).toHaveLength(1);
	expect(lines[0]).toMatch(/^Outsider could not start: /);
	expect(lines[0]).toMatch(pattern);
	expect(stderr).not.toMatch(/\n\s+at /);
}

describe.each(['1', '2'])('start-up problems, WEB_CONCURRENCY=%s', (count) => {
	const refused = (env: Record<string, string>, pattern: RegExp) =>
		expectOneSentence({ WEB_CONCURRENCY: count, ...env }, pattern);

	it('a DATABASE_URL of the wrong kind', () =>
		refused(
			{ DATABASE_URL: 'postgres://db.example.org/outsider' },
			/DATABASE_URL must start with file:/
		));

	it('a DATABASE_URL that is not a URL', () =>
		refused({ DATABASE_URL: 'not a url' }, /DATABASE_URL "not a url" is not a URL/));

	it('a data folder that cannot be created', () => {
		// a file where the folder should be (tests run as root here, so permissions cannot be used)
		const blocker = tmpPath('not-a-folder');
		writeFileSync(blocker, '');
		return refused(
			{ DATABASE_URL: `file:${blocker}/outsider.db` },
			/data folder .*not-a-folder.* cannot be created or written/
		);
	});

	it('a PORT that is not a number', () =>
		refused({ PORT: 'eighty' }, /PORT "eighty" is not a port number/));

	it('a WEB_CONCURRENCY that is not a number of processes', () =>
		refused({ WEB_CONCURRENCY: `${count}x` }, /WEB_CONCURRENCY "\dx" is not a number/));

	it('a port already in use', async () => {
		const first = await startServer({
			DATABASE_URL: `file:${tmpPath('port')}.db`,
			WEB_CONCURRENCY: count
		});
		try {
			const port = new URL(first.url).port;
			await refused(
				{ PORT: port, DATABASE_URL: `file:${tmpPath('port')}.db` },
				new RegExp(`port ${port} is already in use`)
			);
		} finally {
			await first.stop();
		}
	});

	it('creates the data folder and database on first start', async () => {
		const folder = tmpPath('fresh-data');
		const server = await startServer({
			DATABASE_URL: `file:${folder}/nested/outsider.db`,
			WEB_CONCURRENCY: count
		});
		try {
			expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		} finally {
			await server.stop();
		}
	});
});
