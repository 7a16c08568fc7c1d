import type { Action } from 'svelte/action';

// A half-filled review is kept in this browser's localStorage (never on the server), so a member
// who leaves and comes back finds their answers. Keys name the person as well as the review, and
// logging out forgets them all: on a shared phone, nobody finds another member's answers.
const prefix = 'outsider:answers:';
const keyOf = (draft: DraftKey) => `${prefix}${draft.userId}:${draft.reviewId}`;

export interface DraftKey {
	userId: string;
	reviewId: string;
	/** Called once when saved answers were put back into the form. */
	onRestore?: () => void;
}

export const keepDraft: Action<HTMLFormElement, DraftKey> = (form, draft) => {
	const saved = readSaved(keyOf(draft));
	let restored = false;
	for (const [name, value] of Object.entries(saved)) {
		for (const field of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
			`[name="${CSS.escape(name)}"]`
		)) {
			if (field instanceof HTMLInputElement && field.type === 'radio') {
				if (field.value === value && !field.checked) restored = field.checked = true;
			} else if (!field.value) {
				field.value = value;
				restored = true;
			}
		}
	}
	if (restored) draft.onRestore?.();
	const save = () => {
		const entries: Record<string, string> = {};
		for (const [name, value] of new FormData(form))
			if (typeof value === 'string' && value) entries[name] = value;
		try {
			localStorage.setItem(keyOf(draft), JSON.stringify(entries));
		} catch {
			// storage full or disabled: the form still works, it just is not kept
		}
	};
	form.addEventListener('input', save);
	form.addEventListener('change', save);
	return {
		destroy() {
			form.removeEventListener('input', save);
			form.removeEventListener('change', save);
		}
	};
};

export function forgetDraft(draft: DraftKey) {
	try {
		localStorage.removeItem(keyOf(draft));
	} catch {
		// nothing to forget
	}
}

/** On log-out: every saved draft of every person, gone from this browser. */
export function forgetAllDrafts() {
	try {
		for (const key of Object.keys(localStorage))
			if (key.startsWith(prefix)) localStorage.removeItem(key);
	} catch {
		// storage disabled: nothing was kept
	}
}

function readSaved(key: string): Record<string, string> {
	try {
		const parsed = JSON.parse(localStorage.getItem(key) ?? '{}');
		return parsed && typeof parsed === 'object' ? parsed : {};
	} catch {
		return {};
	}
}
