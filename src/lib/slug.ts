// Shared by the server (validation, suggestions) and the new-group form (live preview).
export const slugPattern = /^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$/;
export const slugRules =
	'3 to 48 characters: lower-case letters, digits and dashes, starting and ending with a letter or digit.';

/** "Eastside Tenants' Union!" -> "eastside-tenants-union" */
export function slugify(name: string) {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 48)
		.replace(/-+$/, '');
}
