import type { Action } from 'svelte/action';

/**
 * Keeps a half-filled review in this browser's localStorage (never on the server), so a member
 * who leaves and comes back finds their answers. Cleared once the answers are sent.
 */
export const keepDraft: Action<HTMLFormElement, string> = (form, storageKey) => {
	const key = `outsider:answers:${storageKey}`;
	const saved = readSaved(key);
	for (const [name, value] of Object.entries(saved)) {
		for (const field of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
			`[name="${CSS.escape(name)}"]`
		)) {
			if (field instanceof HTMLInputElement && field.type === 'radio')
				field.checked = field.value === value;
			else if (!field.value) field.value = value;
		}
	}
	const save = () => {
		const entries: Record<string, string> = {};
		for (const [name, value] of new FormData(form))
			if (typeof value === 'string' && value) entries[name] = value;
		try {
			localStorage.setItem(key, JSON.stringify(entries));
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

export function forgetDraft(storageKey: string) {
	try {
		localStorage.removeItem(`outsider:answers:${storageKey}`);
	} catch {
		// nothing to forget
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
