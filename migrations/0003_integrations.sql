CREATE TABLE `integrations` (
	`tenant_id` text NOT NULL,
	`vendor` text NOT NULL,
	`config_enc` text NOT NULL,
	`state` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `vendor`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
