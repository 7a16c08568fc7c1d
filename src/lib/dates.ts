// Date formatters, made once: building an Intl.DateTimeFormat costs more than rendering a small
// page, so pages share these instead of constructing their own on every render.
const longDate = new Intl.DateTimeFormat('en', { dateStyle: 'long' });
export const mediumDate = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat('en', {
	weekday: 'short',
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	timeZone: 'UTC'
});
// A board or a task list names the same few days again and again: each is formatted once.
const dayLabels = new Map<string, string>();

/** A calendar day ("2026-11-20") as people read it: "Fri, Nov 20, 2026". */
export function dayLabel(day: string) {
	let label = dayLabels.get(day);
	if (label === undefined) {
		if (dayLabels.size >= 5000) dayLabels.clear();
		label = dayFormat.format(new Date(`${day}T00:00:00Z`));
		dayLabels.set(day, label);
	}
	return label;
}

// Lists of notices or messages name the same few days: each day is formatted once, keyed by the
// day where the page is rendered (the formatter's own time zone), so the cache is never wrong.
const dateLabels = new Map<number, string>();

/** A moment's day, written out: "November 20, 2026". */
export function dateLabel(moment: Date) {
	const day = moment.getFullYear() * 10000 + moment.getMonth() * 100 + moment.getDate();
	let label = dateLabels.get(day);
	if (label === undefined) {
		if (dateLabels.size >= 5000) dateLabels.clear();
		label = longDate.format(moment);
		dateLabels.set(day, label);
	}
	return label;
}

/** A moment in UTC, as the server renders it (it does not know the reader's time zone). */
export const momentUtc = new Intl.DateTimeFormat('en', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});
/** The same moment in the browser's own time zone. */
export const momentLocal = new Intl.DateTimeFormat('en', {
	dateStyle: 'medium',
	timeStyle: 'short'
});
