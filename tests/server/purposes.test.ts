import { describe, expect, it } from 'vitest';
import { purposeDiff } from '$lib/server/groups/purposes';

const shown = (before: string, after: string) =>
	purposeDiff(before, after)
		.map((p) =>
			p.change === 'added' ? `[+${p.text}]` : p.change === 'removed' ? `[-${p.text}]` : p.text
		)
		.join('');

describe('what changed in a restated purpose', () => {
	it('shows a rewritten passage as the old words, then the new, not interleaved', () => {
		expect(shown('Make every landlord keep homes safe.', 'Win repairs and fair rents.')).toBe(
			'[-Make every landlord keep homes safe] [+Win repairs and fair rents].'
		);
	});

	it('keeps the words that stay, and marks a small change where it is', () => {
		expect(shown('Keep every tenant housed.', 'Keep every tenant housed and heard.')).toBe(
			'Keep every tenant housed[+ and heard].'
		);
		expect(shown('Fair rents on Maple Street.', 'Fair rents on Maple Street.')).toBe(
			'Fair rents on Maple Street.'
		);
	});

	it('loses no letter of either version', () => {
		const before = 'Make every landlord on Maple Street keep homes safe and rents fair.';
		const after = 'Win repairs and fair rents on Maple Street, building by building.';
		const parts = purposeDiff(before, after);
		// each version is what is not marked as the other's, spaces aside
		const text = (leftOut: 'added' | 'removed') =>
			parts
				.filter((p) => p.change !== leftOut)
				.map((p) => p.text)
				.join('')
				.replace(/\s/g, '');
		expect(text('added')).toBe(before.replace(/\s/g, ''));
		expect(text('removed')).toBe(after.replace(/\s/g, ''));
	});
});
