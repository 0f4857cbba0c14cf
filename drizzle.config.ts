import { defineConfig } from "drizzle-kit";

// Only `generate` is used: migrations are committed SQL, applied by db/migrate.ts at start and in tests.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
