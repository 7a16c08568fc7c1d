import { resolve } from 'node:path';
import type Libsql from 'libsql';
import { BetterSQLiteSession } from 'drizzle-orm/better-sqlite3/session';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { getTableColumns, sql } from 'drizzle-orm';
import { BaseSQLiteDatabase, SQLiteSyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { building } from '$app/environment';
import { ConfigError, databaseConfig } from '$lib/server/config';
import {
	autoCheckpointPages,
	restartLogPages,
	bindingSafely,
	busyTimeoutMs,
	openConnection,
	settingsOf,
	reason,
	type Connection
} from './connection';
import { withWriteLock } from './write-lock';

export { autoCheckpointPages, busyTimeoutMs, openConnection, restartLogPages, type Connection };

// One driver for every database: the `libsql` package's connection, whose API is better-sqlite3's,
// under drizzle's better-sqlite3 driver. Statements and transactions are synchronous: a transaction
// runs start to finish before any other request's code, so no queue and no busy waits on the
// event loop are needed, and a query drizzle prepared stays compiled on the one connection.
// A `libsql://` or `https://` URL opens the same class against a libSQL server.

export type Database = BaseSQLiteDatabase<'sync', Libsql.RunResult> & { $client: Connection };
/** What a transaction's callback receives. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** The database or an open transaction: what a query helper that may run inside either accepts. */
export type Executor = Database | Transaction;

/**
 * Drizzle over an open connection. Drizzle's own `drizzle()` for this driver imports the
 * `better-sqlite3` package just to open a connection from a path; the app opens its own, so it
 * assembles the same three parts that function does, from drizzle's exported classes.
 */
export function drizzleOver(connection: Connection): Database {
	const dialect = new SQLiteSyncDialect({ casing: 'snake_case' });
	const session = new BetterSQLiteSession(bindingSafely(connection) as never, dialect, undefined);
	const database = new BaseSQLiteDatabase('sync', dialect, session as never, undefined);
	return Object.assign(database, { $client: connection }) as unknown as Database;
}

// `vite build` imports server modules to analyse them; opening here would leave an empty
// database file behind, so the connection is only made when the app really runs.
export const db: Database = building
	? (undefined as unknown as Database)
	: drizzleOver(openConnection());

/**
 * Runs `work` in one write transaction (`BEGIN IMMEDIATE`): all of it or, if it throws, none of
 * it. `work` is synchronous: an `await` inside would let other requests' statements into the
 * transaction, so a callback that returns a promise is refused by the type checker and, should
 * one slip through, rolled back before it commits. While another process holds the write lock,
 * it waits for it in short steps (see write-lock.ts).
 */
export function transaction<T>(
	work: (tx: Transaction) => T,
	// eslint-disable-next-line @typescript-eslint/no-unused-vars -- a type-level check only
	...refused: T extends PromiseLike<unknown> ? ['A transaction must be synchronous'] : []
): T {
	return withWriteLock(db.$client, (started) =>
		db.transaction(
			(tx) => {
				started();
				const result = work(tx);
				if (result && typeof (result as { then?: unknown }).then === 'function') {
					throw new TypeError('A transaction must not be asynchronous.');
				}
				return result;
			},
			{ behavior: 'immediate' }
		)
	);
}

/**
 * Puts the database in the shape the app relies on, once per start: every migration applied and
 * the write-ahead log emptied. The connection's settings are checked here, and by a test after
 * transactions, so that a driver change that lost one would stop start-up instead of going unseen.
 */
export function prepareDatabase(database: Database = db, config = databaseConfig()) {
	try {
		applyMigrations(database, resolve('drizzle'));
		// A stop right after an answer may have left its pages in the log (see anonymity.ts).
		if (config.filePath) database.$client.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	} catch (error) {
		throw new ConfigError(
			`The database at DATABASE_URL "${config.url}" could not be prepared (${reason(error)}): check that it is reachable, writable and that DATABASE_AUTH_TOKEN is right.`
		);
	}
	if (config.filePath) assertSettings(settingsOf(database.$client));
}

/** The settings of a connection (the app's by default) that the app relies on. */
export function connectionSettings(connection: Connection = db.$client) {
	return settingsOf(connection);
}

/**
 * Applies the migrations in `folder` not yet applied. A migration that rebuilds a table (create
 * the new one, copy, drop the old, rename) would, with foreign keys on, delete every row that
 * points at the dropped table: they run with foreign keys off, as drizzle-kit's SQL expects, and
 * what they leave is checked before foreign keys are turned back on.
 */
export function applyMigrations(database: Database, folder: string) {
	const connection = database.$client;
	const applied = () => appliedMigrations(connection);
	const before = applied();
	connection.exec('PRAGMA foreign_keys = OFF');
	try {
		migrate(database as unknown as BetterSQLite3Database, { migrationsFolder: folder });
		// checking reads every row that points at another: only worth it when something changed
		if (applied() !== before) {
			const broken = connection.prepare('PRAGMA foreign_key_check').all([]);
			if (broken.length > 0) {
				throw new Error(`the migrations left ${broken.length} rows pointing at nothing`);
			}
		}
	} finally {
		connection.exec('PRAGMA foreign_keys = ON');
	}
}

function appliedMigrations(connection: Connection) {
	const table = connection
		.prepare("select 1 from sqlite_master where name = '__drizzle_migrations'")
		.get([]);
	if (!table) return 0;
	return Number(
		Object.values(
			connection.prepare('select count(*) from __drizzle_migrations').get([]) as object
		)[0]
	);
}

function assertSettings(settings: ReturnType<typeof settingsOf>) {
	if (
		settings.synchronous !== 1 ||
		settings.foreignKeys !== 1 ||
		settings.secureDelete !== 1 ||
		settings.journalSizeLimit !== 0 ||
		settings.autoCheckpoint !== autoCheckpointPages ||
		settings.busyTimeout !== busyTimeoutMs ||
		settings.journalMode !== 'wal'
	) {
		throw new ConfigError(
			`The database connection does not have the settings Outsider needs (${JSON.stringify(settings)}): use the libsql version in package-lock.json.`
		);
	}
}

/**
 * A query compiled once, on first use, and run with placeholders after that (`.all({ … })`,
 * `.get({ … })`, `.run({ … })`). For the queries pages run on every view: building a Drizzle
 * query and compiling its SQL costs several times what running it does. The app has one
 * connection, so a prepared query serves inside transactions too.
 */
export function prepared<T>(build: () => T): () => T {
	let query: T | undefined;
	return () => (query ??= build());
}

/**
 * Inserts one whole row into `table` with a statement compiled once: for many rows in a loop.
 * Building the SQL of a 200-row insert each time cost more than SQLite's work of inserting them
 * (about 90 of the 137 ms that rewriting a 300-answer review took).
 */
export function rowInserter<T extends SQLiteTable>(table: T) {
	const placeholders = Object.fromEntries(
		Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)])
	) as T['$inferInsert'];
	const statement = prepared(() => db.insert(table).values(placeholders).prepare());
	return (row: T['$inferSelect']) => statement().run(row);
}
