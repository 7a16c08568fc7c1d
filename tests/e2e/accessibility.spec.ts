import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { discoverEndpoints } from '../support/routes';
import { mailTo } from './helpers';

const run = promisify(execFile);

// Every page, signed out and signed in, on a desktop and a phone, checked with axe-core against
// WCAG 2.2 A and AA: no violation allowed. And the main flows work from the keyboard alone.

const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function post(request: APIRequestContext, baseURL: string, path: string, form = {}) {
	const response = await request.post(path, {
		form,
		headers: { origin: baseURL, accept: 'text/html' },
		maxRedirects: 0
	});
	expect(response.status(), `${path} answers ${response.status()}`).toBeLessThan(400);
	return response.headers()['location'] ?? '';
}

/** A seeded group with every kind of page to visit, and which route each path stands for. */
async function world(page: Page, baseURL: string, name: string) {
	const { stdout } = await run(
		'node',
		['scripts/seed.js', '--server', baseURL, '--reviews', '2', '--members', '12', '--name', name],
		{ env: { ...process.env, DATABASE_URL: `file:${process.env.OUTSIDER_E2E_DATABASE}` } }
	);
	const { slug, cookie, people } = JSON.parse(stdout);
	await page.context().addCookies([{ name: 'session', value: cookie.split('=')[1], url: baseURL }]);
	const base = `/g/${slug}`;
	const request = page.request;
	// a new draft's address: /g/<slug>/reviews/<id>/edit
	const reviewOf = (location: string) => location.split('/').at(-2)!;
	// closed with nobody's answers: its results stay hidden
	const hidden = reviewOf(
		await post(request, baseURL, `${base}/reviews?/create`, { title: 'Hidden' })
	);
	await post(request, baseURL, `${base}/reviews/${hidden}?/open`);
	await post(request, baseURL, `${base}/reviews/${hidden}?/close`);
	const open = reviewOf(await post(request, baseURL, `${base}/reviews?/create`, { title: 'Open' }));
	await post(request, baseURL, `${base}/reviews/${open}?/open`);
	// outsiders asked about the open review, and a real personal link for them, shown once
	await post(request, baseURL, `${base}/reviews/${open}/outsiders?/ask`, {
		'ask:execution': 'on',
		'ask:direction': 'on'
	});
	const linksPage = await (
		await request.post(`${base}/reviews/${open}/outsiders?/links`, {
			form: { count: '1' },
			headers: { origin: baseURL, accept: 'text/html' }
		})
	).text();
	const outsiderToken = linksPage.match(/\/o\/([a-z0-9]+)/)![1];
	// a real invitation link, shown once on the page that made it
	const invitePage = await (
		await request.post(`${base}/invites?/create`, {
			form: { role: 'member', expiresInDays: '7', maxUses: '5', note: '' },
			headers: { origin: baseURL, accept: 'text/html' }
		})
	).text();
	const inviteToken = invitePage.match(/\/invite\/([a-z0-9]+)/)![1];
	// a real unsubscribe link, from the "review opened" mail a member gets
	let unsubscribeToken = '';
	await expect
		.poll(
			async () => {
				const mail = (await mailTo(people[0].email)).find((m) => m.text.includes('/unsubscribe/'));
				unsubscribeToken = mail?.text.match(/\/unsubscribe\/([a-z0-9]+)/)?.[1] ?? '';
				return unsubscribeToken;
			},
			{ timeout: 45_000 }
		)
		.not.toBe('');
	const draft = reviewOf(
		await post(request, baseURL, `${base}/reviews?/create`, { title: 'Draft' })
	);
	const task = (
		await post(request, baseURL, `${base}/board/new?/create`, {
			title: 'Book the hall',
			dueOn: '2026-01-05'
		})
	)
		.split('/')
		.at(-1)!
		.split('?')[0];
	const exported = await (await request.get(`${base}/export.json`)).json();
	const closed = exported.rows.at(-1).reviewId;
	const members = await (await request.get(`${base}/members`)).text();
	const member = members.match(/\/members\/(\w+)/)![1];
	const signedIn: [string, string][] = [
		['/', '/'],
		['/account', '/account'],
		['/groups/new', '/groups/new'],
		['/tasks', '/tasks'],
		['/notifications', '/notifications'],
		['/outbox', '/outbox'],
		['/logout', '/logout'],
		['/g/[group]', base],
		['/g/[group]/members', `${base}/members`],
		['/g/[group]/members/[member]', `${base}/members/${member}`],
		['/g/[group]/invites', `${base}/invites`],
		['/g/[group]/reviews', `${base}/reviews`],
		['/g/[group]/reviews/[review]', `${base}/reviews/${open}`],
		['/g/[group]/reviews/[review]', `${base}/reviews/${draft}`],
		['/g/[group]/reviews/[review]/edit', `${base}/reviews/${draft}/edit`],
		['/g/[group]/reviews/[review]/outsiders', `${base}/reviews/${open}/outsiders`],
		['/g/[group]/reviews/[review]/outsiders', `${base}/reviews/${draft}/outsiders`],
		['/g/[group]/reviews/[review]/results', `${base}/reviews/${closed}/results`],
		['/g/[group]/reviews/[review]/results', `${base}/reviews/${hidden}/results`],
		['/g/[group]/health', `${base}/health`],
		['/g/[group]/compare', `${base}/compare`],
		['/g/[group]/purpose', `${base}/purpose`],
		['/g/[group]/board', `${base}/board`],
		['/g/[group]/board/new', `${base}/board/new`],
		['/g/[group]/board/[task]', `${base}/board/${task}`],
		['/g/[group]/areas', `${base}/areas`]
	];
	// a real reset link, with its form, from the mail a member gets on asking for one
	await post(request, baseURL, '/forgot-password?/send', { email: people[1].email });
	let resetPath = '';
	await expect
		.poll(
			async () => {
				const mail = (await mailTo(people[1].email)).find((m) =>
					m.text.includes('/reset-password/')
				);
				resetPath = mail?.text.match(/\/reset-password\/[a-z0-9]+/)?.[0] ?? '';
				return resetPath;
			},
			{ timeout: 15_000 }
		)
		.not.toBe('');
	const signedOut: [string, string][] = [
		['/', '/'],
		['/login', '/login'],
		['/signup', '/signup'],
		['/forgot-password', '/forgot-password'],
		['/invite/[token]', `/invite/${inviteToken}`],
		['/o/[token]', `/o/${outsiderToken}`],
		['/o/thanks', '/o/thanks'],
		['/unsubscribe/[token]', `/unsubscribe/${unsubscribeToken}`],
		['/reset-password/[token]', resetPath],
		// a link that no longer works: what most people who open an old one meet
		['/verify-email/[token]', '/verify-email/usedalready']
	];
	return { signedIn, signedOut, base, task, people, open, hidden };
}

