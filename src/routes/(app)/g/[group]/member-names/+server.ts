import { error, json } from '@sveltejs/kit';
import { z } from 'zod';
import { requireMember } from '$lib/server/guards';
import { membersNamedLike } from '$lib/server/groups/memberships';
import type { RequestHandler } from './$types';

const query = z.string().trim().max(100, 'Type at most 100 characters of a name.');

// What MemberPicker suggests as someone types a name: members only, eight at a time. A group's
// member names are what its members page already shows them.
export const GET: RequestHandler = async (event) => {
	const { group } = await requireMember(event);
	const typed = query.safeParse(event.url.searchParams.get('q') ?? '');
	if (!typed.success) error(400, typed.error.issues[0].message);
	return json(
		{ members: membersNamedLike(group.id, typed.data) },
		{ headers: { 'Cache-Control': 'private, no-store' } }
	);
};
