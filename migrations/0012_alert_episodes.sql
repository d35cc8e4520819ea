-- Alert episodes (issue 13): the most extreme matching value, when the episode cleared, and rules that resolve on clearing.
ALTER TABLE `alerts` ADD `peak_value` real;--> statement-breakpoint
ALTER TABLE `alerts` ADD `cleared_at` integer;--> statement-breakpoint
UPDATE `alerts` SET `peak_value` = `value`;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `auto_resolve` integer DEFAULT false NOT NULL;
