// The scripts' way into the database (seeding, backups): the same `libsql` connection class the
// app uses, with the two calls the scripts need.
import { createHash, randomBytes } from 'node:crypto';
import Database from 'libsql';

/** @typedef {string | { sql: string; args?: unknown[] }} Statement */

/**
 * Runs one statement (`'sql'` or `{ sql, args }`) and returns `{ rows, rowsAffected }`. Values go
 * to libsql as one array, booleans as 1 and 0: see bindingSafely in src/lib/server/db/connection.ts.
 * @param {import('libsql').Database} connection
 * @param {Statement} statement
 * @returns {{ rows: Record<string, unknown>[]; rowsAffected: number }}
 */
export function runStatement(connection, statement) {
	const { sql, args = [] } = typeof statement === 'string' ? { sql: statement } : statement;
	const values = args.map((value) => (typeof value === 'boolean' ? Number(value) : value));
	const prepared = connection.prepare(sql);
	if (prepared.reader) {
		return {
			rows: /** @type {Record<string, unknown>[]} */ (prepared.all(values)),
			rowsAffected: 0
		};
	}
	return { rows: [], rowsAffected: prepared.run(values).changes };
}

/**
 * Opens DATABASE_URL (a `file:` URL or a libSQL server's URL) for a script.
 * @param {string} url
 * @param {{ authToken?: string; timeoutMs?: number }} [options]
 */
export function openDatabase(url, { authToken, timeoutMs = 5000 } = {}) {
	const connection = url.startsWith('file:')
		? new Database(url.slice('file:'.length))
		: new Database(url, /** @type {import('libsql').Options} */ ({ authToken: authToken ?? '' }));
	if (url.startsWith('file:')) connection.exec(`PRAGMA busy_timeout = ${timeoutMs}`);
	connection.exec('PRAGMA foreign_keys = ON');
	return {
		connection,
		/** @param {Statement} statement */
		execute: (statement) => runStatement(connection, statement),
		/** Runs the statements in one write transaction. @param {Statement[]} statements */
		batch: (statements) =>
			connection
				.transaction(() => statements.map((statement) => runStatement(connection, statement)))
				.immediate(),
		close: () => connection.close()
	};
}

/**
 * Starts a session for `userId` as the app's own sessions start, and returns the `Cookie` header
 * value that carries it. Last used today (midnight UTC), so that the first request made with it
 * does not also write the session, which a real member's first page view did.
 * @param {{ execute: (statement: Statement) => unknown }} database
 * @param {string} userId
 */
export function startSession(database, userId) {
	const token = randomBytes(20).toString('hex');
	const now = Date.now();
	const day = 86_400_000;
	database.execute({
		sql: 'insert into session (id, user_id, created_at, expires_at, last_used_on) values (?, ?, ?, ?, ?)',
		args: [
			createHash('sha256').update(token).digest('hex'),
			userId,
			now,
			now + 30 * day,
			Math.floor(now / day) * day
		]
	});
	return `session=${token}`;
}
