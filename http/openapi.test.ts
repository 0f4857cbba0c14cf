import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  batchLookupRequestSchema,
  batchLookupResponseSchema,
  csipRemovalRequestSchema,
  csipRemovalResponseSchema,
  dpMetadataSchema,
  issuerDirectorySchema,
  jwksSchema,
  lookupRequestSchema,
  lookupResultSchema,
  problemSchema,
} from "@mimi-discovery/msp-kit";
import { batchLookupMaxBytes, CSIP_REMOVAL_MAX_BYTES, SINGLE_LOOKUP_MAX_BYTES } from "@/http/body-limits";
import { IDEMPOTENCY_KEY_PATTERN } from "@/lib/removals/idempotency";
import { API_ERRORS } from "./problem";
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiOperation } from "./openapi";

const ORIGIN = "https://dp.example";
const MAX_BATCH = 250;
const document = buildOpenApiDocument({ origin: ORIGIN, maxBatch: MAX_BATCH });
const LIMITS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

/** What zod writes for a route's schema, as a request reads it; the document leaves out `$schema`, which OpenAPI 3.1 implies. */
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
const operation = (path: string) => (document.paths[path]!.post ?? document.paths[path]!.get)!;

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
  it("is an OpenAPI 3.1.0 document for this origin, with a key scheme for MSPs and one for CSIPs", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: ORIGIN, description: expect.any(String) }]);
    expect(document.externalDocs.url).toBe(`${ORIGIN}/docs/api`);
    expect(document.tags.map((tag) => tag.name)).toEqual(["Lookup", "Private lookups", "CSIP removals", "Discovery"]);
    expect(document.components.securitySchemes.mspApiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.mspApiKey!.bearerFormat).toBe("mimi_msp_<8 characters>.<43 characters>");
    expect(document.components.securitySchemes.csipApiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.csipApiKey!.bearerFormat).toBe("mimi_csip_<8 characters>.<43 characters>");
    expect(document.info.description).toContain("## CSIP removals");
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it("documents the nine endpoints: lookups and token issuance behind the MSP key, removals behind the CSIP key, the gateway and the public documents open", () => {
    const found = operations(document).map(({ path, method, operation }) => [method, path, operation.operationId, operation.security]);
    expect(found).toEqual([
      ["post", "/api/v1/lookup", "lookup", [{ mspApiKey: [] }]],
      ["post", "/api/v1/lookup/batch", "lookupBatch", [{ mspApiKey: [] }]],
      ["post", "/api/v1/privacy-pass/token-request", "tokenRequest", [{ mspApiKey: [] }]],
      ["post", "/api/v1/ohttp", "ohttpGateway", []],
      ["get", "/.well-known/ohttp-gateway", "ohttpKeys", []],
      ["get", "/.well-known/private-token-issuer-directory", "issuerDirectory", []],
      ["post", "/api/v1/csip/removals", "csipRemovals", [{ csipApiKey: [] }]],
      ["get", "/.well-known/mimi-discovery", "discoveryMetadata", []],
      ["get", "/.well-known/jwks.json", "jwks", []],
    ]);
  });

  it("describes the request bodies with exactly the schemas the routes validate with", () => {
    expect(document.components.schemas.LookupRequest).toEqual(routeSchema(lookupRequestSchema));
    expect(document.components.schemas.CsipRemovalRequest).toEqual(routeSchema(csipRemovalRequestSchema));
    const batch = routeSchema(batchLookupRequestSchema) as { properties: { csis: Record<string, unknown> } };
    expect(batch.properties.csis.maxItems).toBeUndefined();
    batch.properties.csis.maxItems = MAX_BATCH;
    expect(document.components.schemas.BatchLookupRequest).toEqual(batch);
    for (const name of ["LookupRequest", "BatchLookupRequest", "CsipRemovalRequest"]) {
      expect(document.components.schemas[name]!.additionalProperties, name).toBe(false);
    }
    const bodies = Object.fromEntries(operations(document).map(({ operation }) => [operation.operationId, operation.requestBody?.content["application/json"]?.schema.$ref]));
    expect(bodies).toEqual({
      lookup: "#/components/schemas/LookupRequest",
      lookupBatch: "#/components/schemas/BatchLookupRequest",
      tokenRequest: undefined,
      ohttpGateway: undefined,
      ohttpKeys: undefined,
      issuerDirectory: undefined,
      csipRemovals: "#/components/schemas/CsipRemovalRequest",
      discoveryMetadata: undefined,
      jwks: undefined,
    });
  });

  it("gives the batch its maximum as maxItems and in the description", () => {
    const other = buildOpenApiDocument({ origin: ORIGIN, maxBatch: 7 });
    expect(other.components.schemas.BatchLookupRequest!.properties!.csis!.maxItems).toBe(7);
    expect(other.paths["/api/v1/lookup/batch"]!.post!.description).toContain("at most 7 identifiers");
    expect(document.components.schemas.BatchLookupRequest!.properties!.csis!.maxItems).toBe(MAX_BATCH);
  });

  it("takes the optional Idempotency-Key on removals, with the pattern the route checks it against", () => {
    const [parameter, ...others] = operation("/api/v1/csip/removals").parameters ?? [];
    expect(others).toEqual([]);
    expect(parameter).toMatchObject({ in: "header", name: "Idempotency-Key", schema: { type: "string", pattern: IDEMPOTENCY_KEY_PATTERN.source } });
    expect(parameter!.required).not.toBe(true);
    expect(IDEMPOTENCY_KEY_PATTERN.test(String(parameter!.example))).toBe(true);
    for (const path of ["/api/v1/lookup", "/api/v1/lookup/batch"]) expect(operation(path).parameters).toBeUndefined();
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
        if (status.startsWith("2")) {
          expect(Object.keys(response.content ?? {})).not.toContain("application/problem+json");
          continue;
        }
        const problems = response.content?.["application/problem+json"];
        expect(problems?.schema.$ref, `${operation.operationId} ${status}`).toBe("#/components/schemas/Problem");
        const codes = response["x-problem-codes"] ?? [];
        expect(codes.length).toBeGreaterThan(0);
        for (const code of codes) expect(String(API_ERRORS[code].status)).toBe(status);
        // Every code has an example, and every example is of a code the response names.
        const exampleCodes = Object.values(problems!.examples ?? {}).map((example) => (example.value as { code: string }).code);
        expect(new Set(exampleCodes)).toEqual(new Set(codes));
      }
    }
    const lookupStatuses = Object.keys(operation("/api/v1/lookup").responses);
    expect(lookupStatuses).toEqual(["200", "400", "401", "403", "413", "415", "422", "429", "500", "503"]);
    expect(operation("/api/v1/lookup/batch").responses["413"]!["x-problem-codes"]).toEqual(["payload_too_large", "batch_too_large"]);
    expect(operation("/api/v1/lookup").responses["403"]!["x-problem-codes"]).toEqual(["forbidden", "https_required"]);
    expect(Object.keys(operation("/api/v1/csip/removals").responses)).toEqual(["200", "207", "400", "401", "403", "409", "413", "415", "422", "500", "503"]);
    expect(operation("/.well-known/jwks.json").responses["503"]!["x-problem-codes"]).toEqual(["service_unavailable"]);
  });

  it("answers a removal request of which no item applied with its results, not a problem document, under 403 or 422", () => {
    const { responses } = operation("/api/v1/csip/removals");
    for (const status of ["200", "207", "403", "422"]) {
      expect(responses[status]!.content!["application/json"]!.schema.$ref, status).toBe("#/components/schemas/CsipRemovalResponse");
      expect(Object.keys(responses[status]!.headers ?? {}), status).toEqual(["Idempotent-Replayed"]);
    }
    expect(Object.keys(responses["200"]!.content!)).toEqual(["application/json"]);
    expect(Object.keys(responses["207"]!.content!)).toEqual(["application/json"]);
    expect(responses["403"]!.description).toMatch(/^No item applied.*not a problem document/u);
    expect(responses["422"]!.description).toMatch(/^No item applied.*not a problem document/u);
    for (const [status, response] of Object.entries(responses)) {
      if (!["200", "207", "403", "422"].includes(status)) expect(Object.keys(response.content ?? {}), status).toEqual(["application/problem+json"]);
    }
    expect(document.components.headers["Idempotent-Replayed"]!.description).toContain("Idempotency-Key");
  });

  it("names the rate-limit headers on successful lookups and Retry-After when rate limited or unavailable", () => {
    for (const path of ["/api/v1/lookup", "/api/v1/lookup/batch"]) {
      const { responses } = operation(path);
      expect(Object.keys(responses["200"]!.headers ?? {})).toEqual(LIMITS);
      expect(Object.keys(responses["429"]!.headers ?? {})).toEqual([...LIMITS, "Retry-After"]);
      expect(Object.keys(responses["503"]!.headers ?? {})).toEqual(["Retry-After"]);
      expect(Object.keys(responses["401"]!.headers ?? {})).toEqual(["WWW-Authenticate"]);
    }
    // Removals are not metered.
    expect(operation("/api/v1/csip/removals").responses["429"]).toBeUndefined();
    expect(Object.keys(document.components.headers)).toEqual([...LIMITS, "Retry-After", "WWW-Authenticate", "Idempotent-Replayed"]);
  });

  it("describes every object a reader meets, and every member of them", () => {
    for (const [name, schema] of Object.entries(document.components.schemas)) expect(schema.description, name).toBeTruthy();
    const objects = ["MappingDocument", "MappingEntry", "LookupResult", "ServedMapping", "Problem", "DiscoveryMetadata", "CsipRemovalResponse", "CsipRemovalRequest"];
    const members = objects.flatMap((name) => Object.entries(document.components.schemas[name]!.properties!).map(([member, schema]) => [`${name}.${member}`, schema] as const));
    const items = document.components.schemas.CsipRemovalItemResult!.anyOf!.flatMap((variant, index) =>
      Object.entries(variant.properties!).map(([member, schema]) => [`CsipRemovalItemResult[${index}].${member}`, schema] as const),
    );
    const nested = [
      ...Object.entries(document.components.schemas.CsipRemovalRequest!.properties!.items!.items!.properties!).map(([member, schema]) => [`CsipRemovalRequest.items.${member}`, schema] as const),
      ...Object.entries(document.components.schemas.CsipRemovalResponse!.properties!.summary!.properties!).map(([member, schema]) => [`CsipRemovalResponse.summary.${member}`, schema] as const),
    ];
    const selfExplaining = ["MappingDocument.v", "DiscoveryMetadata.jwks_uri", "DiscoveryMetadata.lookup_endpoint", "DiscoveryMetadata.batch_lookup_endpoint", "DiscoveryMetadata.csip_removal_endpoint", "DiscoveryMetadata.protocol_versions"];
    for (const [name, schema] of [...members, ...items, ...nested]) {
      if (selfExplaining.includes(name)) continue;
      // A member that refers to a named object is described by that object.
      expect(schema.description ?? schema.$ref, name).toBeTruthy();
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
    expect(text).not.toContain('"$defs"');
  });

  it("gives examples that the response and request schemas accept", () => {
    const schemaFor: Record<string, z.ZodType> = {
      LookupResult: lookupResultSchema,
      BatchLookupResponse: batchLookupResponseSchema,
      CsipRemovalResponse: csipRemovalResponseSchema,
      Problem: problemSchema,
      DiscoveryMetadata: dpMetadataSchema,
      JsonWebKeySet: jwksSchema,
      LookupRequest: lookupRequestSchema,
      BatchLookupRequest: batchLookupRequestSchema,
      CsipRemovalRequest: csipRemovalRequestSchema,
      IssuerDirectory: issuerDirectorySchema,
    };
    let checked = 0;
    for (const { operation } of operations(document)) {
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
      ];
      for (const { schema, examples } of media) {
        // Binary bodies (tokens, encapsulated requests) have no JSON schema and no examples.
        if (schema.format === "binary") {
          expect(examples, operation.operationId).toBeUndefined();
          continue;
        }
        const name = schema.$ref!.replace("#/components/schemas/", "");
        for (const [key, example] of Object.entries(examples ?? {})) {
          const parsed = schemaFor[name]!.safeParse(example.value);
          expect(parsed.success, `${operation.operationId} ${name} ${key}: ${parsed.error?.message}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("shows a problem's type, title and status as the API sends them, with the operation's own limits", () => {
    const examples = (path: string, status: string) => operation(path).responses[status]!.content!["application/problem+json"]!.examples!;
    expect(examples("/api/v1/lookup/batch", "413").batch_too_large!.value).toMatchObject({
      type: `${ORIGIN}/docs/api#error-batch_too_large`,
      title: API_ERRORS.batch_too_large.title,
      status: 413,
      code: "batch_too_large",
      max_batch: MAX_BATCH,
      detail: expect.stringContaining(`at most ${MAX_BATCH} identifiers; this one has ${MAX_BATCH + 1}`),
    });
    const tooLarge = (path: string) => (examples(path, "413").body_too_large!.value as { detail: string }).detail;
    expect(tooLarge("/api/v1/lookup")).toContain(`${SINGLE_LOOKUP_MAX_BYTES} bytes`);
    expect(tooLarge("/api/v1/lookup/batch")).toContain(`${batchLookupMaxBytes(MAX_BATCH)} bytes`);
    expect(tooLarge("/api/v1/csip/removals")).toContain(`${CSIP_REMOVAL_MAX_BYTES} bytes`);
  });

  it("shows the batch example with its invalid identifier answered in its slot and the repeat answered twice", () => {
    const results = (operation("/api/v1/lookup/batch").responses["200"]!.content!["application/json"]!.examples!.mixed!.value as {
      results: Record<string, unknown>[];
    }).results;
    expect(results.map((item) => item.result ?? "error")).toEqual(["found", "none", "error", "found"]);
    expect(results[2]).toMatchObject({ input: "4085551212", error: { code: "missing_country_code" } });
    expect(results[3]).toEqual(results[0]);
  });

  it("shows removal answers whose statuses and summary agree with their items, one with a 403 and a 422 item", () => {
    const { responses } = operation("/api/v1/csip/removals");
    const answers = ["200", "207", "403", "422"].flatMap((status) =>
      Object.values(responses[status]!.content!["application/json"]!.examples!).map((example) => ({ status, value: csipRemovalResponseSchema.parse(example.value) })),
    );
    for (const { status, value } of answers) {
      const statuses = value.results.map((item) => item.status);
      const applied = statuses.filter((item) => item === 200).length;
      expect(value.summary).toEqual({ items: statuses.length, applied, refused: statuses.length - applied });
      expect(value.results.map((item) => item.index)).toEqual(statuses.map((_, index) => index));
      const expected = applied === statuses.length ? "200" : applied > 0 ? "207" : statuses.includes(403) ? "403" : "422";
      expect(status).toBe(expected);
    }
    const mixed = answers.find(({ status }) => status === "207")!.value.results.map((item) => item.status);
    expect(mixed).toEqual(expect.arrayContaining([200, 403, 422]));
  });

  it("gives a curl example for each POST endpoint, with its kind of key, sending a body the route accepts", () => {
    for (const [path, schema, keyVariable] of [
      ["/api/v1/lookup", lookupRequestSchema, "MIMI_API_KEY"],
      ["/api/v1/lookup/batch", batchLookupRequestSchema, "MIMI_API_KEY"],
      ["/api/v1/csip/removals", csipRemovalRequestSchema, "CSIP_API_KEY"],
    ] as const) {
      const source = operation(path)["x-codeSamples"]![0]!.source;
      expect(source).toContain(`${ORIGIN}${path}`);
      expect(source).toContain(`Authorization: Bearer $${keyVariable}`);
      expect(source).toContain("Content-Type: application/json");
      const body = /--data '(.*)'$/mu.exec(source)![1]!;
      expect(schema.safeParse(JSON.parse(body)).success).toBe(true);
      expect(JSON.parse(body)).toEqual(operation(path).requestBody!.content["application/json"]!.examples!.example!.value);
    }
    const idempotencyKey = /-H 'Idempotency-Key: ([^']+)'/u.exec(operation("/api/v1/csip/removals")["x-codeSamples"]![0]!.source)?.[1];
    expect(IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey ?? "")).toBe(true);
    for (const path of ["/.well-known/mimi-discovery", "/.well-known/jwks.json"]) {
      expect(operation(path)["x-codeSamples"]![0]!.source).toBe(`curl -sS '${ORIGIN}${path}'`);
    }
  });
});
