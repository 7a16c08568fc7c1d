import { and, asc, eq, sql } from 'drizzle-orm';
import { transaction, type Transaction } from '$lib/server/db';
import { question, review, type QuestionKind } from '$lib/server/db/schema';
import { defaultInstrument } from '$lib/server/reviews/instrument';
import { questionKeysOf } from '$lib/server/reviews/reviews';
import { ok, refuse, type Result } from '$lib/server/result';
import { slugify } from '$lib/slug';

// Questions change only while their review is a draft. Every edit runs in a transaction that
// first re-reads the review's status, so an edit racing the opening cannot slip in after it.

/** Why a question could not be edited. */
export type EditRefusal = 'not-draft' | 'not-found' | 'duplicate-key' | 'too-many';
export type EditOutcome = Result<undefined, EditRefusal>;

/**
 * The most questions a review may have: more than anyone answers well on a phone, and a bound on
 * the values one submission writes (thousands once overflowed SQLite's limit on a statement).
 */
export const maxQuestions = 40;

function inDraft(reviewId: string, edit: (tx: Transaction) => EditOutcome) {
	return transaction((tx): EditOutcome => {
		const [row] = tx
			.select({ status: review.status })
			.from(review)
			.where(eq(review.id, reviewId))
			.all();
		if (!row) return refuse('not-found');
		if (row.status !== 'draft') return refuse('not-draft');
		return edit(tx);
	});
}

export interface QuestionInput {
	kind: QuestionKind;
	title: string;
	prompt: string;
	lowLabel: string | null;
	highLabel: string | null;
}

/** Adds a question at the end. A standard dimension keeps its standard key; others get one from the title. */
export function addQuestion(reviewId: string, input: QuestionInput & { standardKey?: string }) {
	return inDraft(reviewId, (tx) => {
		const existing = tx
			.select({ key: question.key, kind: question.kind, position: question.position })
			.from(question)
			.where(eq(question.reviewId, reviewId))
			.all();
		if (existing.length >= maxQuestions) return refuse('too-many');
		const keys = new Set(existing.map((q) => q.key));
		let key: string;
		if (input.standardKey) {
			if (keys.has(input.standardKey)) return refuse('duplicate-key');
			key = input.standardKey;
		} else {
			const base = `custom-${slugify(input.title).slice(0, 40) || 'question'}`;
			key = base;
			for (let n = 2; keys.has(key); n++) key = `${base}-${n}`;
		}
		// Scored questions go after the other scored ones, before the open questions; open ones last.
		const end = existing.reduce((max, q) => Math.max(max, q.position), -1) + 1;
		const firstOpen = existing
			.filter((q) => q.kind === 'text')
			.reduce((min, q) => Math.min(min, q.position), end);
		const position = input.kind === 'scale' ? firstOpen : end;
		if (position < end) {
			tx.update(question)
				.set({ position: sql`${question.position} + 1` })
				.where(and(eq(question.reviewId, reviewId), sql`${question.position} >= ${position}`))
				.run();
		}
		tx.insert(question)
			.values({ reviewId, key, position, ...input })
			.run();
		return ok(undefined);
	});
}

/** The standard questions a draft does not have (removed earlier), to add back with their keys. */
export async function missingStandardQuestions(reviewId: string) {
	const keys = questionKeysOf(reviewId);
	return defaultInstrument.filter((q) => !keys.has(q.key));
}

export function updateQuestion(reviewId: string, key: string, input: Omit<QuestionInput, 'kind'>) {
	return inDraft(reviewId, (tx) => {
		const [current] = tx
			.select()
			.from(question)
			.where(and(eq(question.reviewId, reviewId), eq(question.key, key)))
			.all();
		if (!current) return refuse('not-found');
		tx.update(question)
			.set({
				title: input.title,
				prompt: input.prompt,
				lowLabel: current.kind === 'scale' ? input.lowLabel : null,
				highLabel: current.kind === 'scale' ? input.highLabel : null
			})
			.where(and(eq(question.reviewId, reviewId), eq(question.key, key)))
			.run();
		return ok(undefined);
	});
}

export function removeQuestion(reviewId: string, key: string) {
	return inDraft(reviewId, (tx) => {
		const removed = tx
			.delete(question)
			.where(and(eq(question.reviewId, reviewId), eq(question.key, key)))
			.returning({ key: question.key })
			.all();
		return removed.length > 0 ? ok(undefined) : refuse('not-found');
	});
}

/** Swaps a question with its neighbour above (-1) or below (+1). */
export function moveQuestion(reviewId: string, key: string, direction: -1 | 1) {
	return inDraft(reviewId, (tx) => {
		const ordered = tx
			.select()
			.from(question)
			.where(eq(question.reviewId, reviewId))
			.orderBy(asc(question.position))
			.all();
		const index = ordered.findIndex((q) => q.key === key);
		if (index === -1) return refuse('not-found');
		const other = ordered[index + direction];
		if (!other) return ok(undefined);
		const target = (k: string) => and(eq(question.reviewId, reviewId), eq(question.key, k));
		tx.update(question).set({ position: other.position }).where(target(key)).run();
		tx.update(question).set({ position: ordered[index].position }).where(target(other.key)).run();
		return ok(undefined);
	});
}
