import { redirect, type RequestEvent } from '@sveltejs/kit';
import { acceptInvite, invitationContext, invitationToken } from '$lib/server/groups/invites';
import {
	browserFamily,
	endSession,
	setSessionCookie,
	startSession
} from '$lib/server/accounts/sessions';
import { safeNextPath } from '$lib/paths';

/** For the log-in and sign-up pages: where to go afterwards, and the invitation being followed. */
export async function authPage({ locals, url }: RequestEvent) {
	const next = safeNextPath(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return { next, invitation: await invitationContext(next) };
}

/**
 * Signs the person in with a new session and sends them on. Any session the browser already had
 * is ended first, so a session planted before log-in cannot be ridden afterwards. Someone who came
 * from an invitation joins its group at once, as the page promised: no second "Join" to press.
 * Should the invitation have stopped working meanwhile, its page says why.
 */
export async function signInAndContinue(
	event: RequestEvent,
	userId: string,
	next: string | undefined
) {
	if (event.locals.session) await endSession(event.locals.session.id);
	const browser = browserFamily(event.request.headers.get('user-agent'));
	const { token, session } = await startSession(userId, new Date(), browser);
	setSessionCookie(event, token, session.expiresAt);
	const path = safeNextPath(next);
	const invitation = invitationToken(path);
	const joined = invitation ? await acceptInvite(invitation, userId) : null;
	if (joined?.ok) {
		const { groupSlug, joined: isNew } = joined.value;
		redirect(303, isNew ? `/g/${groupSlug}?welcome=1` : `/g/${groupSlug}`);
	}
	redirect(303, path);
}
