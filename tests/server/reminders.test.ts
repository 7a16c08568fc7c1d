// Reminders end to end: produced from tasks and reviews at a controlled time, delivered by one or
// more workers through a real SMTP server running in this process.
import type { AddressInfo } from 'node:net';
import { and, eq, inArray, like } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, drizzleOver, openConnection } from '$lib/server/db';
import { mail, notification, reminder } from '$lib/server/db/work-schema';
import { user } from '$lib/server/db/schema';
import {
	markRead,
	notificationsOf,
	preferencesOf,
	setPreferences,
	unreadCount,
	unsubscribe
} from '$lib/server/reminders/notifications';
import {
	backoffMs,
	deliverClaimed,
	deliverDueReminders,
	leaseMs
} from '$lib/server/reminders/queue';
import {
	produceReviewClosing,
	produceTaskReminders,
	remindNonResponders
} from '$lib/server/reminders/producers';
import { submitResponse } from '$lib/server/reviews/responses';
import { closeReview, openReview, scheduleReview } from '$lib/server/reviews/lifecycle';
import { createReview, questionsOf } from '$lib/server/reviews/reviews';
import { createTask } from '$lib/server/tasks/commands';
import { runReminders } from '$lib/server/reminders/scheduler';
import { answersFor, makeGroup, makeGroupWithMembers, makeUser } from '../support/factories';
import { outcome } from '../support/outcome';

const at = (iso: string) => new Date(iso);
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);
const minute = 60_000;
const hour = 60 * minute;

// --- a real SMTP server, in this process --------------------------------------------------------

interface Received {
	to: string[];
	messageId: string;
	subject: string;
	text: string;
}

const received: Received[] = [];
/** Addresses whose next message the server refuses with a temporary failure. */
const refuseNextTo = new Set<string>();

const smtp = new SMTPServer({
	authOptional: true,
	disabledCommands: ['STARTTLS'],
	logger: false,
	onRcptTo(address, _session, callback) {
		if (refuseNextTo.delete(address.address)) {
			callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
			return;
		}
		callback();
	},
	onData(stream, session, callback) {
		simpleParser(stream).then((parsed) => {
			received.push({
				to: session.envelope.rcptTo.map((a) => a.address),
				messageId: parsed.messageId ?? '',
				subject: parsed.subject ?? '',
				text: parsed.text ?? ''
			});
			callback();
		}, callback);
	}
});

beforeAll(async () => {
	await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
	const { port } = smtp.server.address() as AddressInfo;
	process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
});

afterAll(async () => {
	delete process.env.SMTP_URL;
	await new Promise<void>((resolve) => smtp.close(resolve));
});

const mailTo = (email: string) => received.filter((m) => m.to.includes(email));

// --- helpers -------------------------------------------------------------------------------------

const remindersOf = (userId: string) =>
	db.select().from(reminder).where(eq(reminder.userId, userId));

const reminderById = async (id: string) =>
	(await db.select().from(reminder).where(eq(reminder.id, id)))[0];

/** A person who owns one task (in a group of their own) due on `dueOn`. */
async function personWithTask(
	dueOn: string,
	title = `Book the hall ${crypto.randomUUID().slice(0, 4)}`
) {
	const person = await makeUser();
	const group = await makeGroup(person.id);
	const created = await createTask(
		{ userId: person.id, groupId: group.id, role: 'owner' },
		{ title, description: '', dueOn, areaId: null, recurrence: null, ownerIds: [person.id] },
		null,
		at(`${dueOn}T00:00:00Z`)
	);
	if (!created.ok) throw new Error(created.refusal);
	return { ...person, groupId: group.id, taskId: created.value, title };
}

/** An open review of a group of `size`, created and opened at `now`. */
async function openReviewOf(size: number, now: Date, closesAt: Date | null = null) {
	const world = await makeGroupWithMembers(size);
	const reviewId = await createReview({ groupId: world.group.id, createdBy: world.owner.id, now });
	if (closesAt) {
		const scheduled = await scheduleReview(
			world.group.id,
			reviewId,
			{ opensAt: null, closesAt },
			now
		);
		expect(scheduled.ok).toBe(true);
	}
	expect(outcome(await openReview(world.group.id, reviewId, now))).toBe('done');
	return { ...world, reviewId, questions: await questionsOf(reviewId) };
}

