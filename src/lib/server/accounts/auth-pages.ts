import { redirect, type RequestEvent } from '@sveltejs/kit';
import { invitationContext } from '$lib/server/groups/invites';
import { endSession, setSessionCookie, startSession } from '$lib/server/accounts/sessions';
import { safeNextPath } from '$lib/paths';

/** For the log-in and sign-up pages: where to go afterwards, and the invitation being followed. */
export async function authPage({ locals, url }: RequestEvent) {
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return { next, invitation: await invitationContext(next) };
}

/**
 * Signs the person in with a new session and sends them on. Any session the browser already had
 * is ended first, so a session planted before log-in cannot be ridden afterwards.
 */
export async function signInAndContinue(
	event: RequestEvent,
	userId: string,
	next: string | undefined
) {
	if (event.locals.session) await endSession(event.locals.session.id);
	const { token, session } = await startSession(userId);
	setSessionCookie(event, token, session.expiresAt);
	redirect(303, safeNextPath(next));
}
