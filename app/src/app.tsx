import { type KeyboardEvent, lazy, type ReactNode, Suspense, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { Role } from "./api-types";
import { isOffline } from "./connectivity";
import { LoadBoundary } from "./load-boundary";
import { formatClock, ROLE_NAMES } from "./format";
import { Link, match, navigate, safeReturnPath, usePath, useSearch } from "./router";
import { LiveAlerts } from "./screens/live-alerts";
import { NotFound } from "./screens/not-found";
import { Settings } from "./screens/settings";
import { SignIn } from "./screens/sign-in";
import { SsoSignIn } from "./screens/sso-sign-in";
import { Vehicles } from "./screens/vehicles";
import { isStaff, session } from "./session";
import { signOut as endSession } from "./api";
import { useConnectivity } from "./use-api";
import { PendingActions } from "./pending-actions";
import { SessionWarning } from "./session-warning";
import { UpdatePrompt } from "./update-prompt";

// Screens loaded on first visit to keep the initial JS small.
const Maintenance = lazy(() => import("./screens/maintenance"));
const WorkOrders = lazy(() => import("./screens/work-orders"));
const WorkOrderDetail = lazy(() => import("./screens/work-order-detail"));
const Analytics = lazy(() => import("./screens/analytics"));
const Leaderboard = lazy(() => import("./screens/leaderboard"));
const Alerts = lazy(() => import("./screens/alerts"));
const AlertDetail = lazy(() => import("./screens/alert-detail"));
const VehicleDetail = lazy(() => import("./screens/vehicle-detail"));
const Overview = lazy(() => import("./screens/overview"));
const Rules = lazy(() => import("./screens/rules"));
const Geofences = lazy(() => import("./screens/geofences"));
const MyVehicle = lazy(() => import("./screens/vehicle-detail").then((m) => ({ default: m.MyVehicle })));

interface Route {
  path: string;
  /** Shown in the Main navigation when set. */
  nav?: string;
  /** The roles the API lets use this screen: no link, and no screen, for the others. */
  who: readonly Role[];
  render: (params: Record<string, string>) => ReactNode;
}

const ALL: readonly Role[] = ["admin", "manager", "technician", "driver"];
const STAFF: readonly Role[] = ["admin", "manager", "technician"];
const MANAGERS: readonly Role[] = ["admin", "manager"];
const DRIVER: readonly Role[] = ["driver"];

export const ROUTES: Route[] = [
  { path: "/overview", nav: "Overview", who: STAFF, render: () => <Overview /> },
  { path: "/live", nav: "Live alerts", who: STAFF, render: () => <LiveAlerts /> },
  { path: "/alerts", nav: "Alerts", who: STAFF, render: () => <Alerts /> },
  // All roles: a push notification opens /alerts/:id whoever receives it; the API scopes what a driver sees.
  { path: "/alerts/:id", who: ALL, render: ({ id }) => <AlertDetail id={id ?? ""} key={id} /> },
  { path: "/vehicles", nav: "Vehicles", who: STAFF, render: () => <Vehicles /> },
  { path: "/vehicles/:id", who: STAFF, render: ({ id }) => <VehicleDetail id={id ?? ""} key={id} /> },
  { path: "/rules", nav: "Rules", who: MANAGERS, render: () => <Rules /> },
  { path: "/geofences", nav: "Geofences", who: MANAGERS, render: () => <Geofences /> },
  { path: "/maintenance", nav: "Maintenance", who: STAFF, render: () => <Maintenance /> },
  { path: "/work-orders", nav: "Work orders", who: STAFF, render: () => <WorkOrders /> },
  { path: "/work-orders/:id", who: STAFF, render: ({ id }) => <WorkOrderDetail id={id ?? ""} key={id} /> },
  { path: "/analytics", nav: "Analytics", who: MANAGERS, render: () => <Analytics /> },
  { path: "/leaderboard", nav: "Leaderboard", who: STAFF, render: () => <Leaderboard /> },
  { path: "/my-vehicle", nav: "My vehicle", who: DRIVER, render: () => <MyVehicle /> },
  { path: "/my-alerts", nav: "My alerts", who: DRIVER, render: () => <Alerts mine /> },
  { path: "/my-alerts/:id", who: DRIVER, render: ({ id }) => <AlertDetail id={id ?? ""} key={id} /> },
  { path: "/settings", nav: "Settings", who: ALL, render: () => <Settings /> },
];

const allowed = (route: Route, role: Role) => route.who.includes(role);
/** Staff start at the fleet at a glance; a driver at their vehicle. */
export const homePath = (role: Role) => (isStaff(role) ? "/overview" : "/my-vehicle");

function SkipLink() {
  return (
    // biome-ignore lint/a11y/useValidAnchor: a real in-page link (#main); the click only moves focus without touching the URL.
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        // Focus main without touching the URL: the router ignores hashes anyway.
        event.preventDefault();
        document.getElementById("main")?.focus();
      }}
    >
      Skip to main content
    </a>
  );
}

