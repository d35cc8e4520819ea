/**
 * OIDC single sign-on per tenant (docs/security.md#single-sign-on), with oauth4webapi: the
 * authorization code flow with PKCE (S256), `state` and `nonce`. Three single-use steps, each a
 * row of `sso_flows` keyed by a SHA-256 (the raw values never reach D1):
 *
 *   start     → a flow row (verifier, nonce) under the state; the state also goes into a cookie
 *   callback  → that row is taken (deleted), the code exchanged, the user matched or created by
 *               verified email; a ticket row (the user) under a fresh ticket, valid 60 s
 *   exchange  → the ticket row is taken and the app session issued as password sign-in does
 */
import * as oauth from "oauth4webapi";
import { eq, lt } from "drizzle-orm";
import { ssoFlows, tenantSso, type Role, type TenantSso } from "../db/schema";
import type { Db } from "../db/client";
import { decryptSecret, encryptSecret } from "../lib/crypto";
import { randomBytes, toBase64Url, utf8 } from "../lib/encoding";
import { type Keyring, type KeyringSecrets, keyringOf } from "../lib/keyring";
import { sealedAt } from "../lib/sealed-fields";
import { AppError, fieldError } from "../lib/problem";
import { deliverableUrlProblem } from "../notifications/url-guard";
import { recordAudit } from "./audit";
import { findTenantBySlug } from "./tenants";
import { startSession } from "./auth";
import { createUser, type DecodedUser, findUser, findUserByEmail, openUser } from "./users";

const FLOW_TTL_MS = 10 * 60_000;
const TICKET_TTL_MS = 60_000;
const DISCOVERY_CACHE_MS = 5 * 60_000;
const SCOPE = "openid email profile";
export const SSO_CALLBACK_PATH = "/api/sso/callback";

type Settings = Pick<Env, "ENVIRONMENT"> & KeyringSecrets;

async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text))));
}

/** http issuers only where the URL guard allows them (localhost in development and tests). */
const insecureAllowed = (issuer: string, environment: string) =>
  new URL(issuer).protocol === "http:" && deliverableUrlProblem(issuer, environment) === null;

/** The failure every broken or forged step gets: no detail an attacker could use. */
const ssoFailed = () => new AppError("unauthorized", "Single sign-on failed or expired. Start again.");

const discovered = new Map<string, { server: Promise<oauth.AuthorizationServer>; until: number }>();

/** The provider's metadata, from its discovery document (remembered by the isolate for 5 minutes). */
function authorizationServer(issuer: string, environment: string, now = Date.now()): Promise<oauth.AuthorizationServer> {
  const hit = discovered.get(issuer);
  if (hit && hit.until > now) return hit.server;
  const url = new URL(issuer);
  const server = oauth
    .discoveryRequest(url, { algorithm: "oidc", [oauth.allowInsecureRequests]: insecureAllowed(issuer, environment) })
    .then((response) => oauth.processDiscoveryResponse(url, response));
  server.catch(() => discovered.delete(issuer));
  discovered.set(issuer, { server, until: now + DISCOVERY_CACHE_MS });
  return server;
}

// ---- settings (admin) ----

export interface SsoSettingsInput {
  issuer: string;
  clientId: string;
  clientSecret: string;
  defaultRole: Role;
}

export const publicSsoSettings = (row: TenantSso, redirectUri: string) => ({
  issuer: row.issuer,
  clientId: row.clientId,
  defaultRole: row.defaultRole,
  redirectUri,
  updatedAt: new Date(row.updatedAt).toISOString(),
});

export const findSsoSettings = (db: Db, tenantId: string) => db.query.tenantSso.findFirst({ where: eq(tenantSso.tenantId, tenantId) });

/**
 * Stores a tenant's provider after checking its issuer: a public https URL (localhost in tests)
 * whose discovery document names the same issuer. The client secret is encrypted at rest.
 */
export async function saveSsoSettings(db: Db, env: Settings, tenantId: string, input: SsoSettingsInput, now = Date.now()) {
  const issuer = input.issuer.replace(/\/$/, "");
  const urlProblem = deliverableUrlProblem(issuer, env.ENVIRONMENT);
  if (urlProblem) throw fieldError("issuer", urlProblem);
  try {
    await authorizationServer(issuer, env.ENVIRONMENT, now);
  } catch {
    throw fieldError("issuer", "No OpenID Connect discovery document for this issuer (/.well-known/openid-configuration)");
  }
  const row = {
    tenantId,
    issuer,
    clientId: input.clientId,
    clientSecretEnc: await encryptSecret(input.clientSecret, keyringOf(env), sealedAt.ssoClientSecret(tenantId)),
    defaultRole: input.defaultRole,
    updatedAt: now,
  };
  const [saved] = await db.insert(tenantSso).values(row).onConflictDoUpdate({ target: tenantSso.tenantId, set: row }).returning();
  return saved!;
}

