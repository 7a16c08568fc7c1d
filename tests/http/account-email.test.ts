// Accounts that rely on email, through the built server and a real SMTP exchange (smtp-app.sink.js):
// confirming an address, resetting a password, the limits on both, and the owner of an account
// that strangers hammer with wrong passwords.
import { eq } from 'drizzle-orm';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { db } from '$lib/server/db';
import { accountToken, session, user } from '$lib/server/db/schema';
import { mail } from '$lib/server/db/work-schema';
import { issueLink } from '$lib/server/accounts/email-links';
import { hashToken } from '$lib/server/tokens';
import { defaultPassword, makeUser, sessionCookie, uniqueEmail } from '../support/factories';
import { messageOf } from '../support/http';
import type { Mail } from '../support/mail';
import { useBuiltServerWithMail } from '../support/server';

const app = useBuiltServerWithMail();

let addresses = 0;
/** A client address of its own, so that one test's failures do not count against another's. */
const somewhere = () => ({ 'x-forwarded-for': `198.51.100.${++addresses}` });

/** The one message to `email` whose subject matches, once it has arrived. */
async function mailTo(email: string, subject: RegExp): Promise<Mail> {
	return vi.waitFor(
		async () => {
			const found = (await app.sink.mail(email)).filter((m) => subject.test(m.subject));
			expect(found).toHaveLength(1);
			return found[0];
		},
		{ timeout: 10_000, interval: 50 }
	);
}

const linkIn = (message: Mail, path: 'verify-email' | 'reset-password') =>
	message.text.match(new RegExp(`/${path}/([a-z0-9]+)`))![1];

const verifiedAt = (userId: string) =>
	db.select({ at: user.emailVerifiedAt }).from(user).where(eq(user.id, userId)).get()?.at ?? null;

async function signUp(email: string, headers = somewhere()) {
	const response = await app.http.post(
		'/signup?/signup',
		{ displayName: 'Mirela', email, password: defaultPassword },
		{ headers }
	);
	expect(response.status).toBe(303);
	const cookie = response.headers.get('set-cookie')!.match(/(session=[^;]+)/)![1];
	const { id } = db.select({ id: user.id }).from(user).where(eq(user.email, email)).get()!;
	return { id, email, cookie };
}

