import { describe, expect, it } from "vitest";
import { z } from "zod";
import { batchLookupRequestSchema, lookupRequestSchema, batchLookupResponseSchema, dpMetadataSchema, jwksSchema, lookupResultSchema, problemSchema } from "@mimi-discovery/msp-kit";
import { API_ERRORS } from "./problem";
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiOperation } from "./openapi";

const ORIGIN = "https://dp.example";
const MAX_BATCH = 250;
const document = buildOpenApiDocument({ origin: ORIGIN, maxBatch: MAX_BATCH });

/** What zod writes for a route's schema; the document leaves out `$schema`, which OpenAPI 3.1 already implies. */
const routeSchema = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" });
  const defs = json.$defs as Record<string, Record<string, unknown>> | undefined;
  const id = typeof json.$ref === "string" ? json.$ref.replace("#/$defs/", "") : undefined;
  return id && defs?.[id] ? defs[id] : json;
};

const operations = (doc: OpenApiDocument) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    (["get", "post"] as const).flatMap((method) => (item[method] ? [{ path, method, operation: item[method] as OpenApiOperation }] : [])),
  );

/** Every `$ref` anywhere in a value, with where it was found. */
function collectRefs(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => collectRefs(item, `${at}/${index}`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "$ref" && typeof child === "string" ? [{ ref: child, at }] : collectRefs(child, `${at}/${key}`),
  );
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), root);
}

