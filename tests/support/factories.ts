// Small factories for test data, written straight to the database the app uses.
import { db } from '$lib/server/db';
import { eq } from 'drizzle-orm';
import { membership, user, type Role } from '$lib/server/db/schema';
import { createAccount } from '$lib/server/accounts/accounts';
import { createGroup } from '$lib/server/groups/groups';
import { startSession } from '$lib/server/accounts/sessions';
import { createTask } from '$lib/server/tasks/commands';
import {
	makePersonalLinks,
	makeSharedLink,
	submitOutsiderAnswers,
	type OutsiderAnswer
} from '$lib/server/outsiders/outside-view';
import { noteSecret } from './sent';

export const defaultPassword = 'correct horse battery staple';
let counter = 0;

export function uniqueEmail(prefix = 'person') {
	counter += 1;
	return `${prefix}-${counter}-${crypto.randomUUID().slice(0, 6)}@example.org`;
}

/**
 * A person with an account. Their address is confirmed unless `verified: false`: most tests are
 * about people who have used the app for a while.
 */
export async function makeUser(
	overrides: { email?: string; displayName?: string; password?: string; verified?: boolean } = {}
) {
	const email = overrides.email ?? uniqueEmail();
	const displayName = overrides.displayName ?? email.split('@')[0];
	noteSecret(email);
	noteSecret(displayName);
	noteSecret(overrides.password ?? defaultPassword);
	const created = await createAccount({
		email,
		displayName,
		password: overrides.password ?? defaultPassword
	});
	if (!created.ok) throw new Error(`makeUser: ${created.refusal}`);
	if (overrides.verified !== false)
		db.update(user).set({ emailVerifiedAt: new Date() }).where(eq(user.id, created.value)).run();
	return { id: created.value, email, displayName };
}

/** A `Cookie` header value for a fresh session of `userId`. */
export async function sessionCookie(userId: string) {
	const { token } = await startSession(userId);
	noteSecret(token);
	return `session=${token}`;
}

export async function makeGroup(
	ownerId: string,
	overrides: { name?: string; slug?: string; purpose?: string } = {}
) {
	counter += 1;
	const slug = overrides.slug ?? `group-${counter}-${crypto.randomUUID().slice(0, 6)}`;
	const created = await createGroup({
		name: overrides.name ?? `Group ${counter}`,
		slug,
		purpose: overrides.purpose ?? 'Keep every tenant on our street housed and heard.',
		ownerId
	});
	if (!created.ok) throw new Error(`makeGroup: ${created.refusal}`);
	return { id: created.value, slug };
}

export async function addMember(groupId: string, userId: string, role: Role = 'member') {
	await db.insert(membership).values({ groupId, userId, role });
}

/** A task `ownerId` (the group's owner) makes and owns: no due day, area or repetition. */
export async function makeOwnedTask(groupId: string, ownerId: string, title: string) {
	const created = await createTask(
		{ userId: ownerId, groupId, role: 'owner' },
		{ title, description: '', dueOn: null, areaId: null, recurrence: null, ownerIds: [ownerId] }
	);
	if (!created.ok) throw new Error(`createTask refused: ${created.refusal}`);
	return created.value;
}

/** A group with an owner and `size - 1` more members, all with sessions ready. */
export async function makeGroupWithMembers(size: number) {
	const owner = await makeUser();
	const group = await makeGroup(owner.id);
	const members = [owner];
	for (let i = 1; i < size; i++) {
		const person = await makeUser();
		await addMember(group.id, person.id);
		members.push(person);
	}
	return { group, owner, members };
}

/** Answers for every question of a review: the same score everywhere and optional texts. */
export function answersFor(
	questions: { key: string; kind: 'scale' | 'text' }[],
	score: number | ((key: string) => number),
	text: (key: string) => string | null = () => null
) {
	return questions.map((q) => ({
		questionKey: q.key,
		score: q.kind === 'scale' ? (typeof score === 'number' ? score : score(q.key)) : null,
		text: text(q.key)
	}));
}

/**
 * Outsiders answer a review through its outside view (asked already, review open): one personal
 * link per answer sheet in `personal`, and the shared link once per sheet in `shared`.
 */
export function outsidersAnswer(
	reviewId: string,
	sheets: { personal?: OutsiderAnswer[][]; shared?: OutsiderAnswer[][] }
) {
	const personal = sheets.personal ?? [];
	const shared = sheets.shared ?? [];
	const submit = (token: string, answers: OutsiderAnswer[]) => {
		const submitted = submitOutsiderAnswers(token, answers);
		if (!submitted.ok) throw new Error(`outsidersAnswer: ${submitted.refusal}`);
	};
	if (personal.length > 0) {
		const links = makePersonalLinks(reviewId, personal.length);
		if (!links.ok) throw new Error(`outsidersAnswer: ${links.refusal}`);
		links.value.forEach((token, i) => submit(token, personal[i]));
	}
	if (shared.length > 0) {
		const link = makeSharedLink(reviewId);
		if (!link.ok) throw new Error(`outsidersAnswer: ${link.refusal}`);
		for (const answers of shared) submit(link.value, answers);
	}
}
