// A member chosen on a form: from a list (an id), or, in a group too large to list, by a name
// typed (MemberPicker sends the id of a suggestion picked, and the name as typed either way).
import { z } from 'zod';
import { textField } from '$lib/server/forms';
import { memberNamed } from './memberships';

const blankIsMissing = (value: unknown) => (value === '' ? undefined : value);

const chosenId = z.preprocess(blankIsMissing, z.string().max(64, 'Choose a member.').optional());
const typedName = z.preprocess(blankIsMissing, textField('The name', { max: 100 }).optional());

/** The two fields a MemberPicker named `userId` sends: the id picked, the name typed. */
export const memberChoiceFields = { userId: chosenId, userIdName: typedName };
/** The same for a picker named `ownerId`. */
export const ownerChoiceFields = { ownerId: chosenId, ownerIdName: typedName };

export type MemberChoice = { ok: true; userId: string | null } | { ok: false; message: string };

/**
 * The member chosen: the id sent, else the one member called the name typed; null when the field
 * was left empty. A name that fits nobody or several people is refused in words.
 */
export function chosenMember(
	groupId: string,
	id: string | undefined,
	name: string | undefined
): MemberChoice {
	if (id) return { ok: true, userId: id };
	if (!name) return { ok: true, userId: null };
	const found = memberNamed(groupId, name);
	if (found.ok) return { ok: true, userId: found.value };
	return {
		ok: false,
		message:
			found.refusal === 'no-one-named'
				? `Nobody in this group is called “${name}”. Type their name as the members page shows it.`
				: `More than one member is called “${name}”. Start typing and choose one of them from the suggestions.`
	};
}
