import { diffWordsWithSpace } from 'diff';
import { and, asc, eq, sql } from 'drizzle-orm';
import { db, prepared, transaction } from '$lib/server/db';
import { purpose, user } from '$lib/server/db/schema';

/**
 * Restates a group's purpose: a new version, never an overwrite, so the original and every
 * restatement stay in the history. The next version number comes from inside the transaction;
 * the primary key (group, version) refuses a second writer that read the same number.
 */
export async function restatePurpose(input: {
	groupId: string;
	text: string;
	reason: string;
	setBy: string;
	now?: Date;
}) {
	return transaction((tx) => {
		const [{ latest }] = tx
			.select({ latest: sql<number>`coalesce(max(${purpose.version}), 0)` })
			.from(purpose)
			.where(eq(purpose.groupId, input.groupId))
			.all();
		const version = Number(latest) + 1;
		tx.insert(purpose)
			.values({
				groupId: input.groupId,
				version,
				text: input.text,
				reason: input.reason,
				setBy: input.setBy,
				setAt: input.now ?? new Date()
			})
			.run();
		return version;
	});
}

export type DiffPart = { text: string; change: 'added' | 'removed' | 'same' };

const history = prepared(() =>
	db
		.select({
			version: purpose.version,
			text: purpose.text,
			reason: purpose.reason,
			setAt: purpose.setAt,
			setBy: user.displayName
		})
		.from(purpose)
		.leftJoin(user, eq(user.id, purpose.setBy))
		.where(eq(purpose.groupId, sql.placeholder('groupId')))
		.orderBy(asc(purpose.version))
		.prepare()
);

// Versions are never edited, so each difference is worked out once per process rather than on
// every view of the page (it was a twentieth of the page's cost). Keyed by the two texts
// themselves, an entry can never be wrong; the map is emptied when it grows large.
const diffs = new Map<string, DiffPart[]>();
const diffsKept = 1000;

function diffBetween(before: string, after: string) {
	const key = `${before}\u0000${after}`;
	let diff = diffs.get(key);
	if (!diff) {
		if (diffs.size >= diffsKept) diffs.clear();
		diff = purposeDiff(before, after);
		diffs.set(key, diff);
	}
	return diff;
}

/** Every version, oldest first, each with who set it and its difference from the one before. */
export async function purposeHistory(groupId: string) {
	const rows = await history().all({ groupId });
	return rows.map((row, i) => ({
		...row,
		diff: i === 0 ? null : diffBetween(rows[i - 1].text, row.text)
	}));
}

/**
 * What changed between two statements, word by word. Neighbouring changes (only spaces between
 * them) are shown as one removed passage and then one added one: a rewritten sentence reads as
 * "old words" then "new words", not as the two interleaved word by word.
 */
export function purposeDiff(before: string, after: string): DiffPart[] {
	const parts: DiffPart[] = [];
	let removed = '';
	let added = '';
	const flush = () => {
		const trailing = /\s*$/.exec(removed || added)![0];
		if (removed.trim()) parts.push({ text: removed.trimEnd(), change: 'removed' });
		if (removed.trim() && added.trim()) parts.push({ text: ' ', change: 'same' });
		if (added.trim()) parts.push({ text: added.trimEnd(), change: 'added' });
		if (trailing) parts.push({ text: trailing, change: 'same' });
		removed = added = '';
	};
	for (const part of diffWordsWithSpace(before, after)) {
		if (part.added) added += part.value;
		else if (part.removed) removed += part.value;
		else if (/^\s+$/.test(part.value) && (removed || added)) {
			// a space between two changes belongs to both passages
			if (removed) removed += part.value;
			if (added) added += part.value;
		} else {
			flush();
			parts.push({ text: part.value, change: 'same' });
		}
	}
	flush();
	return parts;
}

const purposeAtVersion = prepared(() =>
	db
		.select()
		.from(purpose)
		.where(
			and(
				eq(purpose.groupId, sql.placeholder('groupId')),
				eq(purpose.version, sql.placeholder('version'))
			)
		)
		.prepare()
);

export async function purposeVersion(groupId: string, version: number) {
	const [row] = await purposeAtVersion().all({ groupId, version });
	return row;
}
