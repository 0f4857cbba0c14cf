import type { z } from "zod";

export function hookAnswer(status: number, body: object): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

/** A hook's JSON body, validated; a bad one is a 422 that says which member is wrong. */
export async function readHookBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  const parsed = schema.safeParse(await request.json().catch(() => null));
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, response: hookAnswer(422, { error: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}` }) };
}
