import type { RequestEvent } from '@sveltejs/kit';
import { and, count, eq, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { session, user, type Session } from '$lib/server/db/schema';
import { notification } from '$lib/server/db/work-schema';
import { generateToken, hashToken } from '$lib/server/tokens';

const day = 24 * 60 * 60 * 1000;
/** A session unused for this long ends. */
export const inactivityLimitMs = 30 * day;
/** Activity pushes the expiry forward once less than this is left (so not every request writes). */
const renewWhenLeftMs = 15 * day;
/** However active, a session ends this long after log-in and the person signs in again. */
export const absoluteLifetimeMs = 90 * day;

export type SessionUser = { id: string; email: string; displayName: string };
export type SessionValidation =
	| { session: Session; user: SessionUser; unread: number }
	| { session: null; user: null; unread: 0 };

export async function startSession(userId: string, now = new Date()) {
	const token = generateToken();
	const row: Session = {
		id: hashToken(token),
		userId,
		createdAt: now,
		expiresAt: new Date(now.getTime() + inactivityLimitMs)
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
			user: { id: user.id, email: user.email, displayName: user.displayName },
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

export async function validateSessionToken(
	token: string,
	now = new Date()
): Promise<SessionValidation> {
	const [row] = await findSession().all({ id: hashToken(token) });
	if (!row) return { session: null, user: null, unread: 0 };

	const absoluteEnd = row.session.createdAt.getTime() + absoluteLifetimeMs;
	if (now.getTime() >= row.session.expiresAt.getTime() || now.getTime() >= absoluteEnd) {
		db.delete(session).where(eq(session.id, row.session.id)).run();
		return { session: null, user: null, unread: 0 };
	}
	if (row.session.expiresAt.getTime() - now.getTime() < renewWhenLeftMs) {
		const expiresAt = new Date(Math.min(now.getTime() + inactivityLimitMs, absoluteEnd));
		db.update(session).set({ expiresAt }).where(eq(session.id, row.session.id)).run();
		row.session.expiresAt = expiresAt;
	}
	return row;
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
