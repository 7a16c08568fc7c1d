import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { areaOwner, reminder, task, taskOwner } from '$lib/server/db/work-schema';
import {
	addArea,
	areasOf,
	defaultAreas,
	holdArea,
	releaseArea,
	removeArea,
	renameArea
} from '$lib/server/tasks/areas';
import { removeMember } from '$lib/server/groups/memberships';
import { produceTaskReminders } from '$lib/server/reminders/producers';
import {
	archiveTask,
	assignTask,
	commentOnTask,
	createTask,
	delegateTask,
	moveTask,
	takeTask,
	updateTask
} from '$lib/server/tasks/commands';
import { boardOwners, boardTasks } from '$lib/server/tasks/board';
import { delegationStats } from '$lib/server/tasks/delegation-stats';
import { nextDueOn, recurDueTasks } from '$lib/server/tasks/recurrence';
import { taskDetail } from '$lib/server/tasks/detail';
import { tasksOf } from '$lib/server/tasks/mine';
import { type Actor, type TaskInput } from '$lib/server/tasks/rules';
import { addMember, makeGroup, makeGroupWithMembers, makeUser } from '../support/factories';
import { outcome } from '../support/outcome';

const at = (iso: string) => new Date(iso);
const now = at('2026-03-10T12:00:00Z');

function input(overrides: Partial<TaskInput> = {}): TaskInput {
	return {
		title: `Task ${crypto.randomUUID().slice(0, 6)}`,
		description: '',
		dueOn: null,
		areaId: null,
		recurrence: null,
		...overrides
	};
}

/** A group with an owner, a facilitator and three members, and an Actor for each. */
async function board() {
	const { group, owner, members } = await makeGroupWithMembers(4);
	const facilitatorUser = await makeUser();
	await addMember(group.id, facilitatorUser.id, 'facilitator');
	const actor = (userId: string, role: Actor['role'] = 'member'): Actor => ({
		userId,
		groupId: group.id,
		role
	});
	return {
		group,
		users: { owner, facilitator: facilitatorUser, a: members[1], b: members[2], c: members[3] },
		owner: actor(owner.id, 'owner'),
		facilitator: actor(facilitatorUser.id, 'facilitator'),
		a: actor(members[1].id),
		b: actor(members[2].id),
		c: actor(members[3].id)
	};
}

async function newTask(
	actor: Actor,
	ownerIds: string[] = [],
	overrides: Partial<TaskInput> = {},
	when = now
) {
	const created = await createTask(actor, { ...input(overrides), ownerIds }, null, when);
	if (!created.ok) throw new Error(`createTask refused: ${created.refusal}`);
	return created.value;
}

const ownerIdsOf = async (groupId: string, taskId: string) =>
	(await taskDetail(groupId, taskId))!.owners.map((o) => o.userId).sort();

const instancesFrom = (taskId: string) => db.select().from(task).where(eq(task.recursFrom, taskId));

describe('creating tasks', () => {
	it('lets a member create an unowned task or one for themselves, but not assign someone else', async () => {
		const { a, b, group } = await board();
		const unowned = await newTask(a);
		expect(await ownerIdsOf(group.id, unowned)).toEqual([]);
		const own = await newTask(a, [a.userId]);
		expect(await ownerIdsOf(group.id, own)).toEqual([a.userId]);
		expect(await createTask(a, { ...input(), ownerIds: [b.userId] }, null, now)).toEqual({
			ok: false,
			refusal: 'not-allowed'
		});
		expect(await createTask(a, { ...input(), ownerIds: [a.userId, b.userId] }, null, now)).toEqual({
			ok: false,
			refusal: 'not-allowed'
		});
	});

	it('lets a facilitator create a task for another member, as a delegation of depth 1', async () => {
		const { facilitator, a, users, group } = await board();
		const id = await newTask(facilitator, [a.userId]);
		const detail = await taskDetail(group.id, id);
		expect(detail!.owners.map((o) => o.userId)).toEqual([a.userId]);
		expect(detail!.chain).toMatchObject([
			{ fromName: users.facilitator.displayName, toName: users.a.displayName, depth: 1 }
		]);
	});

	it('refuses owners who are not members and areas of another group', async () => {
		const { facilitator, group } = await board();
		const stranger = await makeUser();
		expect(
			await createTask(facilitator, { ...input(), ownerIds: [stranger.id] }, null, now)
		).toEqual({ ok: false, refusal: 'not-a-member' });
		const otherGroup = await makeGroup(stranger.id);
		const [foreignArea] = await areasOf(otherGroup.id);
		expect(
			await createTask(
				facilitator,
				{ ...input({ areaId: foreignArea.id }), ownerIds: [] },
				null,
				now
			)
		).toEqual({ ok: false, refusal: 'no-area' });
		expect((await boardTasks(group.id, facilitator.userId, {}, {}, now)).tasks).toEqual([]);
	});
});

