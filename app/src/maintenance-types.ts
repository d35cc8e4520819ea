/** Maintenance and work-order API types, inferred from the Worker's routes (no hand-kept shapes). */
import type { InferRequestType, InferResponseType } from "hono/client";
import type { Client } from "./api-types";

type Maintenance = Client["api"]["maintenance"];
type WorkOrders = Client["api"]["work-orders"];

export type DueItem = InferResponseType<Maintenance["due"]["$get"], 200>["items"][number];
export type DueStatus = DueItem["status"];
export type Plan = InferResponseType<Maintenance["plans"]["$get"], 200>["items"][number];
export type CreatePlan = InferRequestType<Maintenance["plans"]["$post"]>["json"];
export type PatchPlan = InferRequestType<Maintenance["plans"][":id"]["$patch"]>["json"];
export type WorkOrder = InferResponseType<WorkOrders["$get"], 200>["items"][number];
export type WorkOrderDetail = InferResponseType<WorkOrders[":id"]["$get"], 200>;
export type WorkOrderStatus = WorkOrder["status"];
export type PatchWorkOrder = InferRequestType<WorkOrders[":id"]["$patch"]>["json"];
export type AutoScheduleResult = InferResponseType<Maintenance["auto-schedule"]["$post"], 200>;
export type Technician = InferResponseType<Client["api"]["technicians"]["$get"], 200>["items"][number];
export type Bay = InferResponseType<Client["api"]["bays"]["$get"], 200>["items"][number];
export type MeterFlag = InferResponseType<Maintenance["meter-flags"]["$get"], 200>["items"][number];
export type BaselineItem = InferRequestType<Maintenance["baselines"]["$post"]>["json"]["items"][number];
