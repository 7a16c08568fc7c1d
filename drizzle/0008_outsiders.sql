-- Outsiders' answers and personal links are stored WITHOUT ROWID, in key order, not in the order
-- they were written (as members' responses and answers are, since 0002).
CREATE TABLE `outside_view` (
	`review_id` text PRIMARY KEY NOT NULL,
	`threshold` integer NOT NULL,
	`shared_link_hash` text,
	`shared_cap` integer DEFAULT 50 NOT NULL,
	`personal_answers` integer DEFAULT 0 NOT NULL,
	`shared_answers` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "outside_view_threshold_min" CHECK("outside_view"."threshold" >= 3),
	CONSTRAINT "outside_view_cap" CHECK("outside_view"."shared_cap" between 1 and 1000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outside_view_sharedLinkHash_unique` ON `outside_view` (`shared_link_hash`);--> statement-breakpoint
CREATE TABLE `outsider_answer` (
	`response_id` text NOT NULL,
	`question_key` text NOT NULL,
	`score` integer,
	`text` text,
	PRIMARY KEY(`response_id`, `question_key`),
	FOREIGN KEY (`response_id`) REFERENCES `outsider_response`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "outsider_answer_score_range" CHECK("outsider_answer"."score" is null or "outsider_answer"."score" between 1 and 5),
	CONSTRAINT "outsider_answer_text_length" CHECK("outsider_answer"."text" is null or length("outsider_answer"."text") <= 4000)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `outsider_link` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`used` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `outside_view`(`review_id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `outsider_link_review_idx` ON `outsider_link` (`review_id`);--> statement-breakpoint
CREATE TABLE `outsider_question` (
	`review_id` text NOT NULL,
	`key` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`prompt` text NOT NULL,
	`low_label` text,
	`high_label` text,
	PRIMARY KEY(`review_id`, `key`),
	FOREIGN KEY (`review_id`) REFERENCES `outside_view`(`review_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `outsider_response` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `outside_view`(`review_id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `outsider_response_review_idx` ON `outsider_response` (`review_id`);