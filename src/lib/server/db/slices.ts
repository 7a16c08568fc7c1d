/**
 * `items` in runs of at most `size`, for statements that take many rows or keys at once: SQLite
 * binds at most 32,766 values to one statement, so one insert of a large group's members would
 * fail.
 */
export function* slices<T>(items: T[], size: number) {
	for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