describe('taking tasks', () => {
	it('lets a member take an unowned task', async () => {
		const { facilitator, a, group } = await board();
		const id = await newTask(facilitator);
		expect(await takeTask(a, id)).toEqual({ ok: true, value: undefined });
		expect(await ownerIdsOf(group.id, id)).toEqual([a.userId]);
	});

	it('gives a task taken by two members at once exactly one owner', async () => {
		const { facilitator, a, b, group } = await board();
		const id = await newTask(facilitator);
		const results = await Promise.all([takeTask(a, id), takeTask(b, id)]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, refusal: 'already-owned' }]);
		const owners = await ownerIdsOf(group.id, id);
		expect(owners).toHaveLength(1);
		expect([a.userId, b.userId]).toContain(owners[0]);
	});
});

describe('who may change a task', () => {
	it('refuses a member who does not own the task: move, edit, archive, assign', async () => {
		const { a, b } = await board();
		const id = await newTask(a, [a.userId]);
		const refused = { ok: false, refusal: 'not-allowed' };
		expect(await moveTask(b, id, 'doing', now)).toEqual(refused);
		expect(await updateTask(b, id, input({ title: 'Hijacked' }), now)).toEqual(refused);
		expect(await archiveTask(b, id, now)).toEqual(refused);
		expect(await assignTask(b, id, b.userId, now)).toEqual(refused);
		const [row] = await db.select().from(task).where(eq(task.id, id));
		expect(row).toMatchObject({ status: 'todo', archivedAt: null });
		expect(row.title).not.toBe('Hijacked');
	});

	it('refuses a member on an unowned task they have not taken', async () => {
		const { a, b } = await board();
		const id = await newTask(a);
		expect(await moveTask(b, id, 'doing', now)).toEqual({ ok: false, refusal: 'not-allowed' });
	});

	it('lets the owner move, edit and archive their task', async () => {
		const { a, group } = await board();
		const id = await newTask(a, [a.userId]);
		expect((await moveTask(a, id, 'doing', now)).ok).toBe(true);
		expect((await updateTask(a, id, input({ title: 'Book the hall' }), now)).ok).toBe(true);
		expect(await taskDetail(group.id, id)).toMatchObject({
			status: 'doing',
			title: 'Book the hall'
		});
		expect((await archiveTask(a, id, now)).ok).toBe(true);
	});

	it('lets a facilitator move, edit, assign and archive any task', async () => {
		const { facilitator, a, b, group } = await board();
		const id = await newTask(a, [a.userId]);
		expect((await moveTask(facilitator, id, 'blocked', now)).ok).toBe(true);
		expect((await updateTask(facilitator, id, input({ title: 'Renamed' }), now)).ok).toBe(true);
		expect((await assignTask(facilitator, id, b.userId, now)).ok).toBe(true);
		expect(await taskDetail(group.id, id)).toMatchObject({ status: 'blocked', title: 'Renamed' });
		expect(await ownerIdsOf(group.id, id)).toEqual([a.userId, b.userId].sort());
		expect((await archiveTask(facilitator, id, now)).ok).toBe(true);
		expect(await taskDetail(group.id, id)).toBeUndefined();
	});

	it('treats an archived task as gone: off the board and refused for further changes', async () => {
		const { a, group } = await board();
		const kept = await newTask(a, [a.userId]);
		const archived = await newTask(a, [a.userId]);
		expect((await archiveTask(a, archived, now)).ok).toBe(true);
		const ids = (await boardTasks(group.id, a.userId, {}, {}, now)).tasks.map((t) => t.id);
		expect(ids).toEqual([kept]);
		expect(await moveTask(a, archived, 'done', now)).toEqual({ ok: false, refusal: 'not-found' });
	});
});

