import { createServer, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { signUp } from './helpers';

// The first thing a group does with Outsider, as people do it in a browser: one person signs up,
// creates the group with its purpose and invites a second, who joins through the link and is
// made a facilitator. Runs with JavaScript on and off.

test('sign up, create a group, invite someone who joins, make them facilitator, log out', async ({
	page,
	browser
}, info) => {
	const run = `${info.project.name}-${Date.now()}`;
	const ownerEmail = `owner-${run}@example.org`;
	const guestEmail = `guest-${run}@example.org`;

	await page.goto('/');
	await page.getByRole('link', { name: 'Create an account' }).click();
	await signUp(page, 'Olga Owner', ownerEmail);
	await expect(page.getByRole('heading', { name: 'Your groups' })).toBeVisible();
	await expect(page.getByText('You are not in any group yet.')).toBeVisible();

	await page.getByRole('link', { name: 'Create a group' }).click();
	await page.getByLabel('Group name').fill(`Eastside Tenants ${run}`);
	await page
		.getByLabel('What is this group for?')
		.fill('Keep every tenant on the east side housed, safe and heard.');
	await page.getByRole('button', { name: 'Create group' }).click();
	await expect(
		page.getByRole('heading', { name: `Eastside Tenants ${run}`, level: 1 })
	).toBeVisible();
	await expect(page.locator('blockquote.purpose')).toHaveText(
		'Keep every tenant on the east side housed, safe and heard.'
	);
	const groupUrl = page.url();
	expect(groupUrl).toMatch(/\/g\/eastside-tenants-/);

	await page.getByRole('link', { name: 'Make an invitation link' }).click();
	await page.getByRole('button', { name: 'Create link' }).click();
	const link = await page.getByLabel('Invitation link', { exact: true }).inputValue();
	expect(link).toMatch(/\/invite\/[a-z2-7]{32}$/);
	await expect(page.getByText('1 of 25 uses').or(page.getByText('0 of 25 uses'))).toBeVisible();

	// The second person, in a browser of their own.
	const guestContext = await browser.newContext({
		javaScriptEnabled: info.project.name === 'javascript'
	});
	const guest = await guestContext.newPage();
	await guest.goto(link);
	await expect(guest.getByRole('heading', { name: `Join Eastside Tenants ${run}` })).toBeVisible();
	await guest.getByRole('link', { name: 'Create an account' }).click();
	await signUp(guest, 'Gus Guest', guestEmail);
	// back from sign-up, the guest is in the group: the sign-up page promised no second step
	await expect(
		guest.getByRole('heading', { name: `Eastside Tenants ${run}`, level: 1 })
	).toBeVisible();
	await expect(guest.getByText('You are a member of this group')).toBeVisible();
	await guestContext.close();

	await page.goto(`${groupUrl}/members`);
	const guestRow = page.getByRole('listitem').filter({ hasText: 'Gus Guest' });
	await guestRow.getByText('Manage…').click();
	await guestRow.getByRole('button', { name: /^Make facilitator/ }).click();
	await expect(page.getByText('Role changed.')).toBeVisible();
	await expect(
		page.getByRole('listitem').filter({ hasText: 'Gus Guest' }).locator('.badge')
	).toHaveText('Facilitator');

	await page.getByRole('link', { name: 'Log out' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(
		page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' })
	).toBeVisible();
	// signed out, the group's address asks them to log in, and would bring them back
	await page.goto(groupUrl);
	const next = encodeURIComponent(new URL(groupUrl).pathname);
	await expect(page).toHaveURL(new URL(`/login?next=${next}`, groupUrl).href);
	await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
});

test('a form posted from another site is refused with 403', async ({ page, baseURL }) => {
	// A page on another origin (another port of this machine) with a form aimed at Outsider.
	const attacker: Server = createServer((_req, res) => {
		res.setHeader('content-type', 'text/html');
		res.end(`<form method="post" action="${baseURL}/signup?/signup">
			<input name="displayName" value="Mallory"><input name="email" value="mallory@example.org">
			<input name="password" value="plum tractor window"><button>Send</button></form>`);
	});
	await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
	try {
		const { port } = attacker.address() as { port: number };
		await page.goto(`http://localhost:${port}/`);
		const [response] = await Promise.all([
			page.waitForResponse((r) => r.url().startsWith(`${baseURL}/signup`)),
			page.getByRole('button', { name: 'Send' }).click()
		]);
		expect(response.status()).toBe(403);
		await expect(page.getByText('Cross-site POST form submissions are forbidden')).toBeVisible();
	} finally {
		attacker.close();
	}
});

test('a newcomer explores a sample group, marked on every page, and deletes it in one click', async ({
	page
}, info) => {
	await page.goto('/signup');
	await signUp(page, 'Nadia Newcomer', `nadia-${Date.now()}-${info.project.name}@example.org`);
	await page.goto('/');
	await page.getByRole('button', { name: 'Explore a sample group' }).click();
	await expect(
		page.getByRole('heading', { name: 'Maple Street Tenants (sample)', level: 1 })
	).toBeVisible();
	const marked = page.getByRole('complementary', { name: 'Sample group' });
	await expect(marked).toContainText('This is a sample group.');
	for (const section of ['Reviews', 'Health', 'Board', 'Areas', 'Purpose', 'Members']) {
		await page
			.getByRole('navigation', { name: 'Group' })
			.getByRole('link', { name: section })
			.click();
		await expect(marked).toBeVisible();
	}
	// its results and trends have something to show
	await page
		.getByRole('navigation', { name: 'Group' })
		.getByRole('link', { name: 'Health' })
		.click();
	await expect(page.getByText(/too few answers|hidden/i).first()).toBeVisible();

	await marked.getByRole('button', { name: 'Delete the sample' }).click();
	await expect(
		page.getByText('The sample group is deleted, with its made-up people.')
	).toBeVisible();
	await expect(page.getByText('You are not in any group yet.')).toBeVisible();
});
