/**
 * Provider stand-ins for tests and local development: ONE HTTP server on 127.0.0.1 that checks
 * each request the way the real provider would, and records what it received.
 *
 *   Web Push (RFC 8030/8291/8292)
 *     POST /__push/subscriptions      → 201 browser PushSubscription JSON {endpoint, expirationTime, keys:{p256dh, auth}}
 *     POST /push/<id>                 VAPID (ES256 JWT, aud = our origin, exp ≤ 24 h, sub mailto:/https:, k = the
 *                                     configured VAPID public key), Content-Encoding aes128gcm, TTL; decrypts the
 *                                     body with the subscriber's keys; payload JSON {title, body, alertId, severity,
 *                                     url} all non-empty strings → 201. Unknown or gone subscription → 410.
 *   Twilio
 *     POST /2010-04-01/Accounts/<sid>/Messages.json   Basic sid:token, form To (E.164), From, Body → 201 {sid:"SM…"}
 *     POST /2010-04-01/Accounts/<sid>/Calls.json      … Twiml (well-formed, <Say>, <Gather action>) → 201 {sid:"CA…"}
 *   SendGrid
 *     POST /v3/mail/send              Bearer key; personalizations[0].to[0].email, from.email, subject, content
 *                                     text/plain (first) and text/html → 202 (X-Message-Id)
 *   Customer webhook receiver (Standard Webhooks)
 *     POST /__webhooks {secret?, id?} → 201 {id, url, secret} (with id: set that receiver's secret)
 *     POST /hooks/<id>                signature + 5-minute tolerance → 204; bad signature 401; gone 410
 *   Control and inspection
 *     POST /__fail {path, statuses, to?}  the next requests whose path starts with `path` (and, if given, whose
 *                                         recipient is `to`) answer `statuses` in order, then normal again;
 *                                         status 0 means "never answer" (to exercise client timeouts)
 *     POST /__gone {path}             requests under `path` answer 410 from now on
 *     GET  /__received?kind=push|sms|voice|email|webhook[&to=…][&id=…]
 *                                     → {received: [...], rejected: [{…, status, reason}]}, oldest first
 *     POST /__reset                   forgets everything (subscriptions, hooks, logs, failures, gone marks)
 *
 * Test files may run in parallel against one stand-in: filter /__received by `id` (push subscription
 * or hook id) or `to` (phone number or email address) rather than calling /__reset.
 */
import { createECDH, createHmac, createDecipheriv, randomBytes, randomUUID, timingSafeEqual, webcrypto } from "node:crypto";
import http from "node:http";
import { pathToFileURL } from "node:url";
import { findAll, parseXml, textOf } from "./xml.mjs";

const KINDS = ["push", "sms", "voice", "email", "webhook"];
const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
const MAX_PUSH_BODY = 4096;
const URGENCIES = new Set(["very-low", "low", "normal", "high"]);

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const fromB64url = (text) => Buffer.from(text, "base64url");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

