CREATE TABLE `bays` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`capacity` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bays_tenant` ON `bays` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `maintenance_due_states` (
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`status` text NOT NULL,
	`changed_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `vehicle_id`, `plan_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `maintenance_plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `maintenance_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`vehicle_ids` text,
	`vehicle_type` text,
	`every_km` real,
	`every_engine_hours` real,
	`every_days` real,
	`due_soon_km` real,
	`due_soon_engine_hours` real,
	`due_soon_days` real,
	`duration_minutes` integer NOT NULL,
	`skill` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `maintenance_plans_tenant` ON `maintenance_plans` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `meter_samples` (
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`day` integer NOT NULL,
	`odometer_km` real,
	`engine_hours` real,
	`at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `vehicle_id`, `day`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `service_records` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`work_order_id` text,
	`odometer_km` real,
	`engine_hours` real,
	`performed_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `maintenance_plans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `service_records_pair` ON `service_records` (`tenant_id`,`vehicle_id`,`plan_id`,`performed_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `service_records_work_order` ON `service_records` (`work_order_id`);--> statement-breakpoint
CREATE TABLE `technicians` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`user_id` text,
	`skills` text NOT NULL,
	`shifts` text NOT NULL,
	`time_zone` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `technicians_tenant` ON `technicians` (`tenant_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `technicians_tenant_user` ON `technicians` (`tenant_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `work_order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`work_order_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`work_order_id`) REFERENCES `work_orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `work_order_events_order` ON `work_order_events` (`tenant_id`,`work_order_id`,`at`);--> statement-breakpoint
CREATE TABLE `work_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`plan_id` text,
	`alert_id` text,
	`title` text NOT NULL,
	`priority` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`due_date` integer,
	`duration_minutes` integer NOT NULL,
	`skill` text,
	`technician_id` text,
	`bay_id` text,
	`scheduled_start` integer,
	`scheduled_end` integer,
	`started_at` integer,
	`completed_at` integer,
	`cancelled_at` integer,
	`notes` text,
	`cost_cents` integer,
	`plan_cycle` text,
	`created_by` text,
	`rev` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vehicle_id`) REFERENCES `vehicles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`plan_id`) REFERENCES `maintenance_plans`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`technician_id`) REFERENCES `technicians`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`bay_id`) REFERENCES `bays`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `work_orders_tenant_created` ON `work_orders` (`tenant_id`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_tenant_status` ON `work_orders` (`tenant_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_tenant_vehicle` ON `work_orders` (`tenant_id`,`vehicle_id`,`id`);--> statement-breakpoint
CREATE INDEX `work_orders_tenant_technician` ON `work_orders` (`tenant_id`,`technician_id`,`scheduled_start`);--> statement-breakpoint
CREATE INDEX `work_orders_tenant_bay` ON `work_orders` (`tenant_id`,`bay_id`,`scheduled_start`);--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_plan_cycle` ON `work_orders` (`tenant_id`,`plan_cycle`);--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_alert` ON `work_orders` (`tenant_id`,`alert_id`);