import nodemailer, { type Transporter } from 'nodemailer';
import { desc, sql } from 'drizzle-orm';
import { db, prepared, type Executor } from '$lib/server/db';
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
	/**
	 * 'account' for a link to confirm an address or reset a password, and for notices about the
	 * account itself: they come whatever the notification settings, so carry no unsubscribe link.
	 */
	kind?: 'reminder' | 'account';
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

function footer(kind: OutgoingMail['kind'], unsubscribeUrl: string) {
	if (kind === 'account')
		return `You get this because this address belongs to an account on Outsider (${publicOrigin()}). If you did not ask for it, ignore it: nothing changes without you.`;
	return `You get this because of your notification settings: ${publicOrigin()}/account#notifications\nStop all email from Outsider with one click: ${unsubscribeUrl}`;
}

/**
 * Sends one message and records it. With SMTP_URL it goes through SMTP and a failure throws
 * (after being recorded) so the caller can retry; without it, the server log notes it
 * and kept for the outbox page. Reminders carry a one-click unsubscribe link.
 *
 * The record keeps the text with every secret link's token hidden (see `hideSecretLinks`):
 * only the person the mail went to holds a working link.
 */
export async function sendMail(message: OutgoingMail, database: Executor = db) {
	const config = mailConfig();
	const kind = message.kind ?? 'reminder';
	const unsubscribe = generateToken();
	const unsubscribeUrl = `${publicOrigin()}/unsubscribe/${unsubscribe}`;
	const text = `${message.text}\n\n--\n${footer(kind, unsubscribeUrl)}\n`;
	const row = {
		id: newId(),
		reminderId: message.reminderId ?? null,
		userId: message.userId,
		toAddress: message.to,
		subject: message.subject,
		text: hideSecretLinks(text),
		unsubscribeHash: kind === 'reminder' ? hashToken(unsubscribe) : null,
		createdAt: new Date()
	};
	if (!config.smtpUrl) {
		// Only that one was kept: the address, the subject and the text stay out of the log, which
		// is read by more people, and kept longer, than the outbox.
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
			list:
				kind === 'reminder'
					? { unsubscribe: { url: unsubscribeUrl, comment: 'Stop all email from Outsider' } }
					: undefined
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
 * Sends one message and keeps nothing of it: not the address, not the text. For outsiders' links
 * (outsiders/invitations.ts), whose addresses the app promises to forget once the mail is out.
 * Without SMTP_URL nothing can be sent, and the caller must not offer it (see `canSendMail`).
 */
export async function sendUnrecorded(
	message: Omit<OutgoingMail, 'userId' | 'reminderId' | 'kind'>
) {
	const config = mailConfig();
	if (!config.smtpUrl) throw new Error('SMTP_URL is not set');
	await smtp(config.smtpUrl).sendMail({
		from: config.from,
		to: message.to,
		subject: message.subject,
		text: message.text,
		messageId: message.messageId
	});
}

/**
 * A page of messages, newest first, for instance operators (verified accounts listed in
 * OPERATOR_EMAILS) on the outbox page, and whether older ones follow. Secret links are hidden
 * when a message is recorded; they are hidden again here for messages recorded before that was so.
 */
export function pageOfMail({ offset, limit }: { offset: number; limit: number }) {
	// one more than shown, to know whether there is an older page without counting every message
	const rows = latestMail().all({ offset, limit: limit + 1 });
	return {
		mail: rows.slice(0, limit).map((row) => ({ ...row, text: hideSecretLinks(row.text) })),
		older: rows.length > limit
	};
}

const latestMail = prepared(() =>
	db
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
		// the key breaks ties, so that pages neither repeat nor skip a message sent the same moment
		.orderBy(desc(mail.createdAt), desc(mail.id))
		.limit(sql.placeholder('limit'))
		.offset(sql.placeholder('offset'))
		.prepare()
);

/**
 * The text with the token of every secret link replaced, so that the link cannot be used: an
 * unsubscribe link would let its reader turn off someone's email, a confirmation link confirm an
 * address they do not own, a reset link take the account.
 */
export function hideSecretLinks(text: string) {
	return (
		text
			.replace(/\/(unsubscribe|verify-email|reset-password)\/[A-Za-z0-9_-]+/g, '/$1/(hidden)')
			// an outsider's link (sent unrecorded, so this is a second guard): only a whole token, so
			// that a group whose address is /g/o/... keeps its links readable
			.replace(/\/o\/[a-z2-7]{32}(?![a-z2-7])/g, '/o/(hidden)')
	);
}
