import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { mailTo, phone, seedGroup } from './helpers';

// From finding to done: a facilitator turns a review result into a follow-up task and assigns
// it, the owner hands it on with a note, the delegate finishes it. The board, the group's page
// and a real email at the local SMTP server all show it.

async function personWith(browser: Browser, info: TestInfo, baseURL: string, cookie: string) {
	const context = await browser.newContext({
		javaScriptEnabled: info.project.name === 'javascript',
		viewport: phone
	});
	await context.addCookies([{ name: 'session', value: cookie.split('=')[1], url: baseURL }]);
	return context.newPage();
}

async function moveTo(page: Page, title: string, column: string) {
	const card = page.getByRole('listitem').filter({ hasText: title });
	await card.getByText('Move…').click();
	await card.getByRole('button', { name: new RegExp(`^${column}`) }).click();
}

test('a follow-up task is assigned, handed on and done, and the delegate gets an email', async ({
	page,
	browser,
	baseURL
}, info) => {
	test.setTimeout(90_000);
	const { slug, people } = await seedGroup(
		baseURL!,
		['--reviews', '1', '--members', '12', '--name', `Board ${info.project.name}`],
		page
	);
	const [first, second] = people;
	const base = `/g/${slug}`;

	// The facilitator follows up a dimension from the results page.
	await page.goto(`${base}/reviews`);
	await page
		.getByRole('link', { name: /results/i })
		.first()
		.click();
	await page.locator('summary', { hasText: 'Organization and follow-through' }).click();
	await page
		.getByRole('link', { name: 'Follow up on this: Organization and follow-through' })
		.click();
	await expect(page.getByRole('heading', { name: 'New follow-up task' })).toBeVisible();
	await expect(page.getByLabel('What needs doing?')).toHaveValue(
		'Follow up: Organization and follow-through'
	);
	const title = `Give every meeting a note-taker (${info.project.name})`;
	await page.getByLabel('What needs doing?').fill(title);
	await page.getByLabel('Owner', { exact: true }).selectOption({ label: first.name });
	await page.getByRole('button', { name: 'Add to the board' }).click();
	await expect(page.getByRole('heading', { name: title })).toBeVisible();
	await expect(page.getByText('Task added to the board.')).toBeVisible();
	await expect(page.getByText(/^Follows up/)).toContainText('Organization and follow-through');

	// Its owner hands it on, with a note.
	const owner = await personWith(browser, info, baseURL!, first.cookie);
	await owner.goto('/tasks');
	await owner.getByRole('link', { name: title }).click();
	await owner.getByText('Hand it on to someone else…').click();
	await owner.getByLabel('Who should take it?').selectOption({ label: second.name });
	await owner.getByLabel('Your note').fill('You know the room booking people.');
	await owner.getByRole('button', { name: 'Hand it on' }).click();
	await expect(owner.getByText('Handed on.')).toBeVisible();
	const chain = owner.getByRole('region', { name: 'Who asked whom' });
	await expect(chain.getByRole('listitem')).toHaveCount(2);
	await expect(chain).toContainText(`${first.name} asked ${second.name}`);
	await expect(chain).toContainText('You know the room booking people.');

	// The delegate hears about it by email, through the real SMTP exchange.
	await expect
		.poll(async () => (await mailTo(second.email)).map((m) => m.subject), { timeout: 15_000 })
		.toContain(`You were asked to take “${title}”`);
	const [mail] = (await mailTo(second.email)).filter((m) => m.subject.includes(title));
	expect(mail.text).toContain(`${base}/board/`);
	expect(mail.text).toMatch(/\/unsubscribe\/\w+/);

	// The delegate moves it to done on the board.
	const delegate = await personWith(browser, info, baseURL!, second.cookie);
	await delegate.goto(`${base}/board?show=mine`);
	if (info.project.name === 'javascript') {
		// with JavaScript, a card can be dragged to another column
		await delegate.setViewportSize({ width: 1280, height: 800 });
		await delegate
			.getByRole('listitem')
			.filter({ hasText: title })
			.dragTo(delegate.getByRole('region', { name: /^Doing/ }));
		await expect(
			delegate.getByRole('region', { name: /^Doing/ }).getByRole('link', { name: title })
		).toBeVisible();
	}
	await moveTo(delegate, title, 'Done');
	const done = delegate.getByRole('region', { name: /^Done/ });
	await expect(done.getByRole('link', { name: title })).toBeVisible();

	// The facilitator sees it done on the board, and how the work spreads on the group's page.
	await page.goto(`${base}/board`);
	await expect(
		page.getByRole('region', { name: /^Done/ }).getByRole('link', { name: title })
	).toBeVisible();
	await page.goto(base);
	const circles = page.getByRole('region', { name: /^How the work spreads, since/ });
	await expect(circles.getByRole('definition').nth(0)).toHaveText('1');
	// the delegate was asked by a fellow member, two layers from the facilitator
	await expect(circles.getByRole('definition').nth(1)).toHaveText('1');
	await expect(circles.getByRole('definition').nth(2)).toHaveText('2');
	// the latest results' scores, named as the review asked them
	await expect(circles).toContainText(
		/members scored “Organization and follow-through” \d\.\d and “Multiplying effort” \d\.\d out of 5/
	);
});

test('in a group too large to list, a task goes to a member found by typing their name', async ({
	page,
	baseURL
}, info) => {
	test.setTimeout(60_000);
	const { slug } = await seedGroup(
		baseURL!,
		['--reviews', '0', '--members', '70', '--name', `Large ${info.project.name}`],
		page
	);
	const base = `/g/${slug}`;
	const javascript = info.project.name === 'javascript';

	await page.goto(`${base}/board/new`);
	const title = `Fix the door (${info.project.name})`;
	await page.getByLabel('What needs doing?').fill(title);
	const owner = page.getByLabel('Owner', { exact: true });
	if (javascript) {
		// with JavaScript the picker offers the members whose names contain what was typed
		await owner.pressSequentially('member 1');
		// Member 1 and Member 10 to 19 match: eight are offered
		await expect(page.locator('#field-ownerId-suggestions option')).toHaveCount(8);
		await expect(page.locator('#field-ownerId-suggestions option').first()).toHaveAttribute(
			'value',
			'Member 1'
		);
		await owner.fill('Member 7');
		await owner.press('End');
		// a name picked among the suggestions is sent as that member's id
		await expect(page.locator('input[type=hidden][name=ownerId]')).toHaveCount(1);
	} else {
		// without it, the name typed in full finds the member on the server
		await owner.fill('Member 7');
	}
	await page.getByRole('button', { name: 'Add to the board' }).click();
	await expect(page.getByRole('heading', { name: title })).toBeVisible();
	const owners = page.getByRole('region', { name: 'Owners' });
	await expect(owners.locator('li > span')).toHaveText(['Member 7']);

	// a name nobody has is refused in words, and another member is added by name
	await page.getByLabel('Add an owner').fill('Member 700');
	await page.getByRole('button', { name: 'Assign' }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'Nobody in this group is called “Member 700”. Type their name as the members page shows it.'
	);
	await page.getByLabel('Add an owner').fill('Member 12');
	await page.getByRole('button', { name: 'Assign' }).click();
	await expect(owners.locator('li > span')).toHaveText(['Member 12', 'Member 7']);

	// the board filters by the owner's name
	await page.goto(`${base}/board`);
	await page.getByLabel('Owner', { exact: true }).fill('Member 12');
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page.getByRole('link', { name: title })).toBeVisible();
	await expect(page).toHaveURL(/ownerName=Member\+12/);
});
