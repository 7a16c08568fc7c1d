import { describe, expect, it } from 'vitest';
import { dateLabel, dayLabel } from '$lib/dates';

// The labels are kept per day once formatted: a kept label must be the one the day would get.
describe('day labels', () => {
	const written = new Intl.DateTimeFormat('en', { dateStyle: 'long' });

	it('writes a moment as its day, the same at any hour of that day and again from the cache', () => {
		const morning = new Date(2026, 10, 20, 0, 5);
		const evening = new Date(2026, 10, 20, 23, 55);
		expect(dateLabel(morning)).toBe(written.format(morning));
		expect(dateLabel(evening)).toBe(written.format(morning));
		expect(dateLabel(new Date(2026, 10, 21, 0, 0))).toBe(written.format(new Date(2026, 10, 21)));
		// the ends and starts of months and years
		for (const [y, m, d] of [
			[2026, 0, 31],
			[2026, 1, 1],
			[2026, 10, 2],
			[2026, 9, 2],
			[2025, 11, 31]
		]) {
			const moment = new Date(y, m, d, 12);
			expect(dateLabel(moment)).toBe(written.format(moment));
		}
	});

	it('writes a calendar day with its weekday, in UTC', () => {
		expect(dayLabel('2026-11-20')).toBe('Fri, Nov 20, 2026');
		expect(dayLabel('2026-11-20')).toBe('Fri, Nov 20, 2026');
		expect(dayLabel('2027-01-01')).toBe('Fri, Jan 1, 2027');
	});
});
