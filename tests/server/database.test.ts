import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { databaseConfig } from '$lib/server/config';
import { busyTimeoutMs, connectionSettings, db, openClient } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import {
	keptPerConnection,
	keptStatements,
	statementsReused
} from '$lib/server/db/statement-cache';
import { eq } from 'drizzle-orm';
import { newId } from '$lib/server/tokens';
import { projectRoot, tmpPath } from '../support/paths';

const run = promisify(execFile);

describe('database connections', () => {
	it('keep WAL, synchronous=FULL, the busy timeout, foreign keys and secure_delete, also after transactions', async () => {
		const expected = {
			journalMode: 'wal',
			synchronous: 2,
			busyTimeout: busyTimeoutMs,
			foreignKeys: 1,
			secureDelete: 1
		};
		expect(await connectionSettings()).toEqual(expected);
		for (let round = 0; round < 5; round++) {
			await db.transaction(async (tx) => {
				await tx.insert(user).values({
					id: newId(),
					email: `${newId()}@example.org`,
					displayName: 'x',
					passwordHash: 'x'
				});
			});
			// a transaction that fails and rolls back must not cost the connection its settings
			await expect(
				db.transaction(async (tx) => {
					await tx
						.insert(user)
						.values({ id: 'x', email: 'x', displayName: 'x', passwordHash: 'x' });
					await tx
						.insert(user)
						.values({ id: 'x', email: 'x', displayName: 'x', passwordHash: 'x' });
				})
			).rejects.toThrow();
			expect(await connectionSettings()).toEqual(expected);
		}
	});

	it('opens one connection to an embedded file, so settings made at start-up hold for every statement', async () => {
		const raw = openClient();
		const held = await raw.transaction('read');
		// a second connection would need settings of its own; the client refuses to open one
		await expect(raw.transaction('read')).rejects.toThrow(/single connection/);
		await held.commit();
		raw.close();
	});

	it('enforces foreign keys', async () => {
		await expect(
			db.$client.execute({
				sql: 'insert into membership (group_id, user_id, role) values (?, ?, ?)',
				args: ['no-such-group', 'no-such-user', 'member']
			})
		).rejects.toThrow(/FOREIGN KEY/);
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
		await run('npx', ['vite', 'build'], {
			cwd: projectRoot,
			env: {
				...process.env,
				DATABASE_URL: `file:${file}`,
				OUTSIDER_BUILD_DIR: `${tmpPath('build-check')}-out`
			},
			timeout: 180_000
		});
		expect(existsSync(file)).toBe(false);
	}, 200_000);
});

describe('compiled statements kept per connection', () => {
	it("are reached through the app's own client: a query run twice compiles once", async () => {
		const before = statementsReused();
		for (let i = 0; i < 3; i++) await db.select().from(user).where(eq(user.id, 'no-such-user'));
		expect(statementsReused() - before).toBeGreaterThanOrEqual(2);
	});

	it('compiles a query once and runs it again with other values', () => {
		openClient().close(); // installs the cache, as the app does for a database file
		const connection = new Database(`${tmpPath('statements')}.db`);
		connection.exec('create table item (id integer primary key, name text unique)');
		const insert = 'insert into item (name) values (?)';
		connection.prepare(insert).run('first');
		connection.prepare(insert).run('second');
		expect(connection.prepare(insert)).toBe(connection.prepare(insert));
		expect(keptStatements(connection)).toBe(1);
		const byName = 'select id, name from item where name = ?';
		expect(connection.prepare(byName).raw(true).all('second')).toEqual([[2, 'second']]);
		expect(connection.prepare(byName).raw(true).all('first')).toEqual([[1, 'first']]);
		connection.close();
	});

	it('runs a kept statement again after it failed', async () => {
		const file = `${tmpPath('statements')}.db`;
		const client = openClient({ url: `file:${file}`, filePath: file, authToken: undefined });
		await client.execute('create table item (id integer primary key, name text unique)');
		const insert = 'insert into item (name) values (?)';
		await client.execute({ sql: insert, args: ['one'] });
		await expect(client.execute({ sql: insert, args: ['one'] })).rejects.toThrow(/UNIQUE/);
		await client.execute({ sql: insert, args: ['two'] });
		const { rows } = await client.execute('select name from item order by id');
		expect(rows.map((row) => row.name)).toEqual(['one', 'two']);
		client.close();
	});

	it('tells writes from reads on every run of a kept statement', async () => {
		const file = `${tmpPath('statements')}.db`;
		const client = openClient({ url: `file:${file}`, filePath: file, authToken: undefined });
		await client.execute('create table item (id integer primary key, name text)');
		for (const name of ['one', 'two', 'three']) {
			// without rows to return: the client reports what the write changed, each time
			const written = await client.execute({
				sql: 'insert into item (name) values (?)',
				args: [name]
			});
			expect(written.rowsAffected).toBe(1);
			expect(written.columns).toEqual([]);
		}
		const returning = 'insert into item (name) values (?) returning id';
		expect((await client.execute({ sql: returning, args: ['four'] })).rows[0].id).toBe(4);
		expect((await client.execute({ sql: returning, args: ['five'] })).rows[0].id).toBe(5);
		const renamed = await client.execute({ sql: 'update item set name = upper(name)', args: [] });
		expect(renamed.rowsAffected).toBe(5);
		client.close();
	});

	it('lets go of kept statements when the schema changes, and keeps a bounded number', () => {
		const connection = new Database(`${tmpPath('statements')}.db`);
		connection.exec('create table item (id integer primary key)');
		const all = 'select * from item';
		expect(
			connection
				.prepare(all)
				.columns()
				.map((c) => c.name)
		).toEqual(['id']);
		connection.prepare('alter table item add column name text').run();
		expect(
			connection
				.prepare(all)
				.columns()
				.map((c) => c.name)
		).toEqual(['id', 'name']);
		for (let i = 0; i < keptPerConnection + 20; i++) connection.prepare(`select ${i}`);
		expect(keptStatements(connection)).toBe(keptPerConnection);
		connection.close();
	});
});
