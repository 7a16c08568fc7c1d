// Mail as people receive it: a real local SMTP server (smtp-sink.js) files every message it
// accepts in a folder, and the tests read that folder.
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { projectRoot, tmpPath } from './paths';

export interface Mail {
	to: string[];
	subject: string;
	text: string;
	messageId: string;
}

/** The messages filed in `folder` so far, only those for `address` when one is given. */
export async function mailIn(folder: string, address?: string): Promise<Mail[]> {
	const names = await readdir(folder).catch(() => []);
	const all = await Promise.all(
		names.map(async (name) => JSON.parse(await readFile(`${folder}/${name}`, 'utf8')) as Mail)
	);
	return address ? all.filter((m) => m.to.includes(address.toLowerCase())) : all;
}

/** Starts the SMTP server on a free port; `url` is what the app's SMTP_URL should be. */
export async function startMailSink() {
	const folder = tmpPath('mail');
	const child = spawn(process.execPath, ['tests/support/smtp-sink.js'], {
		cwd: projectRoot,
		env: { ...process.env, MAIL_DIR: folder, SMTP_PORT: '0' },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	const port = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk) => {
			output += chunk;
			const match = output.match(/listening on 127\.0\.0\.1:(\d+)/);
			if (match) resolve(match[1]);
		});
		child.on('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
	});
	return {
		url: `smtp://127.0.0.1:${port}`,
		mail: (address?: string) => mailIn(folder, address),
		stop: () => {
			child.kill();
		}
	};
}