/**
 * Each reminder reached its person exactly once: one SMTP message and one sent `mail` row. (Only
 * these reminders' messages count: opening a review also tells its members it is open.)
 */
async function expectDeliveredOnce(reminderIds: string[], emails: string[]) {
	const ids = new Set(reminderIds.map((id) => `<reminder-${id}@outsider>`));
	const messages = received.filter(
		(m) => m.to.some((to) => emails.includes(to)) && ids.has(m.messageId)
	);
	expect(messages).toHaveLength(reminderIds.length);
	expect(new Set(messages.map((m) => m.messageId))).toEqual(ids);
	const sent = await db
		.select({ reminderId: mail.reminderId })
		.from(mail)
		.where(and(inArray(mail.reminderId, reminderIds), eq(mail.status, 'sent')));
	expect(sent.map((m) => m.reminderId).sort()).toEqual([...reminderIds].sort());
	const rows = await db.select().from(reminder).where(inArray(reminder.id, reminderIds));
	expect(rows.every((r) => r.status === 'sent')).toBe(true);
}

const allKinds = (channel: 'email' | 'in_app' | 'none') => ({
	task_assigned: channel,
	task_due: channel,
	review_opened: channel,
	review_closing: channel,
	review_closed: channel
});

// Every test keeps to its own dates, so reminders left by an earlier test never fall due in it.

describe('task reminders', () => {
	it('sends no email to an address not yet confirmed: the notice waits in the app', async () => {
		const person = await personWithTask('2026-04-21', 'Collect the keys');
		db.update(user).set({ emailVerifiedAt: null }).where(eq(user.id, person.id)).run();
		const now = at('2026-04-20T08:00:00Z');
		await runReminders(now);
		expect(mailTo(person.email)).toHaveLength(0);
		expect(await notificationsOf(person.id)).toMatchObject([{ kind: 'task_due' }]);
		expect(await remindersOf(person.id)).toMatchObject([{ status: 'sent' }]);
	});

	it('reminds the owner the day before a task is due, by email and in the app', async () => {
		const person = await personWithTask('2026-05-12', 'Print the leaflets');
		const now = at('2026-05-11T08:00:00Z');
		await runReminders(now);

		const [message] = mailTo(person.email);
		expect(mailTo(person.email)).toHaveLength(1);
		expect(message.subject).toContain('Print the leaflets');
		expect(message.subject).toContain('tomorrow');

		const notices = await notificationsOf(person.id);
		expect(notices).toMatchObject([{ kind: 'task_due', title: message.subject }]);
		expect(await unreadCount(person.id)).toBe(1);
		await markRead(person.id, null, now);
		expect(await unreadCount(person.id)).toBe(0);
	});

	it('produces nothing new when run again the same day', async () => {
		const person = await personWithTask('2026-05-20');
		await produceTaskReminders(at('2026-05-19T08:00:00Z'));
		await produceTaskReminders(at('2026-05-19T08:00:30Z'));
		await produceTaskReminders(at('2026-05-19T21:00:00Z'));
		expect(await remindersOf(person.id)).toHaveLength(1);
	});

	it('reminds of an overdue task the day after, then once a week', async () => {
		const person = await personWithTask('2026-06-01');
		const producedOn = async (day: string) => {
			await produceTaskReminders(at(`${day}T07:00:00Z`));
			return (await remindersOf(person.id)).length;
		};
		expect(await producedOn('2026-06-02')).toBe(1);
		expect(await producedOn('2026-06-04')).toBe(1);
		expect(await producedOn('2026-06-08')).toBe(1);
		expect(await producedOn('2026-06-09')).toBe(2);
		expect(await producedOn('2026-06-10')).toBe(2);
		const rows = await remindersOf(person.id);
		expect(rows.every((r) => r.kind === 'task_due' && r.title.includes('overdue'))).toBe(true);
	});
});

