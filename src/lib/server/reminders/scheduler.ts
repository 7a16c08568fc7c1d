import { logFailure } from '$lib/server/log';
import { asWrite } from '$lib/server/db/write-gate';
import { deliverDueReminders, onReminderMade } from './queue';
import { produceReviewClosing, produceReviewOpened, produceTaskReminders } from './producers';
import { recurDueTasks } from '$lib/server/tasks/recurrence';

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

let running = false;
let scheduled: ReturnType<typeof setTimeout> | undefined;
// One delivery at a time in this process: a slow tick is not overlapped by the next one.
let delivering: Promise<unknown> = Promise.resolve();

function exclusively<T>(work: () => Promise<T>) {
	// a tick's writes wait out a rebuild of the file on the event loop (db/write-gate.ts)
	const afterRebuild = () => asWrite(work);
	const next = delivering.then(afterRebuild, afterRebuild);
	delivering = next.catch(() => undefined);
	return next;
}

/** Delivers new reminders soon after they are made, when the scheduler runs in this process. */
function kick() {
	if (!running || scheduled) return;
	scheduled = setTimeout(() => {
		scheduled = undefined;
		exclusively(() => deliverDueReminders()).catch(logSchedulerFailure);
	}, 200);
	scheduled.unref();
}

const logSchedulerFailure = (error: unknown) => logFailure('reminder scheduler', error);

/** Runs `tick` now and every interval, and delivers new reminders as soon as they are made. */
export function startReminderScheduler(tick: () => Promise<unknown>, intervalMs = 30_000) {
	running = true;
	onReminderMade(kick);
	let ticking = false;
	const run = async () => {
		if (ticking) return;
		ticking = true;
		await exclusively(tick).catch(logSchedulerFailure);
		ticking = false;
	};
	void run();
	setInterval(run, intervalMs).unref();
}
