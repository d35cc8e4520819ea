/**
 * The one D1 schema, one file per area under schema/. snake_case columns, camelCase keys; times
 * are integer epoch milliseconds (rendered as ISO 8601 at the API edge). `npm run db:generate`
 * turns changes into migrations/.
 */
export * from "./schema/core";
export * from "./schema/alerts";
export * from "./schema/notifications";
export * from "./schema/maintenance";
export * from "./schema/engagement";
export * from "./schema/geofences";
export * from "./schema/retention";
export * from "./schema/alert-work";
export * from "./schema/routing";
export * from "./schema/sessions";
export * from "./schema/access";
