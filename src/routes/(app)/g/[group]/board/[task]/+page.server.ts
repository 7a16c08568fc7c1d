import { error } from '@sveltejs/kit';
import { areasOf } from '$lib/server/tasks/areas';
import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { namesToList } from '$lib/server/groups/memberships';
import { taskActions } from '$lib/server/tasks/actions';
import { taskDetail } from '$lib/server/tasks/detail';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	const task = await taskDetail(group.id, event.params.task);
	if (!task) error(404, 'This task does not exist, or it was archived.');
	const isOwner = task.owners.some((o) => o.userId === user.id);
	const canChange = isOwner || hasRole(role, 'facilitator');
	// only who may assign or hand the task on chooses a member: nobody else is sent the names
	const [members, areas] = await Promise.all([
		canChange ? namesToList(group.id) : [],
		areasOf(group.id)
	]);
	return {
		task,
		members,
		areas: areas.map(({ id, name }) => ({ id, name })),
		me: user.id,
		isOwner,
		canChange,
		canManage: hasRole(role, 'facilitator'),
		created: event.url.searchParams.has('created')
	};
};

export const actions: Actions = {
	update: taskActions.update,
	move: taskActions.move,
	take: taskActions.take,
	assign: taskActions.assign,
	release: taskActions.release,
	delegate: taskActions.delegate,
	archive: taskActions.archive,
	comment: taskActions.comment
};
