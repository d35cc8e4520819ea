/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (the list is injected at build time by
 * vite-plugin-pwa's injectManifest), answers navigations with the cached index.html so every
 * screen's URL opens offline, and serves API GETs network-first from a cache so the last data
 * stays visible offline. Push and notification clicks are handled here too.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { NetworkFirst } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { replay, SYNC_TAG } from "./action-store";

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

// Kept in step with src/api.ts (the page reads the same cache when it has no controller).
const API_CACHE = "fleetpulse-api-v1";
const CACHED_AT_HEADER = "x-fleetpulse-cached-at";

// The first install takes over at once; an update waits until the user accepts the prompt
// (src/update-prompt.tsx), so a screen never changes version under someone's hands.
self.addEventListener("install", () => {
  if (!self.registration.active) void self.skipWaiting();
});
self.addEventListener("message", (event) => {
  if ((event.data as { type?: string } | null)?.type === "SKIP_WAITING") void self.skipWaiting();
});
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL("/index.html"), {
    denylist: [/^\/api\//, /^\/webhooks\//, /^\/problems(\/|$)/],
  }),
);

registerRoute(
  ({ url, request }) =>
    url.origin === self.location.origin &&
    url.pathname.startsWith("/api/") &&
    request.method === "GET" &&
    url.pathname !== "/api/live" &&
    !url.pathname.startsWith("/api/live/") &&
    // Exports are downloads, not data to show offline.
    !url.pathname.startsWith("/api/reports/"),
  new NetworkFirst({
    cacheName: API_CACHE,
    plugins: [
      {
        // Only successful JSON answers are kept, stamped with when they were fetched.
        cacheWillUpdate: async ({ response }) => {
          if (response.status !== 200) return null;
          const headers = new Headers(response.headers);
          headers.set(CACHED_AT_HEADER, String(Date.now()));
          return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
        },
      },
      new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 7 * 24 * 3600 }),
    ],
  }),
);

// Background Sync: actions taken offline (src/action-queue.ts) are replayed once the network is
// back, even if the app was closed meanwhile, under the session cookie of the user who took them
// (no token is stored with an action). Failing the event makes the browser retry later.
self.addEventListener("sync", (event: Event) => {
  const sync = event as ExtendableEvent & { tag: string };
  if (sync.tag !== SYNC_TAG) return;
  sync.waitUntil(
    replay(null).then(({ result }) => {
      if (result === "offline") throw new Error("Still offline: retry later");
    }),
  );
});

interface PushPayload {
  title?: string;
  body?: string;
  url?: string;
  tag?: string;
  alertId?: string;
  severity?: string;
}

self.addEventListener("push", (event) => {
  let payload: PushPayload = {};
  try {
    payload = (event.data?.json() ?? {}) as PushPayload;
  } catch {
    payload = { body: event.data?.text() };
  }
  event.waitUntil(
    self.registration.showNotification(payload.title ?? "FleetPulse", {
      body: payload.body,
      // One notification per alert: a repeat replaces it instead of piling up.
      tag: payload.tag ?? payload.alertId,
      // A critical alert stays on screen until the driver or manager deals with it.
      requireInteraction: payload.severity === "critical",
      icon: "/icons/icon-192.png",
      data: { url: payload.url ?? (payload.alertId ? `/alerts/${encodeURIComponent(payload.alertId)}` : "/") },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data as { url?: string } | null)?.url ?? "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === target.origin);
      if (open) {
        await open.focus();
        await open.navigate(target.href).catch(() => undefined);
      } else {
        await self.clients.openWindow(target.href);
      }
    })(),
  );
});
