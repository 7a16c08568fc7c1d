import { hasRole } from '$lib/server/groups';
import { requireMember } from '$lib/server/guards';
import { listMembers } from '$lib/server/memberships';
import { areasOf } from '$lib/server/areas';
import { boardTasks, type BoardFilter } from '$lib/server/tasks';
import { taskActions } from '$lib/server/task-actions';
import type { Actions, PageServerLoad } from './$types';

const shows = ['all', 'mine', 'unowned', 'overdue'] as const;

export const load: PageServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	const params = event.url.searchParams;
	const show = shows.find((s) => s === params.get('show')) ?? 'all';
	const filter: BoardFilter = {
		mine: show === 'mine',
		unowned: show === 'unowned',
		overdue: show === 'overdue',
		areaId: params.get('area') || undefined,
		ownerId: params.get('owner') || undefined
	};
	const [tasks, members, areas] = await Promise.all([
		boardTasks(group.id, user.id, filter),
		listMembers(group.id),
		areasOf(group.id)
	]);
	return {
		tasks,
		members: members.map(({ userId, displayName }) => ({ userId, displayName })),
		areas: areas.map(({ id, name }) => ({ id, name })),
		filter: { show, area: filter.areaId ?? '', owner: filter.ownerId ?? '' },
		me: user.id,
		canManage: hasRole(role, 'facilitator'),
		archived: params.has('archived')
	};
};

export const actions: Actions = {
	move: taskActions.move,
	take: taskActions.take
};
