/**
 * The API's OpenAPI document: its one entry point (served at /api/v1/openapi.json, rendered at /docs/api) and the
 * types of what it contains. The parts live in http/openapi/, one file per operation.
 */
export { buildOpenApiDocument } from "@/http/openapi/document";
export type * from "@/http/openapi/types";
