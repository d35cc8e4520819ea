import { lazy, Suspense, useEffect } from "react";
import { client, describeError, unwrap } from "../api";
import { ROLE_NAMES } from "../format";
import { LoadBoundary } from "../load-boundary";
import { Page, Status } from "../page";
import { session } from "../session";
import { useApi } from "../use-api";
import { PreferencesForm } from "../settings-preferences";
import { ChangePasswordForm } from "../settings-password";
import { PushToggle } from "../settings-push";
import { Silences } from "../settings-silences";
import { EscalationPolicies } from "../settings-escalation";
import { OutboundWebhooks, VendorIntegrations } from "../settings-integrations";

// Setup for admins and managers, loaded only when shown (first-visit JS stays small).
const Users = lazy(() => import("../settings-users"));
const Shop = lazy(() => import("../settings-shop"));

export function Settings() {
  const me = useApi("me", () => unwrap(client.api.me.$get()));
  const current = session.get();
  useEffect(() => {
    if (me.data) session.updateUser(me.data);
  }, [me.data]);
  // Before /api/me answers (or offline without a cached answer) the signed-in user is shown.
  const user = me.data ?? current?.user;
  const role = user?.role;
  return (
    <Page title="Settings">
      <h2>Your profile</h2>
      {me.state === "loading" && !user ? <Status>Loading your profile…</Status> : null}
      {me.state === "error" ? <Status error>{describeError(me.error)}</Status> : null}
      {user ? (
        <dl className="facts">
          <div>
            <dt>Name</dt>
            <dd>{user.name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>{ROLE_NAMES[user.role]}</dd>
          </div>
          <div>
            <dt>Organization</dt>
            <dd>{current?.tenant ?? user.tenantId}</dd>
          </div>
        </dl>
      ) : null}
      <ChangePasswordForm />
      <h2>Notifications</h2>
      <p>Choose how and when FleetPulse tells you about alerts: push, SMS, voice or email, and quiet hours.</p>
      <PreferencesForm />
      <h2>Push on this device</h2>
      <PushToggle />
      {role === "admin" || role === "manager" ? (
        <>
          <h2>Users</h2>
          <LoadBoundary what="The users">
            <Suspense fallback={<Status>Loading users…</Status>}>
              <Users />
            </Suspense>
          </LoadBoundary>
          <h2>Shop</h2>
          <LoadBoundary what="The shop">
            <Suspense fallback={<Status>Loading the shop…</Status>}>
              <Shop />
            </Suspense>
          </LoadBoundary>
          <h2>Silences</h2>
          <Silences />
          <h2>Escalation policies</h2>
          <EscalationPolicies editable={role === "admin"} />
        </>
      ) : null}
      {role === "admin" ? (
        <>
          <h2>Outbound webhooks</h2>
          <OutboundWebhooks />
          <h2>Telematics vendors</h2>
          <VendorIntegrations />
        </>
      ) : null}
    </Page>
  );
}
