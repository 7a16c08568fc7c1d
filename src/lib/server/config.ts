import { env } from '$env/dynamic/private';

/** A setting the operator must change. Its message is one sentence saying what to change. */
export class ConfigError extends Error {
	name = 'ConfigError';
}

export const defaultDatabaseUrl = 'file:data/outsider.db';

export interface DatabaseConfig {
	url: string;
	authToken: string | undefined;
	/** The local file path for an embedded database, undefined for a libSQL server. */
	filePath: string | undefined;
}

export function databaseConfig(): DatabaseConfig {
	const url = env.DATABASE_URL?.trim() || defaultDatabaseUrl;
	const authToken = env.DATABASE_AUTH_TOKEN?.trim() || undefined;
	if (url.startsWith('file:')) {
		const filePath = decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
		if (!filePath || filePath.startsWith('//') || url.includes('?')) {
			throw new ConfigError(
				`DATABASE_URL "${url}" is not a usable file URL: write it as file:data/outsider.db (relative) or file:/srv/outsider/outsider.db (absolute).`
			);
		}
		return { url, authToken, filePath };
	}
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new ConfigError(
			`DATABASE_URL "${url}" is not a URL: use file:data/outsider.db for the embedded database or libsql://your-db.example.com for a libSQL server.`
		);
	}
	if (!['libsql:', 'https:', 'http:', 'wss:', 'ws:'].includes(parsed.protocol)) {
		throw new ConfigError(
			`DATABASE_URL must start with file:, libsql:// or https:// (got "${parsed.protocol}"): use file:data/outsider.db for the embedded database.`
		);
	}
	return { url, authToken, filePath: undefined };
}

/** Where links in email point: ORIGIN when set (as in production), else this machine. */
export function publicOrigin() {
	return (env.ORIGIN?.trim() || `http://localhost:${env.PORT?.trim() || '3000'}`).replace(
		/\/$/,
		''
	);
}

export interface MailConfig {
	/** smtp://user:pass@host:587 or smtps://...; without it mail is kept on the outbox page. */
	smtpUrl: string | undefined;
	from: string;
	/** Accounts (by email) that may read the outbox page. */
	operators: string[];
}

export function mailConfig(): MailConfig {
	const smtpUrl = env.SMTP_URL?.trim() || undefined;
	if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
		throw new ConfigError(
			`SMTP_URL must start with smtp:// or smtps:// (got "${smtpUrl.split(':')[0]}:"): for example smtp://user:password@mail.example.org:587.`
		);
	}
	return {
		smtpUrl,
		from: env.MAIL_FROM?.trim() || 'Outsider <outsider@localhost>',
		operators: (env.OPERATOR_EMAILS ?? '')
			.split(',')
			.map((e) => e.trim().toLowerCase())
			.filter(Boolean)
	};
}