function Brand() {
  return (
    <span className="brand">
      <img src="/icons/icon-192.png" alt="" width={32} height={32} />
      FleetPulse
    </span>
  );
}

function OfflineBanner() {
  const c = useConnectivity();
  const offline = isOffline(c);
  return (
    <div className="offline-banner" role="status">
      {offline ? (
        <p>
          <strong>You are offline</strong>
          {c.cachedSince !== null ? ` — showing data from ${formatClock(c.cachedSince)}` : " — some data could not be loaded"}.
        </p>
      ) : null}
    </div>
  );
}

/** Where single sign-on comes back to, with its ticket in the fragment. */
const SSO_PATH = "/sign-in/sso";

export function App() {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const path = usePath();
  const search = useSearch();

  // Signed out: the sign-in screen has its own URL and remembers where the user was going.
  useEffect(() => {
    if (!current && path !== "/sign-in" && path !== SSO_PATH) {
      const next = path === "/" ? "" : `?next=${encodeURIComponent(path + location.search)}`;
      navigate(`/sign-in${next}`, { replace: true, focus: false });
    } else if (current && (path === "/" || path === "/sign-in" || path === SSO_PATH)) {
      navigate(safeReturnPath(search.get("next")) ?? homePath(current.user.role), { replace: true, focus: false });
    }
  }, [current, path, search]);

  if (!current) {
    return (
      <>
        <SkipLink />
        <header className="app-header">
          <div className="header-bar">
            <Brand />
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {path === SSO_PATH ? <SsoSignIn /> : <SignIn onSignedIn={() => undefined} />}
        </main>
      </>
    );
  }
  return <Shell role={current.user.role} name={current.user.name} path={path} />;
}

function Shell({ role, name, path }: { role: Role; name: string; path: string }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const links = ROUTES.filter((r) => r.nav && allowed(r, role));
  const who = (
    <>
      Signed in as <strong>{name}</strong>
      {name === ROLE_NAMES[role] ? "" : `, ${ROLE_NAMES[role]}`}
    </>
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: navigating (a new path) closes the menu.
  useEffect(() => setMenuOpen(false), [path]);

  let content: ReactNode = null;
  for (const route of ROUTES) {
    const params = match(route.path, path);
    if (params) {
      content = allowed(route, role) ? route.render(params) : null;
      break;
    }
  }
  if (content === null && path !== "/" && path !== "/sign-in" && path !== SSO_PATH) content = <NotFound />;

  const signOut = () => {
    // A deliberate sign-out starts afresh: no screen to return to.
    history.pushState(null, "", "/sign-in");
    endSession();
  };

  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key === "Escape" && menuOpen) {
      setMenuOpen(false);
      menuButton.current?.focus();
    }
  };

  return (
    <>
      <SkipLink />
      <header className="app-header">
        <div className="header-bar">
          <Brand />
          <button
            type="button"
            className="button menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            ref={menuButton}
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <p className="who">{who}</p>
          <button type="button" className="button" onClick={signOut}>
            Sign out
          </button>
        </div>
        <OfflineBanner />
        <PendingActions />
        <UpdatePrompt />
        <SessionWarning />
      </header>
      <div className="layout">
        <nav id="main-nav" aria-label="Main" className={menuOpen ? "main-nav open" : "main-nav"} onKeyDown={closeOnEscape}>
          <p className="nav-who">{who}</p>
          <ul>
            {links.map((r) => {
              const active = path === r.path || path.startsWith(`${r.path}/`);
              return (
                <li key={r.path}>
                  <Link href={r.path} aria-current={active ? "page" : undefined}>
                    {r.nav}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {/* A new path gets a fresh boundary, so one screen that failed to load does not stick. */}
          <LoadBoundary key={path} what="This screen">
            <Suspense fallback={<p className="status">Loading…</p>}>{content}</Suspense>
          </LoadBoundary>
        </main>
      </div>
    </>
  );
}
