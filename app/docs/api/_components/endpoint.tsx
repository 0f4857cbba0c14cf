import { DataTable } from "@/components/ui/data-table";
import type { OpenApiDocument, OpenApiMediaType, OpenApiOperation, OpenApiParameter, OpenApiResponse } from "@/http/openapi";
import { CodeBlock, InlineCode } from "./code-block";
import { DocSection } from "./doc-section";
import { inline, RichText } from "./rich-text";
import { resolveSchema, SchemaTable, schemaName, TypeLabel } from "./schema-table";

const REASONS: Record<string, string> = {
  "200": "OK",
  "207": "Multi-Status",
  "400": "Bad Request",
  "401": "Unauthorized",
  "403": "Forbidden",
  "404": "Not Found",
  "409": "Conflict",
  "413": "Content Too Large",
  "415": "Unsupported Media Type",
  "422": "Unprocessable Content",
  "429": "Too Many Requests",
  "500": "Internal Server Error",
  "503": "Service Unavailable",
};

// Offset far enough that the underline does not hide the underscores of codes.
const LINK = "text-indigo-700 underline underline-offset-4 hover:text-indigo-900";

export const endpointAnchor = (operation: OpenApiOperation) => `endpoint-${operation.operationId}`;

const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** Who may call: the security scheme the operation names, as the reader must send it. */
function Access({ document, operation }: { document: OpenApiDocument; operation: OpenApiOperation }) {
  const schemes = operation.security.flatMap((requirement) => Object.keys(requirement)).map((name) => document.components.securitySchemes[name]);
  if (schemes.length === 0) return <>Public: no key needed.</>;
  return (
    <>
      {schemes.map((scheme) =>
        scheme ? (
          <span key={scheme.bearerFormat}>
            {scheme.description} Send it as <InlineCode>Authorization: Bearer {scheme.bearerFormat}</InlineCode>.
          </span>
        ) : null,
      )}
    </>
  );
}

/** Every answer that is not a problem document, with its status: the ones a reader wants to see whole. */
function answerExamples(responses: Record<string, OpenApiResponse>) {
  return Object.entries(responses).flatMap(([status, response]) =>
    Object.entries(response.content ?? {})
      .filter(([type]) => type !== PROBLEM_MEDIA_TYPE)
      .flatMap(([type, media]) => Object.entries(media.examples ?? {}).map(([key, example]) => ({ key: `${status}-${key}`, status, type, example }))),
  );
}

/** One operation: what it does, what to send, what comes back, and a request to copy. */
export function Endpoint({ document, method, path, operation }: { document: OpenApiDocument; method: string; path: string; operation: OpenApiOperation }) {
  const id = endpointAnchor(operation);
  const body = operation.requestBody && Object.entries(operation.requestBody.content)[0];
  const answers = answerExamples(operation.responses);
  return (
    <DocSection
      id={id}
      title={
        <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <span className={`rounded px-2 py-0.5 font-mono text-xs font-bold tracking-wide text-white ${method === "post" ? "bg-indigo-700" : "bg-slate-700"}`}>
            {method.toUpperCase()}
          </span>
          <span className="font-mono text-base break-all">{path}</span>
          <span className="text-base font-normal text-slate-700">{operation.summary}</span>
        </span>
      }
      description={<Access document={document} operation={operation} />}
    >
      <RichText text={operation.description} />

      {operation.parameters && operation.parameters.length > 0 && (
        <div className="flex flex-col gap-3">
          <h3 className="text-base font-semibold text-slate-900">Request headers</h3>
          <ParameterTable id={`${id}-parameters`} parameters={operation.parameters} />
        </div>
      )}

      {body && (
        <div className="flex flex-col gap-3">
          <h3 className="text-base font-semibold text-slate-900">Request body</h3>
          <p className="text-sm text-slate-700">
            Required, sent as <InlineCode>{body[0]}</InlineCode>
            {body[1].schema.format === "binary" ? <>: {body[1].schema.description}.</> : "."}
          </p>
          {body[1].schema.format !== "binary" && (
            <SchemaTable
              id={`${id}-body`}
              caption={<>Members of the {schemaName(body[1].schema.$ref ?? "request")} body.</>}
              schema={resolveSchema(document, body[1].schema)}
            />
          )}
        </div>
      )}

      <div className="flex flex-col gap-3">
        <h3 className="text-base font-semibold text-slate-900">Responses</h3>
        <ResponseTable id={`${id}-responses`} responses={operation.responses} />
      </div>

      <div className="flex flex-col gap-3">
        <h3 className="text-base font-semibold text-slate-900">Example</h3>
        {operation["x-codeSamples"]?.map((sample) => (
          <CodeBlock key={sample.label} caption={`Request (${sample.label})`} code={sample.source} />
        ))}
        {answers.map(({ key, status, type, example }, index) => {
          const block = <CodeBlock caption={`Response: ${status}, ${type}. ${example.summary}.`} code={JSON.stringify(example.value, null, 2)} />;
          return index === 0 ? (
            <div key={key} className="flex flex-col gap-1.5">
              {block}
              {example.description && <p className="text-sm text-slate-700">{example.description}</p>}
            </div>
          ) : (
            <details key={key} className="rounded-md border border-slate-200 p-3">
              <summary className="cursor-pointer text-sm font-medium text-slate-900">
                Another response ({status}): {example.summary}
              </summary>
              <div className="mt-3">{block}</div>
            </details>
          );
        })}
      </div>
    </DocSection>
  );
}

