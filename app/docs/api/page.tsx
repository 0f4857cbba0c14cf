import { DataTable } from "@/components/ui/data-table";
import type { Metadata } from "next";
import { getEnv } from "@/env";
import { buildOpenApiDocument, type OpenApiOperation } from "@/http/openapi";
import { InlineCode } from "./_components/code-block";
import { DocSection } from "./_components/doc-section";
import { Endpoint, endpointAnchor } from "./_components/endpoint";
import { inline, RichText, sentence } from "./_components/rich-text";
import { schemaAnchor, SchemaTable, VariantTable } from "./_components/schema-table";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "API reference",
  description: "The lookup API for messaging service providers and the removal API for CSIPs: endpoints, authentication, rate limits and errors.",
};

const LINK = "text-indigo-700 underline underline-offset-4 hover:text-indigo-900";
/** Shown inside each endpoint instead. */
const REQUEST_SCHEMAS = new Set(["LookupRequest", "BatchLookupRequest", "CsipRemovalRequest"]);

/** Rendered from the OpenAPI document itself, so the page and /api/v1/openapi.json cannot disagree. */
export default function ApiReferencePage() {
  const { publicOrigin, maxBatch } = getEnv();
  const document = buildOpenApiDocument({ origin: publicOrigin, maxBatch });
  const endpoints = Object.entries(document.paths).flatMap(([path, item]) =>
    (["get", "post"] as const).flatMap((method) => (item[method] ? [{ method, path, operation: item[method] as OpenApiOperation }] : [])),
  );
  // Lookups first: they are what most readers came for.
  endpoints.sort((a, b) => Number(b.operation.tags.includes("Lookup")) - Number(a.operation.tags.includes("Lookup")));
  const objects = Object.entries(document.components.schemas).filter(([name]) => !REQUEST_SCHEMAS.has(name));

  return (
    <div className="flex flex-col gap-8">
      <header className="flex flex-col gap-3">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900 sm:text-4xl">API reference</h1>
        <p className="max-w-2xl text-lg text-slate-700">{document.info.summary}</p>
        <p className="text-sm text-slate-700">
          Base URL <InlineCode>{document.servers[0]?.url}</InlineCode>. Machine-readable:{" "}
          <a href="/api/v1/openapi.json" className={LINK}>
            the OpenAPI {document.openapi} document
          </a>
          .
        </p>
      </header>

      <nav aria-labelledby="contents-title" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
        <h2 id="contents-title" className="text-lg font-semibold text-slate-900">
          On this page
        </h2>
        <ul className="mt-3 grid gap-x-6 gap-y-1.5 text-sm sm:grid-cols-2">
          <li>
            <a href="#overview" className={LINK}>Overview: authentication, rate limits, privacy, CSIP removals</a>
          </li>
          {endpoints.map(({ method, path, operation }) => (
            <li key={operation.operationId}>
              <a href={`#${endpointAnchor(operation)}`} className={LINK}>
                <span className="font-mono">{method.toUpperCase()} {path}</span>
              </a>
            </li>
          ))}
          <li>
            <a href="#objects" className={LINK}>Objects</a>
          </li>
          <li>
            <a href="#errors" className={LINK}>Errors</a>
          </li>
        </ul>
      </nav>

      <DocSection id="overview" title="Overview">
        <RichText text={document.info.description} />
        <div className="flex flex-col gap-3">
          <h3 className="text-base font-semibold text-slate-900">Response headers</h3>
          <DataTable
            id="headers"
            caption="Headers the API sends. Each endpoint's Responses table says which answers carry them."
            minWidthClass="min-w-[28rem]"
            columns={[{ label: "Header" }, { label: "Meaning" }]}
          >
                {Object.entries(document.components.headers).map(([name, header]) => (
                  <tr key={name} id={`header-${name}`} className="scroll-mt-4">
                    <th scope="row" className="px-3 py-2 font-mono text-[0.8125rem] font-medium whitespace-nowrap text-slate-900">
                      {name}
                    </th>
                    <td className="px-3 py-2">{inline(header.description)}</td>
                  </tr>
                ))}
          </DataTable>
        </div>
      </DocSection>

      {endpoints.map(({ method, path, operation }) => (
        <Endpoint key={operation.operationId} document={document} method={method} path={path} operation={operation} />
      ))}

      <DocSection id="objects" title="Objects" description="The members of every object the API answers with.">
        {objects.map(([name, schema]) => (
          <div key={name} id={schemaAnchor(name)} className="flex scroll-mt-4 flex-col gap-2">
            <h3 className="font-mono text-base font-semibold text-slate-900">{name}</h3>
            {schema.oneOf || schema.anyOf ? (
              <VariantTable id={`${schemaAnchor(name)}-table`} caption={schema.description ? inline(sentence(schema.description)) : `The forms of ${name}.`} schema={schema} />
            ) : (
              <SchemaTable id={`${schemaAnchor(name)}-table`} caption={schema.description ? inline(sentence(schema.description)) : `Members of ${name}.`} schema={schema} />
            )}
          </div>
        ))}
      </DocSection>

      <DocSection
        id="errors"
        title="Errors"
        description={
          <>
            Every error is a problem document (<InlineCode>application/problem+json</InlineCode>, RFC 9457) whose{" "}
            <InlineCode>type</InlineCode> links to its entry below. Branch on <InlineCode>code</InlineCode>; the{" "}
            <a href={`#${schemaAnchor("Problem")}`} className={LINK}>Problem</a> object lists every member.
          </>
        }
      >
        <ul className="flex flex-col gap-3">
          {document["x-problem-types"].map((problem) => (
            <li
              key={problem.code}
              id={`error-${problem.code}`}
              className="scroll-mt-4 rounded-md border border-slate-200 p-4 target:border-indigo-600 target:ring-2 target:ring-indigo-600"
            >
              <h3 className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-base font-semibold text-slate-900">
                <span className="font-mono">{problem.code}</span>
                <span className={`rounded px-2 py-0.5 text-xs font-semibold ${problem.status >= 500 ? "bg-amber-100 text-amber-950" : "bg-red-50 text-red-800"}`}>
                  HTTP {problem.status}
                </span>
              </h3>
              <p className="mt-1 text-sm font-medium text-slate-800">{problem.title}</p>
              <p className="mt-1 text-sm text-slate-700">{inline(problem.description)}</p>
            </li>
          ))}
        </ul>
      </DocSection>
    </div>
  );
}
