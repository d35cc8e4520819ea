import type { SealedAt } from "./keyring";

/**
 * Every encrypted field and the place its ciphertext is bound to (associated data). A secret and
 * the "previous" copy kept during a rotation overlap share a field name: the copy moves between
 * columns of one row and must still open.
 */
export const sealedAt = {
  tenantWebhookSecret: (tenantId: string): SealedAt => ({ tenantId, table: "tenants", field: "webhook_secret", rowId: tenantId }),
  integrationConfig: (tenantId: string, vendor: string): SealedAt => ({ tenantId, table: "integrations", field: "config", rowId: vendor }),
  outboundWebhookSecret: (tenantId: string, hookId: string): SealedAt => ({
    tenantId,
    table: "outbound_webhooks",
    field: "secret",
    rowId: hookId,
  }),
  ssoClientSecret: (tenantId: string): SealedAt => ({ tenantId, table: "tenant_sso", field: "client_secret", rowId: tenantId }),
  userEmail: (tenantId: string, userId: string): SealedAt => ({ tenantId, table: "users", field: "email", rowId: userId }),
  userPhone: (tenantId: string, userId: string): SealedAt => ({ tenantId, table: "users", field: "phone", rowId: userId }),
};
