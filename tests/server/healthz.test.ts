import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { GET } from '../../src/routes/healthz/+server';

describe('/healthz', () => {
	it('answers 200 while the database answers and 503 once it does not', async () => {
		const call = () => GET({} as Parameters<typeof GET>[0]);
		const up = await call();
		expect(up.status).toBe(200);
		expect(await up.json()).toEqual({ status: 'ok' });
		db.$client.close();
		const down = await call();
		expect(down.status).toBe(503);
		expect(await down.json()).toMatchObject({ status: 'unavailable' });
	});
});
