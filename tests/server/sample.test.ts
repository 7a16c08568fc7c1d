// The sample group a newcomer can explore: made by the app's own commands, marked, complete
// enough that every page has something to show, and deleted without a trace.
import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { dimensionResult, group, membership, purpose, review, user } from '$lib/server/db/schema';
import { areaOwner, area, delegation, task } from '$lib/server/db/work-schema';
import { checkCredentials } from '$lib/server/accounts/accounts';
import { createSampleGroup, deleteSampleGroup, sampleOf } from '$lib/server/groups/sample';
import { makeUser } from '../support/factories';
import { execute } from '../support/sql';

describe('the sample group', () => {
	it('is a year of a believable group, made for one person, who is its owner', async () => {
		const explorer = await makeUser();
		const slug = await createSampleGroup(explorer.id);
		expect(await createSampleGroup(explorer.id)).toBe(slug);
		const row = db.select().from(group).where(eq(group.slug, slug)).get()!;
		expect(row.sampleFor).toBe(explorer.id);
		expect(row.name).toContain('(sample)');

		const members = db.select().from(membership).where(eq(membership.groupId, row.id)).all();
		expect(members.length).toBeGreaterThanOrEqual(9);
		expect(members.length).toBeLessThanOrEqual(13);
		expect(members.find((m) => m.userId === explorer.id)?.role).toBe('owner');

		const reviews = db.select().from(review).where(eq(review.groupId, row.id)).all();
		expect(reviews).toHaveLength(4);
		expect(reviews.every((r) => r.status === 'closed')).toBe(true);
		const hidden = reviews.filter((r) => (r.responseCount ?? 0) < (r.threshold ?? 5));
		expect(hidden).toHaveLength(1);
		// the scores move over time: the first and the last quarter differ
		const means = db
			.select({ mean: dimensionResult.mean })
			.from(dimensionResult)
			.where(
				and(
					inArray(
						dimensionResult.reviewId,
						reviews.map((r) => r.id)
					),
					eq(dimensionResult.questionKey, 'execution')
				)
			)
			.all();
		expect(means).toHaveLength(3);
		expect(new Set(means.map((m) => m.mean.toFixed(1))).size).toBeGreaterThan(1);

		expect(db.select().from(purpose).where(eq(purpose.groupId, row.id)).all()).toHaveLength(2);
		const tasks = db.select().from(task).where(eq(task.groupId, row.id)).all();
		expect(tasks.length).toBeGreaterThanOrEqual(4);
		expect(tasks.some((t) => t.status === 'done')).toBe(true);
		expect(tasks.some((t) => t.reviewId !== null)).toBe(true);
		const chain = db
			.select()
			.from(delegation)
			.where(
				inArray(
					delegation.taskId,
					tasks.map((t) => t.id)
				)
			)
			.all();
		expect(Math.max(...chain.map((d) => d.depth))).toBeGreaterThanOrEqual(2);
		const areas = db.select().from(area).where(eq(area.groupId, row.id)).all();
		const held = db
			.select()
			.from(areaOwner)
			.where(
				inArray(
					areaOwner.areaId,
					areas.map((a) => a.id)
				)
			)
			.all();
		expect(new Set(held.map((h) => h.areaId)).size).toBeGreaterThan(0);
		expect(new Set(held.map((h) => h.areaId)).size).toBeLessThan(areas.length);
	});

	it('has people who cannot log in and get no email', async () => {
		const explorer = await makeUser();
		const slug = await createSampleGroup(explorer.id);
		const { id } = db.select({ id: group.id }).from(group).where(eq(group.slug, slug)).get()!;
		const people = db
			.select()
			.from(user)
			.innerJoin(membership, eq(membership.userId, user.id))
			.where(eq(membership.groupId, id))
			.all()
			.map((r) => r.user)
			.filter((p) => p.id !== explorer.id);
		for (const person of people) {
			expect(person.sampleGroupId).toBe(id);
			expect(person.emailVerifiedAt).toBeNull();
			expect(person.email).toMatch(/\.invalid$/);
			expect(await checkCredentials(person.email, 'sample: cannot log in')).toBeNull();
		}
	});

	it('is deleted completely, its people too, and only by whom it was made for', async () => {
		const explorer = await makeUser();
		const stranger = await makeUser();
		const slug = await createSampleGroup(explorer.id);
		const { id } = db.select({ id: group.id }).from(group).where(eq(group.slug, slug)).get()!;
		expect(await deleteSampleGroup(stranger.id, slug)).toBe(false);

		expect(await deleteSampleGroup(explorer.id, slug)).toBe(true);
		expect(sampleOf(explorer.id)).toBeUndefined();
		// nothing in any table still names the group or its people
		const tables = execute(
			"select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
		).rows;
		for (const { name } of tables) {
			const columns = execute(`select name from pragma_table_info('${name}')`).rows;
			for (const { name: column } of columns) {
				if (!/group_id|sample/.test(String(column))) continue;
				const left = execute({
					sql: `select count(*) as n from "${name}" where "${column}" = ?`,
					args: [id]
				}).rows;
				expect(Number(left[0].n), `${name}.${column}`).toBe(0);
			}
		}
		expect(db.select().from(user).where(eq(user.id, explorer.id)).get()).toBeTruthy();
	});
});
