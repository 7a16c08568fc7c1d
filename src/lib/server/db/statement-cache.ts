import Database from 'libsql';

/**
 * Keeps each embedded connection's compiled statements, keyed by their SQL text.
 *
 * @libsql/client compiles every statement it runs from scratch: on a page that runs a dozen
 * queries, compiling them cost a quarter of the server's time (measured with `npm run bench`
 * and a CPU profile). Drizzle produces the same SQL text for the same query, so each connection
 * keeps the statements it compiled and hands them out again. Only data statements are kept:
 * they run to completion synchronously before anything else uses the connection, so a kept
 * statement is never in use twice. A schema change on the connection (a migration) drops them.
 * The client offers no option for this, so the cache wraps the `libsql` connection class that
 * it opens every connection with (the same module instance: it is a direct dependency here).
 */

/** Statements kept per connection: more than the app's distinct queries, bounded for `IN (…)`. */
export const keptPerConnection = 500;

const kept = /^\s*(select|insert|update|delete|with|replace)\b/i;
const schemaChange = /^\s*(create|alter|drop)\b/i;

type Connection = Database.Database;
const returnsNoData = new TypeError('The statement does not return data');
const caches = new WeakMap<Connection, Map<string, Database.Statement>>();
let installed = false;
let reused = 0;

/**
 * How many statements were handed out again, over all connections: a test reads it through the
 * app's own client, so that a client that stopped reaching the patched class (a second copy of
 * `libsql` installed under it) fails the suite instead of silently compiling everything again.
 */
export function statementsReused() {
	return reused;
}

export function cacheStatements() {
	if (installed) return;
	installed = true;
	const compile: (this: Connection, sql: string) => Database.Statement = Database.prototype.prepare;
	Database.prototype.prepare = function prepare(this: Connection, sql: string) {
		if (!kept.test(sql)) {
			// a schema change (a migration) lets go of everything compiled before it
			if (schemaChange.test(sql)) caches.delete(this);
			return compile.call(this, sql);
		}
		let statements = caches.get(this);
		if (!statements) caches.set(this, (statements = new Map()));
		const statement = statements.get(sql);
		if (statement) {
			reused++;
			// most recently used last, so the oldest is the one to let go
			statements.delete(sql);
			statements.set(sql, statement);
			return statement;
		}
		const compiled = compile.call(this, sql);
		// A statement's columns only change with the schema, which only the migrations at start-up
		// change; asking the driver for them again on every run cost as much as a small query.
		const columns = compiled.columns();
		compiled.columns = () => columns;
		// The client learns that a statement returns no rows (an insert without `returning`) by
		// calling raw() and catching what it throws; throwing a fresh native error every time cost
		// a twentieth of each submission. A kept statement throws the same error, already made.
		if (!compiled.reader) {
			compiled.raw = () => {
				throw returnsNoData;
			};
		}
		statements.set(sql, compiled);
		if (statements.size > keptPerConnection) {
			statements.delete(statements.keys().next().value as string);
		}
		return compiled;
	} as Connection['prepare'];
}

/** How many statements a connection keeps (for tests). */
export function keptStatements(connection: Connection) {
	return caches.get(connection)?.size ?? 0;
}
