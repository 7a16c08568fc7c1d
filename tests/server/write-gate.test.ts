// Writes and a rebuild of the database file in one process (db/write-gate.ts): writes wait for a
// rebuild on the event loop, and a rebuild waits for the writes in flight. The same between the
// workers of a cluster is in tests/http/cluster.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { session } from '$lib/server/db/schema';
import { asWrite, pausingWrites, writesPaused } from '$lib/server/db/write-gate';
import { startSession, validateSessionToken } from '$lib/server/accounts/sessions';
import { hashToken } from '$lib/server/tokens';
import { makeUser } from '../support/factories';

const day = 24 * 60 * 60 * 1000;

/** A promise and the function that settles it. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

describe('writes and a rebuild of the file', () => {
	it('a write asked for during a rebuild runs once it is over', async () => {
		const events: string[] = [];
		const rebuildEnds = gate();
		const rebuilt = pausingWrites(async () => {
			events.push('rebuild starts');
			await rebuildEnds.opened;
			events.push('rebuild ends');
		});
		await sleep(0);
		expect(writesPaused()).toBe(true);
		const wrote = asWrite(async () => void events.push('write'));
		await sleep(20);
		expect(events).toEqual(['rebuild starts']);
		rebuildEnds.open();
		await Promise.all([rebuilt, wrote]);
		expect(events).toEqual(['rebuild starts', 'rebuild ends', 'write']);
		expect(writesPaused()).toBe(false);
	});

	it('a rebuild starts once the writes in flight have ended, and new ones wait for it', async () => {
		const events: string[] = [];
		const writeEnds = gate();
		const first = asWrite(async () => {
			events.push('first write starts');
			await writeEnds.opened;
			events.push('first write ends');
		});
		const rebuilt = pausingWrites(async () => void events.push('rebuild'));
		const second = asWrite(async () => void events.push('second write'));
		await sleep(20);
		expect(events).toEqual(['first write starts']);
		writeEnds.open();
		await Promise.all([first, rebuilt, second]);
		expect(events).toEqual(['first write starts', 'first write ends', 'rebuild', 'second write']);
	});

	it('a rebuild asked for by a write (a deletion) does not wait for that write', async () => {
		const started = performance.now();
		let rebuiltAfter = Infinity;
		await asWrite(() =>
			pausingWrites(async () => {
				rebuiltAfter = performance.now() - started;
			})
		);
		// waiting for itself, it would start only at the limit of 2 s
		expect(rebuiltAfter).toBeLessThan(500);
	});

	it('a write that does not end holds a rebuild back 2 s at most', async () => {
		const never = gate();
		void asWrite(() => never.opened);
		const started = performance.now();
		await pausingWrites(async () => undefined);
		const waited = performance.now() - started;
		never.open();
		expect(waited).toBeGreaterThanOrEqual(1990);
		expect(waited).toBeLessThan(4000);
	});

	it('a session is not renewed during a rebuild, and is at the next request after it', async () => {
		const user = await makeUser();
		const { token } = await startSession(user.id);
		const expiresAt = async () =>
			(
				await db
					.select()
					.from(session)
					.where(eq(session.id, hashToken(token)))
			)[0].expiresAt;
		const before = await expiresAt();
		const later = new Date(Date.now() + 20 * day); // fewer than 15 days left: renewed
		const rebuildEnds = gate();
		const rebuilt = pausingWrites(() => rebuildEnds.opened);
		await sleep(0);
		const during = await validateSessionToken(token, later);
		expect(during.user?.id).toBe(user.id);
		expect(during.renewed).toBe(false);
		expect(await expiresAt()).toEqual(before);
		rebuildEnds.open();
		await rebuilt;
		const after = await validateSessionToken(token, later);
		expect(after.renewed).toBe(true);
		expect((await expiresAt()).getTime()).toBeGreaterThan(before.getTime());
	});
});
