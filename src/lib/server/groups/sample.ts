// A sample group, for someone who has no group yet: a tenant union a year into using Outsider,
// so that every page has something to show before five real people have joined and answered.
// It is made the way real groups are, through the same commands (create, invite and join, review,
// answer, close, restate, make and hand on tasks), at dates in the past; only its people are
// made up. They cannot log in (their password hash is not one), get no email (their addresses
// are unconfirmed and end in .invalid), and are deleted with their group.
import { and, eq, isNotNull } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { group, invite, user } from '$lib/server/db/schema';
import { createGroup, deleteGroup } from '$lib/server/groups/groups';
import { acceptInvite, createInvite } from '$lib/server/groups/invites';
import { changeRole } from '$lib/server/groups/memberships';
import { restatePurpose } from '$lib/server/groups/purposes';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import {
	askOutsiders,
	makePersonalLinks,
	submitOutsiderAnswers
} from '$lib/server/outsiders/outside-view';
import { purposeGuessKey } from '$lib/server/outsiders/questions';
import { submitResponse } from '$lib/server/reviews/responses';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { createTask, delegateTask, moveTask } from '$lib/server/tasks/commands';
import { areasOf, holdArea } from '$lib/server/tasks/areas';
import type { Actor } from '$lib/server/tasks/rules';
import { newId } from '$lib/server/tokens';

const day = 24 * 60 * 60 * 1000;

const people = [
	'Marisol Vega',
	'Dev Patel',
	'Aoife Byrne',
	'Kwame Mensah',
	'Lena Hoffmann',
	'Tomás Ruiz',
	'Grace Okafor',
	'Yusuf Demir',
	'June Park',
	'Sam Novak'
];

const purposes = [
	'Make every landlord on Maple Street keep homes safe and rents fair, by tenants acting together.',
	'Win repairs and fair rents on Maple Street and the blocks around it, building by building, with tenants who lead their own fights.'
];

/**
 * Per dimension, the mean each of the four quarters drifts around: organization improves after
 * the group acts on it, democracy dips when a few people do everything, then recovers.
 */
const trajectories: Record<string, number[]> = {
	impression: [2.6, 2.9, 3.2, 3.6],
	execution: [2.1, 2.4, 3.0, 3.5],
	direction: [3.4, 3.1, 3.3, 3.8],
	progress: [2.5, 2.8, 2.9, 3.4],
	democracy: [3.6, 2.7, 2.6, 3.3],
	purpose: [3.9, 3.2, 3.4, 3.9],
	multiplication: [1.9, 2.2, 2.5, 3.1]
};

const comments: Record<string, string[][]> = {
	execution: [
		[
			'Meetings start late and nobody writes down who does what.',
			'We agree things and forget them by the next meeting.'
		],
		['Better since we keep a list, but half of it is still open.', 'The repair log helps.'],
		[],
		['Tasks have owners now and things get done.', 'The board keeps us honest.']
	],
	democracy: [
		['Everyone gets a say at meetings.'],
		[
			'The same three people decide everything between meetings.',
			'I do not know who decided the rent strike date.'
		],
		[],
		['Building reps vote now, which feels fairer.']
	]
};

const openAnswers: Record<string, string[][]> = {
	'outsider-notice': [
		['That we are angry, not what we want.', 'A lot of flyers, not many faces at the door.'],
		['The banner on the laundrette.', 'We won the boiler fight at number 12.'],
		[],
		['People who know each other by name.', 'A clear ask: repairs and rent caps.']
	],
	'raise-issue': [
		['Nobody follows up with tenants after the first visit.'],
		['Newer members do not know how to get involved.', 'The group chat is too noisy to follow.'],
		[],
		['We should train more people to run door-knocking.']
	]
};

/**
 * The last two reviews asked outsiders too: neighbours see the group as less organized than its
 * members do, and at first cannot say what it is for.
 */
const outsidersFor: (
	| { means: Record<string, number>; comments: Record<string, string[]>; guesses: string[] }
	| undefined
)[] = [
	undefined,
	undefined,
	{
		means: {
			impression: 2.7,
			execution: 2.2,
			direction: 2.6,
			progress: 2.9,
			democracy: 2.9,
			purpose: 2.8
		},
		comments: {
			execution: [
				'Their flyer gave a date for the meeting but not the place.',
				'They helped my neighbour once, then nobody came back.'
			]
		},
		guesses: [
			'Complaining about the landlord.',
			'Some kind of residents’ association?',
			'Getting repairs done, I think.',
			'A tenants’ union for the estate.',
			'Not sure.'
		]
	},
	{
		means: {
			impression: 3.1,
			execution: 2.9,
			direction: 3.2,
			progress: 3.3,
			democracy: 3.2,
			purpose: 3.4
		},
		comments: {
			execution: ['They answer now when you report a repair.'],
			democracy: ['Hard to tell from outside who decides.']
		},
		guesses: [
			'Repairs and fair rents for everyone on the estate.',
			'Tenants organizing for repairs and against rent rises.',
			'A tenants’ union fighting for repairs.',
			'Making the landlord fix things.',
			'Keeping rents down.',
			'Helping tenants stand together.'
		]
	}
];

