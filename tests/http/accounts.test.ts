import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '$lib/server/db';
import { membership, session, user } from '$lib/server/db/schema';
import { createInvite, revokeInvite } from '$lib/server/groups/invites';
import { hashToken } from '$lib/server/tokens';
import {
	defaultPassword,
	makeGroup,
	makeUser,
	sessionCookie,
	uniqueEmail,
	addMember
} from '../support/factories';
import { client, messageOf } from '../support/http';
import { tmpPath } from '../support/paths';
import { startServer, useBuiltServer } from '../support/server';

const app = useBuiltServer();

const tokenOf = (cookie: string) => cookie.split('=')[1];

describe('sign-up and log-in', () => {
	it('signs up with a lower-cased email and sets an HttpOnly, SameSite=Lax session cookie', async () => {
		const email = uniqueEmail('New.Person').replace('new.person', 'New.Person');
		const response = await app.http.post('/signup?/signup', {
			displayName: 'Ana',
			email,
			password: 'plum tractor window'
		});
		expect(response.status).toBe(303);
		const cookie = response.headers.get('set-cookie')!;
		expect(cookie).toMatch(/^session=[a-z2-7]{32};/);
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).not.toMatch(/Secure/); // plain HTTP here; see the HTTPS test
		const [row] = await db.select().from(user).where(eq(user.email, email.toLowerCase()));
		expect(row.displayName).toBe('Ana');
	});

	it('refuses a common password and a taken email with a message, creating nothing', async () => {
		const taken = await makeUser();
		const before = (await db.select().from(user)).length;
		const common = await app.http.post('/signup?/signup', {
			displayName: 'B',
			email: uniqueEmail(),
			password: 'password1'
		});
		expect(common.status).toBe(400);
		expect(await messageOf(common)).toMatch(/commonly used/);
		const duplicate = await app.http.post('/signup?/signup', {
			displayName: 'B',
			email: taken.email.toUpperCase(),
			password: 'plum tractor window'
		});
		expect(duplicate.status).toBe(400);
		expect(await messageOf(duplicate)).toMatch(/already exists/);
		expect((await db.select().from(user)).length).toBe(before);
	});

	it('answers a wrong password and an unknown email with the same message', async () => {
		const person = await makeUser();
		const wrong = await app.http.post('/login?/login', {
			email: person.email,
			password: 'not the password'
		});
		const unknown = await app.http.post('/login?/login', {
			email: uniqueEmail(),
			password: 'not the password'
		});
		expect(wrong.status).toBe(400);
		expect(unknown.status).toBe(400);
		expect(await messageOf(wrong)).toBe(await messageOf(unknown));
	});

	it('logs in and sends the person on only to a path on this site', async () => {
		const person = await makeUser();
		const ok = await app.http.post('/login?/login', {
			email: person.email,
			password: defaultPassword,
			next: '/account'
		});
		expect(ok.status).toBe(303);
		expect(ok.headers.get('location')).toBe('/account');
		const away = await app.http.post('/login?/login', {
			email: person.email,
			password: defaultPassword,
			next: '//evil.example/x'
		});
		expect(away.headers.get('location')).toBe('/');
		// a character no Location header may carry sends the person home, not to an error page
		const broken = await app.http.post('/login?/login', {
			email: person.email,
			password: defaultPassword,
			next: '/tasks\u0000'
		});
		expect(broken.status).toBe(303);
		expect(broken.headers.get('location')).toBe('/');
	});
});

describe('arriving through an invitation', () => {
	it('joins the group on the way back from sign-up or log-in, with no second step', async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const link = await createInvite({
			groupId: group.id,
			role: 'member',
			expiresInDays: 7,
			maxUses: 5,
			createdBy: owner.id
		});
		const email = uniqueEmail('invited');
		const signedUp = await app.http.post('/signup?/signup', {
			displayName: 'Invited Ines',
			email,
			password: defaultPassword,
			next: `/invite/${link.token}`
		});
		expect(signedUp.status).toBe(303);
		expect(signedUp.headers.get('location')).toBe(`/g/${group.slug}?welcome=1`);

		const existing = await makeUser();
		const loggedIn = await app.http.post('/login?/login', {
			email: existing.email,
			password: defaultPassword,
			next: `/invite/${link.token}`
		});
		expect(loggedIn.headers.get('location')).toBe(`/g/${group.slug}?welcome=1`);
		const members = db
			.select({ userId: membership.userId })
			.from(membership)
			.where(eq(membership.groupId, group.id))
			.all()
			.map((m) => m.userId);
		expect(members).toContain(existing.id);
		expect(members).toHaveLength(3);

		// a link turned off meanwhile: back to its page, which says why
		await revokeInvite(group.id, link.id);
		const late = await makeUser();
		const refused = await app.http.post('/login?/login', {
			email: late.email,
			password: defaultPassword,
			next: `/invite/${link.token}`
		});
		expect(refused.headers.get('location')).toBe(`/invite/${link.token}`);
		expect(db.select().from(membership).where(eq(membership.userId, late.id)).all()).toEqual([]);
	});
});

