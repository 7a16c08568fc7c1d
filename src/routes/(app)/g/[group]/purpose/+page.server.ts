import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { readForm, textField } from '$lib/server/forms';
import { currentPurpose, hasRole } from '$lib/server/groups/groups';
import { requireMember } from '$lib/server/guards';
import { purposeHistory, restatePurpose } from '$lib/server/groups/purposes';
import type { Actions, PageServerLoad } from './$types';

const restatement = z.object({
	text: textField('The purpose', { min: 10, max: 2000, multiline: true }),
	reason: textField('The reason', { min: 3, max: 1000, multiline: true })
});

export const load: PageServerLoad = async (event) => {
	const { group, role } = await requireMember(event);
	const history = await purposeHistory(group.id);
	return { history: history.reverse(), canRestate: hasRole(role, 'facilitator') };
};

export const actions: Actions = {
	restate: async (event) => {
		const { group, user } = await requireMember(event, 'facilitator');
		const form = await readForm(event.request, restatement);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const current = await currentPurpose(group.id);
		if (current.text === form.data.text) {
			return fail(400, {
				message: 'That is the purpose as it stands. Change the text to restate it.',
				errors: { text: 'That is the purpose as it stands. Change the text to restate it.' },
				values: form.data
			});
		}
		await restatePurpose({ groupId: group.id, setBy: user.id, ...form.data });
		return {
			success:
				'Purpose restated. The earlier versions, and the original, stay in the history below.'
		};
	}
};
