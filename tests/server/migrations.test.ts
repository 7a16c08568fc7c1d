// A database made by the previous schema, with data in it, migrated as the app migrates at
// start-up: what it held must come through, in the new shape.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { applyMigrations, drizzleOver } from '$lib/server/db';
import { describe, expect, it } from 'vitest';
import { projectRoot, tmpPath } from '../support/paths';
import { execute, openFile } from '../support/sql';

/** A copy of drizzle/ that stops after the migration tagged `lastTag`. */
function migrationsUpTo(lastTag: string) {
	const folder = tmpPath('migrations');
	cpSync(`${projectRoot}drizzle`, folder, { recursive: true });
	const journalFile = `${folder}/meta/_journal.json`;
	const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
	const last = journal.entries.findIndex((e: { tag: string }) => e.tag === lastTag);
	journal.entries = journal.entries.slice(0, last + 1);
	writeFileSync(journalFile, JSON.stringify(journal));
	return folder;
}

describe('migration 0002 (who answered as a flag; responses in key order)', () => {
	it('keeps who may answer and who answered, every response and answer, and adds the new column', async () => {
		const client = openFile(`${tmpPath('migrate')}.db`);
		const db = drizzleOver(client);
		applyMigrations(db, migrationsUpTo('0001_work'));
		const run = async (sql: string, args: (string | number)[] = []) =>
			execute({ sql, args }, client);
		await run(
			"insert into user (id, email, display_name, password_hash) values ('u1', 'a@x.org', 'A', 'h'), ('u2', 'b@x.org', 'B', 'h'), ('u3', 'c@x.org', 'C', 'h')"
		);
		await run("insert into \"group\" (id, slug, name) values ('g', 'g-slug', 'G')");
		await run(
			"insert into review (id, group_id, title, status, threshold, eligible_count) values ('r', 'g', 'Q1', 'open', 3, 3)"
		);
		await run(
			"insert into eligibility (review_id, user_id) values ('r', 'u1'), ('r', 'u2'), ('r', 'u3')"
		);
		await run("insert into participation (review_id, user_id) values ('r', 'u3'), ('r', 'u1')");
		await run(
			"insert into response (id, review_id, receipt_hash) values ('zz', 'r', 'h1'), ('aa', 'r', 'h2')"
		);
		await run(
			"insert into answer (response_id, question_key, score, text) values ('zz', 'impression', 2, 'late'), ('aa', 'impression', 5, null)"
		);

		applyMigrations(db, `${projectRoot}drizzle`);

		const rows = async (sql: string) => execute(sql, client).rows.map((r) => ({ ...r }));
		expect(await rows('select user_id, answered from eligibility order by user_id')).toEqual([
			{ user_id: 'u1', answered: 1 },
			{ user_id: 'u2', answered: 0 },
			{ user_id: 'u3', answered: 1 }
		]);
		expect(await rows("select name from sqlite_master where name = 'participation'")).toEqual([]);
		expect(await rows('select id, review_id, receipt_hash from response order by id')).toEqual([
			{ id: 'aa', review_id: 'r', receipt_hash: 'h2' },
			{ id: 'zz', review_id: 'r', receipt_hash: 'h1' }
		]);
		expect(await rows('select response_id, score, text from answer order by response_id')).toEqual([
			{ response_id: 'aa', score: 5, text: null },
			{ response_id: 'zz', score: 2, text: 'late' }
		]);
		expect(await rows('select recent_joiner_count from review')).toEqual([
			{ recent_joiner_count: null }
		]);
		// the rebuilt tables keep their constraints, under their own names
		const schema = await rows("select sql from sqlite_master where type = 'table'");
		expect(schema.filter((t) => String(t.sql).includes('__new'))).toEqual([]);
		// a score out of range is still refused
		await expect(
			run("insert into answer (response_id, question_key, score) values ('aa', 'direction', 9)")
		).rejects.toThrow(/CHECK/);
		// and deleting a user keeps their row of who may answer, without them
		await run('pragma foreign_keys = on');
		await run("delete from user where id = 'u3'");
		expect(await rows('select count(*) as n from eligibility where answered = 1')).toEqual([
			{ n: 2 }
		]);
		expect(execute('pragma integrity_check', client).rows[0].integrity_check).toBe('ok');
		client.close();
	});
});
