import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Libsql from 'libsql';
import { ConfigError, databaseConfig } from '$lib/server/config';

export type Connection = Libsql.Database;

/** How long a write waits for another writer (another process on the same file) before failing. */
export const busyTimeoutMs = 5000;

/**
 * How long (in pages of 4 KB) the log may grow while writes never pause before the log's thread
 * cuts it with writes paused (db/log-emptier.ts): SQLite's own default for its checkpoint.
 */
export const restartLogPages = 1000;

/**
 * How long the log may grow before a commit copies it into the file itself, on the thread that
 * commits: a safety net for when the log's thread cannot keep it shorter.
 */
export const autoCheckpointPages = 4 * restartLogPages;

/** A connection with the settings every connection of the app gets (exported for tests). */
export function openConnection(config = databaseConfig()): Connection {
	if (config.filePath) ensureWritableFolder(config.filePath);
	let connection: Connection;
	try {
		connection = config.filePath
			? new Libsql(config.filePath)
			: // the options' type lacks `authToken`, which the constructor reads for a server URL
				new Libsql(config.url, { authToken: config.authToken ?? '' } as Libsql.Options);
	} catch (error) {
		throw new ConfigError(
			`Could not open the database at DATABASE_URL "${config.url}" (${reason(error)}): check the path or URL and its permissions.`
		);
	}
	if (config.filePath) {
		connection.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
		connection.exec('PRAGMA journal_mode = WAL'); // it persists in the file
		// A commit is written to the log, not synced to the disk: the log is synced when it is
		// emptied into the database, a tenth of a second after a write and at the review
		// scheduler's tick every 30 s (anonymity.ts).
		// SQLite's recommended setting with WAL: a crash of the app loses nothing and a power cut
		// never corrupts the file, though it may take the writes of the last seconds with it.
		// Syncing at every commit (FULL) held the write lock 0.7 ms instead of 0.1 ms, and the
		// workers of `npm start` queue for that lock.
		connection.exec('PRAGMA synchronous = NORMAL');
		// Deleted and moved rows are overwritten with zeros, not left in free space: a deleted
		// account's words, or where an answer sat before closing rewrote it, are gone from the file.
		connection.exec('PRAGMA secure_delete = ON');
		// When the log starts again from its beginning after being copied into the file, the
		// commit that starts it cuts the log file to its own frames: older frames, and the order
		// of the writes they held, are not left lying beyond them (see db/log-emptier.ts).
		connection.exec('PRAGMA journal_size_limit = 0');
		// A commit that grows the log past this size copies it into the file itself, with its
		// syncs, on the thread that commits: that held an answer, and every request of its worker,
		// for as long as the disk took (300-600 ms while it was busy, `npm run bench`). So the
		// log-emptying thread keeps the log shorter: while writes never stop it cannot cut it
		// between two of them, and past `restartLogPages` it cuts it with writes paused on the
		// event loop (db/log-emptier.ts). This is the safety net, should the thread fall behind:
		// without one, the log would keep every answer of a busy minute in the order they came
		// (anonymity-file.test.ts). Closing a review and VACUUM, whose one commit writes thousands
		// of pages, turn it off (`writeThenForget` in anonymity.ts).
		connection.exec(`PRAGMA wal_autocheckpoint = ${autoCheckpointPages}`);
	}
	connection.exec('PRAGMA foreign_keys = ON');
	return connection;
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

/**
 * The connection as drizzle's driver sees it, with every statement's values handed to libsql as
 * one array. libsql reads a single value given on its own as a set of named values: one `null`
 * fails, and one buffer or any boolean aborts the whole process in its native code (libsql
 * 0.5.29). Booleans are bound as 1 and 0, as SQLite stores them.
 */
export function bindingSafely(connection: Connection) {
	return {
		prepare: (sql: string) => new BoundStatement(connection.prepare(sql)),
		transaction: connection.transaction.bind(connection)
	};
}

type Value = unknown;
const bindable = (values: Value[]) =>
	values.map((value) => (typeof value === 'boolean' ? Number(value) : value));

class BoundStatement {
	constructor(private readonly statement: Libsql.Statement) {}
	get reader() {
		return this.statement.reader;
	}
	run(...values: Value[]) {
		return this.statement.run(bindable(values));
	}
	all(...values: Value[]) {
		return this.statement.all(bindable(values));
	}
	get(...values: Value[]) {
		const row = this.statement.get(bindable(values));
		// libsql adds how long the statement took to a row read this way; the row is only the row
		if (row && typeof row === 'object' && !Array.isArray(row)) {
			delete (row as { _metadata?: unknown })._metadata;
		}
		return row;
	}
	raw(on = true) {
		this.statement.raw(on);
		return this;
	}
}

export function settingsOf(connection: Connection) {
	const read = (pragma: string) =>
		Object.values(connection.prepare(`PRAGMA ${pragma}`).get() as Record<string, unknown>)[0];
	return {
		journalMode: String(read('journal_mode')),
		synchronous: Number(read('synchronous')),
		busyTimeout: Number(read('busy_timeout')),
		foreignKeys: Number(read('foreign_keys')),
		secureDelete: Number(read('secure_delete')),
		journalSizeLimit: Number(read('journal_size_limit')),
		autoCheckpoint: Number(read('wal_autocheckpoint'))
	};
}

export function reason(error: unknown) {
	return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