describe('review closing reminders', () => {
	it('reach exactly the members who have not answered, within 48 hours of the close', async () => {
		const now = at('2026-07-01T12:00:00Z');
		const { reviewId, questions, members } = await openReviewOf(6, now, plus(now, 30 * hour));
		const [answered, unanswered] = [members.slice(1, 3), [members[0], ...members.slice(3)]];
		for (const m of answered) {
			const result = await submitResponse(reviewId, m.id, answersFor(questions, 4), now);
			expect(outcome(result)).toBe('done');
		}
		const closingRows = () =>
			db
				.select()
				.from(reminder)
				.where(like(reminder.key, `closing:${reviewId}:%`));

		// 50 hours before the close is too early
		await produceReviewClosing(plus(now, -20 * hour));
		expect(await closingRows()).toEqual([]);

		await produceReviewClosing(now);
		await produceReviewClosing(plus(now, hour));
		const rows = await closingRows();
		expect(rows.map((r) => r.userId).sort()).toEqual(unanswered.map((m) => m.id).sort());
		expect(rows.every((r) => r.kind === 'review_closing')).toBe(true);
	});

	it('lets a facilitator nudge the non-responders: a count back, one reminder each per day', async () => {
		const now = at('2026-07-10T12:00:00Z');
		const { reviewId, questions, members } = await openReviewOf(6, now);
		for (const m of members.slice(4)) {
			await submitResponse(reviewId, m.id, answersFor(questions, 3), now);
		}
		const nudges = () =>
			db
				.select()
				.from(reminder)
				.where(like(reminder.key, `nudge:${reviewId}:%`));

		expect(await remindNonResponders(reviewId, now)).toBe(4);
		const rows = await nudges();
		expect(rows.map((r) => r.userId).sort()).toEqual(
			members
				.slice(0, 4)
				.map((m) => m.id)
				.sort()
		);
		await remindNonResponders(reviewId, plus(now, 2 * hour));
		expect(await nudges()).toHaveLength(4);
	});
});

describe('a review opening and closing', () => {
	const noticesAbout = (reviewId: string) =>
		db.select().from(notification).where(eq(notification.reviewId, reviewId)).all();

	it('tells every member at once when it opens, not at the next tick', async () => {
		const now = at('2027-01-04T12:00:00Z');
		const { reviewId, members } = await openReviewOf(4, now);
		const made = db
			.select()
			.from(reminder)
			.where(like(reminder.key, `opened:${reviewId}:%`))
			.all();
		expect(made.map((r) => r.userId).sort()).toEqual(members.map((m) => m.id).sort());
	});

	it('tells every member where the results are when it closes, and settles its "is open" notices', async () => {
		const now = at('2027-01-06T12:00:00Z');
		const { group, reviewId, questions, members } = await openReviewOf(6, now);
		await deliverDueReminders(now);
		expect(noticesAbout(reviewId).filter((n) => n.readAt === null)).toHaveLength(6);
		for (const m of members.slice(0, 5))
			await submitResponse(reviewId, m.id, answersFor(questions, 4), now);

		const closedAt = plus(now, hour);
		expect(outcome(await closeReview(group.id, reviewId, closedAt))).toBe('done');
		await deliverDueReminders(closedAt);
		const notices = noticesAbout(reviewId);
		const opened = notices.filter((n) => n.kind === 'review_opened');
		expect(opened.every((n) => n.readAt?.getTime() === closedAt.getTime())).toBe(true);
		const closed = notices.filter((n) => n.kind === 'review_closed');
		// everyone, the one who did not answer too, hears the same
		expect(closed.map((n) => n.userId).sort()).toEqual(members.map((m) => m.id).sort());
		expect(new Set(closed.map((n) => `${n.title}|${n.body}|${n.link}`)).size).toBe(1);
		expect(closed[0].title).toContain('results');
		expect(closed[0].link).toBe(`/g/${group.slug}/reviews/${reviewId}/results`);
	});

	it('says so when too few answered for results', async () => {
		const now = at('2027-01-08T12:00:00Z');
		const { group, reviewId, questions, members } = await openReviewOf(6, now);
		await submitResponse(reviewId, members[0].id, answersFor(questions, 2), now);
		expect(outcome(await closeReview(group.id, reviewId, plus(now, hour)))).toBe('done');
		await deliverDueReminders(plus(now, hour));
		const closed = noticesAbout(reviewId).filter((n) => n.kind === 'review_closed');
		expect(closed).toHaveLength(6);
		expect(closed[0].title).toContain('too few answers');
	});
});

