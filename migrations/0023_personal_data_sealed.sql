-- Personal data encrypted at rest (docs/security.md, "Personal data"). SQL cannot encrypt, so this
-- adds the sealed columns and the blind-index uniqueness; the rows are sealed by the Worker
-- (`sealPendingUsers`: on the cron sweep, before a user is created, and by `npm run keys:rotate`),
-- which then blanks the plain `email` and `phone` columns. Until then sign-in also finds an
-- unsealed row by its plain email.
ALTER TABLE `users` ADD `email_enc` text;--> statement-breakpoint
ALTER TABLE `users` ADD `phone_enc` text;--> statement-breakpoint
ALTER TABLE `users` ADD `email_index` text;--> statement-breakpoint
DROP INDEX `users_tenant_email`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_tenant_email_index` ON `users` (`tenant_id`,`email_index`);--> statement-breakpoint
CREATE INDEX `users_unsealed` ON `users` (`id`) WHERE email_index IS NULL;--> statement-breakpoint
-- Failed sign-ins no longer keep the raw email: throttle keys are blind indexes now (the old
-- counters lapse within 15 minutes anyway), and old audit rows lose the address they carried.
DELETE FROM `login_throttle` WHERE `key` LIKE 'acct:%' OR `key` LIKE 'pair:%';--> statement-breakpoint
UPDATE `audit_log` SET `detail` = json_remove(`detail`, '$.email') WHERE `action` = 'auth.login_failed' AND json_valid(`detail`);