describe('moving between columns', () => {
	it('stamps completedAt when a task is done and clears it when it is moved back', async () => {
		const { a, group } = await board();
		const id = await newTask(a, [a.userId]);
		const doneAt = at('2026-03-11T09:30:00Z');
		expect((await moveTask(a, id, 'done', doneAt)).ok).toBe(true);
		expect((await taskDetail(group.id, id))!.completedAt).toEqual(doneAt);
		expect((await moveTask(a, id, 'doing', at('2026-03-12T09:30:00Z'))).ok).toBe(true);
		expect((await taskDetail(group.id, id))!.completedAt).toBeNull();
	});
});

describe('assigning and delegating', () => {
	it('records an assignment as a delegation of depth 1 and reminds the assignee', async () => {
		const { facilitator, a, users, group } = await board();
		const id = await newTask(facilitator);
		expect((await assignTask(facilitator, id, a.userId, now)).ok).toBe(true);
		expect((await taskDetail(group.id, id))!.chain).toMatchObject([
			{ fromName: users.facilitator.displayName, toName: users.a.displayName, depth: 1 }
		]);
		const reminders = await db
			.select()
			.from(reminder)
			.where(and(eq(reminder.userId, a.userId), eq(reminder.kind, 'task_assigned')));
		expect(reminders).toHaveLength(1);
		expect(reminders[0].link).toBe(`/g/${group.slug}/board/${id}`);
	});

	it("counts a quarter's widening circles: who finished, whom a member asked, the longest chain", async () => {
		const { facilitator, a, b, c, group } = await board();
		// the facilitator gives a task to a, who hands it on to b, who finishes it
		const handedOn = await newTask(facilitator, [a.userId]);
		expect((await delegateTask(a, handedOn, b.userId, null, now)).ok).toBe(true);
		expect((await moveTask(b, handedOn, 'done', now)).ok).toBe(true);
		// c finishes a task a facilitator asked them to do: asked, but not by a member
		const given = await newTask(facilitator, [c.userId]);
		expect((await moveTask(c, given, 'done', now)).ok).toBe(true);
		// finished last quarter: not counted in this one
		const earlier = at('2025-12-20T12:00:00Z');
		const old = await newTask(a, [a.userId], {}, earlier);
		expect((await moveTask(a, old, 'done', earlier)).ok).toBe(true);
		expect(await delegationStats(group.id, now)).toMatchObject({
			completers: 2,
			askedByMembers: 1,
			deepestChain: 2
		});
		expect(await delegationStats(group.id, at('2026-04-02T12:00:00Z'))).toMatchObject({
			completers: 0,
			askedByMembers: 0,
			deepestChain: 0
		});
	});

	it('refuses to assign someone who already owns the task', async () => {
		const { facilitator, a } = await board();
		const id = await newTask(facilitator, [a.userId]);
		expect(await assignTask(facilitator, id, a.userId, now)).toEqual({
			ok: false,
			refusal: 'already-owner'
		});
	});

	it('hands a task on: the delegate replaces the asker, and the chain grows one link each time', async () => {
		const { facilitator, a, b, c, users, group } = await board();
		const id = await newTask(facilitator);
		expect((await assignTask(facilitator, id, a.userId, at('2026-03-10T10:00:00Z'))).ok).toBe(true);

		const toB = await delegateTask(a, id, b.userId, 'I am away', at('2026-03-10T11:00:00Z'));
		expect(toB.ok).toBe(true);
		expect(await ownerIdsOf(group.id, id)).toEqual([b.userId]);

		const toC = await delegateTask(b, id, c.userId, null, at('2026-03-10T12:00:00Z'));
		expect(toC.ok).toBe(true);
		expect(await ownerIdsOf(group.id, id)).toEqual([c.userId]);

		const { chain } = (await taskDetail(group.id, id))!;
		expect(chain).toMatchObject([
			{ fromName: users.facilitator.displayName, toName: users.a.displayName, depth: 1 },
			{ fromName: users.a.displayName, toName: users.b.displayName, depth: 2, note: 'I am away' },
			{ fromName: users.b.displayName, toName: users.c.displayName, depth: 3, note: null }
		]);
	});

	it('starts the chain at depth 1 when the first owner took the task themselves', async () => {
		const { a, b, group } = await board();
		const id = await newTask(a, [a.userId]);
		expect((await delegateTask(a, id, b.userId, null, now)).ok).toBe(true);
		expect((await taskDetail(group.id, id))!.chain.map((l) => l.depth)).toEqual([1]);
	});

	it('refuses to hand a task to a non-member, or on behalf of someone who does not own it', async () => {
		const { facilitator, a, b, group } = await board();
		const stranger = await makeUser();
		const id = await newTask(a, [a.userId]);
		expect(await delegateTask(a, id, stranger.id, null, now)).toEqual({
			ok: false,
			refusal: 'not-a-member'
		});
		expect(await delegateTask(b, id, b.userId, null, now)).toEqual({
			ok: false,
			refusal: 'not-owner'
		});
		// facilitators assign; only an owner hands a task on
		expect(await delegateTask(facilitator, id, b.userId, null, now)).toEqual({
			ok: false,
			refusal: 'not-owner'
		});
		expect(await ownerIdsOf(group.id, id)).toEqual([a.userId]);
		expect((await taskDetail(group.id, id))!.chain).toEqual([]);
	});
});

