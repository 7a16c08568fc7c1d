DROP INDEX `review_group_idx`;--> statement-breakpoint
CREATE INDEX `review_group_closed_idx` ON `review` (`group_id`,`status`,`closed_at`);