import { describeMapping, type MappingDocument, type MappingEntry } from "@mimi-discovery/msp-kit";

function audienceWords(entry: MappingEntry, names: Record<string, string>): string {
  const audience = entry.audience;
  switch (audience.kind) {
    case "everyone":
      return "for everyone";
    case "same_msp":
      return `for senders on ${names[entry.msp] ?? entry.msp} itself`;
    case "sender_msps":
      return `for senders on ${audience.msps.map((msp) => names[msp] ?? msp).join(", ") || "no service yet"}`;
    case "context":
      return `for senders who declare ${audience.tags.join(", ") || "no context yet"}`;
    case "senders":
      return `for ${audience.selectors.length} particular sender${audience.selectors.length === 1 ? "" : "s"}`;
  }
}

/**
 * The mapping in words, both ways round: the recipient's own order of preference, as the form asks for it, and the
 * order in which a sender's service applies the rules (the most specific rule that names the sender wins, and only
 * among equally specific rules does the order of preference decide).
 */
export function MappingPreview({ document, names }: { document: MappingDocument; names: Record<string, string> }) {
  const label = document.label.trim() || "(no label yet)";
  return (
    <section aria-labelledby="preview-heading" className="flex flex-col gap-3 rounded-md border border-indigo-200 bg-indigo-50 p-4 text-sm text-indigo-950">
      <h2 id="preview-heading" className="font-semibold">
        In plain words: “{label}”
      </h2>
      {document.entries.length === 0 ? (
        <p>It lists no messaging service: senders will learn you opted out.</p>
      ) : (
        <>
          <div>
            <h3 className="font-medium">Your order of preference</h3>
            <ol className="mt-1 list-decimal pl-5" data-testid="mapping-preference">
              {document.entries.map((entry) => (
                <li key={`${entry.priority}-${entry.msp}`}>
                  {names[entry.msp] ?? entry.msp} ({entry.msp}), {audienceWords(entry, names)}
                  {entry.tags.length > 0 ? `, tagged ${entry.tags.join(", ")}` : ", with no tags"}
                </li>
              ))}
            </ol>
          </div>
          <div>
            <h3 className="font-medium">What a sender&apos;s service does with it</h3>
            <p className="mt-1 text-indigo-900">
              The rule that names the sender most closely wins (particular senders, then a context, then their service, then everyone); your order
              decides between rules that name them equally closely.
            </p>
            <ul className="mt-1 list-disc pl-5" data-testid="mapping-preview">
              {describeMapping(document, names).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        </>
      )}
      {document.fresh && <p>Publishing it de-lists every earlier mapping of this identifier.</p>}
    </section>
  );
}
