// A personal iCalendar feed (RFC 5545) at a secret address: a person's task due days and the
// closing times of their groups' open reviews, for phone and desktop calendars to subscribe to.
import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { db, prepared } from '$lib/server/db';
import { group, membership, review } from '$lib/server/db/schema';
import { calendarFeed, task, taskOwner } from '$lib/server/db/work-schema';
import { publicOrigin } from '$lib/server/config';
import { generateToken, hashToken } from '$lib/server/tokens';
import { addToDay } from '$lib/days';

/** A new secret address for the person's feed; the previous one stops working. */
export async function resetCalendarToken(userId: string, now = new Date()) {
	const token = generateToken();
	db.insert(calendarFeed)
		.values({ userId, tokenHash: hashToken(token), createdAt: now })
		.onConflictDoUpdate({
			target: calendarFeed.userId,
			set: { tokenHash: hashToken(token), createdAt: now }
		})
		.run();
	return token;
}

const calendarOf = prepared(() =>
	db
		.select({ userId: calendarFeed.userId })
		.from(calendarFeed)
		.where(eq(calendarFeed.userId, sql.placeholder('userId')))
		.prepare()
);

export async function hasCalendar(userId: string) {
	return calendarOf().get({ userId }) !== undefined;
}

export async function calendarOwner(token: string) {
	const [row] = db
		.select({ userId: calendarFeed.userId })
		.from(calendarFeed)
		.where(eq(calendarFeed.tokenHash, hashToken(token)))
		.all();
	return row?.userId;
}

/** Text as an iCalendar value: backslash, semicolon, comma and newline escaped. */
function escapeText(value: string) {
	// any line break, a lone CR included: a raw one would let a title start a new property
	return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/** Lines longer than 75 octets are folded: CRLF and a space, never inside a UTF-8 character. */
function fold(line: string) {
	const bytes = Buffer.from(line, 'utf8');
	if (bytes.length <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let size = 0;
	for (const char of line) {
		const length = Buffer.byteLength(char, 'utf8');
		if (size + length > (parts.length === 0 ? 75 : 74)) {
			parts.push(current);
			current = '';
			size = 0;
		}
		current += char;
		size += length;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

const stamp = (date: Date) =>
	date
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
const day = (value: string) => value.replace(/-/g, '');

export async function calendarFor(userId: string, now = new Date()) {
	const origin = publicOrigin();
	const [tasks, reviews] = await Promise.all([
		db
			.select({
				id: task.id,
				title: task.title,
				dueOn: task.dueOn,
				slug: group.slug,
				groupName: group.name
			})
			.from(taskOwner)
			.innerJoin(task, eq(task.id, taskOwner.taskId))
			.innerJoin(group, eq(group.id, task.groupId))
			.where(
				and(
					eq(taskOwner.userId, userId),
					isNull(task.archivedAt),
					ne(task.status, 'done'),
					isNotNull(task.dueOn)
				)
			),
		db
			.select({
				id: review.id,
				title: review.title,
				closesAt: review.closesAt,
				slug: group.slug,
				groupName: group.name
			})
			.from(membership)
			.innerJoin(review, eq(review.groupId, membership.groupId))
			.innerJoin(group, eq(group.id, review.groupId))
			.where(
				and(eq(membership.userId, userId), eq(review.status, 'open'), isNotNull(review.closesAt))
			)
	]);
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Outsider//Tasks and reviews//EN',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		'X-WR-CALNAME:Outsider',
		...tasks.flatMap((t) => [
			'BEGIN:VEVENT',
			`UID:task-${t.id}@outsider`,
			`DTSTAMP:${stamp(now)}`,
			`DTSTART;VALUE=DATE:${day(t.dueOn!)}`,
			`DTEND;VALUE=DATE:${day(addToDay(t.dueOn!, { days: 1 }))}`,
			`SUMMARY:${escapeText(`Due: ${t.title} (${t.groupName})`)}`,
			`URL:${origin}/g/${t.slug}/board/${t.id}`,
			'END:VEVENT'
		]),
		...reviews.flatMap((r) => [
			'BEGIN:VEVENT',
			`UID:review-${r.id}@outsider`,
			`DTSTAMP:${stamp(now)}`,
			`DTSTART:${stamp(r.closesAt!)}`,
			`DTEND:${stamp(r.closesAt!)}`,
			`SUMMARY:${escapeText(`${r.groupName}: ${r.title} closes`)}`,
			`URL:${origin}/g/${r.slug}/reviews/${r.id}`,
			'END:VEVENT'
		]),
		'END:VCALENDAR'
	];
	return lines.map(fold).join('\r\n') + '\r\n';
}
