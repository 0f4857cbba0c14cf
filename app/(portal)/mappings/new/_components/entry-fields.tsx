"use client";

import { SUGGESTED_TAGS } from "@/lib/mappings/limits";
import type { AudienceKind } from "@mimi-discovery/msp-kit";
import type { EntryState } from "./editor-state";

const AUDIENCES: { kind: AudienceKind; label: string }[] = [
  { kind: "everyone", label: "Everyone" },
  { kind: "sender_msps", label: "Only senders on the services I choose" },
  { kind: "same_msp", label: "Only senders on this same service" },
  { kind: "context", label: "Senders who declare a context (such as Business)" },
  { kind: "senders", label: "Particular people or a group" },
];

const inputClass = "w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-base";

/** Hands the typed list to the person as a file: it never goes to the server, so this is the only copy. */
function saveList(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

export function EntryFields({
  entry,
  index,
  count,
  msps,
  errors,
  onChange,
  onMove,
  onRemove,
}: {
  entry: EntryState;
  index: number;
  count: number;
  msps: { id: string; name: string }[];
  errors: Record<string, string>;
  onChange: (patch: Partial<EntryState>) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = (name: string) => `${entry.key}-${name}`;
  const mspName = msps.find((msp) => msp.id === entry.msp)?.name ?? entry.msp;
  const error = (suffix: string) => errors[`entries.${index}${suffix}`];
  const entryError = error("");
  return (
    // min-w-0: a fieldset is as wide as its widest content by default, which pushed a phone's page sideways.
    <fieldset className="flex min-w-0 flex-col gap-4 rounded-md border border-slate-300 p-4" data-testid="mapping-entry">
      <legend className="px-1 text-sm font-semibold text-slate-900">
        Choice {index + 1}: {mspName}
      </legend>
      {entryError && <p className="text-sm font-medium text-red-700">{entryError}</p>}
      <div className="flex flex-col gap-1">
        <label htmlFor={id("msp")} className="text-sm font-medium">
          Messaging service
        </label>
        <select id={id("msp")} className={inputClass} value={entry.msp} onChange={(event) => onChange({ msp: event.target.value })}>
          {msps.map((msp) => (
            <option key={msp.id} value={msp.id}>
              {msp.name} ({msp.id})
            </option>
          ))}
        </select>
        {error(".msp") && <p className="text-sm font-medium text-red-700">{error(".msp")}</p>}
      </div>

      <div className="flex flex-col gap-2">
        <span className="text-sm font-medium" id={id("tags-label")}>
          Preference tags
        </span>
        <div className="flex flex-wrap gap-2" role="group" aria-labelledby={id("tags-label")}>
          {SUGGESTED_TAGS.map((tag) => {
            const on = entry.tags.includes(tag);
            return (
              <button
                key={tag}
                type="button"
                aria-pressed={on}
                onClick={() => onChange({ tags: on ? entry.tags.filter((item) => item !== tag) : [...entry.tags, tag] })}
                className={`rounded-full border px-3 py-1 text-sm ${on ? "border-indigo-700 bg-indigo-700 text-white" : "border-slate-300 bg-white text-slate-800"}`}
              >
                {tag}
              </button>
            );
          })}
        </div>
        <label htmlFor={id("other-tags")} className="text-sm text-slate-700">
          Other tags, comma-separated
        </label>
        <input id={id("other-tags")} className={inputClass} value={entry.otherTags} maxLength={300} onChange={(event) => onChange({ otherTags: event.target.value })} />
        {error(".tags") && <p className="text-sm font-medium text-red-700">{error(".tags")}</p>}
      </div>

      <div className="flex flex-col gap-1">
        <label htmlFor={id("audience")} className="text-sm font-medium">
          Who reaches you here
        </label>
        <select
          id={id("audience")}
          className={inputClass}
          value={entry.audienceKind}
          onChange={(event) => onChange({ audienceKind: event.target.value as AudienceKind })}
        >
          {AUDIENCES.map((audience) => (
            <option key={audience.kind} value={audience.kind}>
              {audience.label}
            </option>
          ))}
        </select>
      </div>

      {entry.audienceKind === "sender_msps" && (
        <fieldset className="flex min-w-0 flex-col gap-1">
          <legend className="text-sm font-medium">Senders on these services</legend>
          {msps.map((msp) => (
            <label key={msp.id} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={entry.senderMsps.includes(msp.id)}
                onChange={(event) =>
                  onChange({ senderMsps: event.target.checked ? [...entry.senderMsps, msp.id] : entry.senderMsps.filter((item) => item !== msp.id) })
                }
              />
              {msp.name} ({msp.id})
            </label>
          ))}
          {error(".audience.msps") && <p className="text-sm font-medium text-red-700">{error(".audience.msps")}</p>}
        </fieldset>
      )}

      {entry.audienceKind === "context" && (
        <div className="flex flex-col gap-1">
          <label htmlFor={id("contexts")} className="text-sm font-medium">
            Contexts, comma-separated
          </label>
          <input id={id("contexts")} className={inputClass} value={entry.contexts} maxLength={300} onChange={(event) => onChange({ contexts: event.target.value })} />
          {error(".audience.tags") && <p className="text-sm font-medium text-red-700">{error(".audience.tags")}</p>}
        </div>
      )}

      {entry.audienceKind === "senders" && (
        <div className="flex flex-col gap-1">
          <label htmlFor={id("senders")} className="text-sm font-medium">
            Their phone numbers or email addresses, one per line
          </label>
          <p id={id("senders-hint")} className="text-sm text-slate-600">
            This list never leaves your browser. Only salted fingerprints are published, which no one can turn back into numbers or addresses
            without already knowing them.
            {entry.kept && !entry.sendersText.trim() && <> The {entry.kept.selectors.length} senders of the mapping you are editing are kept unless you type new ones.</>}
          </p>
          <textarea
            id={id("senders")}
            aria-describedby={id("senders-hint")}
            aria-invalid={error(".audience.selectors") ? true : undefined}
            className={`${inputClass} min-h-24 font-mono text-sm`}
            value={entry.sendersText}
            maxLength={50_000}
            onChange={(event) => onChange({ sendersText: event.target.value })}
          />
          {error(".audience.selectors") && <p className="text-sm font-medium text-red-700">{error(".audience.selectors")}</p>}
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <button
              type="button"
              className="rounded-md border border-slate-300 px-3 py-1 disabled:text-slate-400"
              disabled={!entry.sendersText.trim()}
              onClick={() => saveList(entry.sendersText, `senders-${index + 1}.txt`)}
            >
              Save a copy of this list<span className="sr-only"> for choice {index + 1}</span>
            </button>
            <label className="cursor-pointer rounded-md border border-slate-300 px-3 py-1 focus-within:outline-2 focus-within:outline-indigo-600">
              Load a saved list<span className="sr-only"> for choice {index + 1}</span>
              <input
                type="file"
                accept=".txt,text/plain"
                className="sr-only"
                onChange={async (event) => {
                  const file = event.target.files?.[0];
                  if (file && file.size <= 200_000) onChange({ sendersText: await file.text() });
                  event.target.value = "";
                }}
              />
            </label>
            <span className="text-slate-600">The DP keeps only fingerprints, so keep your own copy to change the list later.</span>
          </div>
        </div>
      )}

      <div className="flex flex-wrap gap-2 border-t border-slate-200 pt-3">
        <button type="button" className="rounded-md border border-slate-300 px-3 py-1 text-sm disabled:text-slate-400" disabled={index === 0} onClick={() => onMove(-1)}>
          Move up<span className="sr-only"> choice {index + 1}</span>
        </button>
        <button type="button" className="rounded-md border border-slate-300 px-3 py-1 text-sm disabled:text-slate-400" disabled={index === count - 1} onClick={() => onMove(1)}>
          Move down<span className="sr-only"> choice {index + 1}</span>
        </button>
        <button type="button" className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-800" onClick={onRemove}>
          Remove<span className="sr-only"> choice {index + 1}</span>
        </button>
      </div>
    </fieldset>
  );
}
