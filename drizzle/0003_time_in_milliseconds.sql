PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_group` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`anonymity_threshold` integer DEFAULT 5 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	CONSTRAINT "group_threshold_min" CHECK("__new_group"."anonymity_threshold" >= 3)
);
--> statement-breakpoint
INSERT INTO `__new_group`("id", "slug", "name", "anonymity_threshold", "created_at") SELECT "id", "slug", "name", "anonymity_threshold", "created_at" FROM `group`;--> statement-breakpoint
DROP TABLE `group`;--> statement-breakpoint
ALTER TABLE `__new_group` RENAME TO `group`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `group_slug_unique` ON `group` (`slug`);--> statement-breakpoint
CREATE TABLE `__new_invite` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`role` text NOT NULL,
	`note` text,
	`max_uses` integer NOT NULL,
	`use_count` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_invite`("id", "group_id", "token_hash", "role", "note", "max_uses", "use_count", "expires_at", "revoked_at", "created_by", "created_at") SELECT "id", "group_id", "token_hash", "role", "note", "max_uses", "use_count", "expires_at", "revoked_at", "created_by", "created_at" FROM `invite`;--> statement-breakpoint
DROP TABLE `invite`;--> statement-breakpoint
ALTER TABLE `__new_invite` RENAME TO `invite`;--> statement-breakpoint
CREATE UNIQUE INDEX `invite_tokenHash_unique` ON `invite` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invite_group_idx` ON `invite` (`group_id`);--> statement-breakpoint
CREATE TABLE `__new_membership` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`joined_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_membership`("group_id", "user_id", "role", "joined_at") SELECT "group_id", "user_id", "role", "joined_at" FROM `membership`;--> statement-breakpoint
DROP TABLE `membership`;--> statement-breakpoint
ALTER TABLE `__new_membership` RENAME TO `membership`;--> statement-breakpoint
CREATE INDEX `membership_user_idx` ON `membership` (`user_id`);--> statement-breakpoint
CREATE TABLE `__new_review` (
	`id` text PRIMARY KEY NOT NULL,
	`group_id` text NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`opens_at` integer,
	`closes_at` integer,
	`opened_at` integer,
	`closed_at` integer,
	`threshold` integer,
	`eligible_count` integer,
	`recent_joiner_count` integer,
	`purpose_version` integer,
	`response_count` integer,
	`created_by` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "review_threshold_min" CHECK("__new_review"."threshold" is null or "__new_review"."threshold" >= 3)
);
--> statement-breakpoint
INSERT INTO `__new_review`("id", "group_id", "title", "status", "opens_at", "closes_at", "opened_at", "closed_at", "threshold", "eligible_count", "recent_joiner_count", "purpose_version", "response_count", "created_by", "created_at") SELECT "id", "group_id", "title", "status", "opens_at", "closes_at", "opened_at", "closed_at", "threshold", "eligible_count", "recent_joiner_count", "purpose_version", "response_count", "created_by", "created_at" FROM `review`;--> statement-breakpoint
DROP TABLE `review`;--> statement-breakpoint
ALTER TABLE `__new_review` RENAME TO `review`;--> statement-breakpoint
CREATE INDEX `review_group_idx` ON `review` (`group_id`);--> statement-breakpoint
CREATE INDEX `review_due_open_idx` ON `review` (`status`,`opens_at`);--> statement-breakpoint
CREATE INDEX `review_due_close_idx` ON `review` (`status`,`closes_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `review_one_open_per_group` ON `review` (`group_id`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `__new_user` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_user`("id", "email", "display_name", "password_hash", "created_at") SELECT "id", "email", "display_name", "password_hash", "created_at" FROM `user`;--> statement-breakpoint
DROP TABLE `user`;--> statement-breakpoint
ALTER TABLE `__new_user` RENAME TO `user`;--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);--> statement-breakpoint
-- Every time is now milliseconds since 1970, as the review and work tables already kept them.
UPDATE `user` SET `created_at` = `created_at` * 1000;--> statement-breakpoint
UPDATE `session` SET `created_at` = `created_at` * 1000, `expires_at` = `expires_at` * 1000;--> statement-breakpoint
UPDATE `group` SET `created_at` = `created_at` * 1000;--> statement-breakpoint
UPDATE `purpose` SET `set_at` = `set_at` * 1000;--> statement-breakpoint
UPDATE `membership` SET `joined_at` = `joined_at` * 1000;--> statement-breakpoint
UPDATE `invite` SET `created_at` = `created_at` * 1000, `expires_at` = `expires_at` * 1000, `revoked_at` = `revoked_at` * 1000;--> statement-breakpoint
UPDATE `review` SET `created_at` = `created_at` * 1000;
