import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { db } from '$lib/server/db';
import { session } from '$lib/server/db/schema';
import {
	absoluteLifetimeMs,
	browserFamily,
	devicesOf,
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
		expect(result.user).toEqual({
			id: user.id,
			email: user.email,
			displayName: user.displayName,
			emailVerified: true
		});
		expect(await validateSessionToken(token + 'x')).toEqual({
			session: null,
			user: null,
			unread: 0,
			renewed: false
		});
	});

	it('renews the expiry once half the inactivity window has passed, not before', async () => {
		const user = await makeUser();
		const start = new Date('2026-01-01T00:00:00Z');
		const { token, session: created } = await startSession(user.id, start);
		expect(created.expiresAt.getTime()).toBe(start.getTime() + inactivityLimitMs);

		const early = await validateSessionToken(token, at(start, 5 * day));
		expect(early.session?.expiresAt.getTime()).toBe(created.expiresAt.getTime());
		expect(early.renewed).toBe(false);

		const later = at(start, 20 * day);
		const renewed = await validateSessionToken(token, later);
		expect(renewed.session?.expiresAt.getTime()).toBe(later.getTime() + inactivityLimitMs);
		expect(renewed.renewed).toBe(true);
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

	it('keeps the day a session was last used, written at most once a day', async () => {
		const user = await makeUser();
		const start = new Date('2026-03-02T09:15:00Z');
		const { token, session: created } = await startSession(user.id, start, 'Firefox on Android');
		const lastUsed = async () =>
			db.select({ day: session.lastUsedOn }).from(session).where(eq(session.id, created.id)).get()
				?.day;
		expect(await lastUsed()).toEqual(new Date('2026-03-02T00:00:00Z'));

		const writes = vi.spyOn(db, 'update');
		await validateSessionToken(token, new Date('2026-03-02T22:00:00Z'));
		expect(writes).not.toHaveBeenCalled();
		await validateSessionToken(token, new Date('2026-03-04T07:00:00Z'));
		expect(writes).toHaveBeenCalledTimes(1);
		writes.mockRestore();
		expect(await lastUsed()).toEqual(new Date('2026-03-04T00:00:00Z'));
	});

	it('lists the devices of a person, this one first, by browser and day only', async () => {
		const user = await makeUser();
		const phone = await startSession(user.id, new Date(), 'Firefox on Android');
		const laptop = await startSession(user.id, new Date(), 'Chrome on Linux');
		const devices = await devicesOf(user.id, laptop.session.id);
		expect(devices.map((d) => [d.browser, d.current])).toEqual([
			['Chrome on Linux', true],
			['Firefox on Android', false]
		]);
		for (const device of devices) {
			expect(Object.keys(device).sort()).toEqual([
				'browser',
				'current',
				'lastUsedOn',
				'signedInOn'
			]);
			expect(device.lastUsedOn.getTime() % day).toBe(0);
			expect(device.signedInOn.getTime() % day).toBe(0);
		}
		expect(phone.session.id).not.toBe(laptop.session.id);
	});

	it('names a browser family and system, never a version or a device', () => {
		const agents: [string, string][] = [
			[
				'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
				'Firefox on Android'
			],
			[
				'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
				'Safari on iOS'
			],
			[
				'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
				'Edge on Windows'
			],
			[
				'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
				'Chrome on Linux'
			],
			['curl/8.5.0', 'An unknown browser']
		];
		for (const [agent, family] of agents) expect(browserFamily(agent)).toBe(family);
		expect(browserFamily(null)).toBe('An unknown browser');
	});
});
