// How much one order of items follows another: the measure the anonymity tests hold storage to.

/**
 * Kendall's rank correlation between two orders of the same items, over the pairs `together`
 * accepts (all pairs by default). 1: the same order, -1: reversed, near 0: unrelated.
 */
export function kendallTau<T>(
	items: T[],
	first: (item: T) => number,
	second: (item: T) => number,
	together: (a: T, b: T) => boolean = () => true
) {
	let concordant = 0;
	let discordant = 0;
	for (let i = 0; i < items.length; i++) {
		for (let j = i + 1; j < items.length; j++) {
			if (!together(items[i], items[j])) continue;
			const sign =
				Math.sign(first(items[i]) - first(items[j])) *
				Math.sign(second(items[i]) - second(items[j]));
			if (sign > 0) concordant++;
			else if (sign < 0) discordant++;
		}
	}
	const pairs = concordant + discordant;
	return {
		tau: pairs === 0 ? 0 : (concordant - discordant) / pairs,
		pairs,
		concordant,
		discordant
	};
}
