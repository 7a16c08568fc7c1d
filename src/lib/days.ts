// Due dates are calendar days ("2026-12-04"), not instants: a task is due on a day wherever its
// owner is. Arithmetic on them is done in UTC so that it never shifts by a time zone.

/** Today's calendar day in UTC. */
export function todayUtc(now = new Date()) {
	return now.toISOString().slice(0, 10);
}

export function isCalendarDay(value: string) {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	// "2026-13-01" is no date at all; "2026-02-30" would roll over to March
	return !Number.isNaN(date.getTime()) && todayUtc(date) === value;
}

/** A day moved by whole days or months; a month later than 31 January is 28 or 29 February. */
export function addToDay(
	day: string,
	{ days = 0, months = 0 }: { days?: number; months?: number }
) {
	const [y, m, d] = day.split('-').map(Number);
	const lastOfTarget = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
	const moved = new Date(
		Date.UTC(y, m - 1 + months, Math.min(d, lastOfTarget)) + days * 86_400_000
	);
	return todayUtc(moved);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string) {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
