import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { db, prepared, type Executor, transaction } from '$lib/server/db';
import { group, membership, question, review, user, type Role } from '$lib/server/db/schema';
import {
	area,
	delegation,
	notification,
	task,
	taskComment,
	taskOwner,
	type Recurrence,
	type Task,
	type TaskStatus
} from '$lib/server/db/work-schema';
import { hasRole } from '$lib/server/groups';
import { newId } from '$lib/server/tokens';
import { remindAssigned } from '$lib/server/reminders';
import { addToDay, todayUtc } from '$lib/days';

/** Who is acting, in which group, with which role there. */
export interface Actor {
	userId: string;
	groupId: string;
	role: Role;
}

/** Why a task change was refused; each maps to a message a person understands. */
export type Refusal =
	| 'not-found'
	| 'not-allowed'
	| 'not-a-member'
	| 'already-owned'
	| 'already-owner'
	| 'not-owner'
	| 'no-area'
	| 'not-owning';

export const refusalMessages: Record<Refusal, string> = {
	'not-found': 'That task no longer exists.',
	'not-allowed': 'Only its owners and facilitators can change this task.',
	'not-a-member': 'That person is not a member of this group.',
	'already-owned': 'Someone took this task just before you. Ask them, or pick another one.',
	'already-owner': 'That person already owns this task.',
	'not-owner': 'Only an owner of this task can hand it on.',
	'no-area': 'That area no longer exists. Choose another one.',
	'not-owning': 'That person does not own this task (any more).'
};

type Outcome<T = undefined> = { ok: true; value: T } | { ok: false; refusal: Refusal };
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const refuse = (refusal: Refusal): Outcome<never> => ({ ok: false, refusal });

export interface TaskInput {
	title: string;
	description: string;
	dueOn: string | null;
	areaId: string | null;
	recurrence: Recurrence | null;
}

export interface FollowUp {
	reviewId: string;
	dimensionKey: string | null;
	quote: string | null;
}

function ownersOf(tx: Executor, taskId: string) {
	const rows = tx
		.select({ userId: taskOwner.userId })
		.from(taskOwner)
		.where(eq(taskOwner.taskId, taskId))
		.all();
	return rows.map((r) => r.userId);
}

function isMember(tx: Executor, groupId: string, userId: string) {
	const [row] = tx
		.select({ userId: membership.userId })
		.from(membership)
		.where(and(eq(membership.groupId, groupId), eq(membership.userId, userId)))
		.all();
	return Boolean(row);
}

function findTask(tx: Executor, actor: Actor, taskId: string) {
	const [row] = tx
		.select()
		.from(task)
		.where(and(eq(task.id, taskId), eq(task.groupId, actor.groupId), isNull(task.archivedAt)))
		.all();
	return row;
}

/** Facilitators may change any task; everyone else only the tasks they own. */
function mayChange(tx: Executor, actor: Actor, taskId: string) {
	if (hasRole(actor.role, 'facilitator')) return true;
	return ownersOf(tx, taskId).includes(actor.userId);
}

/** Runs `change` in one transaction on a live task of the actor's group they may change. */
function changeTask<T = undefined>(
	actor: Actor,
	taskId: string,
	change: (tx: Executor, current: Task) => Outcome<T>
) {
	return transaction((tx): Outcome<T> => {
		const current = findTask(tx, actor, taskId);
		if (!current) return refuse('not-found');
		if (!mayChange(tx, actor, taskId)) return refuse('not-allowed');
		return change(tx, current);
	});
}

function areaInGroup(tx: Executor, groupId: string, areaId: string | null) {
	if (!areaId) return true;
	const [row] = tx
		.select({ id: area.id })
		.from(area)
		.where(and(eq(area.id, areaId), eq(area.groupId, groupId)))
		.all();
	return Boolean(row);
}

/** How deep the chain that made `userId` an owner of the task is: 0 if they took it themselves. */
function depthOf(tx: Executor, taskId: string, userId: string) {
	// the latest ask that reached them: an older, deeper chain may since have been undone
	const [row] = tx
		.select({ depth: delegation.depth })
		.from(delegation)
		.where(and(eq(delegation.taskId, taskId), eq(delegation.toUserId, userId)))
		.orderBy(desc(delegation.createdAt), desc(delegation.depth))
		.limit(1)
		.all();
	return row?.depth ?? 0;
}