describe('the board', () => {
	it('filters by mine, unowned, overdue (against the given now), area and owner', async () => {
		const { facilitator, a, b, group } = await board();
		const [outreach, finances] = await areasOf(group.id).then((areas) => [
			areas.find((x) => x.name === 'Outreach')!,
			areas.find((x) => x.name === 'Finances')!
		]);
		const mineLate = await newTask(a, [a.userId], { dueOn: '2026-03-01', areaId: outreach.id });
		const mineDueToday = await newTask(a, [a.userId], { dueOn: '2026-03-10' });
		const mineDoneLate = await newTask(a, [a.userId], { dueOn: '2026-02-01' });
		await moveTask(a, mineDoneLate, 'done', now);
		const unowned = await newTask(facilitator, [], { areaId: finances.id });
		const theirs = await newTask(b, [b.userId], { dueOn: '2026-03-09', areaId: outreach.id });

		const ids = async (filter: Parameters<typeof boardTasks>[2], when = now) =>
			(await boardTasks(group.id, a.userId, filter, {}, when)).tasks.map((t) => t.id).sort();

		expect(await ids({})).toEqual([mineLate, mineDueToday, mineDoneLate, unowned, theirs].sort());
		expect(await ids({ mine: true })).toEqual([mineLate, mineDueToday, mineDoneLate].sort());
		expect(await ids({ unowned: true })).toEqual([unowned]);
		expect(await ids({ overdue: true })).toEqual([mineLate, theirs].sort());
		// a day later, the task due today is overdue too
		expect(await ids({ overdue: true }, at('2026-03-11T00:00:00Z'))).toEqual(
			[mineLate, mineDueToday, theirs].sort()
		);
		// before any due day, nothing is overdue
		expect(await ids({ overdue: true }, at('2026-01-01T00:00:00Z'))).toEqual([]);
		expect(await ids({ areaId: outreach.id })).toEqual([mineLate, theirs].sort());
		expect(await ids({ ownerId: b.userId })).toEqual([theirs]);
		expect(await ids({ mine: true, overdue: true })).toEqual([mineLate]);
	});

	it('shows the first cards of each column in order and counts the rest', async () => {
		const { a, c, facilitator, group, users } = await board();
		const undated = await newTask(a, [a.userId]);
		const later = await newTask(facilitator, [c.userId, a.userId], { dueOn: '2026-04-01' });
		const sooner = await newTask(a, [a.userId], { dueOn: '2026-03-20' });
		const soonest = await newTask(a, [], { dueOn: '2026-03-01' });
		const finished = [];
		for (const [i, dueOn] of ['2026-01-01', '2026-05-01', '2026-02-01'].entries()) {
			const id = await newTask(a, [a.userId], { dueOn });
			await moveTask(a, id, 'done', at(`2026-03-0${i + 1}T12:00:00Z`));
			finished.push(id);
		}
		const { tasks, totals } = await boardTasks(group.id, a.userId, {}, { todo: 2, done: 2 }, now);
		const shown = (status: string) => tasks.filter((t) => t.status === status).map((t) => t.id);
		expect(shown('todo')).toEqual([soonest, sooner]);
		expect(shown('done')).toEqual([finished[2], finished[1]]);
		expect(totals).toEqual({ todo: 4, done: 3 });
		expect((await commentOnTask(a, sooner, 'On it', now)).ok).toBe(true);
		const shownSooner = (await boardTasks(group.id, a.userId, {}, { todo: 2 }, now)).tasks.find(
			(t) => t.id === sooner
		);
		expect(shownSooner).toMatchObject({ comments: 1, overdue: false });
		expect(tasks.find((t) => t.id === soonest)).toMatchObject({ comments: 0, overdue: true });
		expect(tasks.find((t) => t.id === soonest)).toMatchObject({ ownerNames: '', mine: false });
		expect(tasks.find((t) => t.id === sooner)).toMatchObject({
			ownerNames: users.a.displayName,
			mine: true,
			followUp: false,
			recurrence: null
		});
		// without limits, every card, undated last; owners' names in alphabetical order
		const all = await boardTasks(group.id, a.userId, {}, {}, now);
		expect(all.tasks.find((t) => t.id === later)).toMatchObject({
			ownerNames: [users.a.displayName, users.c.displayName].sort().join(', '),
			mine: true,
			overdue: false
		});
		const seenByC = await boardTasks(group.id, c.userId, {}, {}, now);
		expect(seenByC.tasks.find((t) => t.id === sooner)?.mine).toBe(false);
		expect(seenByC.tasks.find((t) => t.id === later)?.mine).toBe(true);
		expect(all.tasks.filter((t) => t.status === 'todo').map((t) => t.id)).toEqual([
			soonest,
			sooner,
			later,
			undated
		]);
	});

	it('offers as owners to filter by only the members holding live tasks, with their counts', async () => {
		const { a, b, c, facilitator, group, users } = await board();
		await newTask(a, [a.userId]);
		await newTask(facilitator, [a.userId, b.userId]);
		const done = await newTask(c, [c.userId]);
		await moveTask(c, done, 'done', now);
		const archived = await newTask(facilitator, [facilitator.userId]);
		expect((await archiveTask(facilitator, archived)).ok).toBe(true);
		const owners = (await boardOwners(group.id)).map((o) => [o.userId, o.tasks]);
		// a done task is still on the board; an archived one is not; the owner holds none
		expect(owners.sort()).toEqual(
			[
				[a.userId, 2],
				[b.userId, 1],
				[c.userId, 1]
			].sort()
		);
		// the person filtered by stays in the list once they hold nothing, so the filter reads right
		const filtered = await boardOwners(group.id, users.facilitator.id);
		expect(filtered.find((o) => o.userId === facilitator.userId)).toMatchObject({ tasks: 0 });
		// and someone who is not a member is not listed whatever the address says
		expect(await boardOwners(group.id, 'not-a-member')).toHaveLength(3);
	});

	it('starts every group made by createGroup with the five default areas', async () => {
		const owner = await makeUser();
		const { id } = await makeGroup(owner.id);
		const areas = await areasOf(id);
		expect(areas.map((x) => x.name).sort()).toEqual([...defaultAreas].sort());
		expect(areas.every((x) => x.unowned)).toBe(true);
	});

	it('refuses an area name the group has already, in any case, and says what went wrong', async () => {
		const owner = await makeUser();
		const other = await makeUser();
		const { id } = await makeGroup(owner.id);
		expect(outcome(await addArea(id, 'Legal support'))).toBe('done');
		expect(outcome(await addArea(id, 'LEGAL SUPPORT'))).toBe('name-taken');
		const areas = await areasOf(id);
		const legal = areas.find((x) => x.name === 'Legal support')!;
		const outreach = areas.find((x) => x.name === 'Outreach')!;
		expect(outcome(await renameArea(id, outreach.id, 'legal Support'))).toBe('name-taken');
		// renaming to its own name in another case is not a clash with itself
		expect(outcome(await renameArea(id, legal.id, 'Legal Support'))).toBe('done');
		expect(outcome(await renameArea(id, 'no-such-area', 'Newsletter'))).toBe('not-found');
		expect(outcome(await holdArea(id, legal.id, owner.id))).toBe('done');
		expect(outcome(await holdArea(id, legal.id, owner.id))).toBe('already-held');
		// someone outside the group cannot be named to its area
		expect(outcome(await holdArea(id, legal.id, other.id))).toBe('not-found');
		expect(outcome(await releaseArea(id, legal.id, owner.id))).toBe('done');
		expect(outcome(await releaseArea(id, legal.id, owner.id))).toBe('not-found');
		expect(outcome(await removeArea(id, legal.id))).toBe('done');
		expect(outcome(await removeArea(id, legal.id))).toBe('not-found');
	});
});

