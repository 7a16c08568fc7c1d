import { execute } from './sql';

/**
 * Every row of every table, as text, to compare before and after a request that must change
 * nothing. Rate-limit counters are left out: counting a refused attempt is their job.
 */
export async function snapshot() {
	const tables = await execute(
		"select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not in ('rate_limit', '__drizzle_migrations') order by name"
	);
	const out: Record<string, unknown[]> = {};
	for (const { name } of tables.rows) {
		const rows = await execute(`select * from "${String(name)}" order by 1, 2`);
		out[String(name)] = rows.rows.map((row) => JSON.stringify(row));
	}
	return out;
}
