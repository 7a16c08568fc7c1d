-- Who answered, as a flag on each eligible member's row (see `eligibility` in schema.ts), written
-- in a shuffled order so that neither rowids nor cell positions keep the order of anything.
CREATE TABLE `__new_eligibility` (
	`review_id` text NOT NULL,
	`user_id` text,
	`answered` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
INSERT INTO `__new_eligibility`("review_id", "user_id", "answered")
	SELECT e."review_id", e."user_id",
		exists (select 1 from `participation` p where p."review_id" = e."review_id" and p."user_id" = e."user_id")
	FROM `eligibility` e ORDER BY random();--> statement-breakpoint
DROP TABLE `participation`;--> statement-breakpoint
DROP TABLE `eligibility`;--> statement-breakpoint
ALTER TABLE `__new_eligibility` RENAME TO `eligibility`;--> statement-breakpoint
CREATE UNIQUE INDEX `eligibility_review_user_unique` ON `eligibility` (`review_id`,`user_id`);--> statement-breakpoint
ALTER TABLE `review` ADD `recent_joiner_count` integer;--> statement-breakpoint
-- Responses and answers written before this migration sit in the order they were submitted;
-- copied in key order (their keys are random), their cells no longer replay it.
CREATE TABLE `__new_response` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`receipt_hash` text NOT NULL,
	FOREIGN KEY (`review_id`) REFERENCES `review`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_response`("id", "review_id", "receipt_hash")
	SELECT "id", "review_id", "receipt_hash" FROM `response` ORDER BY "id";--> statement-breakpoint
DROP TABLE `response`;--> statement-breakpoint
ALTER TABLE `__new_response` RENAME TO `response`;--> statement-breakpoint
CREATE UNIQUE INDEX `response_receiptHash_unique` ON `response` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `response_review_idx` ON `response` (`review_id`);--> statement-breakpoint
CREATE TABLE `__new_answer` (
	`response_id` text NOT NULL,
	`question_key` text NOT NULL,
	`score` integer,
	`text` text,
	PRIMARY KEY(`response_id`, `question_key`),
	FOREIGN KEY (`response_id`) REFERENCES `response`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "answer_score_range" CHECK("__new_answer"."score" is null or "__new_answer"."score" between 1 and 5),
	CONSTRAINT "answer_text_length" CHECK("__new_answer"."text" is null or length("__new_answer"."text") <= 4000)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_answer`("response_id", "question_key", "score", "text")
	SELECT "response_id", "question_key", "score", "text" FROM `answer` ORDER BY "response_id", "question_key";--> statement-breakpoint
DROP TABLE `answer`;--> statement-breakpoint
ALTER TABLE `__new_answer` RENAME TO `answer`;