export async function deleteSsoSettings(db: Db, tenantId: string) {
  const gone = await db.delete(tenantSso).where(eq(tenantSso.tenantId, tenantId)).returning({ tenantId: tenantSso.tenantId });
  if (gone.length === 0) throw new AppError("not_found", "Single sign-on is not set up.");
}

// ---- the flow ----

/** Whether the organization offers single sign-on (the sign-in screen's button); an unknown one does not. */
export async function ssoEnabled(db: Db, tenantSlug: string) {
  const tenant = await findTenantBySlug(db, tenantSlug);
  return Boolean(tenant && (await findSsoSettings(db, tenant.id)));
}

/** Step 1: the provider's authorization URL, and the state to keep in the browser's cookie. */
export async function startSignIn(db: Db, env: Settings, tenantSlug: string, redirectUri: string, now = Date.now()) {
  const tenant = await findTenantBySlug(db, tenantSlug);
  const settings = tenant ? await findSsoSettings(db, tenant.id) : undefined;
  if (!tenant || !settings) throw new AppError("not_found", "Single sign-on is not set up for this organization.");
  const server = await reachable(authorizationServer(settings.issuer, env.ENVIRONMENT, now));
  if (!server.authorization_endpoint) throw new AppError("unavailable", "The identity provider has no authorization endpoint.");

  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  await db.batch([
    db.insert(ssoFlows).values({ id: await sha256(state), tenantId: tenant.id, codeVerifier, nonce, expiresAt: now + FLOW_TTL_MS }),
    // Abandoned flows go with the next start.
    db.delete(ssoFlows).where(lt(ssoFlows.expiresAt, now)),
  ]);
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: SCOPE,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  }).toString();
  return { url: url.toString(), state };
}

/** The provider could not be reached or answered nonsense: 503, not 500. */
async function reachable<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch {
    throw new AppError("unavailable", "The identity provider cannot be reached.");
  }
}

/** Takes (deletes) a flow row; null when it does not exist or has expired. */
async function takeFlow(d1: D1Database, secret: string, now: number) {
  return d1
    .prepare(
      `DELETE FROM sso_flows WHERE id = ?1 AND expires_at > ?2
       RETURNING tenant_id AS tenantId, code_verifier AS codeVerifier, nonce, user_id AS userId`,
    )
    .bind(await sha256(secret), now)
    .first<{ tenantId: string; codeVerifier: string | null; nonce: string | null; userId: string | null }>();
}

/**
 * Step 2, the provider's redirect back: checks the state against the browser's cookie and the
 * stored flow, exchanges the code (PKCE verifier, client secret), checks the ID token (issuer,
 * audience, nonce, expiry) and reads the verified email, then matches or creates the user.
 * Returns a single-use ticket for step 3.
 */
