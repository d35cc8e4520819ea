-- Hand-written: predictive work orders name the component they are about (one open per vehicle
-- and component), and a completed work order keeps its outcome (failure confirmed / no fault found).
ALTER TABLE `work_orders` ADD `component` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `outcome` text;--> statement-breakpoint
CREATE INDEX `work_orders_tenant_vehicle_component` ON `work_orders` (`tenant_id`,`vehicle_id`,`component`,`status`);
