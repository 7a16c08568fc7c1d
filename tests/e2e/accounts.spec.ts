import { expect, test } from '@playwright/test';
import { mailTo, newPerson, password, signUp, type Mail } from './helpers';

// Accounts that rely on email, as a person meets them, with JavaScript and without: the mail
// arrives at the local SMTP server (tests/support/smtp-sink.js) and the person follows its link.

/** The newest message to `email` whose subject matches, once it has arrived. */
async function newestMail(email: string, subject: RegExp) {
	let found: Mail | undefined;
	await expect
		.poll(
			async () => {
				found = (await mailTo(email)).filter((m) => subject.test(m.subject)).at(-1);
				return Boolean(found);
			},
			{ timeout: 15_000 }
		)
		.toBe(true);
	return found!;
}

/** The path of the link in that message: links are made for ORIGIN (here localhost), and the
 * browser is on 127.0.0.1. */
async function linkInMail(email: string, subject: RegExp, path: string) {
	return (await newestMail(email, subject)).text.match(new RegExp(`/${path}/[a-z0-9]+`))![0];
}

test('sign up, confirm the address from the mail, forget the password and reset it', async ({
	page,
	browser
}, info) => {
	const email = `rosa-${Date.now()}-${info.project.name}@example.org`;

	// signing up: the app can be used at once, and a banner asks to confirm the address
	await page.goto('/signup');
	await signUp(page, 'Rosa Luxemburg', email);
	const banner = page.getByRole('complementary', { name: 'Confirm your email address' });
	await expect(banner).toContainText(email);

	const confirmLink = await linkInMail(email, /Confirm your email/, 'verify-email');
	await page.goto(confirmLink);
	await expect(page.getByText(`Is ${email} your address`)).toBeVisible();
	await page.getByRole('button', { name: 'Yes, confirm my address' }).click();
	await expect(page.getByText(`Thank you: ${email} is confirmed.`)).toBeVisible();
	await page.goto('/account');
	await expect(page.getByText('confirmed', { exact: true })).toBeVisible();
	await expect(banner).toHaveCount(0);

	// on another device, the password is forgotten and reset from the mail
	const other = await newPerson(browser, info);
	await other.goto('/login');
	await other.getByRole('link', { name: 'Forgot your password?' }).click();
	// with JavaScript the link navigates in the page: until the new page is in, "Email" is still
	// the log-in form's field, and what is typed there is gone when the page changes
	await expect(other.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
	await other.getByLabel('Email').fill(email);
	await other.getByRole('button', { name: 'Email me a link' }).click();
	await expect(other.getByText(`If an account uses ${email}`)).toBeVisible();

	const resetLink = await linkInMail(email, /Set a new password/, 'reset-password');
	await other.goto(resetLink);
	await other.getByLabel('New password').fill('password');
	await other.getByRole('button', { name: 'Save the new password' }).click();
	await expect(other.getByText(/commonly used passwords/).first()).toBeVisible();
	const newPassword = `${password} again`;
	await other.getByLabel('New password').fill(newPassword);
	await other.getByRole('button', { name: 'Save the new password' }).click();
	await expect(other.getByText('Your new password is saved.')).toBeVisible();
	await expect(other.getByText('You are logged in on this device only.')).toBeVisible();
	expect((await newestMail(email, /password was changed/)).text).toContain('every other device');

	// the first device was logged out with the reset; the new password opens it again
	await page.goto('/account');
	await expect(page).toHaveURL(/\/login/);
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(newPassword);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();

	// the link works once
	await other.goto(resetLink);
	await expect(other.getByText(/This link no longer works/)).toBeVisible();
	await other.context().close();
});
