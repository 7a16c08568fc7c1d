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

describe('migration 0003 (every time in milliseconds)', () => {
	it('turns the times stored in seconds into milliseconds and keeps every row that points at them', () => {
		const client = openFile(`${tmpPath('migrate-ms')}.db`);
		const db = drizzleOver(client);
		applyMigrations(db, migrationsUpTo('0002_anonymity'));
		const run = (sql: string, args: (string | number | null)[] = []) =>
			execute({ sql, args }, client);
		// 2026-03-01T10:00:00Z in seconds, as the old schema stored it, and its millisecond twin
		const seconds = 1772359200;
		const ms = seconds * 1000;
		run(
			"insert into user (id, email, display_name, password_hash, created_at) values ('u1', 'a@x.org', 'A', 'h', ?)",
			[seconds]
		);
		run('insert into session (id, user_id, created_at, expires_at) values (?, ?, ?, ?)', [
			's1',
			'u1',
			seconds,
			seconds + 86400
		]);
		run("insert into \"group\" (id, slug, name, created_at) values ('g', 'g-slug', 'G', ?)", [
			seconds
		]);
		run(
			"insert into purpose (group_id, version, text, set_by, set_at) values ('g', 1, 'P', 'u1', ?)",
			[seconds]
		);
		run(
			"insert into membership (group_id, user_id, role, joined_at) values ('g', 'u1', 'owner', ?)",
			[seconds]
		);
		run(
			"insert into invite (id, group_id, token_hash, role, max_uses, expires_at, revoked_at, created_at) values ('i', 'g', 't', 'member', 1, ?, null, ?)",
			[seconds + 7 * 86400, seconds]
		);
		run(
			"insert into review (id, group_id, title, status, created_at, opened_at) values ('r', 'g', 'R', 'open', ?, ?)",
			[seconds, ms]
		);
		run("insert into eligibility (review_id, user_id, answered) values ('r', 'u1', 1)");
		run(
			"insert into task (id, group_id, title, status, review_id, created_at, updated_at) values ('t', 'g', 'T', 'todo', 'r', ?, ?)",
			[ms, ms]
		);

		applyMigrations(db, `${projectRoot}drizzle`);

		const one = (sql: string) => ({ ...execute(sql, client).rows[0] });
		expect(one('select created_at from user')).toEqual({ created_at: ms });
		expect(one('select created_at, expires_at from session')).toEqual({
			created_at: ms,
			expires_at: ms + 86_400_000
		});
		expect(one('select created_at from "group"')).toEqual({ created_at: ms });
		expect(one('select set_at from purpose')).toEqual({ set_at: ms });
		expect(one('select joined_at from membership')).toEqual({ joined_at: ms });
		expect(one('select created_at, expires_at, revoked_at from invite')).toEqual({
			created_at: ms,
			expires_at: ms + 7 * 86_400_000,
			revoked_at: null
		});
		// times that were already in milliseconds stay as they were
		expect(one('select created_at, opened_at from review')).toEqual({
			created_at: ms,
			opened_at: ms
		});
		expect(one('select created_at from task')).toEqual({ created_at: ms });
		// the rebuilt tables kept what points at them
		expect(one('select count(*) as n from eligibility')).toEqual({ n: 1 });
		expect(one('select count(*) as n from task')).toEqual({ n: 1 });
		// a new row gets the time now, in milliseconds
		run(
			"insert into user (id, email, display_name, password_hash) values ('u2', 'b@x.org', 'B', 'h')"
		);
		const made = Number(one("select created_at from user where id = 'u2'").created_at);
		expect(Math.abs(made - Date.now())).toBeLessThan(60_000);
		expect(execute('pragma foreign_key_check', client).rows).toEqual([]);
		expect(execute('pragma integrity_check', client).rows[0].integrity_check).toBe('ok');
		client.close();
	});
});

describe('migration 0004 (reminders and notices point at what they are about)', () => {
	it('reads each one from its link, and deleting what it is about then deletes it', () => {
		const client = openFile(`${tmpPath('migrate-subject')}.db`);
		const db = drizzleOver(client);
		applyMigrations(db, migrationsUpTo('0003_time_in_milliseconds'));
		const run = (sql: string, args: (string | number | null)[] = []) =>
			execute({ sql, args }, client);
		run(
			"insert into user (id, email, display_name, password_hash) values ('u', 'a@x.org', 'A', 'h')"
		);
		run(
			"insert into \"group\" (id, slug, name) values ('g', 'tenants', 'T'), ('h', 'tenants-2', 'U')"
		);
		run("insert into review (id, group_id, title) values ('r', 'g', 'R')");
		run(
			"insert into task (id, group_id, title, status, created_at, updated_at) values ('t', 'g', 'T', 'todo', 1, 1)"
		);
		const reminder = (id: string, link: string) =>
			run(
				"insert into reminder (id, key, user_id, kind, title, body, link, next_attempt_at, created_at) values (?, ?, 'u', 'review_opened', 'x', 'x', ?, 1, 1)",
				[id, id, link]
			);
		reminder('on-review', '/g/tenants/reviews/r');
		reminder('on-task', '/g/tenants/board/t');
		reminder('on-other-group', '/g/tenants-2');
		run(
			"insert into notification (id, user_id, reminder_id, kind, title, body, link, created_at) values ('n', 'u', 'on-review', 'review_opened', 'x', 'x', '/g/tenants/reviews/r/results', 1)"
		);
		run(
			"insert into mail (id, reminder_id, to_address, subject, text, transport, status, created_at) values ('m', 'on-task', 'a@x.org', 's', 't', 'log', 'sent', 1), ('gone', 'deleted-reminder', 'a@x.org', 's', 't', 'log', 'sent', 1)"
		);

		applyMigrations(db, `${projectRoot}drizzle`);

		const rows = (sql: string) => execute(sql, client).rows.map((r) => ({ ...r }));
		expect(rows('select id, group_id, review_id, task_id from reminder order by id')).toEqual([
			{ id: 'on-other-group', group_id: 'h', review_id: null, task_id: null },
			{ id: 'on-review', group_id: 'g', review_id: 'r', task_id: null },
			{ id: 'on-task', group_id: 'g', review_id: null, task_id: 't' }
		]);
		expect(rows('select group_id, review_id from notification')).toEqual([
			{ group_id: 'g', review_id: 'r' }
		]);
		expect(rows("select reminder_id from mail where id = 'gone'")).toEqual([{ reminder_id: null }]);

		run("delete from review where id = 'r'");
		expect(rows('select id from notification')).toEqual([]);
		run("delete from task where id = 't'");
		expect(rows("select id from mail where id = 'm'")).toEqual([]);
		expect(rows('select id from reminder')).toEqual([{ id: 'on-other-group' }]);
		expect(execute('pragma foreign_key_check', client).rows).toEqual([]);
		client.close();
	});
});
