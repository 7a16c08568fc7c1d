// Date formatters, made once: building an Intl.DateTimeFormat costs more than rendering a small
// page, so pages share these instead of constructing their own on every render.
export const longDate = new Intl.DateTimeFormat('en', { dateStyle: 'long' });
export const mediumDate = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
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
