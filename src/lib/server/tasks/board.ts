// The board: columns of cards, filtered and capped in SQL, and who can be filtered by.
import {
	and,
	asc,
	desc,
	eq,
	exists,
	isNull,
	not,
	or,
	sql,
	type SQL,
	type SQLWrapper
} from 'drizzle-orm';
import type { Placeholder } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { db, prepared } from '$lib/server/db';
import { membership, user } from '$lib/server/db/schema';
import {
	area,
	task,
	taskComment,
	taskOwner,
	taskStatuses,
	type Recurrence,
	type TaskStatus
} from '$lib/server/db/work-schema';
import { todayUtc } from '$lib/days';

import { overdueInSql } from './rules';

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

// The board's filters, as one condition whose placeholders are set to match everything when a
// filter is left out: each query is then built and prepared once (building cost more than running).
/** Another row of task_owner, for the filters' subqueries. */
const owner = alias(taskOwner, 'owner');

function boardFilter() {
	const ownedBy = (who: SQL | Placeholder) =>
		exists(
			db
				.select({ taskId: owner.taskId })
				.from(owner)
				.where(and(eq(owner.taskId, task.id), eq(owner.userId, who)))
		);
	const owned = exists(
		db.select({ taskId: owner.taskId }).from(owner).where(eq(owner.taskId, task.id))
	);
	return and(
		eq(task.groupId, sql.placeholder('groupId')),
		isNull(task.archivedAt),
		or(eq(sql.placeholder('mine'), 0), ownedBy(sql.placeholder('viewerId'))),
		or(eq(sql.placeholder('unowned'), 0), not(owned)),
		or(eq(sql.placeholder('overdue'), 0), overdueInSql(sql.placeholder('today'))),
		or(isNull(sql.placeholder('areaId')), eq(task.areaId, sql.placeholder('areaId'))),
		or(isNull(sql.placeholder('ownerId')), ownedBy(sql.placeholder('ownerId')))
	);
}

/** What a card on the board shows. */
export interface BoardCard {
	id: string;
	title: string;
	status: TaskStatus;
	dueOn: string | null;
	areaName: string | null;
	recurrence: Recurrence | null;
	/** made from a review's finding */
	followUp: boolean;
	comments: number;
	/** its owners' names, in alphabetical order, joined by commas */
	ownerNames: string;
	/** the viewer is one of its owners */
	mine: boolean;
	overdue: boolean;
}

const jsonBoolean = (condition: SQL) => sql`json(iif(${condition}, 'true', 'false'))`;

// One query per column, each ordered and cut off on the task index on (group, status): SQLite
// keeps only the first cards of each column instead of ranking every task of the group. Each
// column comes back as one JSON array, owners and comment counts included: the driver hands
// every row to JavaScript on its own, and one row per column costs a third of a row per card
// plus the owners' rows (measured on the bench's board of 500 tasks).
const columnQueries = prepared(
	() =>
		new Map(
			taskStatuses.map((status) => {
				const order = (t: { dueOn: SQLWrapper; updatedAt: SQLWrapper }) =>
					status === 'done'
						? [desc(t.updatedAt)]
						: [sql`${t.dueOn} is null`, asc(t.dueOn), desc(t.updatedAt)];
				const shown = db
					.select({
						id: task.id,
						title: task.title,
						status: task.status,
						dueOn: task.dueOn,
						areaName: area.name,
						recurrence: task.recurrence,
						reviewId: task.reviewId,
						updatedAt: task.updatedAt
					})
					.from(task)
					.leftJoin(area, eq(area.id, task.areaId))
					.where(and(eq(task.status, status), boardFilter()))
					.orderBy(...order(task))
					.limit(sql.placeholder('limit'))
					.as('shown');
				const ownerNames = db
					.select({
						names: sql`coalesce(group_concat(${user.displayName}, ', ' order by ${user.displayName}), '')`
					})
					.from(taskOwner)
					.innerJoin(user, eq(user.id, taskOwner.userId))
					.where(eq(taskOwner.taskId, shown.id));
				const mine = exists(
					db
						.select({ taskId: taskOwner.taskId })
						.from(taskOwner)
						.where(
							and(eq(taskOwner.taskId, shown.id), eq(taskOwner.userId, sql.placeholder('viewerId')))
						)
				);
				const comments = db
					.select({ count: sql`count(*)` })
					.from(taskComment)
					.where(eq(taskComment.taskId, shown.id));
				const card = sql.join(
					[
						sql`'id', ${shown.id}, 'title', ${shown.title}, 'status', ${shown.status}`,
						sql`'dueOn', ${shown.dueOn}, 'areaName', ${shown.areaName}, 'recurrence', ${shown.recurrence}`,
						sql`'followUp', ${jsonBoolean(sql`${shown.reviewId} is not null`)}`,
						sql`'comments', ${comments}, 'ownerNames', ${ownerNames}`,
						sql`'mine', ${jsonBoolean(mine)}, 'overdue', ${jsonBoolean(overdueInSql(sql.placeholder('today'), shown))}`
					],
					sql`, `
				);
				const query = db
					.select({
						cards: sql<string>`json_group_array(json_object(${card}) order by ${sql.join(order(shown), sql`, `)})`
					})
					.from(shown)
					.prepare();
				return [status, query] as const;
			})
		)
);

const columnTotals = prepared(() =>
	db
		.select({ status: task.status, total: sql<number>`count(*)` })
		.from(task)
		.where(boardFilter())
		.groupBy(task.status)
		.prepare()
);
// The same without filters, the board as most people open it: counted off the column index
// alone, without reading each task (the filters' columns are not in the index).
const unfilteredTotals = prepared(() =>
	db
		.select({ status: task.status, total: sql<number>`count(*)` })
		.from(task)
		.where(and(eq(task.groupId, sql.placeholder('groupId')), isNull(task.archivedAt)))
		.groupBy(task.status)
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
	const today = todayUtc(now);
	const filterValues = {
		groupId,
		viewerId,
		today,
		mine: filter.mine ? 1 : 0,
		unowned: filter.unowned ? 1 : 0,
		overdue: filter.overdue ? 1 : 0,
		areaId: filter.areaId ?? null,
		ownerId: filter.ownerId ?? null
	};
	const queries = columnQueries();
	const tasks = taskStatuses.flatMap(
		(status) =>
			JSON.parse(
				queries.get(status)!.get({ ...filterValues, limit: limits[status] ?? noLimit })!.cards
			) as BoardCard[]
	);
	const filtered = Object.values(filter).some(Boolean);
	const totals = Object.fromEntries(
		(filtered ? columnTotals().all(filterValues) : unfilteredTotals().all({ groupId })).map(
			(row) => [row.status, row.total]
		)
	) as Partial<Record<TaskStatus, number>>;
	return { tasks, totals };
}

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

const anyTask = prepared(() =>
	db
		.select({ id: task.id })
		.from(task)
		.where(eq(task.groupId, sql.placeholder('groupId')))
		.limit(1)
		.prepare()
);

/** Whether the group has put anything on its board yet (its overview's first steps ask it to). */
export function hasTasks(groupId: string) {
	return anyTask().all({ groupId }).length > 0;
}