function ParameterTable({ id, parameters }: { id: string; parameters: OpenApiParameter[] }) {
  return (
    <DataTable
      id={id}
      caption="Headers this endpoint reads, besides Authorization and Content-Type."
      minWidthClass="min-w-[36rem]"
      columns={[{ label: "Header" }, { label: "Type" }, { label: "Required" }, { label: "Description" }]}
    >
          {parameters.map((parameter) => (
            <tr key={parameter.name}>
              <th scope="row" className="px-3 py-2 font-mono text-[0.8125rem] font-medium whitespace-nowrap text-slate-900">
                {parameter.name}
              </th>
              <td className="px-3 py-2">
                <TypeLabel schema={parameter.schema} />
              </td>
              <td className="px-3 py-2">{parameter.required ? "Yes" : "No"}</td>
              <td className="px-3 py-2">
                {inline(parameter.description)}
                {parameter.example !== undefined && (
                  <>
                    {" "}
                    For example <InlineCode>{String(parameter.example)}</InlineCode>.
                  </>
                )}
              </td>
            </tr>
          ))}
    </DataTable>
  );
}

/** A response's bodies: a problem document, an answer, or (CSIP removals' 403 and 422) either. */
function MediaList({ content }: { content: Record<string, OpenApiMediaType> }) {
  const media = Object.entries(content);
  if (media.length === 0) return <>None</>;
  return (
    <ul className="flex flex-col gap-1">
      {media.map(([type, entry]) => (
        <li key={type}>
          <TypeLabel schema={entry.schema} /> <span className="text-xs whitespace-nowrap">({type})</span>
        </li>
      ))}
    </ul>
  );
}

function ResponseTable({ id, responses }: { id: string; responses: Record<string, OpenApiResponse> }) {
  return (
    <DataTable
      id={id}
      caption="Every status this endpoint answers with. Errors are problem documents; each code links to its entry under Errors."
      minWidthClass="min-w-[36rem]"
      columns={[{ label: "Status", className: "w-1/5" }, { label: "Meaning", className: "w-2/5" }, { label: "Body" }, { label: "Headers" }]}
    >
          {Object.entries(responses).map(([status, response]) => {
            const codes = response["x-problem-codes"];
            // A status that also answers with a CsipRemovalResponse says so in the first paragraph of its description.
            const answerMeaning = Object.keys(response.content ?? {}).some((type) => type !== PROBLEM_MEDIA_TYPE) ? response.description.split("\n\n")[0] : undefined;
            return (
              <tr key={status}>
                <th scope="row" className="px-3 py-2 font-semibold whitespace-nowrap text-slate-900">
                  {status} <span className="font-normal text-slate-700">{REASONS[status]}</span>
                </th>
                <td className="px-3 py-2">
                  {codes ? (
                    <ul className="flex flex-col gap-1">
                      {answerMeaning && <li>{inline(answerMeaning)}</li>}
                      {codes.map((code) => (
                        <li key={code}>
                          <a href={`#error-${code}`} className={`font-mono text-[0.8125rem] ${LINK}`}>
                            {code}
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    inline(response.description)
                  )}
                </td>
                <td className="px-3 py-2">
                  <MediaList content={response.content ?? {}} />
                </td>
                <td className="px-3 py-2">
                  {Object.keys(response.headers ?? {}).length === 0 ? (
                    "None"
                  ) : (
                    <ul className="flex flex-col gap-1">
                      {Object.keys(response.headers ?? {}).map((name) => (
                        <li key={name}>
                          <a href={`#header-${name}`} className={`font-mono text-[0.8125rem] whitespace-nowrap ${LINK}`}>
                            {name}
                          </a>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
    </DataTable>
  );
}