/**
 * A new task on the board. Members may create unowned tasks or tasks for themselves; giving a
 * task to someone else is assigning, which facilitators do.
 */
export async function createTask(
	actor: Actor,
	input: TaskInput & { ownerIds: string[] },
	followUp: FollowUp | null = null,
	now = new Date()
): Promise<Outcome<string>> {
	const others = input.ownerIds.filter((id) => id !== actor.userId);
	if (others.length > 0 && !hasRole(actor.role, 'facilitator')) return refuse('not-allowed');
	const id = newId();
	const assigned: string[] = [];
	const result = transaction((tx) => {
		if (!areaInGroup(tx, actor.groupId, input.areaId)) return refuse('no-area');
		for (const ownerId of input.ownerIds)
			if (!isMember(tx, actor.groupId, ownerId)) return refuse('not-a-member');
		tx.insert(task)
			.values({
				id,
				groupId: actor.groupId,
				...input,
				createdBy: actor.userId,
				createdAt: now,
				updatedAt: now,
				...(followUp ?? {})
			})
			.run();
		for (const ownerId of new Set(input.ownerIds)) {
			tx.insert(taskOwner).values({ taskId: id, userId: ownerId }).run();
			if (ownerId !== actor.userId) {
				tx.insert(delegation)
					.values({
						id: newId(),
						taskId: id,
						fromUserId: actor.userId,
						toUserId: ownerId,
						depth: 1,
						createdAt: now
					})
					.run();
				assigned.push(ownerId);
			}
		}
		return ok(id);
	});
	if (result.ok)
		for (const ownerId of assigned) await remindAssigned(id, ownerId, now, actor.userId);
	return result;
}

export async function updateTask(
	actor: Actor,
	taskId: string,
	input: TaskInput,
	now = new Date()
): Promise<Outcome> {
	return changeTask(actor, taskId, (tx) => {
		if (!areaInGroup(tx, actor.groupId, input.areaId)) return refuse('no-area');
		tx.update(task)
			.set({ ...input, updatedAt: now })
			.where(eq(task.id, taskId))
			.run();
		return ok(undefined);
	});
}

/** Moves a card between columns. Done stamps the completion and starts the next recurrence. */
export async function moveTask(
	actor: Actor,
	taskId: string,
	status: TaskStatus,
	now = new Date()
): Promise<Outcome> {
	return changeTask(actor, taskId, (tx, current) => {
		if (current.status === status) return ok(undefined);
		tx.update(task)
			.set({ status, updatedAt: now, completedAt: status === 'done' ? now : null })
			.where(eq(task.id, taskId))
			.run();
		if (status === 'done') {
			recur(tx, current, now);
			// "due soon" and "overdue" notices about a finished task are old news
			tx.update(notification)
				.set({ readAt: now })
				.where(
					and(
						eq(notification.kind, 'task_due'),
						isNull(notification.readAt),
						sql`${notification.link} like ${'%/board/' + taskId}`
					)
				)
				.run();
		}
		return ok(undefined);
	});
}

/** Takes an unowned task. The check and the insert are one statement: two takers, one owner. */
export async function takeTask(actor: Actor, taskId: string): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		const inserted = tx.run(
			sql`insert into ${taskOwner} (task_id, user_id) select ${taskId}, ${actor.userId}
				where not exists (select 1 from ${taskOwner} where ${taskOwner.taskId} = ${taskId})`
		);
		return inserted.changes === 1 ? ok(undefined) : refuse('already-owned');
	});
}

