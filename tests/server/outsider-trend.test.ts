// The outside view on the Health page and in its exports: outsiders' aggregates per review and
// dimension, only at or above their own threshold, and never what they wrote.
import { describe, expect, it } from 'vitest';
import { exportRows, toCsv } from '$lib/server/health/export';
import { groupAggregates } from '$lib/server/health/health';
import { askOutsiders, type OutsiderAnswer } from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';
import { outsiderReadings } from '$lib/server/outsiders/trend';
import { submitResponse } from '$lib/server/reviews/responses';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { answersFor, makeGroupWithMembers, outsidersAnswer } from '../support/factories';
import { outcome } from '../support/outcome';

type World = Awaited<ReturnType<typeof makeGroupWithMembers>>;

const sheet = (execution: number, direction: number): OutsiderAnswer[] => [
	{ questionKey: 'execution', score: execution, text: 'Written by an outsider, never exported.' },
	{ questionKey: 'direction', score: direction, text: null },
	{ questionKey: purposeGuessKey, score: null, text: 'A guess at the purpose, never exported.' }
];

/** A closed review: `members` members score everything 4; outsiders answer the sheets given. */
async function review(
	world: World,
	title: string,
	members: number,
	outsiders?: { personal?: OutsiderAnswer[][]; shared?: OutsiderAnswer[][] }
) {
	const id = await createReview({ groupId: world.group.id, createdBy: world.owner.id, title });
	if (outsiders) expect(outcome(askOutsiders(world.group.id, id))).toBe('done');
	expect(outcome(await openReview(world.group.id, id))).toBe('done');
	const questions = await questionsOf(id);
	for (const m of world.members.slice(0, members))
		await submitResponse(id, m.id, answersFor(questions, 4));
	if (outsiders) outsidersAnswer(id, outsiders);
	await closeReview(world.group.id, id);
	return id;
}

async function fourReviews() {
	const world = await makeGroupWithMembers(6);
	// execution 2, 2, 2, 3, 3: mean 2.4, mean of squares 6, spread √0.24; direction 3, 3, 3, 1, 1
	const both = await review(world, 'Both shown', 5, {
		personal: [sheet(2, 3), sheet(2, 3), sheet(2, 3)],
		shared: [sheet(3, 1), sheet(3, 1)]
	});
	// four outsiders: under their threshold of 5, though members' results are shown
	const fewOutsiders = await review(world, 'Few outsiders', 5, {
		personal: [sheet(1, 1), sheet(1, 1), sheet(1, 1), sheet(1, 1)]
	});
	// two members: hidden from members, while five outsiders are enough for theirs
	const fewMembers = await review(world, 'Few members', 2, {
		shared: Array.from({ length: 5 }, () => sheet(5, 5))
	});
	const notAsked = await review(world, 'Not asked', 5);
	return { world, both, fewOutsiders, fewMembers, notAsked };
}

describe('outsiders’ readings', () => {
	it('reads scores only where enough outsiders answered, whatever members’ threshold did', async () => {
		const { both, fewOutsiders, fewMembers, notAsked } = await fourReviews();
		const readings = outsiderReadings([both, fewOutsiders, fewMembers, notAsked]);
		expect(readings.has(notAsked)).toBe(false);
		expect(readings.get(fewOutsiders)).toEqual({ revealed: false, threshold: 5 });

		const shown = readings.get(both)!;
		expect(shown.revealed).toBe(true);
		if (!shown.revealed) return;
		expect(shown.byKind).toEqual({ personal: 3, shared: 2 });
		// the purpose guess has no score, so it is no dimension
		expect([...shown.scores.keys()].sort()).toEqual(['direction', 'execution']);
		const execution = shown.scores.get('execution')!;
		expect(execution.mean).toBeCloseTo(2.4, 10);
		expect(execution.standardDeviation).toBeCloseTo(Math.sqrt(0.24), 10);
		expect(execution.count).toBe(5);
		expect(shown.scores.get('direction')!.mean).toBeCloseTo(2.2, 10);

		const hiddenMembers = readings.get(fewMembers)!;
		expect(hiddenMembers.revealed && hiddenMembers.scores.get('direction')!.mean).toBe(5);
		expect(outsiderReadings([])).toEqual(new Map());
	});

	it('reach the group’s aggregates beside members’', async () => {
		const { world, both, fewOutsiders, fewMembers, notAsked } = await fourReviews();
		const byId = new Map((await groupAggregates(world.group.id)).map((r) => [r.id, r]));
		expect(byId.get(both)!.outsiders?.revealed).toBe(true);
		expect(byId.get(fewOutsiders)!.outsiders).toEqual({ revealed: false, threshold: 5 });
		expect(byId.get(fewMembers)!.revealed).toBe(false);
		expect(byId.get(fewMembers)!.outsiders?.revealed).toBe(true);
		expect(byId.get(notAsked)!.outsiders).toBeNull();
	});
});

describe('exports with outsiders', () => {
	it('add outsiders’ aggregates where shown, nothing below their threshold, never their texts', async () => {
		const { world } = await fourReviews();
		const rows = exportRows(await groupAggregates(world.group.id));
		// members' rows only: three shown reviews of seven dimensions each
		expect(rows).toHaveLength(3 * 7);
		const of = (title: string, dimension: string) =>
			rows.find((r) => r.review === title && r.dimension === dimension)!;
		expect(of('Both shown', 'execution').outsiders).toEqual({
			mean: 2.4,
			standardDeviation: Number(Math.sqrt(0.24).toFixed(4)),
			count: 5,
			answered: { personal: 3, shared: 2 }
		});
		expect(of('Both shown', 'direction').outsiders!.mean).toBe(2.2);
		expect(of('Both shown', 'democracy').outsiders).toBeNull();
		expect(of('Few outsiders', 'execution').outsiders).toBeNull();
		expect(of('Not asked', 'execution').outsiders).toBeNull();
		expect(rows.some((r) => r.review === 'Few members')).toBe(false);

		const csv = toCsv(rows).trim().split('\r\n');
		expect(csv[0].split(',').slice(12)).toEqual([
			'outsiders_mean',
			'outsiders_standard_deviation',
			'outsiders_count',
			'outsiders_answered_by_personal_link',
			'outsiders_answered_by_shared_link'
		]);
		const line = (title: string, dimension: string) =>
			csv.find((l) => l.startsWith(`${title},`) && l.split(',')[2] === dimension)!.split(',');
		expect(line('Both shown', 'execution').slice(12)).toEqual(['2.4', '0.4899', '5', '3', '2']);
		expect(line('Few outsiders', 'execution').slice(12)).toEqual(['', '', '', '', '']);
		for (const text of [JSON.stringify(rows), csv.join('\n')]) {
			expect(text).not.toContain('never exported');
			expect(text).not.toContain(purposeGuessKey);
		}
	});
});
