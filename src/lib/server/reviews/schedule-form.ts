import { z } from 'zod';

// <input type="datetime-local"> sends "2026-12-01T18:00" without a zone. The page adds the
// browser's offset from UTC in minutes (`tzOffset`, from JavaScript); without JavaScript the
// page says the times are UTC and the offset stays 0.
const localDateTime = z
	.string()
	.trim()
	.refine(
		(v) => v === '' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v),
		'Enter a date and time.'
	)
	.optional();

export const scheduleForm = z.object({
	opensAt: localDateTime,
	closesAt: localDateTime,
	tzOffset: z.coerce
		.number()
		.int()
		.min(-14 * 60)
		.max(14 * 60)
		.optional()
});

/** A local date-time plus the browser's offset (minutes behind UTC, as getTimezoneOffset) as a Date. */
export function toInstant(local: string | undefined, tzOffset = 0): Date | null {
	if (!local) return null;
	const [date, time] = local.split('T');
	const [y, m, d] = date.split('-').map(Number);
	const [hh, mm] = time.split(':').map(Number);
	const utc = Date.UTC(y, m - 1, d, hh, mm) + tzOffset * 60_000;
	return Number.isNaN(utc) ? null : new Date(utc);
}
