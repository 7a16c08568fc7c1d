import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { chosenMember } from '$lib/server/groups/member-choice';
import { listedMembersAtMost, memberCount, memberOf } from '$lib/server/groups/memberships';
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
// page people can scan (on a phone the columns stack, each under two screens tall) and a page
// the server renders quickly (each card is about 2% of the bench board's cost). Done shows the
// latest few.
const shownPerColumn = { todo: 10, doing: 10, blocked: 10, done: 5 } as const;

export const load: PageServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	const params = event.url.searchParams;
	const show = shows.find((s) => s === params.get('show')) ?? 'all';
	// A group too large to list its task owners filters by a member's name, typed (MemberPicker)
	const listsOwners = (await memberCount(group.id)) <= listedMembersAtMost;
	const owner = filteredOwner(group.id, params);
	const filter: BoardFilter = {
		mine: show === 'mine',
		unowned: show === 'unowned',
		overdue: show === 'overdue',
		areaId: params.get('area') || undefined,
		ownerId: owner.userId
	};
	const expanded = taskStatuses.find((s) => s === params.get('column'));
	const limits = { ...shownPerColumn } as ColumnLimits;
	if (expanded) delete limits[expanded];
	const [{ tasks, totals }, owners, areas] = await Promise.all([
		boardTasks(group.id, user.id, filter, limits),
		listsOwners ? boardOwners(group.id, filter.ownerId) : null,
		areasOf(group.id)
	]);
	const columns = taskStatuses.map((status) => ({
		status,
		total: totals[status] ?? 0,
		tasks: tasks.filter((t) => t.status === status)
	}));
	return {
		columns,
		taskCount: columns.reduce((sum, column) => sum + column.total, 0),
		owners,
		areas: areas.map(({ id, name }) => ({ id, name })),
		filter: { show, area: filter.areaId ?? '', owner: filter.ownerId ?? '', ownerName: owner.name },
		ownerNotice: owner.notice,
		me: user.id,
		canManage: hasRole(role, 'facilitator'),
		archived: params.has('archived')
	};
};

/** The owner the board is filtered by: picked (an id), or named; a name that fits nobody says so. */
function filteredOwner(groupId: string, params: URLSearchParams) {
	const id = params.get('owner')?.slice(0, 64) || undefined;
	const typed = params.get('ownerName')?.trim().slice(0, 100) ?? '';
	if (id)
		return { userId: id, name: typed || (memberOf(groupId, id)?.displayName ?? ''), notice: null };
	const choice = chosenMember(groupId, undefined, typed);
	return choice.ok
		? { userId: choice.userId ?? undefined, name: typed, notice: null }
		: { userId: undefined, name: typed, notice: choice.message };
}

export const actions: Actions = {
	move: taskActions.move,
	take: taskActions.take
};
