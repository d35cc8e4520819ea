import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";

export const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, "Lower-case letters, digits and inner hyphens, at most 40")
  .openapi({ example: "acme-logistics" });
export const Email = z.email().max(254).toLowerCase().openapi({ example: "dispatch@acme.example" });
export const Password = z.string().min(10, "At least 10 characters").max(256);
export const Role = z.enum(ROLES);

export const CreateTenantBody = z
  .strictObject({ name: z.string().trim().min(1).max(120), slug: Slug, adminEmail: Email, adminPassword: Password })
  .openapi("CreateTenant");

export const TenantCreated = z
  .object({
    tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
    webhookSecret: z.string().openapi({ description: "Standard Webhooks secret (`whsec_…`), shown only once" }),
  })
  .openapi("TenantCreated");

export const LoginBody = z.strictObject({ tenant: Slug, email: Email, password: z.string().min(1).max(256) }).openapi("Login");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: Role,
    tenantId: z.string(),
    phone: z.string().nullable(),
    active: z.boolean().openapi({ description: "False once deactivated: cannot sign in, its tokens answer 401" }),
    groups: z.array(z.string()).openapi({ description: "Groups the user is told about (e.g. a depot's manager); empty = all" }),
  })
  .openapi("User");

export const MeSchema = UserSchema.extend({
  vehicleId: z.string().nullable().optional().openapi({ description: "For a driver: the vehicle assigned to it" }),
}).openapi("Me");

export const LoginResult = z.object({ token: z.string(), expiresAt: z.string(), user: UserSchema }).openapi("LoginResult");

export const CreateUserBody = z
  .strictObject({
    email: Email,
    password: Password,
    name: z.string().trim().min(1).max(120),
    role: Role,
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "E.164 phone number, e.g. +4915112345678")
      .optional(),
  })
  .openapi("CreateUser");

export const RotatedSecret = z.object({ webhookSecret: z.string(), previousSecretValidUntil: z.string() }).openapi("RotatedWebhookSecret");

/** The app's cookie session (password or single sign-on): the tokens are in HttpOnly cookies, not here. */
export const CookieSession = z
  .object({
    user: UserSchema,
    expiresAt: z.string().openapi({ description: "When the access cookie expires (refresh before)" }),
    expiresInSeconds: z
      .number()
      .int()
      .openapi({ description: "The same, from now: a client with a wrong clock still times its refresh right" }),
    refreshExpiresAt: z.string().openapi({ description: "End of this sign-in" }),
  })
  .openapi("CookieSession");

/** POST /api/me/password: a person changes its own password (docs/security.md, "Password change"). */
export const PasswordChangeBody = z
  .strictObject({
    currentPassword: z.string().min(1).max(256),
    newPassword: Password.openapi({ description: "The same policy as a new user's password: 10 to 256 characters" }),
  })
  .openapi("PasswordChange");

export const PasswordChanged = z
  .object({
    token: z.string().optional().openapi({ description: "Bearer clients only (the app gets new cookies instead)" }),
    refreshToken: z.string().optional().openapi({ description: "Bearer clients only: the new sign-in's refresh token" }),
    expiresAt: z.string(),
    expiresInSeconds: z.number().int(),
    refreshExpiresAt: z.string(),
  })
  .openapi("PasswordChanged");
