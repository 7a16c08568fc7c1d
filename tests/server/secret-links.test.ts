import { describe, expect, it } from 'vitest';
import { hideSecretLinks } from '$lib/server/reminders/mail';
import { generateToken, newId } from '$lib/server/tokens';

// What the app keeps of a mail it sent: every secret link's token hidden, every other link intact.
describe('hiding secret links in recorded mail', () => {
	it('hides the token of each kind of secret link', () => {
		const token = generateToken();
		for (const path of ['unsubscribe', 'verify-email', 'reset-password', 'o'])
			expect(hideSecretLinks(`Open https://x.org/${path}/${token} now.`)).toBe(
				`Open https://x.org/${path}/(hidden) now.`
			);
	});

	it('leaves other links alone, a group whose address starts with /g/o/ included', () => {
		const text = 'See https://x.org/g/o/board and https://x.org/g/o/reviews/abc/results.';
		expect(hideSecretLinks(text)).toBe(text);
	});
});

describe('record ids', () => {
	it('are 120 random bits each, distinct across the draws of random bytes they are cut from', () => {
		const ids = Array.from({ length: 1000 }, () => newId());
		expect(new Set(ids).size).toBe(ids.length);
		for (const id of ids) expect(id).toMatch(/^[a-z2-7]{24}$/);
	});
});
