import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { areasOf } from '$lib/server/tasks/areas';
import { followUpSource } from '$lib/server/reviews/follow-ups';
import { readForm } from '$lib/server/forms';
import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { namesToList } from '$lib/server/groups/memberships';
import { chosenMember, ownerChoiceFields } from '$lib/server/groups/member-choice';
import { taskFields } from '$lib/server/tasks/actions';
import { createTask } from '$lib/server/tasks/commands';
import { refusalMessages } from '$lib/server/tasks/actions';
import type { Actions, PageServerLoad } from './$types';

const source = (get: (name: string) => string | null | undefined) => ({
	review: get('review') || null,
	dimension: get('dimension') || null,
	text: get('text') || null,
	// a finding of the outside view: a gap, or an outsider's words
	gap: get('gap') || null,
	outsiderText: get('outsiderText') || null
});

const newTask = taskFields.extend({
	...ownerChoiceFields,
	review: z.string().max(64, 'That review finding was not found.').optional(),
	dimension: z.string().max(64, 'That review finding was not found.').optional(),
	text: z.string().max(64, 'That review finding was not found.').optional(),
	gap: z.string().max(64, 'That review finding was not found.').optional(),
	outsiderText: z.string().max(64, 'That review finding was not found.').optional()
});

export const load: PageServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	const from = source((name) => event.url.searchParams.get(name));
	const followUp = from.review
		? await followUpSource(group.id, from.review, from.dimension, from.text, {
				gap: from.gap,
				text: from.outsiderText
			})
		: null;
	if (from.review && !followUp) error(404, 'That review finding was not found.');
	const canAssign = hasRole(role, 'facilitator');
	// anyone else can only take a task themselves: no list of the others to send them
	const [members, areas] = await Promise.all([
		canAssign ? namesToList(group.id) : [],
		areasOf(group.id)
	]);
	return {
		followUp,
		from,
		me: user.id,
		canAssign,
		members,
		areas: areas.map(({ id, name }) => ({ id, name }))
	};
};

// What the form refills after a refusal that came after validation.
const echo = (data: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(data).map(([key, value]) => [key, String(value ?? '')]));

export const actions: Actions = {
	create: async (event) => {
		const { group, role, user } = await requireMember(event);
		const form = await readForm(event.request, newTask);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { ownerId, ownerIdName, review, dimension, text, gap, outsiderText, ...input } =
			form.data;
		const owner = chosenMember(group.id, ownerId, ownerIdName);
		if (!owner.ok) return fail(400, { message: owner.message, values: echo(form.data) });
		const followUp = review
			? await followUpSource(group.id, review, dimension || null, text || null, {
					gap,
					text: outsiderText
				})
			: null;
		if (review && !followUp) return fail(400, { message: 'That review finding was not found.' });
		const outcome = await createTask(
			{ userId: user.id, groupId: group.id, role },
			{ ...input, ownerIds: owner.userId ? [owner.userId] : [] },
			followUp && {
				reviewId: followUp.reviewId,
				dimensionKey: followUp.dimensionKey,
				quote: followUp.quote
			}
		);
		if (!outcome.ok)
			return fail(outcome.refusal === 'not-allowed' ? 403 : 400, {
				message:
					outcome.refusal === 'not-allowed'
						? 'Only facilitators give a task to someone else. Leave it unowned, or take it yourself.'
						: refusalMessages[outcome.refusal],
				values: echo(form.data)
			});
		redirect(303, `/g/${group.slug}/board/${outcome.value}?created=1`);
	}
};