describe('recurring tasks', () => {
	it('a weekly task done creates exactly one next instance, a week later, with the same owners', async () => {
		const { facilitator, a, b } = await board();
		const id = await newTask(facilitator, [a.userId, b.userId], {
			dueOn: '2026-01-05',
			recurrence: 'weekly'
		});
		const doneAt = at('2026-01-05T18:00:00Z');
		expect((await moveTask(a, id, 'done', doneAt)).ok).toBe(true);

		const [next] = await instancesFrom(id);
		expect(next).toMatchObject({ dueOn: '2026-01-12', status: 'todo', recurrence: 'weekly' });
		const nextOwners = await db
			.select({ userId: taskOwner.userId })
			.from(taskOwner)
			.where(eq(taskOwner.taskId, next.id));
		expect(nextOwners.map((o) => o.userId).sort()).toEqual([a.userId, b.userId].sort());

		// done again, and the scheduler looking after the due day: still one next instance
		expect((await moveTask(a, id, 'doing', doneAt)).ok).toBe(true);
		expect((await moveTask(a, id, 'done', doneAt)).ok).toBe(true);
		await recurDueTasks(at('2026-01-07T00:00:00Z'));
		expect(await instancesFrom(id)).toHaveLength(1);
	});

	it('a monthly task due on 31 January comes back on 28 February', async () => {
		const { a } = await board();
		const id = await newTask(a, [a.userId], { dueOn: '2026-01-31', recurrence: 'monthly' });
		expect((await moveTask(a, id, 'done', at('2026-01-30T10:00:00Z'))).ok).toBe(true);
		expect((await instancesFrom(id)).map((t) => t.dueOn)).toEqual(['2026-02-28']);
	});

	it('computes the next due day by week, month and quarter', () => {
		expect(nextDueOn('weekly', '2026-12-29')).toBe('2027-01-05');
		expect(nextDueOn('monthly', '2028-01-31')).toBe('2028-02-29');
		expect(nextDueOn('quarterly', '2026-11-30')).toBe('2027-02-28');
	});

	it('gives an overdue recurring task that is not done its next instance, once', async () => {
		const { a } = await board();
		const id = await newTask(a, [a.userId], { dueOn: '2026-02-02', recurrence: 'weekly' });
		const later = at('2026-02-04T06:00:00Z');

		await recurDueTasks(at('2026-02-02T23:00:00Z'));
		expect(await instancesFrom(id)).toEqual([]); // due today is not overdue yet

		await recurDueTasks(later);
		await recurDueTasks(later);
		const instances = await instancesFrom(id);
		expect(instances.map((t) => t.dueOn)).toEqual(['2026-02-09']);
		const [original] = await db.select().from(task).where(eq(task.id, id));
		expect(original.status).toBe('todo');

		// finishing the late original afterwards adds no second instance
		expect((await moveTask(a, id, 'done', later)).ok).toBe(true);
		expect(await instancesFrom(id)).toHaveLength(1);
	});
});

