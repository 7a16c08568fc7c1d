// First step of `npm test`: make sure a Chromium exists for the Playwright suite. Installs
// Debian's package when it can (root with apt-get); otherwise stops with one sentence.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.js';

if (process.env.CHROMIUM_PATH && !existsSync(process.env.CHROMIUM_PATH)) {
	console.error(
		`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which does not exist: point it at a Chromium or Chrome binary, or unset it.`
	);
	process.exit(1);
}

if (!findChromium()) {
	const isRoot = process.getuid?.() === 0;
	const hasApt = existsSync('/usr/bin/apt-get');
	if (!isRoot || !hasApt) {
		console.error(
			'The browser tests need Chromium: install it (on Debian or Ubuntu, `sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium or Chrome binary, then run the tests again.'
		);
		process.exit(1);
	}
	console.log("Installing Debian's chromium for the browser tests (apt-get)...");
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
	execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
	if (!findChromium()) {
		console.error(
			'apt-get finished but no chromium binary was found; set CHROMIUM_PATH to one and run the tests again.'
		);
		process.exit(1);
	}
}
