import type { IncomingEvent } from "../../domain/telemetry";
import { database, inTenant, type Db } from "../../db/client";
import { vehicles } from "../../db/schema";
import { iso } from "../../lib/time";
import { ingestEvents } from "../../services/ingest";
import { loadIntegration, saveIntegrationState, tenantsWithIntegration } from "../../services/integrations";
import { keyringOf } from "../../lib/keyring";
import { authenticate, getEntities, getFeed, type FetchLike, type GeotabSession } from "./client";
import { FEED_TYPES, mapGeotabFeed, uncodedDiagnostics, type DeviceEvent, type DiagnosticInfo, type FeedType } from "./mapping";
import { logError } from "../../lib/logger";

/**
 * Geotab has no push: this polls MyGeotab's `GetFeed` for each feed type from the version stored
 * in `integrations.state`, ingests what it maps, and only then stores the new versions.
 *
 * One round reads a page of every feed type and ingests them as ONE batch, because the hub
 * ignores a vehicle's events older than the newest it has seen: per-type batches would drop a
 * fault that predates a position fix of the same poll. Before ingesting, the round's pages are
 * written down (`pending`: from-version and record count per type); if ingest then fails or its
 * answer is lost, the next poll re-fetches exactly those records (same fromVersion, resultsLimit
 * = count) under the same idempotency key, so the hub never processes them twice and records
 * that arrived since are not swallowed by that key.
 */

/** Where one round read one feed: enough to read exactly the same records again. */
export interface FeedPageRef {
  fromVersion?: string;
  search?: { fromDate: string };
  count: number;
  toVersion: string;
}

export interface GeotabState {
  /** `toVersion` of the last page durably ingested, per feed type. */
  versions: Partial<Record<FeedType, string>>;
  /** A round whose ingest has not been confirmed yet. */
  pending?: Record<FeedType, FeedPageRef>;
  lastPoll?: { at: string; accepted: number; skippedUnknownDevices: number; unmapped: number };
}

export interface PollOptions {
  /** Hands a round's events to the tenant's hub; defaults to `ingestEvents` (throws on rejection). */
  ingest?: (tenantId: string, key: string, events: IncomingEvent[]) => Promise<{ accepted: number; duplicate?: boolean }>;
  now?: number;
  resultsLimit?: number;
}

export interface PollResult {
  configured: boolean;
  accepted: number;
  skippedUnknownDevices: number;
  unmapped: number;
  state: GeotabState | null;
}

/** Rounds per poll: enough to catch up after a short outage, bounded per run. */
const MAX_ROUNDS = 5;
const RESULTS_LIMIT = 500;
/** Without a stored version a feed starts this far back rather than at the database's first record. */
const SEED_MS = 60 * 60 * 1000;
/** Distinct diagnostics looked up per round at most; the rest keep their Geotab id as code. */
const MAX_DIAGNOSTIC_LOOKUPS = 25;

function readState(raw: Record<string, unknown>): GeotabState {
  return {
    versions: { ...((raw.versions ?? {}) as GeotabState["versions"]) },
    ...(raw.pending ? { pending: raw.pending as GeotabState["pending"] } : {}),
    ...(raw.lastPoll ? { lastPoll: raw.lastPoll as GeotabState["lastPoll"] } : {}),
  };
}

/** The idempotency key of a round: every feed's starting point (the version, or the seed's end). */
export const roundKey = (pages: Record<FeedType, FeedPageRef>) =>
  `geotab:${FEED_TYPES.map((t) => `${t}:${pages[t].fromVersion ?? `seed-${pages[t].toVersion}`}`).join(",")}`;

/** What a poll needs to talk to Geotab and to name vehicles; built once per poll. */
interface Context {
  fetchImpl: FetchLike;
  session: GeotabSession;
  externalIds: Set<string>;
  serials?: Map<string, string>;
  diagnostics: Map<string, DiagnosticInfo>;
}

/**
 * Matches a Geotab device to a FleetPulse vehicle: the device id, else the device's serial
 * number (devices are listed once per poll, only if some id did not match), must be its `externalId`.
 */
async function externalIdOf(ctx: Context, events: DeviceEvent[]) {
  if (!ctx.serials && events.some((e) => !ctx.externalIds.has(e.deviceId))) {
    const devices = await getEntities<{ id: string; serialNumber?: string }>(ctx.fetchImpl, ctx.session, "Device", 5000);
    ctx.serials = new Map(devices.filter((d) => d.serialNumber).map((d) => [d.id, d.serialNumber!]));
  }
  return (deviceId: string): string | null => {
    if (ctx.externalIds.has(deviceId)) return deviceId;
    const serial = ctx.serials?.get(deviceId);
    return serial && ctx.externalIds.has(serial) ? serial : null;
  };
}

