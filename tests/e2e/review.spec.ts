import { expect, test, type Page } from '@playwright/test';
import { createGroup, createInviteLink, joinThroughLink, newPerson, signUp } from './helpers';

// The quarter's review, end to end: a facilitator opens it, six members answer it on phones,
// the facilitator closes it, and a member reads the results. Runs with JavaScript on and off.

const purpose = 'Win repairs and fair rents for every tenant in the Alder Street buildings.';
const scaleTitles = [
	"An outsider's first impression",
	'Organization and follow-through',
	'Direction',
	'Progress or standing still',
	'Democracy',
	'True to its purpose',
	'Multiplying effort'
];

async function answerReview(page: Page, memberIndex: number) {
	await page.getByRole('link', { name: 'Answer the review' }).click();
	await expect(page.locator('blockquote.purpose')).toHaveText(purpose);
	for (const title of scaleTitles) {
		// Democracy is judged poorly (red), the first impression well (green).
		const score =
			title === 'Democracy' ? 1 + (memberIndex % 2) : title.startsWith('An outsider') ? 5 : 3;
		await page
			.getByRole('group', { name: title })
			.getByRole('radio', { name: String(score), exact: true })
			.check();
	}
	await page
		.getByLabel('Raise an issue')
		.fill(`Issue from member ${memberIndex}: meetings start late.`);
	await page.getByRole('button', { name: 'Send my answers' }).click();
	await expect(
		page.getByRole('heading', { name: 'Thank you. Your answers are in.' })
	).toBeVisible();
	await expect(page.locator('.receipt')).toHaveText(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
}

test('a facilitator opens a review, six members answer on phones, results are revealed at close', async ({
	page,
	browser
}, info) => {
	test.setTimeout(120_000);
	const run = `${info.project.name}-${Date.now()}`;
	const groupName = `Alder Street Tenants ${run}`;

	await page.goto('/signup');
	await signUp(page, 'Olga Owner', `owner-${run}@example.org`);
	const groupUrl = await createGroup(page, groupName, purpose);
	const memberLink = await createInviteLink(page, groupUrl, 'member');
	const facilitatorLink = await createInviteLink(page, groupUrl, 'facilitator');

	const facilitator = await newPerson(browser, info, { width: 1280, height: 800 });
	await joinThroughLink(
		facilitator,
		facilitatorLink,
		'Fran Facilitator',
		`fran-${run}@example.org`,
		groupName
	);

	// Members join before the review opens: a review is answered by the members it opened with.
	const members: Page[] = [];
	for (let i = 0; i < 6; i++) {
		const member = await newPerson(browser, info);
		await joinThroughLink(
			member,
			memberLink,
			`Member ${i}`,
			`member-${i}-${run}@example.org`,
			groupName
		);
		members.push(member);
	}

	await facilitator.goto(`${groupUrl}/reviews`);
	await facilitator.getByRole('button', { name: 'Create draft' }).click();
	await expect(facilitator.getByRole('heading', { name: 'Edit the draft' })).toBeVisible();
	await expect(facilitator.getByText('Democracy', { exact: true }).first()).toBeVisible();
	await facilitator.getByRole('link', { name: 'Done: open or schedule it' }).click();
	await facilitator.getByText('Open it now…').click();
	await facilitator.getByRole('button', { name: 'Open the review' }).click();
	await expect(
		facilitator.getByText('The review is open. Members can answer it now.')
	).toBeVisible();
	await expect(facilitator.getByText('0 of 8')).toBeVisible();

	for (const [i, member] of members.entries()) {
		await member.goto(groupUrl);
		await answerReview(member, i);
	}

	await facilitator.reload();
	await expect(facilitator.getByText('6 of 8')).toBeVisible();
	await facilitator.getByText('Close it now…').click();
	await facilitator.getByRole('button', { name: 'Close the review' }).click();
	await expect(facilitator.getByRole('heading', { name: /^Results: / })).toBeVisible();

	const reader = members[0];
	await reader.goto(groupUrl);
	await reader
		.getByRole('link', { name: /Latest results/ })
		.or(reader.getByRole('link', { name: /Q\d/ }))
		.first()
		.click();
	await expect(reader.locator('blockquote.purpose')).toHaveText(purpose);
	await expect(reader.getByText('6 of 8')).toBeVisible();
	// the at-a-glance table first; each dimension's details open from its line
	const glance = reader.getByRole('table', { name: /At a glance/ });
	await expect(glance.getByRole('row', { name: /Democracy/ })).toContainText('1.5');
	const unfold = async (title: string) => {
		const details = reader
			.locator('details.dimension')
			.filter({ has: reader.locator('summary', { hasText: title }) });
		await details.locator('summary').click();
		return details;
	};
	const democracy = await unfold('Democracy');
	await expect(democracy.getByText('Red: an outsider would see a real problem')).toBeVisible();
	const impression = await unfold("An outsider's first impression");
	await expect(impression.getByText('Green: an outsider would see strength')).toBeVisible();
	const issues = await unfold('Raise an issue');
	await expect(issues.getByText('in random order')).toBeVisible();
	const texts = await issues.getByRole('listitem').allTextContents();
	expect(texts.sort()).toEqual(
		[0, 1, 2, 3, 4, 5].map((i) => `Issue from member ${i}: meetings start late.`)
	);
	// the phone layout does not overflow sideways
	expect(await reader.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		390
	);
});
