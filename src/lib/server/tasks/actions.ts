// The board's form actions, shared by the board and each task's page: validated here with zod,
// decided by the commands in commands.ts, and answered with a message a person understands.
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { recurrences, taskStatuses } from '$lib/server/db/work-schema';
import { readForm, textField } from '$lib/server/forms';
import { requireMember } from '$lib/server/guards';
import { chosenMember, memberChoiceFields } from '$lib/server/groups/member-choice';
import {
	archiveTask,
	assignTask,
	commentOnTask,
	delegateTask,
	moveTask,
	releaseTask,
	takeTask,
	updateTask
} from '$lib/server/tasks/commands';
import { type Actor, type Refusal } from '$lib/server/tasks/rules';
import { isCalendarDay } from '$lib/days';
import { statusLabels } from '$lib/task-labels';

/** What a person reads when a task command refuses. */
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

const id = (what: string) =>
	z
		.string({ error: `Choose ${what}.` })
		.min(1, `Choose ${what}.`)
		.max(64, `Choose ${what}.`);
/** A field that may be left empty or out: both become null; anything else meets `schema`. */
const optional = <T extends z.ZodType>(schema: T) =>
	z
		.preprocess((value) => (value === '' ? undefined : value), schema.optional())
		.transform((value) => (value ?? null) as z.output<T> | null);

export const taskFields = z.object({
	title: textField('The title', { max: 200 }),
	description: textField('The description', { min: 0, max: 5000, multiline: true }).default(''),
	dueOn: optional(
		z
			.string()
			.refine(
				(v) => isCalendarDay(v) && v >= '2000-01-01' && v <= '2100-12-31',
				'Enter the due date as a day, like 2026-12-04.'
			)
	),
	areaId: optional(id('an area')),
	recurrence: optional(z.enum(recurrences, 'Choose weekly, monthly, quarterly or no repeat.'))
});

const taskRef = z.object({ taskId: id('a task') });
const move = taskRef.extend({
	status: z.enum(taskStatuses, 'Choose a column: to do, doing, blocked or done.')
});
const person = taskRef.extend({ userId: id('a member') });
// assigning and handing on name a member chosen in a MemberPicker: by id, or by the name typed
const chosenPerson = taskRef.extend(memberChoiceFields);
const handOn = chosenPerson.extend({
	note: optional(textField('The note', { max: 500, multiline: true }))
});
const comment = taskRef.extend({ body: textField('The comment', { max: 2000, multiline: true }) });

const refusalStatus: Record<Refusal, number> = {
	'not-found': 404,
	'not-allowed': 403,
	'not-a-member': 400,
	'already-owned': 409,
	'already-owner': 409,
	'not-owner': 403,
	'no-area': 400,
	'not-owning': 409
};

export async function actorFor(event: RequestEvent): Promise<Actor & { slug: string }> {
	const { group, role, user } = await requireMember(event);
	return { userId: user.id, groupId: group.id, role, slug: group.slug };
}

function answer(
	outcome: { ok: true } | { ok: false; refusal: Refusal },
	success: string,
	taskId?: string
) {
	if (!outcome.ok)
		return fail(refusalStatus[outcome.refusal], {
			message: refusalMessages[outcome.refusal],
			taskId
		});
	return { success, taskId };
}

/** The member a MemberPicker chose, or the failure that says why none was. */
function pickedMember(
	actor: Actor,
	id: string | undefined,
	name: string | undefined,
	values: Record<string, string> = {}
) {
	const choice = chosenMember(actor.groupId, id, name);
	if (!choice.ok) return fail(400, { message: choice.message, values });
	return choice.userId ?? fail(400, { message: 'Choose a member.', values });
}

/** Each action: check membership, read the form, act, answer. */
export const taskActions = {
	move: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, move);
		if (!form.ok) return fail(400, { message: form.message });
		const { taskId, status } = form.data;
		return answer(
			await moveTask(actor, taskId, status),
			`Moved to ${statusLabels[status]}.`,
			taskId
		);
	},
	take: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, taskRef);
		if (!form.ok) return fail(400, { message: form.message });
		return answer(
			await takeTask(actor, form.data.taskId),
			'It is yours now. Thank you!',
			form.data.taskId
		);
	},
	update: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, taskFields.extend(taskRef.shape));
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { taskId, ...input } = form.data;
		return answer(await updateTask(actor, taskId, input), 'Saved.', taskId);
	},
	assign: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, chosenPerson);
		if (!form.ok) return fail(400, { message: form.message });
		const { taskId } = form.data;
		const userId = pickedMember(actor, form.data.userId, form.data.userIdName);
		if (typeof userId !== 'string') return userId;
		return answer(
			await assignTask(actor, taskId, userId),
			'Assigned. They will get a reminder.',
			taskId
		);
	},
	release: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, person);
		if (!form.ok) return fail(400, { message: form.message });
		const { taskId, userId } = form.data;
		return answer(
			await releaseTask(actor, taskId, userId),
			userId === actor.userId ? 'You no longer own this task.' : 'Removed from the task.',
			taskId
		);
	},
	delegate: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, handOn);
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		const { taskId, note } = form.data;
		const userId = pickedMember(actor, form.data.userId, form.data.userIdName, {
			note: note ?? ''
		});
		if (typeof userId !== 'string') return userId;
		return answer(
			await delegateTask(actor, taskId, userId, note),
			note
				? 'Handed on. They will get a reminder with your note.'
				: 'Handed on. They will get a reminder.',
			taskId
		);
	},
	archive: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, taskRef);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await archiveTask(actor, form.data.taskId);
		if (!outcome.ok) return answer(outcome, '', form.data.taskId);
		redirect(303, `/g/${actor.slug}/board?archived=1`);
	},
	comment: async (event: RequestEvent) => {
		const actor = await actorFor(event);
		const form = await readForm(event.request, comment);
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		return answer(
			await commentOnTask(actor, form.data.taskId, form.data.body),
			'Comment added.',
			form.data.taskId
		);
	}
};
