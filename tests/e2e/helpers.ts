import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, type Browser, type Page, type TestInfo } from '@playwright/test';
import { mailIn } from '../support/mail';

export const password = 'plum tractor window';
export const phone = { width: 390, height: 844 };

export async function signUp(page: Page, name: string, email: string) {
	await page.getByLabel('Your name').fill(name);
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	// with JavaScript the form posts in the background: wait until it has moved on
	await page.waitForURL((url) => url.pathname !== '/signup');
}

/** A fresh browser (context) for one more person, with JavaScript as the project says. */
export async function newPerson(browser: Browser, info: TestInfo, viewport = phone) {
	const context = await browser.newContext({
		javaScriptEnabled: info.project.name === 'javascript',
		viewport
	});
	return context.newPage();
}

/** Opens an invitation link in `page`, signs up there and joins the group. */
export async function joinThroughLink(
	page: Page,
	link: string,
	name: string,
	email: string,
	groupName: string
) {
	await page.goto(link);
	await page.getByRole('link', { name: 'Create an account' }).click();
	await signUp(page, name, email);
	// joined on the way back from sign-up, with no second step
	await expect(page.getByRole('heading', { name: groupName, level: 1 })).toBeVisible();
}

export async function createGroup(page: Page, name: string, purpose: string) {
	await page.goto('/groups/new');
	await page.getByLabel('Group name').fill(name);
	await page.getByLabel('What is this group for?').fill(purpose);
	await page.getByRole('button', { name: 'Create group' }).click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
	return page.url();
}

export async function createInviteLink(
	page: Page,
	groupUrl: string,
	role: 'member' | 'facilitator'
) {
	await page.goto(`${groupUrl}/invites`);
	await page.getByLabel('People who use it join as').selectOption(role);
	await page.getByRole('button', { name: 'Create link' }).click();
	return page.getByLabel('Invitation link', { exact: true }).inputValue();
}

export type { Mail } from '../support/mail';

/** The messages the local SMTP server has received for `address` so far. */
export function mailTo(address: string) {
	return mailIn(process.env.OUTSIDER_E2E_MAIL!, address);
}

export interface SeededGroup {
	slug: string;
	cookie: string;
	people: { name: string; email: string; cookie: string }[];
	memberCookies: string[];
}

/**
 * A group made by scripts/seed.js on the test server's database (`args` as that script takes
 * them), with `page` signed in as its owner when one is given.
 */
export async function seedGroup(baseURL: string, args: string[], page?: Page) {
	const { stdout } = await promisify(execFile)(
		'node',
		['scripts/seed.js', '--server', baseURL, ...args],
		{ env: { ...process.env, DATABASE_URL: `file:${process.env.OUTSIDER_E2E_DATABASE}` } }
	);
	const seeded = JSON.parse(stdout) as SeededGroup;
	if (page)
		await page
			.context()
			.addCookies([{ name: 'session', value: seeded.cookie.split('=')[1], url: baseURL }]);
	return seeded;
}
