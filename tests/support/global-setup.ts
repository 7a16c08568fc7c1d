import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Each run starts with an empty tests/.tmp: databases and builds of earlier runs are removed.
export default function setup() {
	const tmp = fileURLToPath(new URL('../.tmp/', import.meta.url));
	rmSync(tmp, { recursive: true, force: true });
	mkdirSync(tmp, { recursive: true });
}
