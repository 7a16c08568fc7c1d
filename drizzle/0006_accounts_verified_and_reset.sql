CREATE TABLE `account_token` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`email` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_token_user_idx` ON `account_token` (`user_id`,`purpose`);--> statement-breakpoint
ALTER TABLE `session` ADD `browser` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `session` ADD `last_used_on` integer;--> statement-breakpoint
ALTER TABLE `user` ADD `email_verified_at` integer;