import nodemailer, { type Transporter } from 'nodemailer';
import { desc } from 'drizzle-orm';
import { db, type Executor } from '$lib/server/db';
import { mail } from '$lib/server/db/work-schema';
import { mailConfig, publicOrigin } from '$lib/server/config';
import { generateToken, hashToken, newId } from '$lib/server/tokens';

export interface OutgoingMail {
	to: string;
	userId: string;
	subject: string;
	text: string;
	/** Same id for every attempt at one reminder: a client shows a duplicate as one message. */
	messageId: string;
	reminderId?: string;
}

let transport: Transporter | undefined;
let transportFor: string | undefined;

function smtp(url: string) {
	if (!transport || transportFor !== url) {
		// Timeouts well inside a reminder's claim (reminders.ts), so no send outlives it.
		transport = nodemailer.createTransport({
			url,
			connectionTimeout: 30_000,
			greetingTimeout: 30_000,
			socketTimeout: 60_000
		});
		transportFor = url;
	}
	return transport;
}

/**
 * Sends one message and records it. With SMTP_URL it goes through SMTP and a failure throws
 * (after being recorded) so the caller can retry; without it, the server log notes it
 * and kept for the outbox page. Every message carries a one-click unsubscribe link.
 */
export async function sendMail(message: OutgoingMail, database: Executor = db) {
	const config = mailConfig();
	const unsubscribe = generateToken();
	const unsubscribeUrl = `${publicOrigin()}/unsubscribe/${unsubscribe}`;
	const text = `${message.text}\n\n--\nYou get this because of your notification settings: ${publicOrigin()}/account#notifications\nStop all email from Outsider with one click: ${unsubscribeUrl}\n`;
	const row = {
		id: newId(),
		reminderId: message.reminderId ?? null,
		userId: message.userId,
		toAddress: message.to,
		subject: message.subject,
		text,
		unsubscribeHash: hashToken(unsubscribe),
		createdAt: new Date()
	};
	if (!config.smtpUrl) {
		// Only that one was kept: the address, the subject and the text (with its unsubscribe token)
		// stay out of the log, which is read by more people, and kept longer, than the outbox.
		console.log('[mail] kept on the /outbox page, not sent: SMTP_URL is not set');
		database
			.insert(mail)
			.values({ ...row, transport: 'log', status: 'sent' })
			.run();
		return;
	}
	try {
		await smtp(config.smtpUrl).sendMail({
			from: config.from,
			to: message.to,
			subject: message.subject,
			text,
			messageId: message.messageId,
			// A link to a page with one button: a POST straight from a mail provider would carry no
			// Origin header, and SvelteKit's CSRF check rightly refuses such a form post.
			list: { unsubscribe: { url: unsubscribeUrl, comment: 'Stop all email from Outsider' } }
		});
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		database
			.insert(mail)
			.values({
				...row,
				unsubscribeHash: null,
				transport: 'smtp',
				status: 'failed',
				error: reason
			})
			.run();
		throw error;
	}
	database
		.insert(mail)
		.values({ ...row, transport: 'smtp', status: 'sent' })
		.run();
}

/**
 * The latest messages, for instance operators (OPERATOR_EMAILS) on the outbox page, with each
 * one-click unsubscribe link's token hidden: it would let whoever reads the outbox turn off
 * someone else's email.
 */
export async function recentMail(limit = 50) {
	const rows = db
		.select({
			id: mail.id,
			toAddress: mail.toAddress,
			subject: mail.subject,
			text: mail.text,
			transport: mail.transport,
			status: mail.status,
			error: mail.error,
			createdAt: mail.createdAt
		})
		.from(mail)
		.orderBy(desc(mail.createdAt))
		.limit(limit)
		.all();
	return rows.map((row) => ({ ...row, text: hideUnsubscribeTokens(row.text) }));
}

/** The text with every unsubscribe link's token replaced, so that the link cannot be used. */
export function hideUnsubscribeTokens(text: string) {
	return text.replace(/\/unsubscribe\/[A-Za-z0-9_-]+/g, '/unsubscribe/(hidden)');
}
