import Libsql from 'libsql';
import { db } from '$lib/server/db';
import { runStatement } from '../../scripts/database.js';

export type Row = Record<string, unknown>;

/**
 * Runs one SQL statement and returns its rows: for tests that look under the app (pragmas, the
 * raw tables), on the app's connection unless another is given.
 */
export function execute(
	query: string | { sql: string; args?: unknown[] },
	connection: Libsql.Database = db.$client
): { rows: Row[]; rowsAffected: number } {
	return runStatement(connection, query);
}

/** A connection of its own to a database file (`file:` URL or path), as another process would open. */
export function openFile(urlOrPath: string = process.env.DATABASE_URL!) {
	return new Libsql(urlOrPath.replace(/^file:/, ''));
}
