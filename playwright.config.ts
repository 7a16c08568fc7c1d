import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/chromium.js';

const port = 4183;
// Set once in the main process; workers inherit it, so tests can seed the server's database.
process.env.OUTSIDER_E2E_DATABASE ??= `tests/.tmp/e2e-${Date.now()}.db`;
const databaseFile = process.env.OUTSIDER_E2E_DATABASE;
// Mail the app sends arrives at a real local SMTP server, which files it here for the tests.
process.env.OUTSIDER_E2E_MAIL ??= `tests/.tmp/e2e-mail-${Date.now()}`;
const smtpPort = 4184;

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? 'line' : 'list',
	timeout: 60_000,
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		launchOptions: { executablePath: findChromium(), args: chromiumArgs },
		trace: 'retain-on-failure',
		// a missing element fails the step in seconds, not at the end of the test's time
		actionTimeout: 15_000
	},
	projects: [
		{ name: 'javascript', use: { javaScriptEnabled: true } },
		{
			name: 'no-javascript',
			// axe cannot run in these pages: the accessibility tests serve each page, as this
			// browser has it, again to one that can (tests/e2e/accessibility.spec.ts)
			use: { javaScriptEnabled: false }
		}
	],
	webServer: [
		{
			command: 'node tests/support/smtp-sink.js',
			port: smtpPort,
			env: { SMTP_PORT: String(smtpPort), MAIL_DIR: process.env.OUTSIDER_E2E_MAIL },
			reuseExistingServer: false
		},
		{
			// The real built server, as in production, on a database of its own.
			command: 'node scripts/serve.js',
			url: `http://127.0.0.1:${port}/healthz`,
			env: {
				PORT: String(port),
				HOST: '127.0.0.1',
				DATABASE_URL: `file:${databaseFile}`,
				SMTP_URL: `smtp://127.0.0.1:${smtpPort}`
			},
			reuseExistingServer: false,
			timeout: 60_000
		}
	]
});
