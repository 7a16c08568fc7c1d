import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { signUp } from './helpers';

// Layout baselines: the main pages, filled with the sample group's data, on a desktop and a
// phone, with JavaScript and without (each project keeps its own pictures), compared with the
// pictures checked in beside this file. A change that breaks a layout
// (overflow, a column gone, a card twice as tall) fails here; font hinting and anti-aliasing
// stay inside the tolerance. What changes with the date (days, months, charts drawn over time)
// is masked. To accept an intended change: npx playwright test visual --update-snapshots,
// then look at every new picture before committing it.

const sizes = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
};

const months =
	/\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/;

async function expectLayout(page: Page, name: string) {
	await page.waitForLoadState('networkidle');
	await expect(page).toHaveScreenshot(`${name}.png`, {
		fullPage: true,
		animations: 'disabled',
		caret: 'hide',
		maxDiffPixelRatio: 0.02,
		mask: [page.locator('canvas, time, .day'), page.getByText(months)],
		stylePath: fileURLToPath(new URL('visual-stable.css', import.meta.url))
	});
}

test('the main pages keep their layout, on a desktop and a phone', async ({ browser }) => {
	test.setTimeout(180_000);
	for (const [size, viewport] of Object.entries(sizes)) {
		const context = await browser.newContext({ viewport, colorScheme: 'light' });
		const page = await context.newPage();
		await page.goto('/');
		await expectLayout(page, `${size}-start-signed-out`);

		await page.goto('/signup');
		await signUp(page, 'Vera Visual', `vera-${size}-${Date.now()}@example.org`);
		// the banner names the address, which differs every run
		await page.getByRole('button', { name: 'Dismiss' }).click();
		await page.goto('/');
		await page.getByRole('button', { name: 'Explore a sample group' }).click();
		await expect(page.getByRole('complementary', { name: 'Sample group' })).toBeVisible();
		const base = new URL(page.url()).pathname;
		await expectLayout(page, `${size}-overview`);

		for (const section of [
			'reviews',
			'health',
			'compare',
			'board',
			'areas',
			'members',
			'purpose'
		]) {
			await page.goto(`${base}/${section}`);
			await expectLayout(page, `${size}-${section}`);
		}
		await page.goto(`${base}/reviews`);
		await page
			.getByRole('link', { name: /results/i })
			.first()
			.click();
		await expectLayout(page, `${size}-results`);
		await context.close();
	}
});
