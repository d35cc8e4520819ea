import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations for D1 from the one schema file.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
