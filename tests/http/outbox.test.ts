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

		const me = await makeUser({ email: operator });
		const response = await app.http.get('/outbox', { cookie: await sessionCookie(me.id) });
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain(subject);
		expect(html).toContain('/unsubscribe/(hidden)');
		expect(html).not.toContain(resetToken);
	});

	it('is not there for an account with an operator address it has not confirmed', async () => {
		const stranger = await makeUser({ email: unconfirmed, verified: false });
		const response = await app.http.get('/outbox', { cookie: await sessionCookie(stranger.id) });
		expect(response.status).toBe(404);
	});
});
