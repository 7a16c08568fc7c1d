ALTER TABLE `notification` ADD `group_id` text REFERENCES `group`(`id`) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `notification` ADD `review_id` text REFERENCES `review`(`id`) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `notification` ADD `task_id` text REFERENCES `task`(`id`) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `notification_group_idx` ON `notification` (`group_id`);--> statement-breakpoint
CREATE INDEX `notification_review_idx` ON `notification` (`review_id`);--> statement-breakpoint
CREATE INDEX `notification_task_idx` ON `notification` (`task_id`);--> statement-breakpoint
ALTER TABLE `reminder` ADD `group_id` text REFERENCES `group`(`id`) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `reminder` ADD `review_id` text REFERENCES `review`(`id`) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `reminder` ADD `task_id` text REFERENCES `task`(`id`) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `reminder_group_idx` ON `reminder` (`group_id`);--> statement-breakpoint
CREATE INDEX `reminder_review_idx` ON `reminder` (`review_id`);--> statement-breakpoint
CREATE INDEX `reminder_task_idx` ON `reminder` (`task_id`);--> statement-breakpoint
-- What each existing reminder and notice is about, read from its link as the app used to.
UPDATE `reminder` SET `group_id` = (SELECT g.`id` FROM `group` g WHERE `reminder`.`link` = '/g/' || g.`slug` OR `reminder`.`link` LIKE '/g/' || g.`slug` || '/%');--> statement-breakpoint
UPDATE `reminder` SET `review_id` = (SELECT r.`id` FROM `review` r WHERE `reminder`.`link` LIKE '/g/%/reviews/' || r.`id` OR `reminder`.`link` LIKE '/g/%/reviews/' || r.`id` || '/%') WHERE `reminder`.`link` LIKE '/g/%/reviews/%';--> statement-breakpoint
UPDATE `reminder` SET `task_id` = (SELECT t.`id` FROM `task` t WHERE `reminder`.`link` LIKE '/g/%/board/' || t.`id`) WHERE `reminder`.`link` LIKE '/g/%/board/%';--> statement-breakpoint
UPDATE `notification` SET `group_id` = (SELECT g.`id` FROM `group` g WHERE `notification`.`link` = '/g/' || g.`slug` OR `notification`.`link` LIKE '/g/' || g.`slug` || '/%');--> statement-breakpoint
UPDATE `notification` SET `review_id` = (SELECT r.`id` FROM `review` r WHERE `notification`.`link` LIKE '/g/%/reviews/' || r.`id` OR `notification`.`link` LIKE '/g/%/reviews/' || r.`id` || '/%') WHERE `notification`.`link` LIKE '/g/%/reviews/%';--> statement-breakpoint
UPDATE `notification` SET `task_id` = (SELECT t.`id` FROM `task` t WHERE `notification`.`link` LIKE '/g/%/board/' || t.`id`) WHERE `notification`.`link` LIKE '/g/%/board/%';--> statement-breakpoint
-- Mail whose reminder is gone (its person's account was deleted) no longer points at it.
UPDATE `mail` SET `reminder_id` = NULL WHERE `reminder_id` NOT IN (SELECT `id` FROM `reminder`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_mail` (
	`id` text PRIMARY KEY NOT NULL,
	`reminder_id` text,
	`user_id` text,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`transport` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`unsubscribe_hash` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`reminder_id`) REFERENCES `reminder`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_mail`("id", "reminder_id", "user_id", "to_address", "subject", "text", "transport", "status", "error", "unsubscribe_hash", "created_at") SELECT "id", "reminder_id", "user_id", "to_address", "subject", "text", "transport", "status", "error", "unsubscribe_hash", "created_at" FROM `mail`;--> statement-breakpoint
DROP TABLE `mail`;--> statement-breakpoint
ALTER TABLE `__new_mail` RENAME TO `mail`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `mail_unsubscribeHash_unique` ON `mail` (`unsubscribe_hash`);--> statement-breakpoint
CREATE INDEX `mail_created_idx` ON `mail` (`created_at`);--> statement-breakpoint
CREATE INDEX `mail_reminder_idx` ON `mail` (`reminder_id`);