// The outbox, through the built server: only a confirmed operator sees it, and nobody, there or
// in the database, ever sees a working secret link (unsubscribe, confirm, reset).
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { mail } from '$lib/server/db/work-schema';
import { sendMail } from '$lib/server/reminders/mail';
import { makeUser, sessionCookie } from '../support/factories';
import { useBuiltServer } from '../support/server';

const operator = `operator-${crypto.randomUUID()}@example.org`;
// listed, but whoever signed up with it never confirmed it: perhaps not the operator at all
const unconfirmed = `second-operator-${crypto.randomUUID()}@example.org`;
const app = useBuiltServer({
	OPERATOR_EMAILS: `${operator}, ${unconfirmed}`,
	SMTP_URL: undefined
});

beforeAll(() => {
	delete process.env.SMTP_URL;
});

let operatorAccount: Promise<string> | undefined;
/** A session of the confirmed operator, whose account is made once. */
const operatorCookie = () =>
	(operatorAccount ??= makeUser({ email: operator }).then((me) => sessionCookie(me.id)));

describe('the outbox', () => {
	it('shows a confirmed operator the latest mail, with no secret link anywhere', async () => {
		const person = await makeUser();
		const subject = `Leaflets ${crypto.randomUUID()}`;
		const resetToken = 'aresettokenthatmustnotbekeptanywhere';
		await sendMail({
			to: person.email,
			userId: person.id,
			subject,
			text: `Hello,\n\nThe leaflets are due tomorrow. http://x/reset-password/${resetToken}`,
			messageId: `<test-${crypto.randomUUID()}@outsider>`
		});
		// hidden when recorded: a copy of the database holds no working link either
		const [row] = db.select().from(mail).where(eq(mail.userId, person.id)).all();
		expect(row.text).toContain('/unsubscribe/(hidden)');
		expect(row.text).toContain('/reset-password/(hidden)');
		expect(row.text).not.toContain(resetToken);
		expect(row.unsubscribeHash).toMatch(/^[0-9a-f]{64}$/);

		const response = await app.http.get('/outbox', { cookie: await operatorCookie() });
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain(subject);
		expect(html).toContain('/unsubscribe/(hidden)');
		expect(html).not.toContain(resetToken);
	});

	it('shows 25 messages a page, newest first, with the older ones a page on', async () => {
		// thirty messages newer than any other in this file's database, a minute apart
		const batch = crypto.randomUUID().slice(0, 8);
		const newest = Date.now() + 24 * 60 * 60 * 1000;
		const person = await makeUser();
		db.insert(mail)
			.values(
				Array.from({ length: 30 }, (_, i) => ({
					id: crypto.randomUUID(),
					userId: person.id,
					toAddress: person.email,
					subject: `Batch ${batch} message ${30 - i}`,
					text: 'Hello.',
					transport: 'log' as const,
					status: 'sent' as const,
					createdAt: new Date(newest - i * 60_000)
				}))
			)
			.run();
		const cookie = await operatorCookie();
		const shown = (html: string) =>
			[...html.matchAll(new RegExp(`Batch ${batch} message (\\d+)<`, 'g'))].map((m) =>
				Number(m[1])
			);

		const first = await (await app.http.get('/outbox', { cookie })).text();
		expect(shown(first)).toEqual(Array.from({ length: 25 }, (_, i) => 30 - i));
		expect(first).toMatch(/href="\?page=2" rel="next">Older</);
		expect(first).not.toContain('rel="prev"');

		const second = await (await app.http.get('/outbox?page=2', { cookie })).text();
		expect(shown(second)).toEqual([5, 4, 3, 2, 1]);
		expect(second).toMatch(/href="\?" rel="prev">Newer</);

		// past the last page, and nonsense: a page that says so, or the first, never an error
		const past = await app.http.get('/outbox?page=999', { cookie });
		expect(past.status).toBe(200);
		expect(await past.text()).toContain('No older mail.');
		const nonsense = await (await app.http.get('/outbox?page=-3x', { cookie })).text();
		expect(shown(nonsense)).toEqual(shown(first));
	});

	it('is not there for an account with an operator address it has not confirmed', async () => {
		const stranger = await makeUser({ email: unconfirmed, verified: false });
		const response = await app.http.get('/outbox', { cookie: await sessionCookie(stranger.id) });
		expect(response.status).toBe(404);
	});
});
