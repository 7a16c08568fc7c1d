import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
export const tmpRoot = fileURLToPath(new URL('../.tmp/', import.meta.url));
mkdirSync(tmpRoot, { recursive: true });

/** A fresh path under tests/.tmp (git-ignored), unique to this call. */
export function tmpPath(name: string) {
	return `${tmpRoot}${name}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
}
