import { z } from "zod";

/** The test suite's own configuration, checked like the app's. */
const schema = z.object({
  TEST_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//u, "must be a postgres:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  TEST_REDIS_URL: z
    .string()
    .regex(/^redis:\/\//u, "must be a redis:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export const testEnv = schema.parse(process.env);
