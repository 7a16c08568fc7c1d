import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { readForm, textField } from '$lib/server/forms';
import { createGroup, suggestSlug } from '$lib/server/groups/groups';
import { requireUser } from '$lib/server/guards';
import { slugPattern, slugRules } from '$lib/slug';
import type { Actions, PageServerLoad } from './$types';

const newGroup = z.object({
	name: textField('The group name', { max: 100 }),
	slug: z
		.string()
		.trim()
		.toLowerCase()
		.max(48, `The short name for links must be ${slugRules}`)
		.refine(
			(slug) => slug === '' || slugPattern.test(slug),
			`The short name for links must be ${slugRules}`
		)
		.optional(),
	purpose: textField('The purpose', { min: 10, max: 2000, multiline: true })
});

export const load: PageServerLoad = (event) => {
	requireUser(event);
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireUser(event);
		const form = await readForm(event.request, newGroup);
		if (!form.ok)
			return fail(400, { message: form.message, errors: form.errors, values: form.values });
		const { name, purpose } = form.data;
		const slug = form.data.slug || (await suggestSlug(name));
		const created = await createGroup({ name, slug, purpose, ownerId: user.id });
		if (!created.ok) {
			const suggestion = await suggestSlug(name);
			const message = `The short name "${slug}" is taken. How about "${suggestion}"?`;
			return fail(400, {
				message,
				errors: { slug: message },
				values: { name, purpose, slug: suggestion }
			});
		}
		redirect(303, `/g/${slug}`);
	}
};
