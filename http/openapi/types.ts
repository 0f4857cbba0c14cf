import type { ApiErrorCode } from "@/http/problem";

/**
 * The OpenAPI document as this API writes it: the subset of OpenAPI 3.1 that http/openapi/document.ts produces and
 * the reference page (app/docs/api) renders. zod-openapi's own types allow every form OpenAPI allows; these say
 * which ones occur here, so the page needs no guessing. http/openapi.test.ts checks the document against them.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
};
export type Ref = { $ref: string };
export type OpenApiExample = { summary: string; description?: string; value: unknown };
export type OpenApiMediaType = { schema: JsonSchema; examples?: Record<string, OpenApiExample> };
export type OpenApiHeader = { description: string; required?: boolean; schema: JsonSchema };
/** Request headers only: no operation here takes a path, query or cookie parameter. */
export type OpenApiParameter = { in: "header"; name: string; description: string; required?: boolean; schema: JsonSchema; example?: unknown };
export type OpenApiResponse = {
  description: string;
  headers?: Record<string, Ref>;
  content?: Record<string, OpenApiMediaType>;
  /** On error answers: the problem codes this status stands for, each with an example under its media type. */
  "x-problem-codes"?: ApiErrorCode[];
};
export type CodeSample = { lang: string; label: string; source: string };
export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** Empty for the public documents; otherwise one requirement naming a scheme of components.securitySchemes. */
  security: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: true; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
  "x-codeSamples"?: CodeSample[];
};
export type SecurityScheme = { type: "http"; scheme: "bearer"; bearerFormat: string; description: string };
export type ProblemType = { code: ApiErrorCode; status: number; title: string; type: string; description: string };
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; summary: string; description: string };
  servers: { url: string; description: string }[];
  externalDocs: { description: string; url: string };
  tags: { name: string; description: string }[];
  paths: Record<string, { get?: OpenApiOperation; post?: OpenApiOperation }>;
  components: {
    schemas: Record<string, JsonSchema>;
    headers: Record<string, OpenApiHeader>;
    securitySchemes: Record<string, SecurityScheme>;
  };
  "x-problem-types": ProblemType[];
};

/** What the document depends on: where this DP is, and its max_batch (configuration, so not in any schema). */
export type DocumentOptions = { origin: string; maxBatch: number };
