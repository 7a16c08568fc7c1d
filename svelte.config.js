import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// OUTSIDER_BUILD_DIR lets a test build elsewhere without touching the build the other tests run.
		adapter: adapter({ out: process.env.OUTSIDER_BUILD_DIR ?? 'build' }),
		// SvelteKit's CSRF origin check stays on (its default): no origin is trusted besides our own.
		csrf: { trustedOrigins: [] },
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// SvelteKit's own markup carries style attributes (the body wrapper, the route
				// announcer). Attributes only: <style> elements and stylesheets stay 'self'.
				'style-src-attr': ['unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
