import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const roles = ['member', 'facilitator', 'owner'] as const;
export type Role = (typeof roles)[number];

const createdAt = () =>
	integer({ mode: 'timestamp' })
		.notNull()
		.default(sql`(unixepoch())`);

export const user = sqliteTable('user', {
	id: text().primaryKey(),
	// Stored lower-cased so that "Ana@x.org" and "ana@x.org" are one account.
	email: text().notNull().unique(),
	displayName: text().notNull(),
	passwordHash: text().notNull(),
	createdAt: createdAt()
});

export const session = sqliteTable(
	'session',
	{
		// SHA-256 of the cookie's token, hex. The token itself is never stored.
		id: text().primaryKey(),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		createdAt: integer({ mode: 'timestamp' }).notNull(),
		expiresAt: integer({ mode: 'timestamp' }).notNull()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

export const group = sqliteTable('group', {
	id: text().primaryKey(),
	slug: text().notNull().unique(),
	name: text().notNull(),
	createdAt: createdAt()
});

// Every statement of a group's purpose, oldest first. Version 1 is the original; nothing is ever
// overwritten, so a restatement keeps what the group first said it was for.
export const purpose = sqliteTable(
	'purpose',
	{
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		version: integer().notNull(),
		text: text().notNull(),
		reason: text(),
		setBy: text().references(() => user.id, { onDelete: 'set null' }),
		setAt: integer({ mode: 'timestamp' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.groupId, t.version] })]
);

export const membership = sqliteTable(
	'membership',
	{
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		userId: text()
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		role: text({ enum: roles }).notNull(),
		joinedAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('membership_user_idx').on(t.userId)]
);

export const invite = sqliteTable(
	'invite',
	{
		id: text().primaryKey(),
		groupId: text()
			.notNull()
			.references(() => group.id, { onDelete: 'cascade' }),
		// SHA-256 of the link's token: a leaked database does not hand out working links.
		tokenHash: text().notNull().unique(),
		role: text({ enum: roles }).notNull(),
		maxUses: integer().notNull(),
		useCount: integer().notNull().default(0),
		expiresAt: integer({ mode: 'timestamp' }).notNull(),
		revokedAt: integer({ mode: 'timestamp' }),
		createdBy: text().references(() => user.id, { onDelete: 'set null' }),
		createdAt: createdAt()
	},
	(t) => [index('invite_group_idx').on(t.groupId)]
);

// Fixed-window counters for brute-force protection. Kept in the database, not in memory, so
// that a restart does not reset them and several app instances share them.
export const rateLimit = sqliteTable('rate_limit', {
	key: text().primaryKey(),
	hits: integer().notNull(),
	resetAt: integer().notNull()
});

export type User = typeof user.$inferSelect;
export type Session = typeof session.$inferSelect;
export type Group = typeof group.$inferSelect;
export type Purpose = typeof purpose.$inferSelect;
export type Membership = typeof membership.$inferSelect;
export type Invite = typeof invite.$inferSelect;