async function expectNoViolations(page: Page, path?: string) {
	if (path) await page.goto(path);
	const { violations } = await new AxeBuilder({ page }).withTags(wcag).analyze();
	const summary = violations.map(
		(v) =>
			`${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
	expect(summary, `axe on ${path ?? page.url()}`).toEqual([]);
}

/**
 * axe runs inside the page, which a browser without JavaScript cannot do: the page as that
 * browser has it (scripts removed) is served again, at its own address so that its styles load,
 * to a browser that can run axe.
 */
async function expectNoViolationsAsShown(page: Page, browser: Browser, javaScriptEnabled: boolean) {
	if (javaScriptEnabled) return expectNoViolations(page);
	const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/g, '');
	const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
	const context = await browser.newContext({
		javaScriptEnabled: true,
		viewport: page.viewportSize(),
		colorScheme: dark ? 'dark' : 'light'
	});
	const checker = await context.newPage();
	await checker.route(page.url(), (route) =>
		route.fulfill({ body: html, contentType: 'text/html' })
	);
	await checker.goto(page.url());
	await expectNoViolations(checker);
	await context.close();
}

// The states a page is in only after something was done: with JavaScript and without, since
// without it each is a page the server renders on its own.
test('what people meet after acting has no axe violation: a form error, the receipt, hidden results', async ({
	page,
	browser,
	baseURL
}, info) => {
	test.setTimeout(120_000);
	const { base, open, hidden } = await world(page, baseURL!, 'Accessible states');
	const javaScriptEnabled = info.project.name === 'javascript';

	// hidden results: the review closed with too few answers
	await page.goto(`${base}/reviews/${hidden}/results`);
	await expect(page.getByText(/more answers? would have been needed/)).toBeVisible();
	await expectNoViolationsAsShown(page, browser, javaScriptEnabled);

	// the receipt after answering
	await page.goto(`${base}/reviews/${open}`);
	const scales = page.locator('fieldset:has(input[type="radio"])');
	for (let i = 0; i < (await scales.count()); i++)
		await scales.nth(i).locator('input[type="radio"]').nth(2).check();
	await page.getByRole('button', { name: 'Send my answers' }).click();
	await expect(
		page.getByRole('heading', { name: 'Thank you. Your answers are in.' })
	).toBeVisible();
	await expectNoViolationsAsShown(page, browser, javaScriptEnabled);

	// a form error: a wrong password at log-in
	const visitor = await (await browser.newContext({ javaScriptEnabled })).newPage();
	await visitor.goto('/login');
	await visitor.getByLabel('Email').fill('nobody@example.org');
	await visitor.getByLabel('Password').fill('not the password at all');
	await visitor.getByRole('button', { name: 'Log in' }).click();
	await expect(visitor.getByRole('alert')).toBeVisible();
	await expectNoViolationsAsShown(visitor, browser, javaScriptEnabled);
	await visitor.close();
});

test('every page passes axe (WCAG 2.2 A and AA), signed in and out, on desktop and phone, light and dark', async ({
	page,
	browser,
	baseURL
}, info) => {
	const javaScriptEnabled = info.project.name === 'javascript';
	const check = async (on: Page, path: string) => {
		await on.goto(path);
		await expectNoViolationsAsShown(on, browser, javaScriptEnabled);
	};
	test.setTimeout(240_000);
	// the check can fail: an unlabelled field is a violation
	const probe = await browser.newContext({ javaScriptEnabled: true });
	const probePage = await probe.newPage();
	await probePage.setContent('<main><h1>Test</h1><input type="text"></main>');
	const { violations } = await new AxeBuilder({ page: probePage }).withTags(wcag).analyze();
	expect(violations.map((v) => v.id)).toContain('label');
	await probe.close();

	const { signedIn, signedOut } = await world(page, baseURL!, 'Accessible group');

	// every page the app has is in one of the lists
	const pages = (await discoverEndpoints({ withModules: false }))
		.filter((e) => e.startsWith('GET '))
		.map((e) => e.slice(4))
		// endpoints that answer data, a file or a redirect, not a page
		.filter(
			(route) =>
				!/\.(csv|json)$|\/receipts$|^\/healthz$|^\/calendar\/|^\/notifications\/\[id\]$/.test(route)
		);
	const visited = new Set([...signedIn, ...signedOut].map(([route]) => route));
	expect(pages.filter((route) => !visited.has(route))).toEqual([]);

	for (const [name, viewport] of Object.entries(viewports)) {
		// without JavaScript, on the phone only: the desktop layout of the same markup is checked
		// with JavaScript on, and each page checked this way costs a second browser context
		if (!javaScriptEnabled && name === 'desktop') continue;
		// both themes, at no extra cost: the desktop pass in the light one, the phone's in the dark
		const colorScheme = name === 'phone' ? 'dark' : 'light';
		await page.setViewportSize(viewport);
		await page.emulateMedia({ colorScheme });
		for (const [, path] of signedIn)
			await test.step(`${name} ${colorScheme} ${path}`, () => check(page, path));
		const visitor = await (await browser.newContext({ viewport, colorScheme })).newPage();
		for (const [, path] of signedOut)
			await test.step(`${name} ${colorScheme} signed out ${path}`, () => check(visitor, path));
		await visitor.close();
	}
});

test('a task moves along the board by keyboard alone', async ({ page, baseURL }, info) => {
	const { base } = await world(page, baseURL!, 'Keyboard group');
	const title = 'Keyboard task';
	const location = await post(page.request, baseURL!, `${base}/board/new?/create`, { title });
	const taskId = location.split('/').at(-1)!.split('?')[0];
	await post(page.request, baseURL!, `${base}/board?/take`, { taskId });
	await page.goto(`${base}/board`);
	// Tab from the card's title link to its "Move…", open it with Enter, Tab to a column, Enter.
	const card = page.getByRole('listitem').filter({ hasText: title });
	await page.getByRole('link', { name: title }).focus();
	await page.keyboard.press('Tab');
	await expect(card.locator('summary')).toBeFocused();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await expect(card.getByRole('button', { name: /^Doing/ })).toBeFocused();
	await page.keyboard.press('Enter');
	const moved = page.getByRole('region', { name: /^Doing/ }).getByRole('link', { name: title });
	await expect(moved).toBeVisible();
	// with JavaScript the page stays put and focus returns to the moved card
	if (info.project.name === 'javascript') await expect(moved).toBeFocused();
});

test('a review is answered by keyboard alone', async ({ page, baseURL }) => {
	const { base, open } = await world(page, baseURL!, 'Keyboard answers');
	await page.goto(`${base}/reviews/${open}`);
	// Tab through the form: in each group of scores, Space picks the first and the right arrow
	// moves to the next; comments are skipped; Enter on the button sends it.
	for (let step = 0; step < 200; step++) {
		await page.keyboard.press('Tab');
		const focused = await page.evaluate(() => {
			const element = document.activeElement as HTMLInputElement | null;
			return {
				type: element?.type ?? '',
				text: element?.textContent?.trim() ?? '',
				groupChosen:
					element?.type === 'radio' &&
					Boolean(document.querySelector(`input[name="${element.name}"]:checked`))
			};
		});
		if (focused.type === 'radio' && !focused.groupChosen) {
			await page.keyboard.press('Space');
			await page.keyboard.press('ArrowRight');
		}
		if (focused.type === 'submit' && focused.text === 'Send my answers') {
			await page.keyboard.press('Enter');
			break;
		}
	}
	await expect(
		page.getByRole('heading', { name: 'Thank you. Your answers are in.' })
	).toBeVisible();
});
