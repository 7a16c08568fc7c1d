import type { SubmitFunction } from '@sveltejs/kit';

/**
 * For `use:enhance`: knows while a form is being sent (to disable its button against double
 * submits) and keeps what the person typed when the server refuses it.
 */
export function pendingForm() {
	let busy = $state(false);
	const submit: SubmitFunction = () => {
		busy = true;
		return async ({ update }) => {
			await update({ reset: false });
			busy = false;
		};
	};
	return {
		get busy() {
			return busy;
		},
		submit
	};
}
