// Requests as a browser without JavaScript sends them: HTML accepted, forms url-encoded, the
// page's own Origin, and redirects reported rather than followed.
import { noteCookie, noteForm } from './sent';

export interface RequestOptions {
	cookie?: string;
	origin?: string | null;
	headers?: Record<string, string>;
}

export function client(baseUrl: string) {
	const headersFor = (options: RequestOptions, extra: Record<string, string> = {}) => {
		const headers: Record<string, string> = { accept: 'text/html', ...extra, ...options.headers };
		if (options.cookie) headers.cookie = options.cookie;
		noteCookie(options.cookie);
		const origin = options.origin === undefined ? baseUrl : options.origin;
		if (origin) headers.origin = origin;
		return headers;
	};
	return {
		get: (path: string, options: RequestOptions = {}) =>
			fetch(baseUrl + path, {
				headers: headersFor({ ...options, origin: null }),
				redirect: 'manual'
			}),
		/** POSTs to a form action; `fields` may repeat a key by giving an array of pairs. */
		post: (
			path: string,
			fields: Record<string, string> | [string, string][] | FormData,
			options: RequestOptions = {}
		) => {
			if (fields instanceof FormData) {
				noteForm(
					path,
					[...fields].flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : []))
				);
				return fetch(baseUrl + path, {
					method: 'POST',
					body: fields,
					headers: headersFor(options),
					redirect: 'manual'
				});
			}
			const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
			noteForm(path, body);
			return fetch(baseUrl + path, {
				method: 'POST',
				body,
				headers: headersFor(options, { 'content-type': 'application/x-www-form-urlencoded' }),
				redirect: 'manual'
			});
		}
	};
}

/**
 * The text of the page's alert (a form's error message), of a field's error, of the error
 * page's message, or of a plain-text response. With `orFirstParagraph`, a page without any of
 * these gives the paragraph under its heading (a refusal page that explains itself in prose).
 */
export async function messageOf(response: Response, { orFirstParagraph = true } = {}) {
	const body = (await response.text()).replace(/<!--[\s\S]*?-->/g, '');
	if (!(response.headers.get('content-type') ?? '').includes('html')) return body.trim();
	const found =
		body.match(/role="alert"[^>]*>([^<]*)</) ??
		body.match(/class="field-error[^"]*"[^>]*>([^<]*)</) ??
		body.match(/<p class="error-message">\s*([^<]*)<\/p>/) ??
		body.match(/<div class="message">\s*<h1>([^<]*)<\/h1>/) ??
		(orFirstParagraph ? body.match(/<h1[^>]*>[^<]*<\/h1>\s*<p[^>]*>([^<]*)</) : null);
	return found ? decode(found[1]).trim() : '';
}

function decode(html: string) {
	return html
		.replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');
}
