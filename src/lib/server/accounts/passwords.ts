import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const passwordMinLength = 8;
export const passwordMaxLength = 256;

// OWASP's argon2id minimum (m=19 MiB, t=2, p=1). @node-rs/argon2 uses argon2id by default.
const argon2Options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
	return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

// Checking a password against this hash when no account matches keeps a failed log-in as slow
// for an unknown email as for a known one, so timing does not reveal who has an account.
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string) {
	decoyHash ??= hashPassword('decoy password that no account has');
	await verifyPassword(await decoyHash, password);
	return false;
}

let commonPasswords: Set<string> | undefined;

/** Why a new password is not acceptable, in words for the person choosing it; null when it is. */
export function passwordProblem(password: string): string | null {
	const length = [...password].length;
	if (length < passwordMinLength) return `Use at least ${passwordMinLength} characters.`;
	if (length > passwordMaxLength) return `Use at most ${passwordMaxLength} characters.`;
	// ~49,000 passwords seen most often in breaches, shipped with @zxcvbn-ts/language-common.
	commonPasswords ??= new Set(dictionary['passwords-common']);
	if (commonPasswords.has(password.toLowerCase())) {
		return 'That password is on a list of commonly used passwords. Choose one that is harder to guess, for example three or four unrelated words.';
	}
	return null;
}