/** A rejection: `status`, a provider-shaped body, and the reason recorded in `rejected`. */
class Reject extends Error {
  constructor(status, reason, body, headers = {}) {
    super(reason);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

const twilioError = (status, code, message) =>
  new Reject(status, message, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
const sendgridError = (status, message, field = null) => new Reject(status, message, { errors: [{ message, field, help: null }] });
const pushError = (status, errno, message) =>
  new Reject(status, message, { code: status, errno, error: http.STATUS_CODES[status], message });

/**
 * @param {{ vapidPublicKey: string, twilio: { sid: string, token: string }, sendgridKey: string, port?: number }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function start({ vapidPublicKey, twilio, sendgridKey, port = 0 }) {
  if (!vapidPublicKey || !twilio?.sid || !twilio?.token || !sendgridKey) {
    throw new Error("start({ vapidPublicKey, twilio: { sid, token }, sendgridKey }) needs every value");
  }
  let base = "";
  const state = fresh();

  function fresh() {
    return {
      subscriptions: new Map(), // id → { ecdh, publicKey, auth }
      hooks: new Map(), // id → { secret }
      gone: new Set(), // path prefixes
      failures: [], // { path, to, statuses }
      received: Object.fromEntries(KINDS.map((k) => [k, []])),
      rejected: Object.fromEntries(KINDS.map((k) => [k, []])),
    };
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, 500, { message: String(error?.stack ?? error) });
      else res.destroy();
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    const raw = await readBody(req);

    // ---- control API ----
    if (path.startsWith("/__")) return control(req.method, path, url, raw, res);

    const kind = kindOf(path);
    if (!kind || req.method !== "POST") return send(res, 404, { message: `stand-in: no ${req.method} ${path}` });

    const entry = { at: new Date().toISOString(), method: req.method, path };
    try {
      const to = recipientOf(kind, req, raw);
      if (to !== undefined) entry.to = to;
      const id = idOf(kind, path);
      if (id !== undefined) entry.id = id;
      forcedFailure(kind, path, to);
      if ([...state.gone].some((prefix) => path.startsWith(prefix))) throw goneFor(kind);
      const { status, body, headers, record } = await CHECKS[kind](req, raw, path);
      state.received[kind].push({ ...entry, ...record });
      return send(res, status, body, headers);
    } catch (error) {
      if (!(error instanceof Reject)) throw error;
      state.rejected[kind].push({ ...entry, status: error.status, reason: error.message });
      if (error.status === 0) return; // a forced hang: never answer (the client's timeout ends it)
      return send(res, error.status, error.body, error.headers);
    }
  }

  function control(method, path, url, raw, res) {
    const json = () => {
      try {
        return raw.length ? JSON.parse(raw.toString("utf8")) : {};
      } catch {
        return null;
      }
    };
    if (method === "POST" && path === "/__push/subscriptions") {
      const id = randomUUID();
      const ecdh = createECDH("prime256v1");
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      state.subscriptions.set(id, { ecdh, publicKey, auth });
      return send(res, 201, {
        endpoint: `${base}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: b64url(publicKey), auth: b64url(auth) },
      });
    }
    if (method === "POST" && path === "/__webhooks") {
      const body = json();
      if (!body || (body.secret !== undefined && typeof body.secret !== "string"))
        return send(res, 400, { message: "body: {secret?: string}" });
      const secret = body.secret ?? `whsec_${randomBytes(24).toString("base64")}`;
      // An existing receiver can be given the secret the sender issued after it knew the URL.
      const id = typeof body.id === "string" && state.hooks.has(body.id) ? body.id : randomUUID();
      state.hooks.set(id, { ...state.hooks.get(id), secret });
      return send(res, 201, { id, url: `${base}/hooks/${id}`, secret });
    }
    if (method === "POST" && path === "/__fail") {
      const body = json();
      const ok =
        body &&
        typeof body.path === "string" &&
        Array.isArray(body.statuses) &&
        body.statuses.every((s) => s === 0 || (Number.isInteger(s) && s >= 100 && s <= 599));
      if (!ok) return send(res, 400, { message: "body: {path: string, statuses: number[], to?: string}" });
      state.failures.push({ path: body.path, to: typeof body.to === "string" ? body.to : undefined, statuses: [...body.statuses] });
      return send(res, 204);
    }
    if (method === "POST" && path === "/__gone") {
      const body = json();
      if (!body || typeof body.path !== "string" || !body.path.startsWith("/")) return send(res, 400, { message: "body: {path: string}" });
      state.gone.add(body.path);
      const sub = /^\/push\/([^/]+)$/.exec(body.path);
      if (sub) state.subscriptions.delete(sub[1]);
      return send(res, 204);
    }
    if (method === "GET" && path === "/__received") {
      const kind = url.searchParams.get("kind");
      if (kind !== null && !KINDS.includes(kind)) return send(res, 400, { message: `kind must be one of ${KINDS.join(", ")}` });
      const to = url.searchParams.get("to");
      const id = url.searchParams.get("id");
      const keep = (e) => (to === null || e.to === to || (Array.isArray(e.to) && e.to.includes(to))) && (id === null || e.id === id);
      const pick = (lists) => (kind ? lists[kind] : KINDS.flatMap((k) => lists[k].map((e) => ({ kind: k, ...e })))).filter(keep);
      return send(res, 200, { received: pick(state.received), rejected: pick(state.rejected) });
    }
    if (method === "POST" && path === "/__reset") {
      Object.assign(state, fresh());
      return send(res, 204);
    }
    return send(res, 404, { message: `stand-in: no ${method} ${path}` });
  }

  function forcedFailure(kind, path, to) {
    const rule = state.failures.find(
      (f) =>
        f.statuses.length > 0 && path.startsWith(f.path) && (f.to === undefined || f.to === to || (Array.isArray(to) && to.includes(f.to))),
    );
    if (!rule) return;
    const status = rule.statuses.shift();
    if (rule.statuses.length === 0) state.failures.splice(state.failures.indexOf(rule), 1);
    const reason = status === 0 ? "forced hang (POST /__fail status 0)" : `forced ${status} (POST /__fail)`;
    const headers = status === 429 || status === 503 ? { "retry-after": "1" } : {};
    const bodies = {
      push: { code: status, errno: 999, error: http.STATUS_CODES[status] ?? "Error", message: reason },
      sms: { code: 20500, message: reason, more_info: "https://www.twilio.com/docs/errors/20500", status },
      voice: { code: 20500, message: reason, more_info: "https://www.twilio.com/docs/errors/20500", status },
      email: { errors: [{ message: reason, field: null, help: null }] },
      webhook: reason,
    };
    throw new Reject(status, reason, bodies[kind], headers);
  }

  // ---- provider checks: each returns { status, body, headers?, record } or throws Reject ----
  const CHECKS = {
    async push(req, raw, path) {
      const id = path.slice("/push/".length);
      const sub = state.subscriptions.get(id);
      if (!sub) throw pushError(410, 106, "Request did not validate: subscription no longer exists");
      const vapid = await verifyVapid(req.headers.authorization);
      const encoding = req.headers["content-encoding"];
      if (encoding !== "aes128gcm") throw pushError(400, 110, `Content-Encoding must be aes128gcm (got ${encoding ?? "none"})`);
      const ttlHeader = req.headers.ttl;
      if (ttlHeader === undefined || !/^\d+$/.test(ttlHeader)) throw pushError(400, 111, "Missing or invalid TTL header");
      const urgency = req.headers.urgency;
      if (urgency !== undefined && !URGENCIES.has(urgency)) throw pushError(400, 112, `Invalid Urgency header ${urgency}`);
      const topic = req.headers.topic;
      if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic)) throw pushError(400, 113, "Invalid Topic header");
      if (raw.length > MAX_PUSH_BODY) throw pushError(413, 104, `Payload of ${raw.length} bytes exceeds ${MAX_PUSH_BODY}`);
      const plaintext = decryptAes128gcm(raw, sub);
      let payload;
      try {
        payload = JSON.parse(plaintext.toString("utf8"));
      } catch {
        throw pushError(400, 200, "Decrypted payload is not JSON");
      }
      for (const field of ["title", "body", "alertId", "severity", "url"]) {
        if (typeof payload?.[field] !== "string" || payload[field] === "")
          throw pushError(400, 201, `Payload field ${field} must be a non-empty string`);
      }
      const messageId = randomUUID();
      return {
        status: 201,
        body: "",
        headers: { location: `${base}/push/messages/${messageId}`, ttl: ttlHeader },
        record: {
          subscriptionId: id,
          endpoint: `${base}${path}`,
          ttl: Number(ttlHeader),
          urgency: urgency ?? null,
          topic: topic ?? null,
          vapid,
          payload,
          messageId,
        },
      };
    },

    sms: (req, raw, path) => twilioRequest(req, raw, path, "Messages"),
    voice: (req, raw, path) => twilioRequest(req, raw, path, "Calls"),

    email(req, raw) {
      const auth = req.headers.authorization ?? "";
      if (!safeEqualText(auth, `Bearer ${sendgridKey}`)) {
        throw sendgridError(401, "The provided authorization grant is invalid, expired, or revoked");
      }
      if (!String(req.headers["content-type"] ?? "").startsWith("application/json"))
        throw sendgridError(415, "Content-Type should be application/json.");
      let body;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw sendgridError(400, "Bad Request");
      }
      const ps = body?.personalizations;
      if (!Array.isArray(ps) || ps.length === 0)
        throw sendgridError(400, "The personalizations field is required and must have at least one personalization.", "personalizations");
      const to = [];
      ps.forEach((p, i) => {
        if (!Array.isArray(p?.to) || p.to.length === 0)
          throw sendgridError(
            400,
            "The to array is required for all personalization objects, and must have at least one email object with a valid email address.",
            `personalizations.${i}.to`,
          );
        p.to.forEach((r, j) => {
          if (typeof r?.email !== "string" || !EMAIL.test(r.email))
            throw sendgridError(400, "Does not contain a valid address.", `personalizations.${i}.to.${j}.email`);
          to.push(r.email);
        });
      });
      if (typeof body.from?.email !== "string" || !EMAIL.test(body.from.email))
        throw sendgridError(
          400,
          "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.",
          "from.email",
        );
      if (typeof body.subject !== "string" || body.subject.trim() === "" || /[\r\n]/.test(body.subject))
        throw sendgridError(
          400,
          "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.",
          "subject",
        );
      const content = body.content;
      if (!Array.isArray(content) || content.length === 0)
        throw sendgridError(
          400,
          "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.",
          "content",
        );
      content.forEach((c, i) => {
        if (typeof c?.type !== "string" || typeof c.value !== "string" || c.value === "")
          throw sendgridError(400, "The content value must be a string at least one character in length.", `content.${i}.value`);
      });
      const text = content.find((c) => c.type === "text/plain");
      const html = content.find((c) => c.type === "text/html");
      if (text && content[0] !== text)
        throw sendgridError(400, "If present, text/plain content must be first, followed by text/html and any other content.", "content");
      if (!text || !html)
        throw sendgridError(400, "Both a text/plain and a text/html content block are required (stand-in rule).", "content");
      const messageId = randomBytes(16).toString("base64url");
      return {
        status: 202,
        body: "",
        headers: { "x-message-id": messageId },
        record: { from: body.from.email, subject: body.subject, text: text.value, html: html.value, messageId, body },
      };
    },

    async webhook(req, raw, path) {
      const id = path.slice("/hooks/".length);
      const hook = state.hooks.get(id);
      if (!hook) throw new Reject(404, "unknown hook", "no such hook");
      const msgId = req.headers["webhook-id"];
      const timestamp = req.headers["webhook-timestamp"];
      const signature = req.headers["webhook-signature"];
      if (!msgId || !timestamp || !signature)
        throw new Reject(401, "missing webhook-id, webhook-timestamp or webhook-signature", "missing headers");
      if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) {
        throw new Reject(401, `timestamp ${timestamp} outside the 5-minute tolerance`, "stale timestamp");
      }
      const key = Buffer.from(hook.secret.startsWith("whsec_") ? hook.secret.slice(6) : hook.secret, "base64");
      const expected = `v1,${createHmac("sha256", key).update(`${msgId}.${timestamp}.`).update(raw).digest("base64")}`;
      const offered = signature.split(" ").filter((s) => s.startsWith("v1,"));
      if (!offered.some((s) => safeEqualText(s, expected))) throw new Reject(401, "bad signature", "bad signature");
      let body;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        throw new Reject(400, "body is not JSON", "bad body");
      }
      return {
        status: 204,
        body: "",
        record: {
          hookId: id,
          webhookId: msgId,
          timestamp: Number(timestamp),
          signature,
          contentType: req.headers["content-type"] ?? null,
          type: body?.type,
          body,
        },
      };
    },
  };

  function twilioRequest(req, raw, path, resource) {
    const pathSid = /^\/2010-04-01\/Accounts\/([^/]+)\//.exec(path)?.[1];
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [user, ...rest] = auth ? Buffer.from(auth, "base64").toString("utf8").split(":") : [];
    if (!auth || !safeEqualText(user ?? "", twilio.sid) || !safeEqualText(rest.join(":"), twilio.token)) {
      throw twilioError(401, 20003, "Authenticate");
    }
    if (decodeURIComponent(pathSid ?? "") !== twilio.sid) throw twilioError(404, 20404, `The requested resource ${path} was not found`);
    if (!String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      throw twilioError(400, 21604, "A 'To' phone number is required.");
    }
    const form = new URLSearchParams(raw.toString("utf8"));
    const to = form.get("To");
    const from = form.get("From");
    if (!to) throw twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) throw twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) throw twilioError(400, 21603, "A 'From' phone number is required.");
    if (!E164.test(from)) throw twilioError(400, 21212, `Invalid From Number (caller ID): ${from}`);
    const now = new Date().toUTCString();
    if (resource === "Messages") {
      const body = form.get("Body");
      if (!body) throw twilioError(400, 21602, "Message body is required.");
      if (body.length > 1600) throw twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
      const sid = `SM${randomBytes(16).toString("hex")}`;
      return {
        status: 201,
        body: {
          sid,
          account_sid: twilio.sid,
          to,
          from,
          body,
          status: "queued",
          num_segments: String(Math.ceil(body.length / 153) || 1),
          date_created: now,
          uri: `/2010-04-01/Accounts/${twilio.sid}/Messages/${sid}.json`,
        },
        record: { sid, from, body },
      };
    }
    const twiml = form.get("Twiml");
    if (!twiml && !form.get("Url") && !form.get("ApplicationSid")) throw twilioError(400, 21205, "Url parameter is required.");
    if (!twiml) throw twilioError(400, 21205, "The stand-in only accepts inline Twiml.");
    if (twiml.length > 4000) throw twilioError(400, 13002, "Twiml exceeds the 4000 character limit.");
    let doc;
    try {
      doc = parseXml(twiml);
    } catch (error) {
      throw twilioError(400, 12100, `Document parse failure: ${error.message}`);
    }
    if (doc.name !== "Response") throw twilioError(400, 12100, "Document parse failure: root element must be <Response>");
    const says = findAll(doc, "Say").map((s) => textOf(s).trim());
    if (says.length === 0 || says.every((s) => s === "")) throw twilioError(400, 12200, "Schema validation warning: no <Say> with text");
    const gathers = findAll(doc, "Gather").map((g) => g.attrs);
    const gather = gathers.find((g) => typeof g.action === "string" && /^https?:\/\/\S+$/.test(g.action));
    if (!gather) throw twilioError(400, 12200, "Schema validation warning: no <Gather> with an absolute action URL");
    const sid = `CA${randomBytes(16).toString("hex")}`;
    return {
      status: 201,
      body: {
        sid,
        account_sid: twilio.sid,
        to,
        from,
        status: "queued",
        date_created: now,
        uri: `/2010-04-01/Accounts/${twilio.sid}/Calls/${sid}.json`,
      },
      record: {
        sid,
        from,
        twiml,
        says,
        gather: { action: gather.action, numDigits: gather.numDigits ?? null, method: gather.method ?? null },
        gathers,
      },
    };
  }

  async function verifyVapid(header) {
    const match = /^vapid\s+(.+)$/i.exec(header ?? "");
    if (!match) throw pushError(401, 109, "Missing or malformed Authorization: vapid t=…, k=…");
    const params = Object.fromEntries(
      match[1].split(",").map((part) => {
        const i = part.indexOf("=");
        return [part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim()];
      }),
    );
    const { t, k } = params;
    if (!t || !k) throw pushError(401, 109, "Authorization needs t= and k=");
    if (k !== vapidPublicKey) throw pushError(403, 109, "VAPID public key (k) does not match the application server key");
    const parts = t.split(".");
    if (parts.length !== 3) throw pushError(401, 109, "VAPID token is not a JWT");
    let header2, claims;
    try {
      header2 = JSON.parse(fromB64url(parts[0]).toString("utf8"));
      claims = JSON.parse(fromB64url(parts[1]).toString("utf8"));
    } catch {
      throw pushError(401, 109, "VAPID JWT header or claims are not JSON");
    }
    if (header2?.alg !== "ES256") throw pushError(401, 109, `VAPID JWT alg must be ES256 (got ${header2?.alg})`);
    const signature = fromB64url(parts[2]);
    if (signature.length !== 64) throw pushError(401, 109, "VAPID JWT signature must be 64 bytes (r||s)");
    let valid = false;
    try {
      const key = await webcrypto.subtle.importKey("raw", fromB64url(k), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
      valid = await webcrypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, Buffer.from(`${parts[0]}.${parts[1]}`));
    } catch {
      valid = false;
    }
    if (!valid) throw pushError(401, 109, "VAPID JWT signature does not verify with k");
    const origin = new URL(base).origin;
    if (claims?.aud !== origin) throw pushError(401, 109, `VAPID aud must be ${origin} (got ${claims?.aud})`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== "number" || claims.exp <= now) throw pushError(401, 109, "VAPID exp missing or in the past");
    if (claims.exp > now + 24 * 3600) throw pushError(401, 109, "VAPID exp more than 24 hours ahead");
    if (typeof claims.sub !== "string" || !/^(mailto:.+@.+|https:\/\/.+)$/.test(claims.sub))
      throw pushError(401, 109, "VAPID sub must be a mailto: or https: URL");
    return { aud: claims.aud, exp: claims.exp, sub: claims.sub, k };
  }

  const listening = await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server.address()));
  });
  base = `http://127.0.0.1:${listening.port}`;
  return {
    url: base,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** RFC 8291 §3.4 + RFC 8188: decrypts a single-record aes128gcm body with the subscriber's keys. */
export function decryptAes128gcm(body, { ecdh, publicKey, auth }) {
  if (body.length < 16 + 4 + 1 + 65 + 17) throw pushError(400, 200, "aes128gcm body too short");
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  if (idlen !== 65) throw pushError(400, 200, `aes128gcm keyid must be the 65-byte sender public key (idlen ${idlen})`);
  const senderPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (rs < 18) throw pushError(400, 200, `aes128gcm record size ${rs} < 18`);
  if (records.length > rs) throw pushError(400, 200, "Web Push messages must be a single aes128gcm record (RFC 8291 §4)");
  let ecdhSecret;
  try {
    ecdhSecret = ecdh.computeSecret(senderPublic);
  } catch {
    throw pushError(400, 200, "aes128gcm keyid is not a valid P-256 public key");
  }
  // RFC 8291 §3.3/3.4
  const prkKey = hmac(auth, ecdhSecret);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), publicKey, senderPublic]);
  const ikm = hmac(prkKey, Buffer.concat([keyInfo, Buffer.from([1])]));
  // RFC 8188 §2.2/2.3
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12); // record 0: XOR with 0
  const tag = records.subarray(records.length - 16);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(tag);
  let padded;
  try {
    padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
  } catch {
    throw pushError(400, 200, "aes128gcm decryption failed (wrong keys or corrupted body)");
  }
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw pushError(400, 200, "aes128gcm last record must end with padding delimiter 0x02");
  return padded.subarray(0, end);
}