describe('leaving a group', () => {
	it("lets go of the group's tasks and areas: no reminders, nothing on their list", async () => {
		const { facilitator, a, b, c, users, group } = await board();
		const dueOn = '2026-04-20';
		const own = await newTask(a, [a.userId], { dueOn });
		const shared = await newTask(facilitator, [a.userId, b.userId], { dueOn });
		const handedOn = await newTask(c, [c.userId], { dueOn });
		expect((await delegateTask(c, handedOn, a.userId, 'Over to you', now)).ok).toBe(true);
		const [outreach] = (await areasOf(group.id)).filter((x) => x.name === 'Outreach');
		expect(outcome(await holdArea(group.id, outreach.id, a.userId))).toBe('done');
		expect(outcome(await holdArea(group.id, outreach.id, b.userId))).toBe('done');
		// c stays in another group, with a task due the same day there
		const elsewhere = await makeGroup(users.owner.id);
		await addMember(elsewhere.id, c.userId);
		const theirs = await newTask(
			{ userId: c.userId, groupId: elsewhere.id, role: 'member' },
			[c.userId],
			{ dueOn }
		);

		expect(outcome(await removeMember(group.id, a.userId))).toBe('done');
		expect(outcome(await removeMember(group.id, c.userId))).toBe('done');

		// the tasks stay on the board, without them
		expect(await ownerIdsOf(group.id, own)).toEqual([]);
		expect(await ownerIdsOf(group.id, shared)).toEqual([b.userId]);
		expect(await ownerIdsOf(group.id, handedOn)).toEqual([]);
		const areas = await areasOf(group.id);
		expect(areas.find((x) => x.id === outreach.id)!.owners.map((o) => o.userId)).toEqual([
			b.userId
		]);
		expect(await db.select().from(taskOwner).where(eq(taskOwner.userId, a.userId))).toEqual([]);
		expect(await db.select().from(areaOwner).where(eq(areaOwner.userId, a.userId))).toEqual([]);

		// nothing of the group on their lists; c's other group is untouched
		expect(await tasksOf(a.userId, now)).toEqual([]);
		expect((await tasksOf(c.userId, now)).map((t) => t.id)).toEqual([theirs]);

		// the day before the due day: reminders for those who still own the tasks, not for them
		await produceTaskReminders(at('2026-04-19T08:00:00Z'));
		const dueReminders = async (userId: string) =>
			(
				await db
					.select()
					.from(reminder)
					.where(and(eq(reminder.userId, userId), eq(reminder.kind, 'task_due')))
			).map((r) => r.link);
		expect(await dueReminders(a.userId)).toEqual([]);
		expect(await dueReminders(c.userId)).toEqual([`/g/${elsewhere.slug}/board/${theirs}`]);
		expect(await dueReminders(b.userId)).toEqual([`/g/${group.slug}/board/${shared}`]);
	});

	it('leaves the ownerships of someone who could not be removed (the last owner) alone', async () => {
		const { owner, users, group } = await board();
		const id = await newTask(owner, [owner.userId]);
		const [area] = await areasOf(group.id);
		expect(outcome(await holdArea(group.id, area.id, owner.userId))).toBe('done');
		expect(outcome(await removeMember(group.id, users.owner.id))).toBe('last-owner');
		expect(await ownerIdsOf(group.id, id)).toEqual([owner.userId]);
		expect((await areasOf(group.id))[0].owners.map((o) => o.userId)).toEqual([owner.userId]);
	});
});
