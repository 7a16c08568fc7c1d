import { describe, expect, it } from 'vitest';
import { shuffled } from '$lib/server/tokens';

describe('shuffled', () => {
	it('puts more items in random order than one draw of random numbers covers', () => {
		// 16,384 is the most one call of crypto.getRandomValues can fill
		const items = Array.from({ length: 40_000 }, (_, i) => i);
		const order = shuffled(items);
		expect([...order].sort((a, b) => a - b)).toEqual(items);
		expect(items).toEqual(Array.from({ length: 40_000 }, (_, i) => i)); // a copy, not in place
		// past the first draw the items move too: in order, about 1 of 40,000 would stay put
		const stayed = order.slice(16_384).filter((item, i) => item === i + 16_384).length;
		expect(stayed).toBeLessThan(50);
	});

	it('leaves an empty list and one item as they are', () => {
		expect(shuffled([])).toEqual([]);
		expect(shuffled(['only'])).toEqual(['only']);
	});
});
