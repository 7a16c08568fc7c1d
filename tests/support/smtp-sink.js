// A real SMTP server for the tests: it accepts every message the app sends and writes each one,
// parsed, as a JSON file into MAIL_DIR, where the tests read it (support/mail.ts). With
// SMTP_PORT=0 it takes a free port and says which on its first line of output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const folder = process.env.MAIL_DIR;
const port = Number(process.env.SMTP_PORT);
if (!folder || !process.env.SMTP_PORT || !Number.isInteger(port))
	throw new Error('Set MAIL_DIR and SMTP_PORT.');
mkdirSync(folder, { recursive: true });

const server = new SMTPServer({
	authOptional: true,
	disabledCommands: ['STARTTLS'],
	logger: false,
	async onData(stream, session, callback) {
		try {
			const mail = await simpleParser(stream);
			const message = {
				to: session.envelope.rcptTo.map((r) => r.address),
				subject: mail.subject,
				text: mail.text,
				messageId: mail.messageId
			};
			writeFileSync(
				`${folder}/${Date.now()}-${randomBytes(4).toString('hex')}.json`,
				JSON.stringify(message)
			);
			callback();
		} catch (error) {
			callback(error instanceof Error ? error : new Error(String(error)));
		}
	}
});
server.listen(port, '127.0.0.1', () => {
	const address = /** @type {import('node:net').AddressInfo} */ (server.server.address());
	console.log(`SMTP sink listening on 127.0.0.1:${address.port}`);
});
