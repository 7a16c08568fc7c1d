// A scored question's count, mean and spread, read by SQL as two averages, the same way for
// members' results (computed once at close) and for outsiders' (read when shown).
import { sql, type Column } from 'drizzle-orm';

export const scoreMoments = (score: Column) => ({
	count: sql<number>`count(${score})`,
	mean: sql<number>`avg(${score})`,
	meanOfSquares: sql<number>`avg(${score} * ${score})`
});

/** The population standard deviation from those two averages (rounding never makes it NaN). */
export const spreadOf = ({ mean, meanOfSquares }: { mean: number; meanOfSquares: number }) =>
	Math.sqrt(Math.max(0, Number(meanOfSquares) - Number(mean) ** 2));
