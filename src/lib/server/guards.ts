import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Role } from '$lib/server/db/schema';
import { groupForMember, hasRole } from '$lib/server/groups/groups';
import { currentReview } from '$lib/server/reviews/lifecycle';
import { safeNextPath } from '$lib/paths';

/** The signed-in person; anyone else is sent to log in and brought back here afterwards. */
export function requireUser(event: RequestEvent) {
	const user = event.locals.user;
	if (!user) redirect(303, `/login?next=${encodeURIComponent(safeNextPath(event.url.pathname))}`);
	return user;
}

const roleNames: Record<Role, string> = {
	member: 'members',
	facilitator: 'facilitators and owners',
	owner: 'owners'
};

/**
 * The group in the route's `[group]` parameter and the person's role in it. Signed-out visitors
 * are sent to log in and brought back (links in reminder mail point into groups), whether or not
 * the group exists, so that does not leak; signed-in non-members get 404, the same as for a group
 * that does not exist; a member without the needed role gets 403.
 */
export async function requireMember(event: RequestEvent, atLeast: Role = 'member') {
	const user = requireUser(event);
	const slug = event.params.group;
	if (!slug) error(404, 'Not found');
	// The group's layout and the page both check; one query per request serves both.
	event.locals.memberViews ??= new Map();
	if (!event.locals.memberViews.has(slug))
		event.locals.memberViews.set(slug, groupForMember(slug, user.id));
	const view = await event.locals.memberViews.get(slug);
	if (!view) error(404, 'Not found');
	if (!hasRole(view.role, atLeast))
		error(403, `Only ${roleNames[atLeast]} of this group can do that.`);
	return { ...view, user };
}

/**
 * The review in the route's `[review]` parameter, inside the member's group. Drafts exist only
 * for facilitators and owners: anyone else gets 404, as for a review that does not exist.
 */
export async function requireReview(event: RequestEvent, atLeast: Role = 'member') {
	const member = await requireMember(event, atLeast);
	const review = await currentReview(member.group.id, event.params.review ?? '');
	if (!review) error(404, 'Not found');
	if (review.status === 'draft' && !hasRole(member.role, 'facilitator')) error(404, 'Not found');
	return { ...member, review };
}