function kindOf(path) {
  if (/^\/push\/[^/]+$/.test(path)) return "push";
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(path)) return "sms";
  if (/^\/2010-04-01\/Accounts\/[^/]+\/Calls\.json$/.test(path)) return "voice";
  if (path === "/v3/mail/send") return "email";
  if (/^\/hooks\/[^/]+$/.test(path)) return "webhook";
  return null;
}

function idOf(kind, path) {
  if (kind === "push") return path.slice("/push/".length);
  if (kind === "webhook") return path.slice("/hooks/".length);
  return undefined;
}

/** The recipient a request names (phone for Twilio, email(s) for SendGrid), best effort, before checks. */
function recipientOf(kind, _req, raw) {
  if (kind === "sms" || kind === "voice") return new URLSearchParams(raw.toString("utf8")).get("To") ?? undefined;
  if (kind === "email") {
    try {
      const body = JSON.parse(raw.toString("utf8"));
      const list = (body.personalizations ?? []).flatMap((p) => (p.to ?? []).map((r) => r.email));
      return list.length === 1 ? list[0] : list;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function goneFor(kind) {
  if (kind === "push") return pushError(410, 106, "Subscription is gone");
  if (kind === "webhook") return new Reject(410, "endpoint marked gone", "gone");
  if (kind === "email") return sendgridError(410, "Gone");
  return twilioError(410, 20410, "Gone");
}

function safeEqualText(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && timingSafeEqual(left, right);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > 1024 * 1024) {
        reject(new Error("request body over 1 MiB"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res, status, body, headers = {}) {
  const empty = body === undefined || body === "" || status === 204;
  const payload = empty ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const type = empty ? {} : { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json" };
  res.writeHead(status, { ...type, ...headers, "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

// `node test/stand-ins/providers.mjs` runs the stand-ins on their own (e.g. next to `npm start`),
// configured from the environment; prints {"url": …} and serves until stopped.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { VAPID_PUBLIC_KEY, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SENDGRID_API_KEY, STAND_IN_PORT } = process.env;
  const standIn = await start({
    vapidPublicKey: VAPID_PUBLIC_KEY,
    twilio: { sid: TWILIO_ACCOUNT_SID, token: TWILIO_AUTH_TOKEN },
    sendgridKey: SENDGRID_API_KEY,
    port: Number(STAND_IN_PORT ?? 0),
  });
  console.log(JSON.stringify({ url: standIn.url }));
  const stop = () => standIn.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
