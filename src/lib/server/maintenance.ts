import { logFailure } from '$lib/server/log';
import { asWrite } from '$lib/server/db/write-gate';
import { deleteExpiredLimits } from '$lib/server/accounts/rate-limit';
import { deleteExpiredSessions } from '$lib/server/accounts/sessions';

const hour = 60 * 60 * 1000;

/** Clears expired sessions and rate-limit counters now and every hour while the app runs. */
export function startMaintenance() {
	const sweep = () =>
		asWrite(() => Promise.all([deleteExpiredSessions(), deleteExpiredLimits()])) // (db/write-gate.ts)
			.catch((error) => logFailure('maintenance sweep', error));
	void sweep();
	setInterval(sweep, hour).unref();
}
