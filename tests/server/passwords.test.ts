import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkCredentials } from '$lib/server/accounts/accounts';
import { db } from '$lib/server/db';
import { user } from '$lib/server/db/schema';
import { hashPassword, passwordProblem, verifyPassword } from '$lib/server/accounts/passwords';
import { makeUser } from '../support/factories';

describe('passwords', () => {
	it('are stored as argon2id with m=19456 KiB, t=2, p=1', async () => {
		const person = await makeUser({ password: 'plum tractor window seven' });
		const [row] = await db.select().from(user).where(eq(user.id, person.id));
		expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(row.passwordHash).not.toContain('plum');
	});

	it('must have 8 to 256 characters', () => {
		expect(passwordProblem('seven77')).toMatch(/at least 8/);
		expect(passwordProblem('eight888x')).toBeNull();
		expect(passwordProblem('é'.repeat(256))).toBeNull();
		expect(passwordProblem('é'.repeat(257))).toMatch(/at most 256/);
	});

	it('counts characters, not bytes or UTF-16 units', () => {
		// 8 emoji are 16 UTF-16 units and 32 bytes, but 8 characters
		expect(passwordProblem('🙂'.repeat(7))).toMatch(/at least 8/);
		expect(passwordProblem('🙂'.repeat(256))).toBeNull();
	});

	it('are rejected when on the common-password list, whatever their case', () => {
		expect(passwordProblem('password123')).toMatch(/commonly used/);
		expect(passwordProblem('Baseball1')).toMatch(/commonly used/);
		expect(passwordProblem('unlikely plum tractor')).toBeNull();
	});

	it('are never truncated: a difference in the 200th character matters', async () => {
		const long = 'a'.repeat(199);
		const stored = await hashPassword(long + 'b');
		expect(await verifyPassword(stored, long + 'b')).toBe(true);
		expect(await verifyPassword(stored, long + 'c')).toBe(false);
		expect(await verifyPassword(stored, long)).toBe(false);
	});

	it('check credentials by lower-cased email and give nothing away for an unknown one', async () => {
		const person = await makeUser({ password: 'plum tractor window seven' });
		expect(await checkCredentials(person.email, 'plum tractor window seven')).toBe(person.id);
		expect(await checkCredentials(person.email, 'plum tractor window eight')).toBeNull();
		expect(await checkCredentials('nobody@example.org', 'plum tractor window seven')).toBeNull();
	});
});