/** Adds an owner. Facilitators and the task's owners assign; the assignee is asked by them. */
export async function assignTask(
	actor: Actor,
	taskId: string,
	assigneeId: string,
	now = new Date()
): Promise<Outcome> {
	const result = await changeTask(actor, taskId, (tx) => {
		if (!isMember(tx, actor.groupId, assigneeId)) return refuse('not-a-member');
		if (ownersOf(tx, taskId).includes(assigneeId)) return refuse('already-owner');
		tx.insert(taskOwner).values({ taskId, userId: assigneeId }).run();
		if (assigneeId !== actor.userId) {
			tx.insert(delegation)
				.values({
					id: newId(),
					taskId,
					fromUserId: actor.userId,
					toUserId: assigneeId,
					depth: depthOf(tx, taskId, actor.userId) + 1,
					createdAt: now
				})
				.run();
		}
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
	if (result.ok && assigneeId !== actor.userId)
		await remindAssigned(taskId, assigneeId, now, actor.userId);
	return result;
}

/** An owner steps back from a task; facilitators can take anyone off it. */
export async function releaseTask(
	actor: Actor,
	taskId: string,
	ownerId: string,
	now = new Date()
): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		if (ownerId !== actor.userId && !hasRole(actor.role, 'facilitator')) {
			return refuse('not-allowed');
		}
		const removed = tx
			.delete(taskOwner)
			.where(and(eq(taskOwner.taskId, taskId), eq(taskOwner.userId, ownerId)))
			.returning()
			.all();
		if (removed.length === 0) return refuse('not-owning');
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
}

/**
 * Hands a task on: the owner asks another member to take it, with a note. The delegate becomes
 * an owner in the asker's place, and the chain of who asked whom grows by one.
 */
export async function delegateTask(
	actor: Actor,
	taskId: string,
	toUserId: string,
	note: string | null,
	now = new Date()
): Promise<Outcome> {
	const result = transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		const owners = ownersOf(tx, taskId);
		if (!owners.includes(actor.userId)) return refuse('not-owner');
		if (!isMember(tx, actor.groupId, toUserId)) return refuse('not-a-member');
		if (owners.includes(toUserId)) return refuse('already-owner');
		const depth = depthOf(tx, taskId, actor.userId) + 1;
		tx.delete(taskOwner)
			.where(and(eq(taskOwner.taskId, taskId), eq(taskOwner.userId, actor.userId)))
			.run();
		tx.insert(taskOwner).values({ taskId, userId: toUserId }).run();
		tx.insert(delegation)
			.values({
				id: newId(),
				taskId,
				fromUserId: actor.userId,
				toUserId,
				note,
				depth,
				createdAt: now
			})
			.run();
		tx.update(task).set({ updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
	if (result.ok) await remindAssigned(taskId, toUserId, now, actor.userId, note);
	return result;
}

export async function archiveTask(actor: Actor, taskId: string, now = new Date()) {
	return changeTask(actor, taskId, (tx) => {
		tx.update(task).set({ archivedAt: now, updatedAt: now }).where(eq(task.id, taskId)).run();
		return ok(undefined);
	});
}

export async function commentOnTask(
	actor: Actor,
	taskId: string,
	body: string,
	now = new Date()
): Promise<Outcome> {
	return transaction((tx) => {
		if (!findTask(tx, actor, taskId)) return refuse('not-found');
		tx.insert(taskComment)
			.values({ id: newId(), taskId, userId: actor.userId, body, createdAt: now })
			.run();
		return ok(undefined);
	});
}

/** The next due day of a recurring task, counted from its due day or, without one, from today. */
export function nextDueOn(recurrence: Recurrence, from: string) {
	return recurrence === 'weekly'
		? addToDay(from, { days: 7 })
		: addToDay(from, { months: recurrence === 'monthly' ? 1 : 3 });
}

/**
 * Creates the next instance of a recurring task, once: `recurs_from` is unique, so a second
 * call (a second scheduler, a done after a due) changes nothing.
 */
export function recur(tx: Executor, current: Task, now: Date) {
	if (!current.recurrence) return;
	const id = newId();
	const inserted = tx
		.insert(task)
		.values({
			id,
			groupId: current.groupId,
			title: current.title,
			description: current.description,
			dueOn: nextDueOn(current.recurrence, current.dueOn ?? todayUtc(now)),
			areaId: current.areaId,
			createdBy: current.createdBy,
			createdAt: now,
			updatedAt: now,
			recurrence: current.recurrence,
			recursFrom: current.id
		})
		.onConflictDoNothing({ target: task.recursFrom })
		.returning({ id: task.id })
		.all();
	if (inserted.length === 0) return;
	const owners = ownersOf(tx, current.id);
	if (owners.length > 0)
		tx.insert(taskOwner)
			.values(owners.map((userId) => ({ taskId: id, userId })))
			.run();
}

/** Recurring tasks whose due day has passed get their next instance even if not done yet. */
export async function recurDueTasks(now = new Date()) {
	const due = db
		.select()
		.from(task)
		.where(
			and(
				sql`${task.recurrence} is not null`,
				isNull(task.archivedAt),
				sql`${task.dueOn} < ${todayUtc(now)}`,
				sql`not exists (select 1 from ${task} t2 where t2.recurs_from = ${task.id})`
			)
		)
		.all();
	for (const current of due) transaction((tx) => recur(tx, current, now));
	return due.length;
}

export interface BoardFilter {
	mine?: boolean;
	unowned?: boolean;
	overdue?: boolean;
	areaId?: string;
	ownerId?: string;
}

/** How many cards of each column to show; a column left out shows all of its cards. */
export type ColumnLimits = Partial<Record<TaskStatus, number>>;

const noLimit = Number.MAX_SAFE_INTEGER;

// The board's one query, for every filter and limit: a filter left out is a placeholder set to
// match everything, so the query is built and prepared once (building it cost more than running).
const rankedBoard = prepared(() => {
	const isOverdue = sql`(${task.status} <> 'done' and ${task.dueOn} is not null and ${task.dueOn} < ${sql.placeholder('today')})`;
	const owns = (who: string) =>
		sql`exists (select 1 from ${taskOwner} o where o.task_id = ${task.id} and o.user_id = ${sql.placeholder(who)})`;
	const ranked = db
		.select({
			id: task.id,
			title: task.title,
			status: task.status,
			dueOn: task.dueOn,
			areaId: task.areaId,
			areaName: sql<string | null>`${area.name}`.as('area_name'),
			recurrence: task.recurrence,
			reviewId: task.reviewId,
			updatedAt: task.updatedAt,
			overdue: sql<number>`${isOverdue}`.as('overdue'),
			place: sql<number>`row_number() over (partition by ${task.status} order by
				case when ${task.status} = 'done' then 0 else ${task.dueOn} is null end,
				case when ${task.status} = 'done' then null else ${task.dueOn} end,
				${task.updatedAt} desc)`.as('place'),
			inColumn: sql<number>`count(*) over (partition by ${task.status})`.as('in_column')
		})
		.from(task)
		.leftJoin(area, eq(area.id, task.areaId))
		.where(
			and(
				eq(task.groupId, sql.placeholder('groupId')),
				isNull(task.archivedAt),
				sql`(${sql.placeholder('mine')} = 0 or ${owns('viewerId')})`,
				sql`(${sql.placeholder('unowned')} = 0 or not exists (select 1 from ${taskOwner} o where o.task_id = ${task.id}))`,
				sql`(${sql.placeholder('overdue')} = 0 or ${isOverdue})`,
				sql`(${sql.placeholder('areaId')} is null or ${task.areaId} = ${sql.placeholder('areaId')})`,
				sql`(${sql.placeholder('ownerId')} is null or ${owns('ownerId')})`
			)
		)
		.as('ranked');
	return (
		db
			.select({
				id: ranked.id,
				title: ranked.title,
				status: ranked.status,
				dueOn: ranked.dueOn,
				areaId: ranked.areaId,
				areaName: ranked.areaName,
				recurrence: ranked.recurrence,
				reviewId: ranked.reviewId,
				updatedAt: ranked.updatedAt,
				overdue: ranked.overdue,
				inColumn: ranked.inColumn
			})
			.from(ranked)
			.where(
				sql`${ranked.place} <= case ${ranked.status} when 'todo' then ${sql.placeholder('todo')}
				when 'doing' then ${sql.placeholder('doing')} when 'blocked' then ${sql.placeholder('blocked')}
				else ${sql.placeholder('done')} end`
			)
			// each column in the order its place was ranked by, above
			.orderBy(ranked.status, sql`${ranked.place}`)
			.prepare()
	);
});

// The owners and comment counts of the cards shown, the ids given as one JSON array: one
// statement for any number of cards.
const ownersOfTasks = prepared(() =>
	db
		.select({ taskId: taskOwner.taskId, userId: user.id, name: user.displayName })
		.from(taskOwner)
		.innerJoin(user, eq(user.id, taskOwner.userId))
		.where(sql`${taskOwner.taskId} in (select value from json_each(${sql.placeholder('ids')}))`)
		.orderBy(asc(user.displayName))
		.prepare()
);
const commentCounts = prepared(() =>
	db
		.select({ taskId: taskComment.taskId, count: sql<number>`count(*)` })
		.from(taskComment)
		.where(sql`${taskComment.taskId} in (select value from json_each(${sql.placeholder('ids')}))`)
		.groupBy(taskComment.taskId)
		.prepare()
);

/**
 * The group's live tasks with their owners and area, filtered, and how many each column has.
 * Filtering, ordering and the per-column limits happen in SQL: a board of hundreds of tasks
 * reads only the cards it shows, and the owners of those. To do, doing and blocked are ordered
 * by due day (none last), then the latest changed; done by the latest finished.
 */
export async function boardTasks(
	groupId: string,
	viewerId: string,
	filter: BoardFilter = {},
	limits: ColumnLimits = {},
	now = new Date()
) {
	const rows = await rankedBoard().all({
		groupId,
		viewerId,
		today: todayUtc(now),
		mine: filter.mine ? 1 : 0,
		unowned: filter.unowned ? 1 : 0,
		overdue: filter.overdue ? 1 : 0,
		areaId: filter.areaId ?? null,
		ownerId: filter.ownerId ?? null,
		todo: limits.todo ?? noLimit,
		doing: limits.doing ?? noLimit,
		blocked: limits.blocked ?? noLimit,
		done: limits.done ?? noLimit
	});
	const ids = JSON.stringify(rows.map((row) => row.id));
	const [owners, counted] = rows.length
		? await Promise.all([ownersOfTasks().all({ ids }), commentCounts().all({ ids })])
		: [[], []];
	const ownersOfTask = new Map<string, { userId: string; name: string }[]>();
	for (const { taskId, userId, name } of owners) {
		const list = ownersOfTask.get(taskId);
		if (list) list.push({ userId, name });
		else ownersOfTask.set(taskId, [{ userId, name }]);
	}
	const commentsOnTask = new Map(counted.map(({ taskId, count }) => [taskId, count]));
	const totals = Object.fromEntries(rows.map((row) => [row.status, row.inColumn])) as Partial<
		Record<TaskStatus, number>
	>;
	const tasks = rows.map(({ overdue, ...row }) => ({
		...row,
		owners: ownersOfTask.get(row.id) ?? [],
		comments: commentsOnTask.get(row.id) ?? 0,
		overdue: overdue === 1
	}));
	return { tasks, totals };
}

export type BoardTask = Awaited<ReturnType<typeof boardTasks>>['tasks'][number];

// The people the board can be filtered by: members who own a live task, with how many (and the
// one already filtered by, so the filter still reads right once their tasks are done). Listing
// every member would bury the dozen who hold tasks among hundreds who hold none.
const ownersOnBoard = prepared(() => {
	const held = db
		.select({ userId: taskOwner.userId, tasks: sql<number>`count(*)`.as('tasks') })
		.from(task)
		.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.where(and(eq(task.groupId, sql.placeholder('groupId')), isNull(task.archivedAt)))
		.groupBy(taskOwner.userId)
		.as('held');
	return db
		.select({
			userId: user.id,
			displayName: user.displayName,
			tasks: sql<number>`coalesce(${held.tasks}, 0)`
		})
		.from(membership)
		.innerJoin(user, eq(user.id, membership.userId))
		.leftJoin(held, eq(held.userId, membership.userId))
		.where(
			and(
				eq(membership.groupId, sql.placeholder('groupId')),
				sql`(${held.tasks} is not null or ${membership.userId} = ${sql.placeholder('ownerId')})`
			)
		)
		.orderBy(asc(user.displayName))
		.prepare();
});

export function boardOwners(groupId: string, filteredOwnerId: string | null = null) {
	return ownersOnBoard().all({ groupId, ownerId: filteredOwnerId });
}

/** One task with everything its page shows: owners, the chain of who asked whom, comments. */
export async function taskDetail(groupId: string, taskId: string) {
	const [row] = db
		.select({
			task,
			areaName: area.name,
			reviewTitle: sql<
				string | null
			>`(select title from ${review} r where r.id = ${task.reviewId})`,
			dimensionTitle: sql<
				string | null
			>`(select title from ${question} q where q.review_id = ${task.reviewId} and q.key = ${task.dimensionKey})`
		})
		.from(task)
		.leftJoin(area, eq(area.id, task.areaId))
		.where(and(eq(task.id, taskId), eq(task.groupId, groupId), isNull(task.archivedAt)))
		.all();
	if (!row) return undefined;
	const names = sql<string>`(select display_name from ${user} u where u.id = ${delegation.fromUserId})`;
	const [owners, chain, comments] = await Promise.all([
		db
			.select({ userId: user.id, name: user.displayName })
			.from(taskOwner)
			.innerJoin(user, eq(user.id, taskOwner.userId))
			.where(eq(taskOwner.taskId, taskId))
			.orderBy(asc(user.displayName)),
		db
			.select({
				fromName: names,
				toName: sql<string>`(select display_name from ${user} u where u.id = ${delegation.toUserId})`,
				note: delegation.note,
				depth: delegation.depth,
				createdAt: delegation.createdAt
			})
			.from(delegation)
			.where(eq(delegation.taskId, taskId))
			.orderBy(asc(delegation.createdAt), asc(delegation.depth)),
		db
			.select({
				id: taskComment.id,
				body: taskComment.body,
				createdAt: taskComment.createdAt,
				name: user.displayName
			})
			.from(taskComment)
			.leftJoin(user, eq(user.id, taskComment.userId))
			.where(eq(taskComment.taskId, taskId))
			.orderBy(asc(taskComment.createdAt))
	]);
	const overdue =
		row.task.status !== 'done' && row.task.dueOn !== null && row.task.dueOn < todayUtc();
	return {
		...row.task,
		areaName: row.areaName,
		reviewTitle: row.reviewTitle,
		dimensionTitle: row.dimensionTitle,
		overdue,
		owners,
		chain,
		comments
	};
}

/** A person's live tasks across all their groups, soonest due first. */
export async function tasksOf(userId: string, now = new Date()) {
	const rows = db
		.select({
			id: task.id,
			title: task.title,
			status: task.status,
			dueOn: task.dueOn,
			groupSlug: group.slug,
			groupName: group.name
		})
		.from(taskOwner)
		.innerJoin(task, eq(task.id, taskOwner.taskId))
		.innerJoin(group, eq(group.id, task.groupId))
		.where(and(eq(taskOwner.userId, userId), isNull(task.archivedAt)))
		.orderBy(sql`${task.status} = 'done'`, sql`${task.dueOn} is null`, asc(task.dueOn))
		.all();
	const today = todayUtc(now);
	return rows.map((r) => ({
		...r,
		overdue: r.status !== 'done' && r.dueOn !== null && r.dueOn < today
	}));
}

/** The first day of the calendar quarter (UTC) that `now` is in. */
export function quarterStart(now = new Date()) {
	return new Date(Date.UTC(now.getUTCFullYear(), Math.floor(now.getUTCMonth() / 3) * 3, 1));
}

/**
 * The widening circles, this quarter: how many people completed tasks, how many of them were
 * asked by someone other than a facilitator (members getting members to do things), and the
 * deepest chain of who asked whom on any task handed on this quarter.
 */
export async function delegationStats(groupId: string, now = new Date()) {
	const since = quarterStart(now);
	const completions = db
		.select({ taskId: task.id, userId: taskOwner.userId })
		.from(task)
		.innerJoin(taskOwner, eq(taskOwner.taskId, task.id))
		.where(
			and(
				eq(task.groupId, groupId),
				eq(task.status, 'done'),
				sql`${task.completedAt} >= ${since.getTime()}`
			)
		)
		.all();
	const completers = new Set(completions.map((c) => c.userId));
	// who asked each completer to take the task they finished (the latest ask that reached them)
	const asks = completions.length
		? db
				.select({
					taskId: delegation.taskId,
					toUserId: delegation.toUserId,
					askerRole: membership.role,
					createdAt: delegation.createdAt
				})
				.from(delegation)
				.leftJoin(
					membership,
					and(eq(membership.userId, delegation.fromUserId), eq(membership.groupId, groupId))
				)
				.where(inArray(delegation.taskId, [...new Set(completions.map((c) => c.taskId))]))
				.orderBy(asc(delegation.createdAt))
				.all()
		: [];
	const askedByMember = new Set<string>();
	for (const c of completions) {
		const ask = asks.filter((a) => a.taskId === c.taskId && a.toUserId === c.userId).at(-1);
		if (ask && ask.askerRole === 'member') askedByMember.add(c.userId);
	}
	const [deepest] = db
		.select({ depth: sql<number | null>`max(${delegation.depth})` })
		.from(delegation)
		.innerJoin(task, eq(task.id, delegation.taskId))
		.where(and(eq(task.groupId, groupId), sql`${delegation.createdAt} >= ${since.getTime()}`))
		.all();
	return {
		since,
		completers: completers.size,
		askedByMembers: askedByMember.size,
		deepestChain: deepest?.depth ?? 0
	};
}
