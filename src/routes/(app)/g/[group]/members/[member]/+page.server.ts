import { error } from '@sveltejs/kit';
import { areasOf } from '$lib/server/tasks/areas';
import { requireMember } from '$lib/server/guards';
import { memberOf } from '$lib/server/groups/memberships';
import { boardTasks } from '$lib/server/tasks/board';
import type { PageServerLoad } from './$types';

// A person as the group sees them: the areas they hold and the tasks they own here.
export const load: PageServerLoad = async (event) => {
	const { group, user } = await requireMember(event);
	const person = memberOf(group.id, event.params.member);
	if (!person) error(404, 'That person is not a member of this group.');
	const [areas, { tasks }] = await Promise.all([
		areasOf(group.id),
		boardTasks(group.id, user.id, { ownerId: person.userId })
	]);
	return {
		person: { userId: person.userId, displayName: person.displayName, role: person.role },
		isMe: person.userId === user.id,
		areas: areas
			.filter((a) => a.owners.some((o) => o.userId === person.userId))
			.map(({ id, name }) => ({ id, name })),
		tasks: tasks.filter((t) => t.status !== 'done'),
		done: tasks.filter((t) => t.status === 'done').length
	};
};