describe('delivery', () => {
	it('delivers each reminder exactly once when two workers run at the same time', async () => {
		const now = at('2026-08-03T09:00:00Z');
		const { reviewId, members } = await openReviewOf(30, now);
		await deliverDueReminders(now); // nothing else is due at this moment
		expect(await remindNonResponders(reviewId, now)).toBe(30);
		const ids = (
			await db
				.select()
				.from(reminder)
				.where(like(reminder.key, `nudge:${reviewId}:%`))
		).map((r) => r.id);

		const [a, b] = await Promise.all([
			deliverDueReminders(now, { worker: 'a', limit: 5 }),
			deliverDueReminders(now, { worker: 'b', limit: 5 })
		]);
		expect(a.sent + b.sent).toBe(30);
		expect(a.sent).toBeGreaterThan(0);
		expect(b.sent).toBeGreaterThan(0);
		await expectDeliveredOnce(
			ids,
			members.map((m) => m.email)
		);
	});

	it('delivers each reminder exactly once when the workers use two database connections', async () => {
		const now = at('2026-08-17T09:00:00Z');
		const { reviewId, members } = await openReviewOf(30, now);
		await deliverDueReminders(now); // what opening the review made, and anything else due
		expect(await remindNonResponders(reviewId, now)).toBe(30);
		const ids = db
			.select()
			.from(reminder)
			.where(like(reminder.key, `nudge:${reviewId}:%`))
			.all()
			.map((r) => r.id);
		expect(ids).toHaveLength(30);

		// a second connection, as a second worker process has
		const second = drizzleOver(openConnection());
		try {
			const [a, b] = await Promise.all([
				deliverDueReminders(now, { worker: 'a', limit: 5 }),
				deliverDueReminders(now, { worker: 'b', limit: 5, database: second })
			]);
			expect(a.sent + b.sent).toBe(30);
			expect(b.sent).toBeGreaterThan(0);
		} finally {
			second.$client.close();
		}
		await expectDeliveredOnce(
			ids,
			members.map((m) => m.email)
		);
	});

	it('takes over the reminder of a crashed worker once its claim has run out', async () => {
		const now = at('2026-09-01T08:00:00Z');
		const person = await personWithTask('2026-09-02');
		await produceTaskReminders(now);
		const [mine] = await remindersOf(person.id);
		await db
			.update(reminder)
			.set({ claimedBy: 'dead', claimedUntil: plus(now, minute), attempts: 1 })
			.where(eq(reminder.id, mine.id));

		await deliverDueReminders(now, { worker: 'alive' });
		expect(await reminderById(mine.id)).toMatchObject({ status: 'pending', claimedBy: 'dead' });
		expect(mailTo(person.email)).toHaveLength(0);

		await deliverDueReminders(plus(now, 3 * minute), { worker: 'alive' });
		expect(await reminderById(mine.id)).toMatchObject({
			status: 'sent',
			claimedBy: 'alive',
			attempts: 2
		});
		await deliverDueReminders(plus(now, 10 * minute), { worker: 'alive' });
		await expectDeliveredOnce([mine.id], [person.email]);
	});

	it('retries after the SMTP server refuses a message, after the backoff and only then', async () => {
		const now = at('2026-10-01T08:00:00Z');
		const person = await personWithTask('2026-10-02');
		await produceTaskReminders(now);
		const [mine] = await remindersOf(person.id);

		refuseNextTo.add(person.email);
		const first = await deliverDueReminders(now);
		expect(first.retry).toBe(1);
		const afterFailure = await reminderById(mine.id);
		expect(afterFailure).toMatchObject({ status: 'pending', attempts: 1, claimedBy: null });
		expect(afterFailure.lastError).toContain('451');
		expect(afterFailure.nextAttemptAt).toEqual(plus(now, backoffMs(1)));
		expect(await db.select().from(mail).where(eq(mail.reminderId, mine.id))).toMatchObject([
			{ status: 'failed', transport: 'smtp' }
		]);

		await deliverDueReminders(now);
		await deliverDueReminders(plus(now, backoffMs(1) - 1));
		expect(mailTo(person.email)).toHaveLength(0);
		expect((await reminderById(mine.id)).attempts).toBe(1);

		await deliverDueReminders(plus(now, backoffMs(1)));
		await expectDeliveredOnce([mine.id], [person.email]);
		expect(await reminderById(mine.id)).toMatchObject({ attempts: 2, lastError: null });
		const statuses = (await db.select().from(mail).where(eq(mail.reminderId, mine.id))).map(
			(m) => m.status
		);
		expect(statuses.sort()).toEqual(['failed', 'sent']);
		// the in-app notice was written once, not once per attempt
		expect(
			await db.select().from(notification).where(eq(notification.reminderId, mine.id))
		).toHaveLength(1);
	});
});

