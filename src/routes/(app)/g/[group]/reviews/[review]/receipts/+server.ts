import { json } from '@sveltejs/kit';
import { requireReview } from '$lib/server/guards';
import { receiptHashes } from '$lib/server/reviews/responses';
import type { RequestHandler } from './$types';

// Every receipt hash of the review, for members' browsers to check their own receipt locally.
export const GET: RequestHandler = async (event) => {
	const { review } = await requireReview(event);
	return json(await receiptHashes(review.id), {
		headers: { 'Cache-Control': 'private, no-store' }
	});
};
