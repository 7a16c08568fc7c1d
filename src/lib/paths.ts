/**
 * Where to go after logging in: only a path on this site, so that a crafted link cannot send
 * someone from the log-in page to another site.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/') {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
		return fallback;
	if (next.length > 500) return fallback;
	// only printable ASCII: a control character cannot go in a Location header, and the app's
	// own links (from `url.pathname`) are percent-encoded already
	if (!/^[\x21-\x7e]+$/.test(next)) return fallback;
	return next;
}
