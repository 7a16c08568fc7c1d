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

/** Every version, oldest first, each with who set it and its difference from the one before. */
export async function purposeHistory(groupId: string) {
	const rows = await history().all({ groupId });
	return rows.map((row, i) => ({
		...row,
		diff: i === 0 ? null : purposeDiff(rows[i - 1].text, row.text)
	}));
}

export function purposeDiff(before: string, after: string): DiffPart[] {
	return diffWordsWithSpace(before, after).map((part) => ({
		text: part.value,
		change: part.added ? 'added' : part.removed ? 'removed' : 'same'
	}));
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
