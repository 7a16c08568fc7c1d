import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { building } from '$app/environment';
import { ConfigError, databaseConfig } from '$lib/server/config';
import * as schema from './schema';
import { serializeClient } from './serialized-client';
import { cacheStatements } from './statement-cache';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };
/** The database or an open transaction: what a query helper that may run inside either accepts. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete'>;

/** How long a write waits for another writer before giving up (every connection, via libSQL). */
export const busyTimeoutMs = 5000;

/** A libSQL client with the options every connection of the app gets (exported for tests). */
export function openClient(config = databaseConfig()): Client {
	if (config.filePath) {
		ensureWritableFolder(config.filePath);
		cacheStatements();
	}
	try {
		return createClient({
			url: config.url,
			authToken: config.authToken,
			timeout: busyTimeoutMs,
			// One connection for an embedded file: statements run one at a time on this thread
			// anyway (see serialized-client.ts), and the settings made per connection at start-up
			// (`secure_delete`) then hold for every statement the app runs.
			concurrency: config.filePath ? 1 : undefined
		});
	} catch (error) {
		throw new ConfigError(
			`Could not open the database at DATABASE_URL "${config.url}" (${reason(error)}): check the path or URL and its permissions.`
		);
	}
}

function open(): Database {
	const config = databaseConfig();
	const client = openClient(config);
	// A libSQL server orders concurrent writes itself; an embedded file needs the queue.
	return drizzle(config.filePath ? serializeClient(client) : client, {
		schema,
		casing: 'snake_case'
	});
}

function ensureWritableFolder(filePath: string) {
	const folder = dirname(resolve(filePath));
	try {
		mkdirSync(folder, { recursive: true });
		accessSync(folder, constants.W_OK);
	} catch {
		throw new ConfigError(
			`The data folder ${folder} cannot be created or written: make it writable by the user running Outsider, or point DATABASE_URL at a file in another folder.`
		);
	}
}

function reason(error: unknown) {
	return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

// `vite build` imports server modules to analyse them; opening here would leave an empty
// database file behind, so the connection is only made when the app really runs.
export const db: Database = building ? (undefined as unknown as Database) : open();

/**
 * Puts the database in the shape the app relies on, once per start: WAL journal (it persists in
 * the file), `secure_delete` on the app's one connection, and every migration applied. The
 * per-connection settings are checked here, and by a test after transactions, so that a client
 * that opened fresh connections behind the app's back would be noticed.
 */
export async function prepareDatabase(database: Database = db) {
	const config = databaseConfig();
	try {
		if (config.filePath) {
			await database.$client.execute('PRAGMA journal_mode = WAL');
			// Deleted and moved rows are overwritten with zeros, not left in free space: a deleted
			// account's words, or where an answer sat before closing rewrote it, are gone from the file.
			await database.$client.execute('PRAGMA secure_delete = ON');
		}
		await migrate(database, { migrationsFolder: resolve('drizzle') });
		// A stop right after an answer may have left its pages in the log (see anonymity.ts).
		if (config.filePath) await database.$client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
	} catch (error) {
		throw new ConfigError(
			`The database at DATABASE_URL "${config.url}" could not be prepared (${reason(error)}): check that it is reachable, writable and that DATABASE_AUTH_TOKEN is right.`
		);
	}
	if (config.filePath) {
		const settings = await connectionSettings(database.$client);
		if (
			settings.synchronous !== 2 ||
			settings.foreignKeys !== 1 ||
			settings.secureDelete !== 1 ||
			settings.journalMode !== 'wal'
		) {
			throw new ConfigError(
				`The database connection does not have the settings Outsider needs (${JSON.stringify(settings)}): use the @libsql/client version in package-lock.json.`
			);
		}
	}
}

export async function connectionSettings(database: Pick<Client, 'execute'> = db.$client) {
	const read = async (pragma: string) =>
		Object.values((await database.execute(`PRAGMA ${pragma}`)).rows[0])[0];
	return {
		journalMode: String(await read('journal_mode')),
		synchronous: Number(await read('synchronous')),
		busyTimeout: Number(await read('busy_timeout')),
		foreignKeys: Number(await read('foreign_keys')),
		secureDelete: Number(await read('secure_delete'))
	};
}

/**
 * A query built once, on first use, and run with placeholders after that. For the queries pages
 * run on every view: building a small Drizzle query costs about 110 µs, four times what running
 * it does once built (measured with vitest on this machine).
 */
export function preparedOnce<T>(build: () => T): () => T {
	let prepared: T | undefined;
	return () => (prepared ??= build());
}

type Runnable = { all(values?: Record<string, unknown>): Promise<unknown> };

/**
 * A query written once for any executor: prepared once on the database, built afresh inside a
 * transaction (a prepared query belongs to the connection it was prepared for). Its values are
 * placeholders (`sql.placeholder('name')`), given by name when it runs.
 */
export function reusableQuery<Q extends Runnable & { prepare(): Runnable }>(
	build: (executor: Executor) => Q
) {
	const prepared = preparedOnce(() => build(db).prepare());
	return (values: Record<string, unknown>, executor: Executor = db) =>
		(executor === db ? prepared().all(values) : build(executor).all(values)) as ReturnType<
			Q['all']
		>;
}
