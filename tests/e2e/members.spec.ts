import { expect, test } from '@playwright/test';
import { phone, seedGroup } from './helpers';

test.use({ viewport: phone });

test('an owner changes a role and removes someone, each from that person\'s "Manage…"', async ({
	page,
	baseURL
}, info) => {
	const { slug } = await seedGroup(
		baseURL!,
		['--reviews', '0', '--members', '6', '--name', `Members ${info.project.name}`],
		page
	);
	await page.goto(`/g/${slug}/members`);
	const row = (name: string) =>
		page
			.getByRole('list', { name: 'Members' })
			.getByRole('listitem')
			.filter({ has: page.getByRole('link', { name, exact: true }) });

	await row('Member 2').getByText('Manage…').click();
	await row('Member 2').getByRole('button', { name: 'Make facilitator' }).click();
	await expect(row('Member 2').getByText('Facilitator', { exact: true })).toBeVisible();
	await expect(row('Member 2').getByText('Role changed.')).toBeVisible();

	// removing takes a second step: the disclosure says what it means before the button does it
	await row('Member 3').getByText('Manage…').click();
	await expect(
		row('Member 3').getByText('they can only come back with a new invitation')
	).toBeVisible();
	await row('Member 3').getByRole('button', { name: 'Remove Member 3' }).click();
	await expect(row('Member 3')).toHaveCount(0);
	await expect(
		page
			.getByRole('list', { name: 'Removed people' })
			.getByRole('button', { name: 'Let Member 3 back' })
	).toBeVisible();
	await expect(row('Member 2').getByText('Facilitator', { exact: true })).toBeVisible();
});
