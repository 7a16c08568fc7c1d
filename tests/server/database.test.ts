import { execute } from '../support/sql';
import { existsSync, rmSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { databaseConfig } from '$lib/server/config';
import {
	autoCheckpointPages,
	busyTimeoutMs,
	connectionSettings,
	db,
	transaction
} from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { eq, sql } from 'drizzle-orm';
import { groupForMember } from '$lib/server/groups/groups';
import { purposeHistory } from '$lib/server/groups/purposes';
import { validateSessionToken } from '$lib/server/accounts/sessions';
import { makeGroup, makeUser, sessionCookie } from '../support/factories';
import { newId } from '$lib/server/tokens';
import { projectRoot, tmpPath } from '../support/paths';

const run = promisify(execFile);

describe('database connections', () => {
	it('keep WAL, synchronous=NORMAL, the busy timeout, foreign keys, secure_delete and a log cut to its frames and emptied by its own thread, also after transactions', async () => {
		const expected = {
			journalMode: 'wal',
			synchronous: 1,
			busyTimeout: busyTimeoutMs,
			foreignKeys: 1,
			secureDelete: 1,
			journalSizeLimit: 0,
			autoCheckpoint: autoCheckpointPages
		};
		expect(await connectionSettings()).toEqual(expected);
		for (let round = 0; round < 5; round++) {
			transaction((tx) => {
				tx.insert(user)
					.values({
						id: newId(),
						email: `${newId()}@example.org`,
						displayName: 'x',
						passwordHash: 'x'
					})
					.run();
			});
			// a transaction that fails and rolls back must not cost the connection its settings
			expect(() =>
				transaction((tx) => {
					const again = { id: 'x', email: 'x', displayName: 'x', passwordHash: 'x' };
					tx.insert(user).values(again).run();
					tx.insert(user).values(again).run();
				})
			).toThrow();
			expect(connectionSettings()).toEqual(expected);
		}
	});

	it('enforces foreign keys', async () => {
		expect(() =>
			execute({
				sql: 'insert into membership (group_id, user_id, role) values (?, ?, ?)',
				args: ['no-such-group', 'no-such-user', 'member']
			})
		).toThrow(/FOREIGN KEY/);
	});

	it('reads DATABASE_URL: embedded file by default, a libSQL server URL as it is', () => {
		const saved = { url: process.env.DATABASE_URL, token: process.env.DATABASE_AUTH_TOKEN };
		try {
			delete process.env.DATABASE_URL;
			expect(databaseConfig()).toMatchObject({
				url: 'file:data/outsider.db',
				filePath: 'data/outsider.db'
			});
			process.env.DATABASE_URL = 'libsql://outsider-team.turso.io';
			process.env.DATABASE_AUTH_TOKEN = 'secret-token';
			expect(databaseConfig()).toEqual({
				url: 'libsql://outsider-team.turso.io',
				authToken: 'secret-token',
				filePath: undefined
			});
			process.env.DATABASE_URL = 'https://db.example.org';
			expect(databaseConfig().filePath).toBeUndefined();
			process.env.DATABASE_URL = 'postgres://db.example.org/outsider';
			expect(() => databaseConfig()).toThrow(/must start with file:, libsql:\/\/ or https:\/\//);
		} finally {
			process.env.DATABASE_URL = saved.url;
			if (saved.token === undefined) delete process.env.DATABASE_AUTH_TOKEN;
		}
	});

	it('is not created by `vite build`', async () => {
		const file = `${tmpPath('build-check')}.db`;
		const output = `${tmpPath('build-check')}-out`;
		try {
			await run('npx', ['vite', 'build'], {
				cwd: projectRoot,
				env: { ...process.env, DATABASE_URL: `file:${file}`, OUTSIDER_BUILD_DIR: output },
				timeout: 180_000
			});
			expect(existsSync(file)).toBe(false);
		} finally {
			// a whole build, source maps included: tens of megabytes every run
			rmSync(output, { recursive: true, force: true });
		}
	}, 200_000);
});

describe('compiled statements', () => {
	it("are kept by the app's own client: the purpose page's queries compile once, then only run", async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const token = (await sessionCookie(owner.id)).split('=')[1];
		const purposePage = async () => {
			const { user: signedIn } = await validateSessionToken(token);
			expect(signedIn?.id).toBe(owner.id);
			expect(await groupForMember(group.slug, owner.id)).toBeDefined();
			expect((await purposeHistory(group.id)).length).toBeGreaterThan(0);
		};
		const compile = vi.spyOn(db.$client, 'prepare');
		try {
			await purposePage();
			const afterFirstView = compile.mock.calls.length;
			await purposePage();
			await purposePage();
			expect(compile.mock.calls.length - afterFirstView).toBe(0);
			// the count is real: a query that is not prepared compiles on every run
			db.select().from(user).where(eq(user.id, 'no-such-user')).all();
			expect(compile.mock.calls.length - afterFirstView).toBe(1);
		} finally {
			compile.mockRestore();
		}
	});
});

describe('values bound to statements', () => {
	it('reach SQLite when a statement has one value: null, a boolean, a buffer (libsql alone aborts on two of them)', () => {
		expect(db.get<{ v: unknown }>(sql`select ${null} as v`)).toEqual({ v: null });
		expect(db.get<{ v: unknown }>(sql`select ${true} as v`)).toEqual({ v: 1 });
		expect(db.get<{ v: unknown }>(sql`select ${false} + 0 as v`)).toEqual({ v: 0 });
		expect(db.get<{ v: unknown }>(sql`select length(${Buffer.from('abc')}) as v`)).toEqual({
			v: 3
		});
		expect(db.get<{ v: unknown }>(sql`select ${'text'} as v`)).toEqual({ v: 'text' });
	});
});

describe('transactions', () => {
	const someone = () => ({
		id: newId(),
		email: `${newId()}@example.org`,
		displayName: 'x',
		passwordHash: 'x'
	});

	it('write all or nothing', () => {
		const first = someone();
		expect(() =>
			transaction((tx) => {
				tx.insert(user).values(first).run();
				tx.insert(user).values(first).run(); // the same id again: refused
			})
		).toThrow(/UNIQUE/);
		expect(db.select().from(user).where(eq(user.id, first.id)).all()).toEqual([]);
	});

	it('refuse an asynchronous body and keep none of what it wrote before its first await', () => {
		const person = someone();
		expect(() =>
			// @ts-expect-error: the type checker refuses a body that returns a promise, too
			transaction(async (tx) => {
				tx.insert(user).values(person).run();
			})
		).toThrow(/must not be asynchronous/);
		expect(db.select().from(user).where(eq(user.id, person.id)).all()).toEqual([]);
	});

	it('wait for a write lock another process holds, then write, and keep the busy timeout', async () => {
		const holdMs = 400;
		const holder = await holdWriteLock(holdMs);
		const person = someone();
		const started = performance.now();
		transaction((tx) => tx.insert(user).values(person).run());
		const waited = performance.now() - started;
		await holder.done;
		expect(db.select().from(user).where(eq(user.id, person.id)).all()).toHaveLength(1);
		// it waited for the other process rather than failing with "database is locked"
		expect(waited).toBeGreaterThan(holdMs / 2);
		expect(connectionSettings().busyTimeout).toBe(busyTimeoutMs);
	});

	it('never run a body again once it began, even when it fails as a busy database would', () => {
		let runs = 0;
		expect(() =>
			transaction((): void => {
				runs++;
				throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
			})
		).toThrow(/database is locked/);
		expect(runs).toBe(1);
	});
});

/**
 * Another process that takes the write lock of the app's database file (`BEGIN IMMEDIATE`) and
 * lets it go `holdMs` later; resolves once it holds the lock.
 */
async function holdWriteLock(holdMs: number) {
	const child = spawn(
		process.execPath,
		[
			'-e',
			`const Database = require('libsql');
			const connection = new Database(process.argv[1]);
			connection.exec('BEGIN IMMEDIATE');
			console.log('holding');
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
			connection.exec('COMMIT');`,
			databaseConfig().filePath!,
			String(holdMs)
		],
		{ cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] }
	);
	const done = new Promise<void>((resolve, reject) =>
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))))
	);
	await new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('holding') && resolve());
		done.catch(reject);
	});
	return { done };
}
