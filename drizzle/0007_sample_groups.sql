ALTER TABLE `group` ADD `sample_for` text REFERENCES `user`(`id`) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `user` ADD `sample_group_id` text REFERENCES `group`(`id`) ON DELETE cascade;
