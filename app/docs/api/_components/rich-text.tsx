import { InlineCode } from "./code-block";

/**
 * The little CommonMark the OpenAPI descriptions use: paragraphs, `## ` headings, `- ` lists and `code`. Enough to
 * render the document's own words, so the page says exactly what the machine-readable document says.
 */
export function RichText({ text, headingLevel = 3 }: { text: string; headingLevel?: 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <div className="flex flex-col gap-3 text-sm leading-relaxed text-slate-700">
      {text.split(/\n{2,}/u).map((block, index) => {
        if (block.startsWith("## ")) {
          return (
            <Heading key={index} className="mt-2 text-base font-semibold text-slate-900">
              {inline(block.slice(3))}
            </Heading>
          );
        }
        const lines = block.split("\n");
        if (lines.every((line) => line.startsWith("- "))) {
          return (
            <ul key={index} className="list-disc space-y-1 pl-5">
              {lines.map((line, item) => (
                <li key={item}>{inline(line.slice(2))}</li>
              ))}
            </ul>
          );
        }
        return <p key={index}>{inline(block)}</p>;
      })}
    </div>
  );
}

export function inline(text: string): React.ReactNode[] {
  return text.split("`").map((part, index) => (index % 2 === 1 ? <InlineCode key={index}>{part}</InlineCode> : part));
}

/** The document's descriptions are phrases; the page shows them as sentences. */
export function sentence(text: string): string {
  return /[.!?:]$/u.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