export async function finishSignIn(
  db: Db,
  d1: D1Database,
  env: Settings,
  callbackUrl: URL,
  cookieState: string | undefined,
  redirectUri: string,
  client: { ip: string; userAgent: string | null },
  now = Date.now(),
) {
  const state = callbackUrl.searchParams.get("state");
  if (!state || !cookieState || state !== cookieState) throw ssoFailed();
  const flow = await takeFlow(d1, state, now);
  if (!flow?.codeVerifier || !flow.nonce) throw ssoFailed();
  const settings = await findSsoSettings(db, flow.tenantId);
  if (!settings) throw ssoFailed();

  const server = await reachable(authorizationServer(settings.issuer, env.ENVIRONMENT, now));
  const oidcClient: oauth.Client = { client_id: settings.clientId };
  const options = { [oauth.allowInsecureRequests]: insecureAllowed(settings.issuer, env.ENVIRONMENT) };
  let email: string;
  let name: string | undefined;
  try {
    const params = oauth.validateAuthResponse(server, oidcClient, callbackUrl, state);
    const clientAuth = oauth.ClientSecretBasic(
      await decryptSecret(settings.clientSecretEnc, keyringOf(env), sealedAt.ssoClientSecret(settings.tenantId)),
    );
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      oidcClient,
      clientAuth,
      params,
      redirectUri,
      flow.codeVerifier,
      options,
    );
    const result = await oauth.processAuthorizationCodeResponse(server, oidcClient, response, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    // The ID token may carry only `sub` (the provider then serves the rest at userinfo).
    let profile: Record<string, unknown> = claims;
    if (typeof claims.email !== "string" && server.userinfo_endpoint) {
      const info = await oauth.userInfoRequest(server, oidcClient, result.access_token, options);
      profile = await oauth.processUserInfoResponse(server, oidcClient, claims.sub, info);
    }
    if (typeof profile.email !== "string" || profile.email_verified !== true) {
      throw new AppError("forbidden", "The identity provider did not vouch for an email address (email_verified).");
    }
    email = profile.email.trim().toLowerCase();
    name = typeof profile.name === "string" && profile.name.trim() ? profile.name.trim().slice(0, 120) : undefined;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw ssoFailed();
  }

  const user = await matchOrCreateUser(db, keyringOf(env), settings, email, name, client);
  if (!user.active) throw ssoFailed();
  const ticket = toBase64Url(randomBytes(32));
  await db
    .insert(ssoFlows)
    .values({ id: await sha256(ticket), tenantId: settings.tenantId, userId: user.id, expiresAt: now + TICKET_TTL_MS });
  return ticket;
}

/** The tenant's user with this email, or a new one with the tenant's default role and an unusable password. */
async function matchOrCreateUser(
  db: Db,
  keyring: Keyring,
  settings: TenantSso,
  email: string,
  name: string | undefined,
  client: { ip: string; userAgent: string | null },
) {
  const existing = await findUserByEmail(db, keyring, settings.tenantId, email);
  if (existing) return existing;
  let user: DecodedUser;
  try {
    // Nobody knows this password: the user signs in through the provider (an admin may set one later).
    user = await createUser(db, keyring, settings.tenantId, {
      email,
      name: name ?? email.split("@")[0]!,
      role: settings.defaultRole,
      password: toBase64Url(randomBytes(32)),
    });
  } catch (error) {
    // Two callbacks for the same new email at once: the other one created it.
    const raced = await findUserByEmail(db, keyring, settings.tenantId, email);
    if (!raced) throw error;
    return raced;
  }
  await recordAudit(db, {
    tenantId: settings.tenantId,
    actorId: user.id,
    action: "user.create",
    targetType: "user",
    targetId: user.id,
    detail: { role: user.role, via: "sso" },
    ...client,
  });
  return user;
}

/** Step 3: the ticket becomes the app session, exactly like a password sign-in's answer. */
/**
 * Takes the ticket (single use) and starts the same session a password sign-in starts: a token
 * bound to a refresh family; `accessTtlSeconds` for the app's cookie session (15 minutes).
 */
export async function ticketSession(
  db: Db,
  d1: D1Database,
  env: Pick<Env, "JWT_SECRET" | "JWT_TTL_SECONDS"> & KeyringSecrets,
  ticket: string,
  client: { ip: string; userAgent: string | null },
  options: { accessTtlSeconds?: number } = {},
  now = Date.now(),
) {
  const flow = await takeFlow(d1, ticket, now);
  const row = flow?.userId ? await findUser(db, flow.tenantId, flow.userId) : undefined;
  if (!row?.active) throw ssoFailed();
  const user = await openUser(keyringOf(env), row);
  return startSession(db, { ...env, DB: d1 }, user, client, { ...options, detail: { method: "sso" } });
}

/** POST /api/sso/exchange (API clients): the ticket for what password sign-in answers. */
export async function exchangeTicket(
  db: Db,
  d1: D1Database,
  env: Pick<Env, "JWT_SECRET" | "JWT_TTL_SECONDS"> & KeyringSecrets,
  ticket: string,
  client: { ip: string; userAgent: string | null },
  now = Date.now(),
) {
  const session = await ticketSession(db, d1, env, ticket, client, {}, now);
  return {
    token: session.token,
    expiresAt: new Date(session.exp * 1000).toISOString(),
    user: session.user,
    refreshToken: session.refresh.refreshToken,
    refreshExpiresAt: new Date(session.refresh.expiresAt).toISOString(),
  };
}