/** Outsiders' answers through personal links, as the app takes them from real outsiders. */
function answerFromOutside(
	groupId: string,
	reviewId: string,
	{ means, comments, guesses }: NonNullable<(typeof outsidersFor)[number]>,
	next: () => number
) {
	if (!askOutsiders(groupId, reviewId).ok) return;
	const made = makePersonalLinks(reviewId, guesses.length + 2);
	if (!made.ok) return;
	for (const [n, token] of made.value.slice(0, guesses.length + 1).entries()) {
		const answers = Object.entries(means).map(([questionKey, mean]) => ({
			questionKey,
			score: scoreNear(mean, next),
			text: comments[questionKey]?.[n] ?? null
		}));
		submitOutsiderAnswers(token, [
			...answers,
			{ questionKey: purposeGuessKey, score: null, text: guesses[n] ?? null }
		]);
	}
}

/** A small generator with a fixed seed: the same believable numbers every time. */
function random(seed: number) {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

/** A score from 1 to 5 around `mean`, most within a point of it. */
function scoreNear(mean: number, next: () => number) {
	const spread = (next() + next() + next() - 1.5) * 1.3;
	return Math.min(5, Math.max(1, Math.round(mean + spread)));
}

async function makePerson(sampleGroupId: string | null, name: string, index: number) {
	const id = newId();
	db.insert(user)
		.values({
			id,
			email: `sample-${id}-${index}@sample.invalid`,
			displayName: name,
			// not an argon2 hash: no password matches it, so nobody can log in as a sample person
			passwordHash: 'sample: cannot log in',
			sampleGroupId
		})
		.run();
	return id;
}

/** The slug of the sample made for `explorerId`, or undefined. */
export function sampleOf(explorerId: string) {
	return db.select({ slug: group.slug }).from(group).where(eq(group.sampleFor, explorerId)).get()
		?.slug;
}

/**
 * Makes a sample group for `explorerId`, who joins it as an owner, and returns its slug. One per
 * person: asking again returns the one they have.
 */
export async function createSampleGroup(explorerId: string, now = new Date()) {
	const existing = sampleOf(explorerId);
	if (existing) return existing;
	const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
	const next = random(20261202);

	// The founder makes the group a little over a year ago; the others join through a link.
	const founder = await makePerson(null, people[0], 0);
	const slug = `sample-${newId().slice(0, 8)}`;
	const created = await createGroup({
		name: 'Maple Street Tenants (sample)',
		slug,
		purpose: purposes[0],
		ownerId: founder,
		now: at(400)
	});
	if (!created.ok) throw new Error(`the sample group could not be made: ${created.refusal}`);
	const groupId = created.value;
	db.update(user).set({ sampleGroupId: groupId }).where(eq(user.id, founder)).run();
	db.update(group).set({ sampleFor: explorerId }).where(eq(group.id, groupId)).run();

	const link = await createInvite({
		groupId,
		role: 'member',
		expiresInDays: 30,
		maxUses: 20,
		createdBy: founder,
		now: at(398)
	});
	const members = [founder];
	for (const [index, name] of people.slice(1).entries()) {
		const id = await makePerson(groupId, name, index + 1);
		const joined = await acceptInvite(link.token, id, at(397 - index));
		if (!joined.ok) throw new Error(`a sample person could not join: ${joined.refusal}`);
		members.push(id);
	}
	const facilitator = members[1];
	await changeRole(groupId, facilitator, 'facilitator');
	const actor = (userId: string, role: Actor['role'] = 'member'): Actor => ({
		userId,
		groupId,
		role
	});

	// Four quarterly reviews, two weeks open each; the third had too few answers to show.
	const answering = [9, 8, 3, 9];
	const reviewIds: string[] = [];
	for (let quarter = 0; quarter < 4; quarter++) {
		const opened = at(330 - quarter * 91);
		if (quarter === 2) {
			await restatePurpose({
				groupId,
				text: purposes[1],
				reason:
					'The last review said outsiders could not tell what we want. We now say it: repairs and fair rents, led by tenants.',
				setBy: founder,
				now: at(335 - quarter * 91)
			});
		}
		const reviewId = await createReview({
			groupId,
			createdBy: facilitator,
			title: `${opened.getUTCFullYear()} Q${Math.floor(opened.getUTCMonth() / 3) + 1}`,
			now: opened
		});
		await openReview(groupId, reviewId, opened);
		const questions = questionsOf(reviewId);
		for (const [n, userId] of members.slice(0, answering[quarter]).entries()) {
			const answers = questions.map((q) => {
				const pool = (q.kind === 'scale' ? comments : openAnswers)[q.key]?.[quarter] ?? [];
				return {
					questionKey: q.key,
					score: q.kind === 'scale' ? scoreNear(trajectories[q.key]?.[quarter] ?? 3, next) : null,
					text: pool[n] ?? null
				};
			});
			await submitResponse(reviewId, userId, answers, at(328 - quarter * 91 - n));
		}
		const outsiders = outsidersFor[quarter];
		if (outsiders) answerFromOutside(groupId, reviewId, outsiders, next);
		await closeReview(groupId, reviewId, at(316 - quarter * 91));
		reviewIds.push(reviewId);
	}

	// What the group did about its findings: tasks from the reviews, handed on, some done.
	const [firstReview, secondReview] = reviewIds;
	const tasks: [string, string, string | null, string, number][] = [
		[
			'Give every meeting a note-taker and a list of who does what',
			'execution',
			firstReview,
			'done',
			2
		],
		[
			'Visit every tenant again within a week of their first call',
			'raise-issue',
			secondReview,
			'doing',
			3
		],
		['Let building reps vote on campaign dates', 'democracy', secondReview, 'done', 4],
		[
			'Write a one-page "how to get involved" for new members',
			'raise-issue',
			secondReview,
			'todo',
			5
		],
		['Book the hall for the spring assembly', 'direction', null, 'todo', 6]
	];
	const areas = await areasOf(groupId);
	const taskIds: string[] = [];
	for (const [index, [title, dimension, reviewId, status, owner]] of tasks.entries()) {
		const made = await createTask(
			actor(facilitator, 'facilitator'),
			{
				title,
				description: '',
				dueOn: new Date(now.getTime() + (index - 1) * 7 * day).toISOString().slice(0, 10),
				areaId: areas[index % Math.max(1, areas.length)]?.id ?? null,
				recurrence: null,
				ownerIds: [members[owner]]
			},
			reviewId ? { reviewId, dimensionKey: dimension, quote: null } : null,
			at(300 - index * 40)
		);
		if (!made.ok) throw new Error(`a sample task could not be made: ${made.refusal}`);
		taskIds.push(made.value);
		if (status !== 'todo') await moveTask(actor(members[owner]), made.value, 'doing', at(200));
		if (status === 'done') await moveTask(actor(members[owner]), made.value, 'done', at(150));
	}
	// a chain of who asked whom: the facilitator gave it to Tomás, who asked Kwame, who asked Lena
	const chained = taskIds[3];
	await delegateTask(actor(members[5]), chained, members[3], 'You wrote the last leaflet.', at(60));
	await delegateTask(
		actor(members[3]),
		chained,
		members[4],
		'Can you draft it? I will edit.',
		at(40)
	);

	// Two areas held, the rest still waiting for someone.
	for (const [index, area] of areas.slice(0, 2).entries())
		await holdArea(groupId, area.id, members[2 + index]);

	// The newcomer joins last, as an owner: they see everything, and none of the notices the
	// sample's past made are theirs.
	const welcome = await createInvite({
		groupId,
		role: 'member',
		expiresInDays: 1,
		maxUses: 1,
		createdBy: founder,
		now
	});
	await acceptInvite(welcome.token, explorerId, now);
	// that link was the app's doing, not the group's: it does not belong in its list of links
	db.delete(invite).where(eq(invite.id, welcome.id)).run();
	await changeRole(groupId, explorerId, 'owner');
	return slug;
}

/** Deletes the sample made for `explorerId`, with its made-up people. False when there is none. */
export async function deleteSampleGroup(explorerId: string, slug: string) {
	const [row] = db
		.select({ id: group.id })
		.from(group)
		.where(and(eq(group.slug, slug), eq(group.sampleFor, explorerId), isNotNull(group.sampleFor)))
		.all();
	if (!row) return false;
	// its people go with it (user.sample_group_id cascades)
	await deleteGroup(row.id);
	return true;
}
