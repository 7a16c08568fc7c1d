// The outbox, through the built server: operators see what was sent, never a working
// unsubscribe link, which would let them turn off someone else's email.
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { mail } from '$lib/server/db/work-schema';
import { sendMail } from '$lib/server/reminders/mail';
import { makeUser, sessionCookie } from '../support/factories';
import { useBuiltServer } from '../support/server';

const operator = `operator-${crypto.randomUUID()}@example.org`;
const app = useBuiltServer({ OPERATOR_EMAILS: operator, SMTP_URL: undefined });

beforeAll(() => {
	delete process.env.SMTP_URL;
});

describe('the outbox', () => {
	it('shows an operator the latest mail with every unsubscribe token hidden', async () => {
		const person = await makeUser();
		const subject = `Leaflets ${crypto.randomUUID()}`;
		await sendMail({
			to: person.email,
			userId: person.id,
			subject,
			text: 'Hello,\n\nThe leaflets are due tomorrow.',
			messageId: `<test-${crypto.randomUUID()}@outsider>`
		});
		const [row] = await db.select().from(mail).where(eq(mail.userId, person.id));
		const token = row.text.match(/\/unsubscribe\/([a-z0-9]+)\s*$/m)![1];

		const me = await makeUser({ email: operator });
		const response = await app.http.get('/outbox', { cookie: await sessionCookie(me.id) });
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain(subject);
		expect(html).toContain('/unsubscribe/(hidden)');
		expect(html).not.toContain(token);
	});
});
