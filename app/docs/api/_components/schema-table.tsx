import { DataTable } from "@/components/ui/data-table";
import type { JsonSchema, OpenApiDocument } from "@/http/openapi";
import { InlineCode } from "./code-block";
import { inline, sentence } from "./rich-text";

const SCHEMA_PREFIX = "#/components/schemas/";

export const schemaName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
export const schemaAnchor = (name: string) => `schema-${name}`;

export function resolveSchema(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  return schema.$ref?.startsWith(SCHEMA_PREFIX) ? (document.components.schemas[schemaName(schema.$ref)] ?? schema) : schema;
}

/** A schema's type in words, with named schemas as links to their tables. */
export function TypeLabel({ schema }: { schema: JsonSchema }): React.ReactNode {
  if (schema.$ref) {
    const name = schemaName(schema.$ref);
    return (
      <a href={`#${schemaAnchor(name)}`} className="font-medium text-indigo-700 underline underline-offset-2 hover:text-indigo-900">
        {name}
      </a>
    );
  }
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    // Forms of one primitive type, such as a tel: or a mailto: string, differ in their constraints only.
    const types = new Set(variants.map((variant) => (variant.$ref || variant.const !== undefined || variant.items ? undefined : variant.type)));
    if (types.size === 1 && !types.has(undefined)) return [...types][0];
    return join(variants.map((variant, index) => <TypeLabel key={index} schema={variant} />), " or ");
  }
  if (schema.const !== undefined) return <InlineCode>{JSON.stringify(schema.const)}</InlineCode>;
  if (schema.type === "array") {
    return (
      <>
        array of <TypeLabel schema={schema.items ?? {}} />
      </>
    );
  }
  if (!schema.type) return "any JSON value";
  return schema.format ? `${schema.type} (${schema.format})` : schema.type;
}

/** Limits worth a reader's attention; a pattern only when it is short enough to read. */
function constraints(schema: JsonSchema): React.ReactNode[] {
  const notes: React.ReactNode[] = [];
  const range = (min: number | undefined, max: number | undefined, unit: string) =>
    min !== undefined && max !== undefined ? `${min} to ${max} ${unit}` : max !== undefined ? `At most ${max} ${unit}` : min ? `At least ${min} ${unit}` : undefined;
  const length = range(schema.minLength, schema.maxLength, "characters");
  const items = range(schema.minItems, schema.maxItems, "items");
  if (length) notes.push(`${length}.`);
  if (items) notes.push(`${items}.`);
  if (schema.enum) {
    notes.push(
      <>One of {join(schema.enum.map((value, index) => <InlineCode key={index}>{String(value)}</InlineCode>), ", ")}.</>,
    );
  }
  if (schema.pattern && schema.pattern.length <= 48) notes.push(<>Matches <InlineCode>{schema.pattern}</InlineCode>.</>);
  const variants = schema.anyOf ?? schema.oneOf ?? [];
  const patterns = variants.flatMap((variant) => (variant.pattern && variant.pattern.length <= 48 ? [variant.pattern] : []));
  if (patterns.length > 0) {
    notes.push(<>Matches {join(patterns.map((pattern) => <InlineCode key={pattern}>{pattern}</InlineCode>), " or ")}.</>);
  }
  return notes;
}

type Row = { name: string; schema: JsonSchema; required: boolean };

/** The object's members, with inline sub-objects spelled out as dotted names, and those of an array's as name[].member. */
function rowsOf(schema: JsonSchema, prefix = ""): Row[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, member]) => {
    const row = { name: `${prefix}${name}`, schema: member, required: (schema.required ?? []).includes(name) };
    if (member.properties && !member.$ref) return [row, ...rowsOf(member, `${row.name}.`)];
    if (member.items?.properties && !member.items.$ref) return [row, ...rowsOf(member.items, `${row.name}[].`)];
    return [row];
  });
}

export function SchemaTable({ id, caption, schema }: { id: string; caption: React.ReactNode; schema: JsonSchema }) {
  const rows = rowsOf(schema);
  return (
    <DataTable
      id={id}
      caption={
        <>
          {caption}
          {schema.additionalProperties === false && " No other members are allowed."}
        </>
      }
      minWidthClass="min-w-[36rem]"
      columns={[{ label: "Name" }, { label: "Type" }, { label: "Required" }, { label: "Description" }]}
    >
      {rows.map((row) => (
            <tr key={row.name}>
              <th scope="row" className="px-3 py-2 font-mono text-[0.8125rem] font-medium whitespace-nowrap text-slate-900">
                {row.name}
              </th>
              <td className="px-3 py-2">
                <TypeLabel schema={row.schema} />
              </td>
              <td className="px-3 py-2">{row.required ? "Yes" : "No"}</td>
              <td className="px-3 py-2">
                {row.schema.description && inline(sentence(row.schema.description))} {constraints(row.schema).map((note, index) => <span key={index}>{note} </span>)}
              </td>
            </tr>
          ))}
    </DataTable>
  );
}

/** A union of objects told apart by a constant member, such as an audience's kind: one row per variant. */
export function VariantTable({ id, caption, schema }: { id: string; caption: React.ReactNode; schema: JsonSchema }) {
  const variants = (schema.oneOf ?? schema.anyOf ?? []).map((variant) => {
    const members = Object.entries(variant.properties ?? {});
    const tag = members.find(([, member]) => member.const !== undefined);
    return { tag, others: members.filter((member) => member !== tag), required: variant.required ?? [] };
  });
  return (
    <DataTable id={id} caption={caption} minWidthClass="min-w-[28rem]" columns={[{ label: "Variant" }, { label: "Other members" }]}>
          {variants.map(({ tag, others, required }, index) => (
            <tr key={index}>
              <th scope="row" className="px-3 py-2 font-mono text-[0.8125rem] font-medium whitespace-nowrap text-slate-900">
                {tag ? `${tag[0]}: ${JSON.stringify(tag[1].const)}` : `Variant ${index + 1}`}
              </th>
              <td className="px-3 py-2">
                {others.length === 0
                  ? "None"
                  : join(
                      others.map(([name, member]) => (
                        <span key={name}>
                          <InlineCode>{name}</InlineCode>: <TypeLabel schema={member} />
                          {!required.includes(name) && " (optional)"}
                        </span>
                      )),
                      "; ",
                    )}
              </td>
            </tr>
          ))}
    </DataTable>
  );
}

function join(parts: React.ReactNode[], separator: string): React.ReactNode {
  return parts.map((part, index) => (
    <span key={index}>
      {index > 0 && separator}
      {part}
    </span>
  ));
}
