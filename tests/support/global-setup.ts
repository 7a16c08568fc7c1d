import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const hour = 60 * 60 * 1000;

// Databases and mail of earlier runs are removed once they are a few hours old. Not all of
// tests/.tmp: another run (a second terminal, the browser tests) may be using its own files.
export default function setup() {
	const tmp = fileURLToPath(new URL('../.tmp/', import.meta.url));
	mkdirSync(tmp, { recursive: true });
	for (const name of readdirSync(tmp)) {
		const path = `${tmp}${name}`;
		try {
			if (Date.now() - statSync(path).mtimeMs > 3 * hour)
				rmSync(path, { recursive: true, force: true });
		} catch {
			// removed meanwhile by another run
		}
	}
}