describe('brute-force limits', () => {
	it('answer 429 with a retry time after 10 failed log-ins for one account', async () => {
		const person = await makeUser();
		for (let i = 0; i < 10; i++) {
			const response = await app.http.post('/login?/login', {
				email: person.email,
				password: `wrong ${i}`
			});
			expect(response.status).toBe(400);
		}
		const blocked = await app.http.post('/login?/login', {
			email: person.email,
			password: defaultPassword
		});
		expect(blocked.status).toBe(429);
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await messageOf(blocked)).toMatch(/Too many failed log-ins\. Wait \d+ minutes/);
	});

	it('count per address, and a spoofed X-Forwarded-For does not reset the count', async () => {
		// a server and database of its own, so this address's failures do not spill into other tests
		const own = await startServer({ DATABASE_URL: `file:${tmpPath('rate-limit')}.db` });
		try {
			const ownHttp = client(own.url);
			for (let i = 0; i < 30; i++) {
				const response = await ownHttp.post('/login?/login', {
					email: uniqueEmail(),
					password: 'guess guess'
				});
				expect(response.status).toBe(400);
			}
			const spoofed = await ownHttp.post(
				'/login?/login',
				{ email: uniqueEmail(), password: 'guess guess' },
				{ headers: { 'x-forwarded-for': '203.0.113.9' } }
			);
			expect(spoofed.status).toBe(429);
			expect(Number(spoofed.headers.get('retry-after'))).toBeGreaterThan(0);
		} finally {
			await own.stop();
		}
	});

	it('limit sign-ups per email address', async () => {
		const email = uniqueEmail();
		const statuses = [];
		for (let i = 0; i < 6; i++) {
			const response = await app.http.post('/signup?/signup', {
				displayName: 'X',
				email,
				password: 'short'
			});
			statuses.push(response.status);
		}
		expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
	});
});

describe('the session cookie', () => {
	it('is set again only when the session is renewed, and then ends when the session does', async () => {
		const person = await makeUser();
		const cookie = await sessionCookie(person.id);
		const id = hashToken(tokenOf(cookie));
		const sessionCookieOf = (response: Response) =>
			response.headers.getSetCookie().find((c) => c.startsWith('session='));

		const fresh = await app.http.get('/account', { cookie });
		expect(fresh.status).toBe(200);
		expect(sessionCookieOf(fresh)).toBeUndefined();

		// ten days left: the next request pushes the expiry to 30 days from now and says so
		const soon = new Date(Date.now() + 10 * 24 * 60 * 60 * 1000);
		await db.update(session).set({ expiresAt: soon }).where(eq(session.id, id));
		const before = Date.now();
		const renewing = await app.http.get('/account', { cookie });
		expect(renewing.status).toBe(200);
		const [stored] = await db.select().from(session).where(eq(session.id, id));
		expect(stored.expiresAt.getTime()).toBeGreaterThan(before + 29 * 24 * 60 * 60 * 1000);
		const set = sessionCookieOf(renewing);
		expect(set).toMatch(new RegExp(`^${cookie};`));
		const expires = new Date(set!.match(/Expires=([^;]+)/)![1]);
		// the cookie's date has whole seconds
		expect(Math.abs(expires.getTime() - stored.expiresAt.getTime())).toBeLessThan(1000);

		expect(sessionCookieOf(await app.http.get('/account', { cookie }))).toBeUndefined();
	});
});