/** Reads one page of every feed: fresh from the stored versions, or exactly the pages of `again`. */
async function readRound(ctx: Context, state: GeotabState, limit: number, now: number, again?: Record<FeedType, FeedPageRef>) {
  const pages = {} as Record<FeedType, FeedPageRef>;
  const records = {} as Record<FeedType, unknown[]>;
  for (const type of FEED_TYPES) {
    const ref = again?.[type];
    if (ref && ref.count === 0) {
      pages[type] = ref;
      records[type] = [];
      continue;
    }
    const fromVersion = ref ? ref.fromVersion : state.versions[type];
    const search = ref ? ref.search : fromVersion ? undefined : { fromDate: iso(now - SEED_MS) };
    const page = await getFeed(ctx.fetchImpl, ctx.session, type, fromVersion, ref ? ref.count : limit, search);
    pages[type] = {
      ...(fromVersion ? { fromVersion } : {}),
      ...(search ? { search } : {}),
      count: page.data.length,
      toVersion: page.toVersion,
    };
    records[type] = page.data;
  }
  return { pages, records };
}

/** Maps a round to hub events; unknown devices and unreadable records are counted, not fatal. */
async function mapRound(ctx: Context, records: Record<FeedType, unknown[]>, now: number) {
  const missing = uncodedDiagnostics(records.FaultData).filter((id) => !ctx.diagnostics.has(id));
  for (const id of missing.slice(0, MAX_DIAGNOSTIC_LOOKUPS)) {
    const [found] = await getEntities<DiagnosticInfo>(ctx.fetchImpl, ctx.session, "Diagnostic", 1, { id });
    ctx.diagnostics.set(id, found ?? {});
  }
  let unmapped = 0;
  const mapped: DeviceEvent[] = [];
  for (const type of FEED_TYPES) {
    const page = mapGeotabFeed(type, records[type], now, ctx.diagnostics);
    unmapped += page.unmapped;
    mapped.push(...page.events);
  }
  const nameOf = await externalIdOf(ctx, mapped);
  const events: IncomingEvent[] = [];
  let skipped = 0;
  for (const e of mapped) {
    const externalId = nameOf(e.deviceId);
    if (externalId) events.push({ vehicleId: externalId, ts: e.ts, readings: e.readings, ...(e.dtc ? { dtc: e.dtc } : {}) });
    else skipped++;
  }
  return { events, skipped, unmapped };
}

const save = (db: Db, tenantId: string, state: GeotabState) => saveIntegrationState(db, tenantId, "geotab", { ...state });

/** Polls one tenant's Geotab feeds once. Throws (after saving the rounds already done) if a step fails. */
export async function pollGeotab(env: Env, tenantId: string, fetchImpl: FetchLike = fetch, options: PollOptions = {}): Promise<PollResult> {
  const db = database(env.DB);
  const integration = await loadIntegration(db, keyringOf(env), tenantId, "geotab");
  if (!integration) return { configured: false, accepted: 0, skippedUnknownDevices: 0, unmapped: 0, state: null };
  const now = options.now ?? Date.now();
  const limit = options.resultsLimit ?? RESULTS_LIMIT;
  const ingest = options.ingest ?? ((t, key, events) => ingestEvents(env, t, key, events));
  const state = readState(integration.state);

  const session = await authenticate(fetchImpl, env.GEOTAB_API_URL, integration.config);
  const rows = await db.select({ externalId: vehicles.externalId }).from(vehicles).where(inTenant(vehicles, tenantId));
  const ctx: Context = { fetchImpl, session, externalIds: new Set(rows.map((r) => r.externalId)), diagnostics: new Map() };
  const totals = { accepted: 0, skippedUnknownDevices: 0, unmapped: 0 };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const retry = state.pending;
    const { pages, records } = await readRound(ctx, state, limit, now, retry);
    const { events, skipped, unmapped } = await mapRound(ctx, records, now);
    totals.skippedUnknownDevices += skipped;
    totals.unmapped += unmapped;
    if (events.length) {
      // Written down first: whatever happens to the ingest, the next poll reads these same records.
      state.pending = pages;
      await save(db, tenantId, state);
      totals.accepted += (await ingest(tenantId, roundKey(pages), events)).accepted;
    }
    for (const type of FEED_TYPES) state.versions[type] = pages[type].toVersion;
    delete state.pending;
    await save(db, tenantId, state);
    // A retried round is followed by a fresh one; otherwise stop once no feed filled its page.
    if (!retry && FEED_TYPES.every((t) => pages[t].count < limit)) break;
  }
  state.lastPoll = { at: iso(now), ...totals };
  await save(db, tenantId, state);
  return { configured: true, ...totals, state };
}

/**
 * The cron sweep: polls every tenant with a Geotab integration, one after another (MyGeotab
 * rate-limits per user). One tenant's failure is logged and does not stop the others.
 */
export async function pollAllGeotab(env: Env, fetchImpl: FetchLike = fetch) {
  const tenantIds = await tenantsWithIntegration(database(env.DB), "geotab");
  let accepted = 0;
  const failed: string[] = [];
  for (const tenantId of tenantIds) {
    try {
      accepted += (await pollGeotab(env, tenantId, fetchImpl)).accepted;
    } catch (error) {
      failed.push(tenantId);
      logError({ job: "geotab.poll", tenantId }, error);
    }
  }
  return { tenants: tenantIds.length, accepted, failed };
}
