import { client, describeError, unwrap } from "../api";
import { Page, Status } from "../page";
import { Link } from "../router";
import { session } from "../session";
import { useApi } from "../use-api";
import { VehicleFacts } from "./vehicles";

/** Screens whose content arrives in later changes: each says plainly what it will show. */
export const PLACEHOLDERS = {
  alerts: {
    title: "Alerts",
    text: "Every open alert in your fleet, with its vehicle, severity and status, filters and search, and buttons to acknowledge and resolve it.",
  },
  maintenance: {
    title: "Maintenance",
    text: "Maintenance plans and which vehicles are due soon or overdue, by distance, engine hours or date.",
  },
  workOrders: {
    title: "Work orders",
    text: "Work orders from plans, alerts and risk predictions, with their technician, bay, schedule and status.",
  },
  analytics: {
    title: "Analytics",
    text: "Alerts over time by severity, time to acknowledge and to resolve, and maintenance on-time rate, downtime and cost per kilometre.",
  },
  leaderboard: {
    title: "Leaderboard",
    text: "Drivers and technicians ranked by points, with the badges they have earned.",
  },
  myAlerts: {
    title: "My alerts",
    text: "Alerts for the vehicle you drive, with a button to acknowledge each one.",
  },
} as const;

export function Placeholder({ screen }: { screen: keyof typeof PLACEHOLDERS }) {
  const { title, text } = PLACEHOLDERS[screen];
  return (
    <Page title={title}>
      <p>This screen will show: {text}</p>
      <p>It is not available yet.</p>
    </Page>
  );
}

export function MyVehicle() {
  // The API names a driver's vehicle on /api/me as `vehicleId` once it supports it.
  const me = useApi("me", () => unwrap(client.api.me.$get()));
  const vehicleId = (me.data as { vehicleId?: string | null } | undefined)?.vehicleId ?? null;
  return (
    <Page title="My vehicle">
      <p>The vehicle you drive: its latest readings, diagnostic codes and failure risk.</p>
      {me.state === "loading" ? <Status>Loading…</Status> : null}
      {me.state === "error" ? <Status error>{describeError(me.error)}</Status> : null}
      {me.state === "ok" && !vehicleId ? <p>Your vehicle's details are not available yet.</p> : null}
      {vehicleId ? <OwnVehicle id={vehicleId} /> : null}
    </Page>
  );
}

function OwnVehicle({ id }: { id: string }) {
  const vehicle = useApi(`vehicle:${id}`, () => unwrap(client.api.vehicles[":id"].$get({ param: { id } })));
  if (vehicle.state === "loading") return <Status>Loading your vehicle…</Status>;
  if (vehicle.state === "error") return <Status error>{describeError(vehicle.error)}</Status>;
  return (
    <>
      <p className="lead-fact">{vehicle.data.name}</p>
      <VehicleFacts vehicle={vehicle.data} />
    </>
  );
}

export function NotFound() {
  const user = session.get()?.user;
  return (
    <Page title="Page not found">
      <p>There is no screen at this address{user ? " for your role" : ""}.</p>
      <p>
        <Link href="/">Go to the start screen</Link>
      </p>
    </Page>
  );
}
