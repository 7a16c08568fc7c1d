import { expect, test } from '@playwright/test';
import { phone, seedGroup } from './helpers';

// The outsiders' panel end to end, on a phone, with JavaScript on and off: a facilitator asks
// outsiders and makes six personal links, six outsiders answer with no account, the review
// closes, and members read the gap, outsiders' guesses beside the purpose, and the Health page's
// outsider line.

const seeded = (baseURL: string, name: string) =>
	seedGroup(baseURL, [...['--reviews', '1', '--members', '7', '--name', name], '--all-cookies']);

/**
 * Members answer through the form's own fields, as their browsers would post it: with a client
 * of their own, so that their sessions stay out of the facilitator's browser.
 */
async function membersAnswer(baseURL: string, reviewPath: string, cookies: string[]) {
	for (const cookie of cookies) {
		const headers = { cookie, origin: baseURL, accept: 'text/html' };
		const html = await (await fetch(baseURL + reviewPath, { headers })).text();
		const form = new URLSearchParams();
		for (const name of new Set([...html.matchAll(/name="(score:[^"]+)"/g)].map((m) => m[1])))
			form.set(name, '5');
		const sent = await fetch(`${baseURL}${reviewPath}?/submit`, {
			method: 'POST',
			body: form,
			headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
			redirect: 'manual'
		});
		expect(sent.status).toBe(200);
	}
}

test('a facilitator asks outsiders, six answer through personal links, members see the gap', async ({
	browser,
	baseURL
}, info) => {
	test.setTimeout(120_000);
	const javaScriptEnabled = info.project.name === 'javascript';
	const name = `Outsiders ${info.project.name} ${Date.now()}`;
	const { slug, cookie, memberCookies } = await seeded(baseURL!, name);
	const context = await browser.newContext({ javaScriptEnabled, viewport: phone });
	await context.addCookies([{ name: 'session', value: cookie.split('=')[1], url: baseURL! }]);
	const page = await context.newPage();

	// the facilitator: a new draft, outsiders asked, six links made, the review opened
	await page.goto(`/g/${slug}/reviews`);
	await page.getByRole('button', { name: 'Create draft' }).click();
	await page.waitForURL(/\/edit$/);
	const reviewPath = new URL(page.url()).pathname.replace(/\/edit$/, '');
	await page.goto(reviewPath);
	await page.getByRole('link', { name: 'Ask people outside the group too' }).click();
	await expect(page.getByRole('heading', { name: 'Ask people outside the group' })).toBeVisible();
	await expect(page.getByRole('checkbox', { name: /Organized/ })).toBeChecked();
	await page.getByRole('button', { name: 'Ask outsiders' }).click();
	await page.getByLabel('How many').fill('6');
	await page.getByRole('button', { name: 'Make links' }).click();
	const links = (await page.getByLabel('The new links').inputValue()).split('\n');
	expect(links).toHaveLength(6);
	await page.goto(reviewPath);
	await page.getByText('Open it now…').click();
	await page.getByRole('button', { name: 'Open the review' }).click();
	await expect(page.getByText('Outside eyes:')).toBeVisible();

	await membersAnswer(baseURL!, reviewPath, memberCookies.slice(0, 5));

	// six outsiders, each in a browser of their own, with no account
	for (const [n, link] of links.entries()) {
		const outsider = await (
			await browser.newContext({ javaScriptEnabled, viewport: phone })
		).newPage();
		await outsider.goto(link);
		await expect(
			outsider.getByRole('heading', {
				name: `${name} would like to know how it looks from outside`
			})
		).toBeVisible();
		await expect(outsider.getByRole('link', { name: /sign up|log in/i })).toHaveCount(0);
		for (const question of await outsider.getByRole('group').all())
			await question.getByRole('radio', { name: n === 0 ? '2' : '1', exact: true }).check();
		await outsider.getByLabel(/What it is for/).fill(`Outsider ${n}: fixing the buildings.`);
		await outsider.getByRole('button', { name: 'Send my answers' }).click();
		await expect(outsider.getByRole('heading', { name: 'Thank you' })).toBeVisible();
		await outsider.context().close();
	}
	await page.reload();
	await expect(page.getByText('6 outsiders have answered')).toBeVisible();

	await page.getByText('Close it now…').click();
	await page.getByRole('button', { name: 'Close the review' }).click();
	await page.waitForURL(/\/results$/);

	// a member reads the results
	const member = await (await browser.newContext({ javaScriptEnabled, viewport: phone })).newPage();
	await member
		.context()
		.addCookies([{ name: 'session', value: memberCookies[0].split('=')[1], url: baseURL! }]);
	await member.goto(`${reviewPath}/results`);
	await expect(
		member.getByText(
			/^Members rate organization 5\.0; outsiders see 1\.2\. That gap is larger than the noise\.$/
		)
	).toBeVisible();
	await expect(
		member.getByRole('heading', { name: 'What outsiders think it is for' })
	).toBeVisible();
	for (let n = 0; n < 6; n++)
		await expect(member.getByText(`Outsider ${n}: fixing the buildings.`)).toBeVisible();
	await expect(member.getByText('6 people outside the group answered')).toBeVisible();

	await member.goto(`/g/${slug}/health`);
	await expect(member.getByText(/Dashed lines and “Outsiders see”/)).toBeVisible();
	const outsiderRow = member
		.getByRole('row')
		.filter({ hasText: /Organization and follow-through:\s*Outsiders see/ });
	await expect(outsiderRow).toContainText('1.2');
	if (javaScriptEnabled) {
		// the lines chart is drawn, with the outsiders' dashed lines among its datasets
		await expect(member.locator('canvas').first()).toBeVisible();
	}
	await member.context().close();
	await context.close();
});
