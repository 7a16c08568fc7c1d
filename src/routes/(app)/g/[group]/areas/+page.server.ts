import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import {
	addArea,
	type AreaRefusal,
	areasOf,
	holdArea,
	releaseArea,
	removeArea,
	renameArea
} from '$lib/server/tasks/areas';
import { readForm, textField } from '$lib/server/forms';
import { hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { namesToList } from '$lib/server/groups/memberships';
import { chosenMember } from '$lib/server/groups/member-choice';
import { hasTasks } from '$lib/server/tasks/board';
import type { Actions, PageServerLoad } from './$types';

const id = (what: string) =>
	z
		.string({ error: `Choose ${what}.` })
		.min(1, `Choose ${what}.`)
		.max(64);
const named = z.object({ name: textField('The name', { max: 60 }) });
const areaRef = z.object({ areaId: id('an area') });
const holder = areaRef.extend({ userId: id('a member').optional() });
// a facilitator naming someone: from the list, or by the name typed in a large group
const naming = holder.extend({ userIdName: textField('The name', { max: 100 }).optional() });
const refusals: Record<AreaRefusal, { status: number; message: string }> = {
	'name-taken': { status: 409, message: 'There is already an area with that name.' },
	'not-found': { status: 404, message: 'That area no longer exists.' },
	'already-held': { status: 409, message: 'They already hold that area.' }
};
const refused = (refusal: AreaRefusal) => fail(refusals[refusal].status, refusals[refusal]);

export const load: PageServerLoad = async (event) => {
	const { group, role, user } = await requireMember(event);
	const [areas, members] = await Promise.all([
		areasOf(group.id),
		hasRole(role, 'facilitator') ? namesToList(group.id) : []
	]);
	return {
		areas,
		members,
		me: user.id,
		canManage: hasRole(role, 'facilitator'),
		// before any task, areas without owners are where a group starts, not an alarm
		started: hasTasks(group.id)
	};
};

export const actions: Actions = {
	add: async (event) => {
		const { group } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, named);
		if (!form.ok) return fail(400, { message: form.message, values: form.values });
		const outcome = await addArea(group.id, form.data.name);
		if (!outcome.ok) return refused(outcome.refusal);
		return { success: `Added ${form.data.name}.` };
	},
	rename: async (event) => {
		const { group } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, named.extend(areaRef.shape));
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await renameArea(group.id, form.data.areaId, form.data.name);
		if (!outcome.ok) return refused(outcome.refusal);
		return { success: 'Renamed.' };
	},
	remove: async (event) => {
		const { group } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, areaRef);
		if (!form.ok) return fail(400, { message: form.message });
		const outcome = await removeArea(group.id, form.data.areaId);
		if (!outcome.ok) return refused(outcome.refusal);
		return { success: 'Area removed. Its tasks stay on the board, without an area.' };
	},
	// Anyone may take on an area themselves; facilitators may name anyone to it.
	hold: async (event) => {
		const { group, role, user } = await requireMember(event);
		const form = await readForm(event.request, naming);
		if (!form.ok) return fail(400, { message: form.message });
		const choice = chosenMember(group.id, form.data.userId, form.data.userIdName);
		if (!choice.ok) return fail(400, { message: choice.message });
		const userId = choice.userId ?? user.id;
		if (userId !== user.id && !hasRole(role, 'facilitator'))
			return fail(403, { message: 'Only facilitators can name someone else to an area.' });
		const outcome = await holdArea(group.id, form.data.areaId, userId);
		if (!outcome.ok) return refused(outcome.refusal);
		return { success: userId === user.id ? 'You hold this area now.' : 'Owner added.' };
	},
	release: async (event) => {
		const { group, role, user } = await requireMember(event);
		const form = await readForm(event.request, holder);
		if (!form.ok) return fail(400, { message: form.message });
		const userId = form.data.userId ?? user.id;
		if (userId !== user.id && !hasRole(role, 'facilitator'))
			return fail(403, { message: 'Only facilitators can take someone else off an area.' });
		const outcome = await releaseArea(group.id, form.data.areaId, userId);
		if (!outcome.ok) return fail(400, { message: 'They do not hold that area.' });
		return { success: userId === user.id ? 'You no longer hold this area.' : 'Owner removed.' };
	}
};
