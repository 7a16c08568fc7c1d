// A group as the HTTP suites need it: an owner, a facilitator and a member, a working invitation,
// a review in each state (draft, open, closed with no answers, and closed with its results
// revealed: the group's k is 3 and all three answered) and one task. Each call makes a fresh one.
import { createInvite } from '$lib/server/groups/invites';
import { submitResponse } from '$lib/server/reviews/responses';
import { closeReview, openReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf, setGroupThreshold } from '$lib/server/reviews/reviews';
import { createTask } from '$lib/server/tasks/commands';
import { addMember, answersFor, makeGroup, makeUser } from './factories';

export async function groupWorld({
	name,
	taskFor = 'facilitator'
}: { name?: string; taskFor?: 'member' | 'facilitator' } = {}) {
	const owner = await makeUser();
	const member = await makeUser();
	const facilitator = await makeUser();
	const group = await makeGroup(owner.id, name ? { name } : {});
	await addMember(group.id, member.id, 'member');
	await addMember(group.id, facilitator.id, 'facilitator');
	const invite = await createInvite({
		groupId: group.id,
		role: 'member',
		expiresInDays: 7,
		maxUses: 5,
		createdBy: owner.id
	});
	const reviews = {
		draft: await createReview({ groupId: group.id, createdBy: owner.id }),
		open: await createReview({ groupId: group.id, createdBy: owner.id }),
		closed: await createReview({ groupId: group.id, createdBy: owner.id }),
		revealed: await createReview({ groupId: group.id, createdBy: owner.id })
	};
	await openReview(group.id, reviews.closed);
	await closeReview(group.id, reviews.closed);
	await setGroupThreshold(group.id, 3);
	await openReview(group.id, reviews.revealed);
	const questions = await questionsOf(reviews.revealed);
	for (const person of [owner, member, facilitator]) {
		const answers = answersFor(questions, 4, (key) =>
			key === 'raise-issue' ? 'Fix the phone tree.' : null
		);
		await submitResponse(reviews.revealed, person.id, answers);
	}
	await closeReview(group.id, reviews.revealed);
	await openReview(group.id, reviews.open);
	const task = await createTask(
		{ userId: owner.id, groupId: group.id, role: 'owner' },
		{
			title: 'Print flyers',
			description: '',
			dueOn: null,
			areaId: null,
			recurrence: null,
			ownerIds: [taskFor === 'member' ? member.id : facilitator.id]
		}
	);
	if (!task.ok) throw new Error('could not create the task');
	return { owner, member, facilitator, group, invite, reviews, taskId: task.value };
}
