import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** A random secret for a cookie or a link: 160 bits, URL-safe. */
export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** What the database keeps instead of a token, so that a leaked copy grants nothing. */
export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

const idBytes = 15;
// Random bytes for ids are drawn 256 ids at a time, as Node does for `randomUUID`: one draw
// costs about 5 µs whatever its size, and closing a review makes an id for every answer.
let idPool = new Uint8Array(0);
let idOffset = 0;

/** A random record id (120 bits); ids carry no order and no time. */
export function newId(): string {
	if (idOffset + idBytes > idPool.length) {
		idPool = crypto.getRandomValues(new Uint8Array(idBytes * 256));
		idOffset = 0;
	}
	return encodeBase32LowerCaseNoPadding(idPool.subarray(idOffset, (idOffset += idBytes)));
}

/** The most `crypto.getRandomValues` fills in one call: 65,536 bytes. */
const mostRandomWords = 65_536 / 4;

/**
 * A copy of `items` in random order (Fisher-Yates, with the platform's secure random), drawn in
 * several calls for more than 16,384 items: one call for them all failed opening a review in a
 * group of 18,000 members (`npm run bench`).
 */
export function shuffled<T>(items: T[]) {
	const copy = [...items];
	const random = new Uint32Array(copy.length);
	for (let start = 0; start < random.length; start += mostRandomWords)
		crypto.getRandomValues(random.subarray(start, start + mostRandomWords));
	for (let i = copy.length - 1; i > 0; i--) {
		const j = random[i] % (i + 1);
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}
