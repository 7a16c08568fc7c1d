import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { db, prepared, type Executor, transaction } from '$lib/server/db';
import { asWrite } from '$lib/server/db/write-gate';
import {
	mail,
	notification,
	notificationKinds,
	notificationPreference,
	reminder,
	type Channel,
	type NotificationKind
} from '$lib/server/db/work-schema';
import { hashToken } from '$lib/server/tokens';

export const kindLabels: Record<NotificationKind, string> = {
	task_assigned: 'Someone asks you to take a task',
	task_due: 'A task of yours is due soon or overdue',
	review_opened: 'A review opens',
	review_closing: "A review closes in two days and you haven't answered",
	review_closed: 'A review closes and its results are out'
};

/** Without a choice of their own, people get notices in the app and by email. */
export const defaultChannel: Channel = 'email';

export async function preferencesOf(userId: string, database: Executor = db) {
	const rows = database
		.select()
		.from(notificationPreference)
		.where(eq(notificationPreference.userId, userId))
		.all();
	return Object.fromEntries(
		notificationKinds.map((kind) => [
			kind,
			rows.find((r) => r.kind === kind)?.channel ?? defaultChannel
		])
	) as Record<NotificationKind, Channel>;
}

export async function setPreferences(userId: string, choices: Record<NotificationKind, Channel>) {
	transaction((tx) => {
		for (const kind of notificationKinds) {
			tx.insert(notificationPreference)
				.values({ userId, kind, channel: choices[kind] })
				.onConflictDoUpdate({
					target: [notificationPreference.userId, notificationPreference.kind],
					set: { channel: choices[kind] }
				})
				.run();
		}
	});
}

/** The one-click link in every email: email off for every kind, notices in the app stay. */
export async function unsubscribe(token: string) {
	const [row] = db
		.select({ userId: mail.userId })
		.from(mail)
		.where(eq(mail.unsubscribeHash, hashToken(token)))
		.all();
	if (!row?.userId) return false;
	const current = await preferencesOf(row.userId);
	await setPreferences(
		row.userId,
		Object.fromEntries(
			notificationKinds.map((k) => [k, current[k] === 'email' ? 'in_app' : current[k]])
		) as Record<NotificationKind, Channel>
	);
	return true;
}

const countUnread = prepared(() =>
	db
		.select({ count: sql<number>`count(*)` })
		.from(notification)
		.where(and(eq(notification.userId, sql.placeholder('userId')), isNull(notification.readAt)))
		.prepare()
);

export async function unreadCount(userId: string) {
	const [row] = await countUnread().all({ userId });
	return row?.count ?? 0;
}

const latestNotifications = prepared(() =>
	db
		.select()
		.from(notification)
		.where(eq(notification.userId, sql.placeholder('userId')))
		.orderBy(desc(notification.createdAt))
		.limit(sql.placeholder('limit'))
		.prepare()
);

export async function notificationsOf(userId: string, limit = 100) {
	return latestNotifications().all({ userId, limit });
}

/** Marks a person's notice read and returns where it points (a path inside the app). */
export async function openNotification(userId: string, id: string, now = new Date()) {
	// a GET that writes: it waits out a rebuild of the file as a form does (db/write-gate.ts)
	const [row] = await asWrite(async () =>
		db
			.update(notification)
			.set({ readAt: sql`coalesce(${notification.readAt}, ${now.getTime()})` })
			.where(and(eq(notification.userId, userId), eq(notification.id, id)))
			.returning({ link: notification.link })
			.all()
	);
	// links are made by the app itself; still, never send anyone off-site
	return row && row.link.startsWith('/') && !row.link.startsWith('//') ? row.link : undefined;
}

export async function markRead(userId: string, id: string | null, now = new Date()) {
	db.update(notification)
		.set({ readAt: now })
		.where(
			and(
				eq(notification.userId, userId),
				isNull(notification.readAt),
				id ? eq(notification.id, id) : undefined
			)
		)
		.run();
}

/**
 * When a review closes, its "is open" notices have nothing left to ask: they are marked read
 * (for everyone at the same moment, so the marks tell nothing), and "is open" reminders not yet
 * delivered are dropped. Its "closes soon" ones are deleted outright (anonymity.ts).
 */
export function resolveOpenReviewNotices(tx: Executor, reviewId: string, now: Date) {
	tx.update(notification)
		.set({ readAt: now })
		.where(
			and(
				eq(notification.reviewId, reviewId),
				eq(notification.kind, 'review_opened'),
				isNull(notification.readAt)
			)
		)
		.run();
	tx.delete(reminder)
		.where(
			and(
				eq(reminder.reviewId, reviewId),
				eq(reminder.kind, 'review_opened'),
				eq(reminder.status, 'pending')
			)
		)
		.run();
}