describe('confirming an address', () => {
	it('sign-up mails a link; opening it changes nothing, its button confirms, once', async () => {
		const person = await signUp(uniqueEmail('new'));
		const account = await (await app.http.get('/account', { cookie: person.cookie })).text();
		expect(account).toContain('not confirmed');
		const home = await (await app.http.get('/', { cookie: person.cookie })).text();
		expect(home).toContain('Confirm your email address');

		const message = await mailTo(person.email, /Confirm your email/);
		const token = linkIn(message, 'verify-email');
		// kept only as a hash: neither the token table, nor the recorded mail, nor the file has it
		const [stored] = db.select().from(accountToken).where(eq(accountToken.userId, person.id)).all();
		expect(stored.id).toBe(hashToken(token));
		// the server records a message once SMTP has accepted it, a moment after the sink has it
		const recorded = await vi.waitFor(
			() => {
				const [row] = db.select().from(mail).where(eq(mail.userId, person.id)).all();
				expect(row, 'the recorded mail').toBeDefined();
				return row;
			},
			{ timeout: 5_000, interval: 50 }
		);
		expect(recorded.text).toContain('/verify-email/(hidden)');
		const file = process.env.DATABASE_URL!.slice('file:'.length);
		for (const part of [file, `${file}-wal`].filter(existsSync))
			expect(readFileSync(part).includes(token), part).toBe(false);

		// a mail scanner opening the link confirms nothing
		const page = await app.http.get(`/verify-email/${token}`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Yes, confirm my address');
		expect(verifiedAt(person.id)).toBeNull();

		const confirmed = await app.http.post(`/verify-email/${token}?/confirm`, {});
		expect(confirmed.status).toBe(200);
		expect(await confirmed.text()).toContain(`${person.email} is confirmed`);
		expect(verifiedAt(person.id)).not.toBeNull();
		const home2 = await (await app.http.get('/', { cookie: person.cookie })).text();
		expect(home2).not.toContain('Confirm your email address');

		const again = await app.http.post(`/verify-email/${token}?/confirm`, {});
		expect(again.status).toBe(404);
		expect(await messageOf(again)).toMatch(/no longer works/);
	});

	it('a link older than a day, or a made-up one, confirms nothing', async () => {
		const person = await makeUser({ verified: false });
		const dayAndAHourAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
		const old = issueLink(person.id, 'verify-email', person.email, dayAndAHourAgo);
		expect((await app.http.post(`/verify-email/${old}?/confirm`, {})).status).toBe(404);
		expect((await app.http.post('/verify-email/madeup?/confirm', {})).status).toBe(404);
		expect(verifiedAt(person.id)).toBeNull();
	});

	it('"send again" sends a new link, a few times an hour at most', async () => {
		const person = await makeUser({ verified: false });
		const cookie = await sessionCookie(person.id);
		for (let i = 0; i < 5; i++) {
			const sent = await app.http.post('/account?/sendVerification', {}, { cookie });
			expect(sent.status).toBe(200);
		}
		const refused = await app.http.post('/account?/sendVerification', {}, { cookie });
		expect(refused.status).toBe(429);
		await vi.waitFor(async () => expect(await app.sink.mail(person.email)).toHaveLength(5));
		// only the latest link works
		const links = (await app.sink.mail(person.email)).map((m) => linkIn(m, 'verify-email'));
		const rows = db
			.select({ id: accountToken.id })
			.from(accountToken)
			.where(eq(accountToken.userId, person.id))
			.all();
		expect(rows).toHaveLength(1);
		expect(links.map(hashToken)).toContain(rows[0].id);
	});

	it('a new address needs the password, is confirmed again, and the old one is told', async () => {
		const person = await makeUser();
		const cookie = await sessionCookie(person.id);
		const next = uniqueEmail('moved');
		const wrong = await app.http.post(
			'/account?/changeEmail',
			{ email: next, password: 'not my password' },
			{ cookie, headers: somewhere() }
		);
		expect(wrong.status).toBe(400);
		const taken = await app.http.post(
			'/account?/changeEmail',
			{ email: (await makeUser()).email, password: defaultPassword },
			{ cookie, headers: somewhere() }
		);
		expect(taken.status).toBe(400);
		expect(db.select().from(user).where(eq(user.id, person.id)).get()!.email).toBe(person.email);

		const moved = await app.http.post(
			'/account?/changeEmail',
			{ email: next, password: defaultPassword },
			{ cookie, headers: somewhere() }
		);
		expect(moved.status).toBe(200);
		const row = db.select().from(user).where(eq(user.id, person.id)).get()!;
		expect(row.email).toBe(next);
		expect(row.emailVerifiedAt).toBeNull();
		const told = await mailTo(person.email, /email address was changed/);
		expect(told.text).not.toContain(next);
		expect(told.text).toContain(`${next.slice(0, 2)}***@example.org`);
		const link = linkIn(await mailTo(next, /Confirm your email/), 'verify-email');
		expect((await app.http.post(`/verify-email/${link}?/confirm`, {})).status).toBe(200);
		expect(verifiedAt(person.id)).not.toBeNull();
	});
});

describe('resetting a password', () => {
	it('answers the same for an address with an account and one without; only one gets mail', async () => {
		const person = await makeUser();
		const stranger = uniqueEmail('nobody');
		const known = await app.http.post(
			'/forgot-password?/send',
			{ email: person.email },
			{ headers: somewhere() }
		);
		const unknown = await app.http.post(
			'/forgot-password?/send',
			{ email: stranger },
			{ headers: somewhere() }
		);
		expect(known.status).toBe(200);
		expect(unknown.status).toBe(200);
		const words = (html: string, email: string) =>
			html.match(/If an account uses [^<]*/)![0].replace(email, 'ADDRESS');
		expect(words(await known.text(), person.email)).toBe(words(await unknown.text(), stranger));
		await mailTo(person.email, /Set a new password/);
		expect(await app.sink.mail(stranger)).toEqual([]);
	});

	it('a link sets a new password once, ends every session and says so by email', async () => {
		const person = await makeUser();
		const elsewhere = await sessionCookie(person.id);
		await app.http.post(
			'/forgot-password?/send',
			{ email: person.email },
			{ headers: somewhere() }
		);
		const token = linkIn(await mailTo(person.email, /Set a new password/), 'reset-password');
		expect(
			db
				.select()
				.from(accountToken)
				.where(eq(accountToken.id, hashToken(token)))
				.get()
		).toBeTruthy();

		const form = await app.http.get(`/reset-password/${token}`);
		expect(await form.text()).toContain('Save the new password');
		// a weak password is refused, and the link still works
		const weak = await app.http.post(`/reset-password/${token}?/reset`, { password: 'password' });
		expect(weak.status).toBe(400);
		expect(await messageOf(weak)).toMatch(/commonly used/);

		const reset = await app.http.post(`/reset-password/${token}?/reset`, {
			password: 'lantern orchard bicycle'
		});
		expect(reset.status).toBe(303);
		expect(reset.headers.get('location')).toBe('/account?password=reset');
		const fresh = reset.headers.get('set-cookie')!.match(/(session=[^;]+)/)![1];
		expect((await app.http.get('/account', { cookie: fresh })).status).toBe(200);
		expect((await app.http.get('/account', { cookie: elsewhere })).status).toBe(303);
		expect(db.select().from(session).where(eq(session.userId, person.id)).all()).toHaveLength(1);
		await mailTo(person.email, /password was changed/);

		const twice = await app.http.post(`/reset-password/${token}?/reset`, {
			password: 'another fine password'
		});
		expect(twice.status).toBe(404);
		const login = await app.http.post(
			'/login?/login',
			{ email: person.email, password: 'lantern orchard bicycle' },
			{ headers: somewhere() }
		);
		expect(login.status).toBe(303);
	});

	it('a link older than an hour sets nothing', async () => {
		const person = await makeUser();
		const old = issueLink(
			person.id,
			'reset-password',
			person.email,
			new Date(Date.now() - 61 * 60 * 1000)
		);
		const response = await app.http.post(`/reset-password/${old}?/reset`, {
			password: 'lantern orchard bicycle'
		});
		expect(response.status).toBe(404);
		const login = await app.http.post(
			'/login?/login',
			{ email: person.email, password: defaultPassword },
			{ headers: somewhere() }
		);
		expect(login.status).toBe(303);
	});

	it('is limited per address asked for, whether or not it has an account', async () => {
		for (const email of [(await makeUser()).email, uniqueEmail('nobody')]) {
			for (let i = 0; i < 5; i++) {
				const asked = await app.http.post(
					'/forgot-password?/send',
					{ email },
					{ headers: somewhere() }
				);
				expect(asked.status).toBe(200);
			}
			const refused = await app.http.post(
				'/forgot-password?/send',
				{ email },
				{ headers: somewhere() }
			);
			expect(refused.status).toBe(429);
			expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		}
	});
});

describe('wrong passwords', () => {
	it("a stranger's guesses do not lock the owner out, and give the stranger no more guesses", async () => {
		const person = await makeUser();
		const stranger = somewhere();
		for (let i = 0; i < 10; i++) {
			const guess = await app.http.post(
				'/login?/login',
				{ email: person.email, password: `guess ${i}` },
				{ headers: stranger }
			);
			expect(guess.status).toBe(400);
		}
		const waits = await app.http.post(
			'/login?/login',
			{ email: person.email, password: defaultPassword },
			{ headers: stranger }
		);
		expect(waits.status).toBe(429);
		expect(await messageOf(waits)).toMatch(/Wait \d+ minutes/);

		// from anywhere else the password is not even checked, the right one included...
		const owner = somewhere();
		const refused = await app.http.post(
			'/login?/login',
			{ email: person.email, password: defaultPassword },
			{ headers: owner }
		);
		expect(refused.status).toBe(429);
		expect(await refused.text()).toContain('Email me a link to log in');

		// ...but the owner logs in with a link sent to the account's address
		await app.http.post('/forgot-password?/send', { email: person.email }, { headers: owner });
		const token = linkIn(await mailTo(person.email, /Set a new password/), 'reset-password');
		const reset = await app.http.post(
			`/reset-password/${token}?/reset`,
			{ password: 'lantern orchard bicycle' },
			{ headers: owner }
		);
		expect(reset.status).toBe(303);
		const login = await app.http.post(
			'/login?/login',
			{ email: person.email, password: 'lantern orchard bicycle' },
			{ headers: owner }
		);
		expect(login.status).toBe(303);
	});

	it('changing the password and deleting the account are limited as log-in is', async () => {
		const person = await makeUser();
		const cookie = await sessionCookie(person.id);
		for (let i = 0; i < 10; i++) {
			const action = i % 2 ? '/account?/changePassword' : '/account?/deleteAccount';
			const fields: Record<string, string> =
				i % 2
					? { currentPassword: `guess ${i}`, newPassword: 'lantern orchard bicycle' }
					: { password: `guess ${i}` };
			const response = await app.http.post(action, fields, { cookie, headers: somewhere() });
			expect(response.status).toBe(400);
		}
		const change = await app.http.post(
			'/account?/changePassword',
			{ currentPassword: defaultPassword, newPassword: 'lantern orchard bicycle' },
			{ cookie, headers: somewhere() }
		);
		expect(change.status).toBe(429);
		const remove = await app.http.post(
			'/account?/deleteAccount',
			{ password: defaultPassword },
			{ cookie, headers: somewhere() }
		);
		expect(remove.status).toBe(429);
		expect(db.select().from(user).where(eq(user.id, person.id)).get()).toBeTruthy();
	});
});

describe('signed-in devices', () => {
	it('lists devices by browser and day, and logs out all the others', async () => {
		const person = await makeUser();
		const phoneAgent = 'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0';
		const phone = await app.http.post(
			'/login?/login',
			{ email: person.email, password: defaultPassword },
			{ headers: { ...somewhere(), 'user-agent': phoneAgent } }
		);
		const phoneCookie = phone.headers.get('set-cookie')!.match(/(session=[^;]+)/)![1];
		const laptop = await sessionCookie(person.id);
		const page = await (await app.http.get('/account', { cookie: laptop })).text();
		expect(page).toContain('Firefox on Android');
		expect(page).toContain('this device');
		expect(page).not.toMatch(/198\.51\.100\./);

		const out = await app.http.post('/account?/logOutOthers', {}, { cookie: laptop });
		expect(out.status).toBe(200);
		expect((await app.http.get('/account', { cookie: phoneCookie })).status).toBe(303);
		expect((await app.http.get('/account', { cookie: laptop })).status).toBe(200);
	});

	it('the banner about an unconfirmed address can be dismissed', async () => {
		const person = await makeUser({ verified: false });
		const cookie = await sessionCookie(person.id);
		expect(await (await app.http.get('/tasks', { cookie })).text()).toContain(
			'Confirm your email address'
		);
		const dismissed = await app.http.post(
			'/account?/dismissBanner',
			{ next: '/tasks' },
			{ cookie }
		);
		expect(dismissed.status).toBe(303);
		expect(dismissed.headers.get('location')).toBe('/tasks');
		const banner = dismissed.headers.get('set-cookie')!.match(/(email-banner=[^;]+)/)![1];
		const after = await app.http.get('/tasks', { cookie: `${cookie}; ${banner}` });
		expect(await after.text()).not.toContain('Confirm your email address');
	});
});