describe('a worker that lost its claim', () => {
	it('does not send once another worker has taken its reminders over', async () => {
		const now = at('2027-02-01T09:00:00Z');
		const { reviewId, members } = await openReviewOf(5, now);
		await deliverDueReminders(now); // nothing else is due at this moment
		expect(await remindNonResponders(reviewId, now)).toBe(5);
		const ids = (
			await db
				.select()
				.from(reminder)
				.where(like(reminder.key, `nudge:${reviewId}:%`))
		).map((r) => r.id);

		// 'a' claimed them, then stalled past its lease (a paused process, a slow disk)
		db.update(reminder)
			.set({ claimedBy: 'a', claimedUntil: plus(now, leaseMs), attempts: 1 })
			.where(inArray(reminder.id, ids))
			.run();
		const claimedByA = db.select().from(reminder).where(inArray(reminder.id, ids)).all();

		// meanwhile 'b' takes every reminder over and sends it
		const b = await deliverDueReminders(plus(now, leaseMs + minute), { worker: 'b' });
		expect(b).toMatchObject({ sent: 5, lost: 0 });

		// 'a' wakes up and goes on with what it had claimed: each claim is gone, so it sends nothing
		const outcomes = [];
		for (const r of claimedByA) outcomes.push(await deliverClaimed(r, 'a', now));
		expect(outcomes).toEqual(['lost', 'lost', 'lost', 'lost', 'lost']);
		await expectDeliveredOnce(
			ids,
			members.map((m) => m.email)
		);
		const rows = await db.select().from(reminder).where(inArray(reminder.id, ids));
		expect(rows.every((r) => r.claimedBy === 'b' && r.attempts === 2)).toBe(true);
		// one notice each, though both workers wrote one
		const notices = await db
			.select()
			.from(notification)
			.where(inArray(notification.reminderId, ids));
		expect(notices).toHaveLength(5);
	});
});

describe('preferences', () => {
	it('in the app only: a notice, no email', async () => {
		const now = at('2026-11-02T08:00:00Z');
		const person = await personWithTask('2026-11-03');
		await setPreferences(person.id, { ...allKinds('email'), task_due: 'in_app' });
		await produceTaskReminders(now);
		await deliverDueReminders(now);

		expect(await notificationsOf(person.id)).toHaveLength(1);
		expect(mailTo(person.email)).toHaveLength(0);
		expect(await db.select().from(mail).where(eq(mail.userId, person.id))).toEqual([]);
		expect(await remindersOf(person.id)).toMatchObject([{ status: 'sent' }]);
	});

	it('none: neither notice nor email, and the reminder is skipped', async () => {
		const now = at('2026-11-02T08:00:00Z');
		const person = await personWithTask('2026-11-03');
		await setPreferences(person.id, { ...allKinds('email'), task_due: 'none' });
		await produceTaskReminders(now);
		await deliverDueReminders(now);

		expect(await notificationsOf(person.id)).toEqual([]);
		expect(mailTo(person.email)).toHaveLength(0);
		expect(await remindersOf(person.id)).toMatchObject([{ status: 'skipped' }]);
	});

	it('the unsubscribe link in an email turns every email kind into in-app notices', async () => {
		const person = await personWithTask('2026-12-02');
		await setPreferences(person.id, { ...allKinds('email'), review_opened: 'none' });
		await produceTaskReminders(at('2026-12-01T08:00:00Z'));
		await deliverDueReminders(at('2026-12-01T08:00:00Z'));
		const [message] = mailTo(person.email);
		const token = message.text.match(/\/unsubscribe\/([a-z0-9]+)/)?.[1];
		expect(token).toBeTruthy();

		expect(await unsubscribe(token!)).toBe(true);
		expect(await preferencesOf(person.id)).toEqual({
			...allKinds('in_app'),
			review_opened: 'none'
		});

		// the next day the task is overdue: a notice in the app, no second email
		await produceTaskReminders(at('2026-12-03T08:00:00Z'));
		await deliverDueReminders(at('2026-12-03T08:00:00Z'));
		expect(await notificationsOf(person.id)).toHaveLength(2);
		expect(mailTo(person.email)).toHaveLength(1);
	});

	it('a made-up unsubscribe token changes nothing', async () => {
		expect(await unsubscribe('notarealtokenatall')).toBe(false);
	});
});
