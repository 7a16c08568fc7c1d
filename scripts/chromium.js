// Where the browser for the Playwright suite is: CHROMIUM_PATH, or the system's chromium.
import { existsSync } from 'node:fs';

export const chromiumCandidates = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome'
];

export function findChromium() {
	if (process.env.CHROMIUM_PATH)
		return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
	return chromiumCandidates.find((path) => existsSync(path));
}

// Flags for a headless run on a machine with a closed network (see ../README.md, Testing).
export const chromiumArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];
