import type { RequestEvent } from '@sveltejs/kit';
import { and, count, eq, gt, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { session, user, type Session } from '$lib/server/db/schema';
import { notification } from '$lib/server/db/work-schema';
import { writesPaused } from '$lib/server/db/write-gate';
import { generateToken, hashToken } from '$lib/server/tokens';

const day = 24 * 60 * 60 * 1000;
/** A session unused for this long ends. */
export const inactivityLimitMs = 30 * day;
/** Activity pushes the expiry forward once less than this is left (so not every request writes). */
const renewWhenLeftMs = 15 * day;
/** However active, a session ends this long after log-in and the person signs in again. */
export const absoluteLifetimeMs = 90 * day;

export type SessionUser = {
	id: string;
	email: string;
	displayName: string;
	emailVerified: boolean;
};
export type SessionValidation =
	// renewed: the expiry moved forward, so the cookie must be set again to end with the session
	| { session: Session; user: SessionUser; unread: number; renewed: boolean }
	| { session: null; user: null; unread: 0; renewed: false };

/** Midnight (UTC) of the day `now` falls on: when a session was last used, and no closer. */
export function dayOf(now: Date) {
	return new Date(Math.floor(now.getTime() / day) * day);
}

export async function startSession(userId: string, now = new Date(), browser = '') {
	const token = generateToken();
	const row: Session = {
		id: hashToken(token),
		userId,
		createdAt: now,
		expiresAt: new Date(now.getTime() + inactivityLimitMs),
		browser,
		lastUsedOn: dayOf(now)
	};
	db.insert(session).values(row).run();
	return { token, session: row };
}

// Every request with a cookie runs this, so it also counts the unread notices for the bell:
// one query per page instead of two.
const findSession = prepared(() =>
	db
		.select({
			session,
			user: {
				id: user.id,
				email: user.email,
				displayName: user.displayName,
				emailVerifiedAt: user.emailVerifiedAt
			},
			unread: sql<number>`${db
				.select({ unread: count() })
				.from(notification)
				.where(and(eq(notification.userId, user.id), isNull(notification.readAt)))}`
		})
		.from(session)
		.innerJoin(user, eq(session.userId, user.id))
		.where(eq(session.id, sql.placeholder('id')))
		.prepare()
);

const noSession = { session: null, user: null, unread: 0, renewed: false } as const;

export async function validateSessionToken(
	token: string,
	now = new Date()
): Promise<SessionValidation> {
	const [row] = await findSession().all({ id: hashToken(token) });
	if (!row) return noSession;

	const absoluteEnd = row.session.createdAt.getTime() + absoluteLifetimeMs;
	if (now.getTime() >= row.session.expiresAt.getTime() || now.getTime() >= absoluteEnd) {
		// while the file is rebuilt (db/write-gate.ts) the sweep deletes it later
		if (!writesPaused()) db.delete(session).where(eq(session.id, row.session.id)).run();
		return noSession;
	}
	// At most one write a day for "last used", and one when the expiry is pushed forward.
	const changes: Partial<Session> = {};
	const today = dayOf(now);
	if ((row.session.lastUsedOn?.getTime() ?? 0) < today.getTime()) changes.lastUsedOn = today;
	if (row.session.expiresAt.getTime() - now.getTime() < renewWhenLeftMs)
		changes.expiresAt = new Date(Math.min(now.getTime() + inactivityLimitMs, absoluteEnd));
	// Bookkeeping, not worth a request waiting for a rebuild of the file (db/write-gate.ts): the
	// next request writes it.
	const written = Object.keys(changes).length > 0 && !writesPaused();
	if (written) {
		db.update(session).set(changes).where(eq(session.id, row.session.id)).run();
		Object.assign(row.session, changes);
	}
	const { emailVerifiedAt, ...person } = row.user;
	return {
		session: row.session,
		user: { ...person, emailVerified: emailVerifiedAt !== null },
		unread: row.unread,
		renewed: written && changes.expiresAt !== undefined
	};
}

export interface DeviceSession {
	current: boolean;
	browser: string;
	lastUsedOn: Date;
	signedInOn: Date;
}

const liveSessionsOf = prepared(() =>
	db
		.select({
			id: session.id,
			browser: session.browser,
			lastUsedOn: session.lastUsedOn,
			createdAt: session.createdAt
		})
		.from(session)
		.where(
			and(
				eq(session.userId, sql.placeholder('userId')),
				gt(session.expiresAt, sql.placeholder('now'))
			)
		)
		.prepare()
);

/** The account's signed-in devices, most recently used first, for the account page. */
export async function devicesOf(userId: string, currentSessionId: string) {
	const rows = liveSessionsOf().all({ userId, now: Date.now() });
	return rows
		.map((row): DeviceSession => ({
			current: row.id === currentSessionId,
			browser: row.browser || 'A browser',
			lastUsedOn: row.lastUsedOn ?? dayOf(row.createdAt),
			signedInOn: dayOf(row.createdAt)
		}))
		.sort(
			(a, b) =>
				Number(b.current) - Number(a.current) || b.lastUsedOn.getTime() - a.lastUsedOn.getTime()
		);
}

/**
 * "Firefox on Android": the browser family and system a User-Agent names, and nothing finer
 * (no version, no device model), for the list of signed-in devices.
 */
export function browserFamily(userAgent: string | null) {
	const agent = userAgent ?? '';
	const families: [RegExp, string][] = [
		[/Edg(e|A|iOS)?\//, 'Edge'],
		[/OPR\/|Opera/, 'Opera'],
		[/Firefox\/|FxiOS/, 'Firefox'],
		[/Chrome\/|CriOS|Chromium/, 'Chrome'],
		[/Safari\//, 'Safari']
	];
	const systems: [RegExp, string][] = [
		[/Android/, 'Android'],
		[/iPhone|iPad|iPod/, 'iOS'],
		[/CrOS/, 'ChromeOS'],
		[/Windows/, 'Windows'],
		[/Macintosh|Mac OS X/, 'macOS'],
		[/Linux/, 'Linux']
	];
	const family = families.find(([pattern]) => pattern.test(agent))?.[1];
	const system = systems.find(([pattern]) => pattern.test(agent))?.[1];
	if (!family && !system) return 'An unknown browser';
	return `${family ?? 'A browser'}${system ? ` on ${system}` : ''}`;
}

export async function endSession(sessionId: string) {
	db.delete(session).where(eq(session.id, sessionId)).run();
}

/** Ends every session of a person, or every one but `keep` (after a password change). */
export async function endUserSessions(userId: string, keep?: string) {
	db.delete(session)
		.where(
			keep ? and(eq(session.userId, userId), ne(session.id, keep)) : eq(session.userId, userId)
		)
		.run();
}

export async function deleteExpiredSessions(now = new Date()) {
	const oldestLiveStart = new Date(now.getTime() - absoluteLifetimeMs);
	db.delete(session)
		.where(or(lte(session.expiresAt, now), lte(session.createdAt, oldestLiveStart)))
		.run();
}

// Over HTTPS the cookie gets the __Host- prefix, which browsers only accept with Secure, Path=/
// and no Domain: no subdomain or plain-HTTP page can plant or overwrite it.
export function sessionCookieName(url: URL) {
	return url.protocol === 'https:' ? '__Host-session' : 'session';
}

export function setSessionCookie(event: RequestEvent, token: string, expiresAt: Date) {
	event.cookies.set(sessionCookieName(event.url), token, {
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		path: '/',
		expires: expiresAt
	});
}

export function deleteSessionCookie(event: RequestEvent) {
	event.cookies.delete(sessionCookieName(event.url), {
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		path: '/'
	});
}
