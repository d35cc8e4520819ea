/**
 * API types, inferred from the Worker's route chain (`export type AppType` in worker/app.ts).
 * Only types cross from the Worker into the app: nothing here reaches the bundle.
 */
import type { hc, InferResponseType } from "hono/client";
import type { AppType } from "../../worker/app";

export type { AppType };

export type Client = ReturnType<typeof hc<AppType>>;

export type LoginResult = InferResponseType<Client["api"]["auth"]["login"]["$post"], 200>;
export type User = InferResponseType<Client["api"]["me"]["$get"], 200>;
export type Role = User["role"];
export type VehicleList = InferResponseType<Client["api"]["vehicles"]["$get"], 200>;
/** A vehicle as every vehicle endpoint answers it (the list adds `risk`). */
export type Vehicle = Omit<VehicleList["items"][number], "risk">;
export type VehicleDetail = InferResponseType<Client["api"]["vehicles"][":id"]["$get"], 200>;
export type AlertList = InferResponseType<Client["api"]["alerts"]["$get"], 200>;
export type Alert = AlertList["items"][number];

/** RFC 9457 problem JSON, the shape of every API error. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}