describe("buildOpenApiDocument", () => {
  it("is an OpenAPI 3.1.0 document for this origin", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: ORIGIN, description: expect.any(String) }]);
    expect(document.components.securitySchemes.mspApiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.mspApiKey!.bearerFormat).toMatch(/^mimi_msp_/u);
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it("documents the four endpoints, the lookups behind the MSP key and the discovery documents public", () => {
    const found = operations(document).map(({ path, method, operation }) => [method, path, operation.security]);
    expect(found).toEqual([
      ["post", "/api/v1/lookup", [{ mspApiKey: [] }]],
      ["post", "/api/v1/lookup/batch", [{ mspApiKey: [] }]],
      ["get", "/.well-known/mimi-discovery", []],
      ["get", "/.well-known/jwks.json", []],
    ]);
  });

  it("describes the request bodies with exactly the schemas the routes validate with", () => {
    expect(document.components.schemas.LookupRequest).toEqual(routeSchema(lookupRequestSchema));
    const batch = routeSchema(batchLookupRequestSchema) as { properties: { csis: Record<string, unknown> } };
    expect(batch.properties.csis.maxItems).toBeUndefined();
    batch.properties.csis.maxItems = MAX_BATCH;
    expect(document.components.schemas.BatchLookupRequest).toEqual(batch);
    expect(document.components.schemas.LookupRequest!.additionalProperties).toBe(false);
    expect(document.components.schemas.BatchLookupRequest!.additionalProperties).toBe(false);
  });

  it("gives the batch its maximum as maxItems and in the description", () => {
    const other = buildOpenApiDocument({ origin: ORIGIN, maxBatch: 7 });
    expect(other.components.schemas.BatchLookupRequest!.properties!.csis!.maxItems).toBe(7);
    expect(other.paths["/api/v1/lookup/batch"]!.post!.description).toContain("at most 7 identifiers");
    expect(document.components.schemas.BatchLookupRequest!.properties!.csis!.maxItems).toBe(MAX_BATCH);
  });

  it("lists every API error code, with its status, title and reference anchor", () => {
    expect(document["x-problem-types"].map((entry) => entry.code)).toEqual(Object.keys(API_ERRORS));
    for (const entry of document["x-problem-types"]) {
      const code = entry.code;
      expect(entry).toMatchObject({ ...API_ERRORS[code], type: `${ORIGIN}/docs/api#error-${code}` });
      expect(entry.description.length).toBeGreaterThan(10);
    }
    expect(document.components.schemas.Problem!.properties!.code!.enum).toEqual(Object.keys(API_ERRORS));
  });

  it("answers every error of every operation as a problem document under its code's status", () => {
    for (const { operation } of operations(document)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.startsWith("2")) continue;
        expect(Object.keys(response.content ?? {})).toEqual(["application/problem+json"]);
        for (const code of response["x-problem-codes"] ?? []) expect(String(API_ERRORS[code].status)).toBe(status);
        expect(response["x-problem-codes"]?.length).toBeGreaterThan(0);
      }
    }
    const lookupStatuses = Object.keys(document.paths["/api/v1/lookup"]!.post!.responses);
    expect(lookupStatuses).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413", "415", "422", "429", "503"]));
    expect(document.paths["/api/v1/lookup/batch"]!.post!.responses["413"]!["x-problem-codes"]).toEqual(["payload_too_large", "batch_too_large"]);
  });

  it("names the rate-limit headers on successful lookups and Retry-After when rate limited", () => {
    for (const path of ["/api/v1/lookup", "/api/v1/lookup/batch"]) {
      const { responses } = document.paths[path]!.post!;
      const limits = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];
      expect(Object.keys(responses["200"]!.headers ?? {})).toEqual(limits);
      expect(Object.keys(responses["429"]!.headers ?? {})).toEqual([...limits, "Retry-After"]);
      expect(Object.keys(responses["503"]!.headers ?? {})).toEqual(["Retry-After"]);
    }
  });

  it("describes every member of every object a reader meets", () => {
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(schema.description ?? (name.endsWith("Request") ? "request" : undefined), name).toBeDefined();
    }
    for (const name of ["MappingDocument", "MappingEntry", "LookupResult", "ServedMapping", "Problem", "DiscoveryMetadata"]) {
      for (const [member, schema] of Object.entries(document.components.schemas[name]!.properties!)) {
        if (["v", "jwks_uri", "lookup_endpoint", "batch_lookup_endpoint", "csip_removal_endpoint", "protocol_versions"].includes(member)) continue;
        // A member that refers to a named object is described by that object.
        expect(schema.description ?? schema.$ref, `${name}.${member}`).toBeTruthy();
      }
    }
  });

  it("resolves every $ref", () => {
    const refs = collectRefs(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const { ref, at } of refs) expect(resolvePointer(document, ref), `${ref} at ${at}`).toBeDefined();
  });

  it("leaves no JSON Schema dialect or $id inside the components", () => {
    const text = JSON.stringify(document.components);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"$id"');
  });

  it("gives examples that the response and request schemas accept", () => {
    const schemaFor: Record<string, z.ZodType> = {
      LookupResult: lookupResultSchema,
      BatchLookupResponse: batchLookupResponseSchema,
      Problem: problemSchema,
      DiscoveryMetadata: dpMetadataSchema,
      JsonWebKeySet: jwksSchema,
      LookupRequest: lookupRequestSchema,
      BatchLookupRequest: batchLookupRequestSchema,
    };
    let checked = 0;
    for (const { operation } of operations(document)) {
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
      ];
      for (const { schema, examples } of media) {
        const name = schema.$ref!.replace("#/components/schemas/", "");
        for (const [key, example] of Object.entries(examples ?? {})) {
          const parsed = schemaFor[name]!.safeParse(example.value);
          expect(parsed.success, `${operation.operationId} ${name} ${key}: ${parsed.error?.message}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it("shows a problem's type, title and status as the API sends them", () => {
    const example = document.paths["/api/v1/lookup/batch"]!.post!.responses["413"]!.content!["application/problem+json"]!.examples!.batch_too_large!;
    expect(example.value).toMatchObject({ type: `${ORIGIN}/docs/api#error-batch_too_large`, status: 413, code: "batch_too_large", max_batch: MAX_BATCH });
  });

  it("shows the batch example with its invalid identifier answered in its slot and the repeat answered twice", () => {
    const results = (document.paths["/api/v1/lookup/batch"]!.post!.responses["200"]!.content!["application/json"]!.examples!.mixed!.value as {
      results: Record<string, unknown>[];
    }).results;
    expect(results.map((item) => item.result ?? "error")).toEqual(["found", "none", "error", "found"]);
    expect(results[2]).toMatchObject({ input: "4085551212", error: { code: "missing_country_code" } });
    expect(results[3]).toEqual(results[0]);
  });

  it("gives a curl example for each lookup endpoint, sending a body the route accepts", () => {
    for (const [path, schema] of [
      ["/api/v1/lookup", lookupRequestSchema],
      ["/api/v1/lookup/batch", batchLookupRequestSchema],
    ] as const) {
      const source = document.paths[path]!.post!["x-codeSamples"]![0]!.source;
      expect(source).toContain(`${ORIGIN}${path}`);
      expect(source).toContain("Authorization: Bearer");
      expect(source).toContain("Content-Type: application/json");
      const body = /--data '(.*)'$/mu.exec(source)![1]!;
      expect(schema.safeParse(JSON.parse(body)).success).toBe(true);
    }
  });
});
