-- response, answer and revealed_text are WITHOUT ROWID (added by hand before this migration
-- landed): their rows are stored in random-key order, never in the order they were written.
CREATE TABLE `answer` (
	`response_id` text NOT NULL,
	`question_key` text NOT NULL,
	`score` integer,
	`text` text,
	PRIMARY KEY(`response_id`, `question_key`),
	FOREIGN KEY (`response_id`) REFERENCES `response`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "answer_score_range" CHECK("answer"."score" is null or "answer"."score" between 1 and 5),
	CONSTRAINT "answer_text_length" CHECK("answer"."text" is null or length("answer"."text") <= 4000)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `dimension_result` (
	`review_id` text NOT NULL,
	`question_key` text NOT NULL,
	`count` integer NOT NULL,
	`mean` real NOT NULL,
	`standard_deviation` real NOT NULL,
	`distribution` text NOT NULL,
	PRIMARY KEY(`review_id`, `question_key`),
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `eligibility` (
	`review_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`review_id`, `user_id`),
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `group` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`anonymity_threshold` integer DEFAULT 5 NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	CONSTRAINT "group_threshold_min" CHECK("group"."anonymity_threshold" >= 3)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `group_slug_unique` ON `group` (`slug`);--> statement-breakpoint
CREATE TABLE `invite` (
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
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invite_tokenHash_unique` ON `invite` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invite_group_idx` ON `invite` (`group_id`);--> statement-breakpoint
CREATE TABLE `membership` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text NOT NULL,
	`joined_at` integer DEFAULT (unixepoch()) NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `membership_user_idx` ON `membership` (`user_id`);--> statement-breakpoint
CREATE TABLE `participation` (
	`review_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`review_id`, `user_id`),
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `purpose` (
	`group_id` text NOT NULL,
	`version` integer NOT NULL,
	`text` text NOT NULL,
	`reason` text,
	`set_by` text,
	`set_at` integer NOT NULL,
	PRIMARY KEY(`group_id`, `version`),
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`set_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `question` (
	`review_id` text NOT NULL,
	`key` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`prompt` text NOT NULL,
	`low_label` text,
	`high_label` text,
	PRIMARY KEY(`review_id`, `key`),
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rate_limit` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`reset_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `response` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`receipt_hash` text NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `response_receiptHash_unique` ON `response` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `response_review_idx` ON `response` (`review_id`);--> statement-breakpoint
CREATE TABLE `revealed_text` (
	`review_id` text NOT NULL,
	`question_key` text NOT NULL,
	`id` text NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`review_id`, `question_key`, `id`),
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `review` (
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
	`purpose_version` integer,
	`response_count` integer,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `group`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "review_threshold_min" CHECK("review"."threshold" is null or "review"."threshold" >= 3)
);
--> statement-breakpoint
CREATE INDEX `review_group_idx` ON `review` (`group_id`);--> statement-breakpoint
CREATE INDEX `review_due_open_idx` ON `review` (`status`,`opens_at`);--> statement-breakpoint
CREATE INDEX `review_due_close_idx` ON `review` (`status`,`closes_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `review_one_open_per_group` ON `review` (`group_id`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_user_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);