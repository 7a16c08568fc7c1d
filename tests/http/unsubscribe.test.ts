// The one-click unsubscribe link in every email, through the built server: opening it changes
// nothing (mail scanners open links), its one button turns every emailed kind into in-app only.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { mail } from '$lib/server/db/work-schema';
import { sendMail } from '$lib/server/reminders/mail';
import { preferencesOf, setPreferences } from '$lib/server/reminders/notifications';
import { makeUser } from '../support/factories';
import { startMailSink } from '../support/mail';
import { messageOf } from '../support/http';
import { useBuiltServer } from '../support/server';
import { snapshot } from '../support/snapshot';

const app = useBuiltServer();

// The token is in the mail as received, and only there: the app keeps its hash, and the text it
// records has the link hidden.
let sink: Awaited<ReturnType<typeof startMailSink>>;
beforeAll(async () => {
	sink = await startMailSink();
	process.env.SMTP_URL = sink.url;
});
afterAll(() => {
	delete process.env.SMTP_URL;
	sink.stop();
});

/** A person who was sent one email; returns them and the token of its unsubscribe link. */
async function emailedPerson() {
	const person = await makeUser();
	await sendMail({
		to: person.email,
		userId: person.id,
		subject: 'Print the leaflets is due tomorrow',
		text: 'Hello,\n\nIt is due tomorrow.',
		messageId: `<test-${crypto.randomUUID()}@outsider>`
	});
	const [row] = await db.select().from(mail).where(eq(mail.userId, person.id));
	expect(row).toMatchObject({ transport: 'smtp', status: 'sent' });
	expect(row.text).toContain('/unsubscribe/(hidden)');
	const [received] = await sink.mail(person.email);
	const token = received?.text.match(/\/unsubscribe\/([a-z0-9]+)\s*$/m)?.[1];
	expect(token, 'an unsubscribe link in the text').toBeTruthy();
	return { ...person, token: token! };
}

const unsubscribePost = (token: string, options = {}) =>
	app.http.post(`/unsubscribe/${token}?/unsubscribe`, {}, options);

describe('opening the link', () => {
	it('shows one button and changes nothing, for a made-up token', async () => {
		const before = await snapshot();
		const response = await app.http.get('/unsubscribe/notarealtokenatall');
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\?\/unsubscribe"/);
		expect(html).toMatch(/<button[^>]*>Stop all email<\/button>/);
		expect(await snapshot()).toEqual(before);
	});

	it('changes nothing for a real token either, until the button is pressed', async () => {
		const person = await emailedPerson();
		const before = await snapshot();
		const response = await app.http.get(`/unsubscribe/${person.token}`);
		expect(response.status).toBe(200);
		expect(await response.text()).toMatch(/Stop all email/);
		expect(await snapshot()).toEqual(before);
		expect((await preferencesOf(person.id)).task_due).toBe('email');
	});
});

describe('pressing the button', () => {
	it('turns every emailed kind into in-app only and leaves "none" alone', async () => {
		const person = await emailedPerson();
		await setPreferences(person.id, {
			task_assigned: 'email',
			task_due: 'email',
			review_opened: 'none',
			review_closing: 'in_app',
			review_closed: 'in_app'
		});
		const response = await unsubscribePost(person.token);
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toMatch(/will not email you any more/);
		expect(html).not.toMatch(/<button[^>]*>Stop all email/);
		expect(await preferencesOf(person.id)).toEqual({
			task_assigned: 'in_app',
			task_due: 'in_app',
			review_opened: 'none',
			review_closing: 'in_app',
			review_closed: 'in_app'
		});

		// pressing it again (a second tab, a double click) is fine and changes nothing more
		const before = await snapshot();
		expect((await unsubscribePost(person.token)).status).toBe(200);
		expect(await snapshot()).toEqual(before);
	});

	it('with a person on defaults: everything becomes in-app only', async () => {
		const person = await emailedPerson();
		expect((await unsubscribePost(person.token)).status).toBe(200);
		expect(await preferencesOf(person.id)).toEqual({
			task_assigned: 'in_app',
			task_due: 'in_app',
			review_opened: 'in_app',
			review_closing: 'in_app',
			review_closed: 'in_app'
		});
	});

	it('a made-up or over-long token is not found and changes nothing', async () => {
		for (const token of ['notarealtokenatall', 'a'.repeat(5000)]) {
			const before = await snapshot();
			const response = await unsubscribePost(token);
			expect(response.status).toBe(404);
			expect(await messageOf(response)).toMatch(/unsubscribe link is not valid/);
			expect(await snapshot()).toEqual(before);
		}
	});

	it('a post from another site is refused and changes nothing', async () => {
		const person = await emailedPerson();
		const before = await snapshot();
		const response = await unsubscribePost(person.token, { origin: 'https://evil.example' });
		expect(response.status).toBe(403);
		expect(await snapshot()).toEqual(before);
		expect((await preferencesOf(person.id)).task_due).toBe('email');
	});
});
