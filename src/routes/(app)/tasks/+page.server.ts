import { requireUser } from '$lib/server/guards';
import { tasksOf } from '$lib/server/tasks/mine';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { tasks: await tasksOf(user.id) };
};
