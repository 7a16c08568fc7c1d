import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { areasOf } from '$lib/server/tasks/areas';
import {
	boardOwners,
	boardTasks,
	type BoardFilter,
	type ColumnLimits
} from '$lib/server/tasks/board';
import { taskActions } from '$lib/server/tasks/actions';
import { taskStatuses } from '$lib/server/db/work-schema';
import type { Actions, PageServerLoad } from './$types';

const shows = ['all', 'mine', 'unowned', 'overdue'] as const;
// A column shows this many cards until someone asks for all of it: a board of hundreds stays a
// page people can scan (and a page the server renders quickly). Done shows the latest few.
const shownPerColumn = { todo: 15, doing: 15, blocked: 15, done: 5 } as const;

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
	const expanded = taskStatuses.find((s) => s === params.get('column'));
	const limits = { ...shownPerColumn } as ColumnLimits;
	if (expanded) delete limits[expanded];
	const [{ tasks, totals }, owners, areas] = await Promise.all([
		boardTasks(group.id, user.id, filter, limits),
		boardOwners(group.id, filter.ownerId),
		areasOf(group.id)
	]);
	const columns = taskStatuses.map((status) => ({
		status,
		total: totals[status] ?? 0,
		tasks: tasks
			.filter((t) => t.status === status)
			.map(({ id, title, dueOn, areaName, recurrence, reviewId, comments, owners, overdue }) => ({
				id,
				title,
				dueOn,
				areaName,
				recurrence,
				reviewId,
				comments,
				owners,
				overdue
			}))
	}));
	return {
		columns,
		taskCount: columns.reduce((sum, column) => sum + column.total, 0),
		owners,
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
