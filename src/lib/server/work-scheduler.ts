import {
	deliverDueReminders,
	produceReviewClosing,
	produceReviewOpened,
	produceTaskReminders,
	startReminderScheduler
} from '$lib/server/reminders';
import { recurDueTasks } from '$lib/server/tasks';

/** One tick: recurring tasks that came due, the reminders that became due, then delivery. */
export async function runReminders(now = new Date()) {
	await recurDueTasks(now);
	await produceTaskReminders(now);
	await produceReviewOpened(now);
	await produceReviewClosing(now);
	return deliverDueReminders(now);
}

export function startWorkScheduler(intervalMs = 30_000) {
	startReminderScheduler(() => runReminders(), intervalMs);
}
