import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { prepareDatabase } from '$lib/server/db';
import { asWrite } from '$lib/server/db/write-gate';
import { forgetSoon } from '$lib/server/anonymity';
import { discardBody, maxBodyBytes, tooLargeMessage } from '$lib/server/forms';
import { logFailure } from '$lib/server/log';
import { startMaintenance } from '$lib/server/maintenance';
import { startReviewScheduler } from '$lib/server/reviews/lifecycle';
import { mailConfig } from '$lib/server/config';
import { startWorkScheduler } from '$lib/server/reminders/scheduler';
import {
	deleteSessionCookie,
	sessionCookieName,
	setSessionCookie,
	validateSessionToken
} from '$lib/server/accounts/sessions';

export const init: ServerInit = async () => {
	await prepareDatabase();
	startMaintenance();
	startReviewScheduler();
	mailConfig(); // a bad SMTP_URL stops start-up with one sentence, not the first reminder
	startWorkScheduler();
};

const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const headers = response.headers;
	headers.set('X-Content-Type-Options', 'nosniff');
	headers.set('X-Frame-Options', 'DENY');
	// Invitation links carry their token in the path; same-origin keeps it off other sites' logs.
	// (Not no-referrer: with it, browsers send `Origin: null` on form posts and the CSRF check fails.)
	headers.set('Referrer-Policy', 'same-origin');
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
	if (event.url.protocol === 'https:') {
		headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
	}
	if (event.locals.user) headers.set('Cache-Control', 'private, no-store');
	return response;
};

const bodyLimit: Handle = async ({ event, resolve }) => {
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > maxBodyBytes) {
		await discardBody(event.request);
		return new Response(tooLargeMessage, {
			status: 413,
			headers: { 'Content-Type': 'text/plain; charset=utf-8' }
		});
	}
	return resolve(event);
};

const authenticate: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(sessionCookieName(event.url));
	event.locals.user = null;
	event.locals.session = null;
	event.locals.unread = 0;
	if (token) {
		const { session, user, unread, renewed } = await validateSessionToken(token);
		if (session) {
			// The cookie ends when the session does; it is set again only when that moves, not on
			// every response (a Set-Cookie per page cost every request and made responses larger).
			if (renewed) setSessionCookie(event, token, session.expiresAt);
			event.locals.session = session;
			event.locals.user = user;
			event.locals.unread = unread;
		} else {
			deleteSessionCookie(event);
		}
	}
	return resolve(event);
};

// A request that may write waits out a rebuild of the database file here, on the event loop,
// rather than in its transaction, where waiting holds the whole process (db/write-gate.ts).
// What it wrote is copied out of the log a moment later (anonymity.ts).
const writesAfterRebuild: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method === 'GET' || method === 'HEAD') return resolve(event);
	try {
		return await asWrite(async () => resolve(event));
	} finally {
		forgetSoon();
	}
};

export const handle = sequence(securityHeaders, bodyLimit, writesAfterRebuild, authenticate);

export const handleError: HandleServerError = ({ error, status, message, event }) => {
	// Only the error's kind and code are logged: never the request's body or the error's message,
	// which may hold answers (see logFailure). The route id names no group, review or person.
	if (status >= 500)
		logFailure(`${event.request.method} ${event.route.id ?? 'unknown route'}`, error);
	if (status >= 500) {
		return {
			message:
				'Something went wrong on our side. Try again in a moment; if it keeps happening, tell whoever runs this Outsider.'
		};
	}
	if (status === 415)
		return {
			message: 'That form was sent in a way this page cannot read. Reload the page and try again.'
		};
	return { message };
};
