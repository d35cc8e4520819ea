ALTER TABLE `users` ADD `token_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
CREATE TABLE `revoked_tokens` (
	`jti` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revoked_tokens_expires` ON `revoked_tokens` (`expires_at`);
--> statement-breakpoint
DROP INDEX `push_subscriptions_endpoint_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_tenant_user_endpoint` ON `push_subscriptions` (`tenant_id`,`user_id`,`endpoint`);