describe('ending sessions', () => {
	it('log-out deletes the session on the server, not only the cookie', async () => {
		const person = await makeUser();
		const cookie = await sessionCookie(person.id);
		expect((await app.http.get('/account', { cookie })).status).toBe(200);
		const out = await app.http.post('/logout?/logout', {}, { cookie });
		expect(out.status).toBe(303);
		expect(out.headers.get('set-cookie')).toMatch(/session=;.*Max-Age=0/);
		expect(
			await db
				.select()
				.from(session)
				.where(eq(session.id, hashToken(tokenOf(cookie))))
		).toHaveLength(0);
		expect((await app.http.get('/account', { cookie })).status).toBe(303);
	});

	it('a password change ends every other session and keeps this one', async () => {
		const person = await makeUser();
		const here = await sessionCookie(person.id);
		const elsewhere = await sessionCookie(person.id);
		const wrong = await app.http.post(
			'/account?/changePassword',
			{ currentPassword: 'nope nope', newPassword: 'violet engine harbour' },
			{ cookie: here }
		);
		expect(wrong.status).toBe(400);
		expect((await app.http.get('/account', { cookie: elsewhere })).status).toBe(200);
		const changed = await app.http.post(
			'/account?/changePassword',
			{ currentPassword: defaultPassword, newPassword: 'violet engine harbour' },
			{ cookie: here }
		);
		expect(changed.status).toBe(200);
		expect((await app.http.get('/account', { cookie: here })).status).toBe(200);
		expect((await app.http.get('/account', { cookie: elsewhere })).status).toBe(303);
		const relogin = await app.http.post('/login?/login', {
			email: person.email,
			password: 'violet engine harbour'
		});
		expect(relogin.status).toBe(303);
	});

	it('deleting an account removes it and its sessions, unless it is the only owner of a group with others', async () => {
		const owner = await makeUser();
		const group = await makeGroup(owner.id);
		const other = await makeUser();
		await addMember(group.id, other.id);
		const cookie = await sessionCookie(owner.id);
		const blocked = await app.http.post(
			'/account?/deleteAccount',
			{ password: defaultPassword },
			{ cookie }
		);
		expect(blocked.status).toBe(409);
		expect(await messageOf(blocked)).toMatch(/only owner/);

		const loner = await makeUser();
		const lonerCookie = await sessionCookie(loner.id);
		await makeGroup(loner.id);
		const deleted = await app.http.post(
			'/account?/deleteAccount',
			{ password: defaultPassword },
			{ cookie: lonerCookie }
		);
		expect(deleted.status).toBe(303);
		expect(await db.select().from(user).where(eq(user.id, loner.id))).toHaveLength(0);
		expect(await db.select().from(session).where(eq(session.userId, loner.id))).toHaveLength(0);
	});
});

describe('served over HTTPS (behind a TLS proxy, ORIGIN=https://...)', () => {
	it('names the cookie __Host-session and marks it Secure', async () => {
		const origin = 'https://outsider.example.org';
		const tls = await startServer({ ORIGIN: origin });
		try {
			const response = await client(tls.url).post(
				'/signup?/signup',
				{ displayName: 'Tls', email: uniqueEmail(), password: 'plum tractor window' },
				{ origin }
			);
			expect(response.status).toBe(303);
			const cookie = response.headers.get('set-cookie')!;
			expect(cookie).toMatch(/^__Host-session=/);
			expect(cookie).toMatch(/Secure/);
			expect(cookie).toMatch(/Path=\//);
			expect(cookie).not.toMatch(/Domain=/);
			expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
		} finally {
			await tls.stop();
		}
	});
});

describe('changing your name', () => {
	it('changes the name your groups see; an empty or overlong name is refused and changes nothing', async () => {
		const person = await makeUser();
		const cookie = await sessionCookie(person.id);
		const renamed = await app.http.post(
			'/account?/rename',
			{ displayName: '  Rosa P.  ' },
			{ cookie }
		);
		expect(renamed.status).toBe(200);
		expect(await renamed.text()).toContain('Your name is changed. Your groups see it now.');
		const nameOf = async () =>
			(await db.select().from(user).where(eq(user.id, person.id)))[0].displayName;
		expect(await nameOf()).toBe('Rosa P.');
		for (const displayName of ['', '   ', 'x'.repeat(81)]) {
			const refused = await app.http.post('/account?/rename', { displayName }, { cookie });
			expect(refused.status).toBe(400);
			expect(await messageOf(refused)).toMatch(/Your name/);
		}
		expect(await nameOf()).toBe('Rosa P.');
	});
});
