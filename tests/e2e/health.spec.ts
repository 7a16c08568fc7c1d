import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { seedGroup } from './helpers';

// A facilitator's look back: a group seeded with eight closed reviews (one hidden by the
// threshold), its health page, a comparison, a restated purpose, and the CSV export.

test('health page, comparison, purpose restatement and CSV export', async ({
	page,
	baseURL
}, info) => {
	test.setTimeout(90_000);
	const { slug } = await seedGroup(
		baseURL!,
		[
			...['--reviews', '8', '--members', '12', '--hidden-every', '5'],
			...['--restate-every', '3', '--name', `Health ${info.project.name}`]
		],
		page
	);
	const base = `/g/${slug}`;

	await page.goto(`${base}/health`);
	await expect(page.getByRole('heading', { name: 'Health over time' })).toBeVisible();
	const table = page.getByRole('region', { name: 'All reviews, question by question' });
	await expect(table.getByRole('columnheader')).toHaveCount(1 + 8);
	await expect(table.getByRole('cell', { name: 'hidden' }).first()).toBeVisible();

	// The heat table shows the stored means, as the JSON export has them.
	const exported = await (await page.request.get(`${base}/export.json`)).json();
	const first = exported.rows.find(
		(r: { review: string; dimension: string }) =>
			r.review === '2016 Q1' && r.dimension === 'democracy'
	);
	const democracyRow = table
		.getByRole('row')
		.filter({ has: page.getByRole('rowheader', { name: 'Democracy' }) });
	await expect(democracyRow.getByRole('cell').first()).toContainText(first.mean.toFixed(1));

	// turnout as people say it, "9 of 12", drawn without a chart library (so without JavaScript too)
	const turnout = page.getByRole('figure').filter({ hasText: 'Turnout' }).getByRole('listitem');
	await expect(turnout.first()).toContainText(/\d+ of \d+ \(\d+%\)/);

	if (info.project.name === 'javascript') {
		// Charts draw at a real size once Chart.js has loaded: the lines and the radar.
		const canvases = page.locator('canvas');
		await expect(canvases).toHaveCount(2);
		for (const canvas of await canvases.all()) {
			// Chart.js sizes the canvas from its box and paints it: count the pixels it drew.
			await expect
				.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width))
				.toBeGreaterThan(100);
			const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
				const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
				let count = 0;
				for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
				return count;
			});
			expect(painted).toBeGreaterThan(1000);
			const size = await canvas.boundingBox();
			expect(size!.width).toBeGreaterThan(100);
			expect(size!.height).toBeGreaterThan(100);
		}
	}

	await page.getByRole('link', { name: 'Compare two reviews' }).click();
	await page.getByLabel('First review').selectOption({ label: '2016 Q1' });
	await page.getByLabel('Second review').selectOption({ label: '2017 Q4' });
	await page.getByRole('button', { name: 'Compare' }).click();
	await expect(page.getByRole('table')).toContainText('2016 Q1');
	await expect(page.getByRole('table')).toContainText('2017 Q4');
	await expect(page.getByRole('rowheader', { name: 'Democracy' })).toBeVisible();
	// each open question once, with both reviews' answers under it; the Health tab stays marked
	const raised = page.getByRole('region', { name: 'Raise an issue' });
	await expect(raised.getByRole('heading', { name: '2016 Q1' })).toBeVisible();
	await expect(raised.getByRole('heading', { name: '2017 Q4' })).toBeVisible();
	await expect(
		page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name: 'Health' })
	).toHaveAttribute('aria-current', 'page');

	// Restate the purpose; the next review carries the marker.
	await page.goto(`${base}/purpose`);
	await page.getByText('Restate the purpose…').click();
	await page
		.getByLabel('What is this group for, now?')
		.fill('Win repairs and fair rents, building by building.');
	await page.getByLabel('Why restate it?').fill('Rents are what people bring to meetings now.');
	await page.getByRole('button', { name: 'Restate the purpose' }).click();
	await expect(page.getByText('Purpose restated.')).toBeVisible();
	await expect(page.locator('ins').first()).toBeVisible();

	await page.goto(`${base}/reviews`);
	await page.getByLabel('Title').fill('2018 Q1');
	await page.getByRole('button', { name: 'Create draft' }).click();
	await page.getByRole('link', { name: 'Done: open or schedule it' }).click();
	await page.getByText('Open it now…').click();
	await page.getByRole('button', { name: 'Open the review' }).click();
	await page.getByText('Close it now…').click();
	await page.getByRole('button', { name: 'Close the review' }).click();
	await expect(page.getByText('Results are hidden')).toBeVisible();

	await page.goto(`${base}/health`);
	const lastHeader = page
		.getByRole('region', { name: 'All reviews, question by question' })
		.getByRole('columnheader')
		.last();
	await expect(lastHeader).toContainText('2018 Q1');
	await expect(lastHeader).toContainText('✱');

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('link', { name: 'Download CSV' }).click()
	]);
	const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
	expect(csv[0]).toMatch(/^review,closed_at,dimension/);
	// 8 seeded reviews, one hidden, and the new hidden one: 7 revealed x 7 dimensions
	expect(csv).toHaveLength(1 + 7 * 7);
	expect(csv.some((line) => line.startsWith('2018 Q1'))).toBe(false);
});
