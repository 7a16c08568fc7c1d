import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { session } from '$lib/server/db/schema';
import {
	absoluteLifetimeMs,
	endSession,
	endUserSessions,
	inactivityLimitMs,
	startSession,
	validateSessionToken
} from '$lib/server/accounts/sessions';
import { hashToken } from '$lib/server/tokens';
import { makeUser } from '../support/factories';

const day = 24 * 60 * 60 * 1000;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

describe('sessions', () => {
	it('stores only the SHA-256 of a token with at least 120 bits', async () => {
		const user = await makeUser();
		const { token } = await startSession(user.id);
		// base32: 5 bits per character
		expect(token.length * 5).toBeGreaterThanOrEqual(120);
		const rows = await db.select().from(session).where(eq(session.userId, user.id));
		expect(rows).toHaveLength(1);
		expect(rows[0].id).toBe(hashToken(token));
		expect(rows[0].id).not.toContain(token);
		expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/);
	});

	it('validates a token and returns the user without their password hash', async () => {
		const user = await makeUser();
		const { token } = await startSession(user.id);
		const result = await validateSessionToken(token);
		expect(result.user).toEqual({ id: user.id, email: user.email, displayName: user.displayName });
		expect(await validateSessionToken(token + 'x')).toEqual({
			session: null,
			user: null,
			unread: 0
		});
	});

	it('renews the expiry once half the inactivity window has passed, not before', async () => {
		const user = await makeUser();
		const start = new Date('2026-01-01T00:00:00Z');
		const { token, session: created } = await startSession(user.id, start);
		expect(created.expiresAt.getTime()).toBe(start.getTime() + inactivityLimitMs);

		const early = await validateSessionToken(token, at(start, 5 * day));
		expect(early.session?.expiresAt.getTime()).toBe(created.expiresAt.getTime());

		const later = at(start, 20 * day);
		const renewed = await validateSessionToken(token, later);
		expect(renewed.session?.expiresAt.getTime()).toBe(later.getTime() + inactivityLimitMs);
		const [stored] = await db
			.select()
			.from(session)
			.where(eq(session.id, hashToken(token)));
		expect(stored.expiresAt.getTime()).toBe(later.getTime() + inactivityLimitMs);
	});

	it('expires after 30 days without use and deletes the row', async () => {
		const user = await makeUser();
		const start = new Date('2026-02-01T00:00:00Z');
		const { token } = await startSession(user.id, start);
		expect((await validateSessionToken(token, at(start, 30 * day - 1000))).session).not.toBeNull();
		// that use renewed it; 30 idle days after that use it is gone
		const lastUse = at(start, 30 * day - 1000);
		expect((await validateSessionToken(token, at(lastUse, 30 * day))).session).toBeNull();
		expect(
			await db
				.select()
				.from(session)
				.where(eq(session.id, hashToken(token)))
		).toHaveLength(0);
	});

	it('ends at the absolute lifetime however active it is', async () => {
		const user = await makeUser();
		const start = new Date('2026-03-01T00:00:00Z');
		const { token } = await startSession(user.id, start);
		let now = start;
		while (now.getTime() + 16 * day < start.getTime() + absoluteLifetimeMs) {
			now = at(now, 16 * day);
			const result = await validateSessionToken(token, now);
			expect(result.session).not.toBeNull();
			expect(result.session!.expiresAt.getTime()).toBeLessThanOrEqual(
				start.getTime() + absoluteLifetimeMs
			);
		}
		expect((await validateSessionToken(token, at(start, absoluteLifetimeMs))).session).toBeNull();
	});

	it('ends one session, or all sessions of a person but one', async () => {
		const user = await makeUser();
		const a = await startSession(user.id);
		const b = await startSession(user.id);
		const c = await startSession(user.id);
		await endSession(a.session.id);
		expect((await validateSessionToken(a.token)).session).toBeNull();
		await endUserSessions(user.id, c.session.id);
		expect((await validateSessionToken(b.token)).session).toBeNull();
		expect((await validateSessionToken(c.token)).session).not.toBeNull();
	});
});
