"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { runPasskeyAssertion } from "@/web/run-passkey-assertion";
import { MAPPING_LIMITS } from "@/lib/mappings/limits";
import { prepareMappingAction, publishMappingAction } from "@/app/(portal)/mappings/actions";
import { buildDraft } from "./build-draft";
import { emptyEntry, previewDocument, type EditorState, type EntryState } from "./editor-state";
import { EntryFields } from "./entry-fields";
import { MappingPreview } from "./preview";
import { SigningPasskey, type Signer } from "./signing-passkey";

type Props = {
  identifiers: { id: string; display: string; signer: Signer }[];
  msps: { id: string; name: string }[];
  initial: EditorState;
  defaultRegion: string | undefined;
};

const FORM_ID = "mapping-editor";

export function MappingEditor({ identifiers, msps, initial, defaultRegion }: Props) {
  const router = useRouter();
  const [state, setState] = useState<EditorState>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const names = useMemo(() => Object.fromEntries(msps.map((msp) => [msp.id, msp.name])), [msps]);
  const chosen = identifiers.find((identifier) => identifier.id === state.identifierId);

  const update = (patch: Partial<EditorState>) => setState((current) => ({ ...current, ...patch }));
  const updateEntry = (key: string, patch: Partial<EntryState>) =>
    setState((current) => ({ ...current, entries: current.entries.map((entry) => (entry.key === key ? { ...entry, ...patch } : entry)) }));
  const move = (index: number, delta: -1 | 1) =>
    setState((current) => {
      const entries = [...current.entries];
      const [item] = entries.splice(index, 1);
      entries.splice(index + delta, 0, item!);
      return { ...current, entries };
    });

  async function sign() {
    setErrors({});
    setMessage(null);
    try {
      setBusy("Preparing private sender fingerprints…");
      const built = await buildDraft(state, defaultRegion, (done, total) => setBusy(`Preparing private sender fingerprints… ${done} of ${total}`));
      if (!built.ok) {
        setErrors(built.errors);
        setMessage("Some fields need your attention.");
        return;
      }
      setBusy("Preparing the document to sign…");
      const published = await runPasskeyAssertion(
        () => prepareMappingAction(built.draft),
        (challengeId, response) => publishMappingAction({ challengeId, response }),
        (step) => setBusy(step === "waiting" ? "Waiting for your passkey…" : "Publishing…"),
      );
      if (!published.ok) {
        setErrors(published.errors ?? {});
        setMessage(published.message);
        return;
      }
      router.push(`/mappings?published=${published.seq}`);
      router.refresh();
    } finally {
      setBusy(null);
    }
  }

  // The signing-passkey offer holds a form of its own, which HTML does not allow inside this one: the editor's
  // form ends before it, and the sign button, after it, names the editor's form.
  return (
    <div className="flex flex-col gap-6">
      <form
        id={FORM_ID}
        className="flex flex-col gap-6"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void sign();
        }}
      >
        {message && <Alert tone="error">{message}</Alert>}
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            id="mapping-identifier"
            label="For"
            value={state.identifierId}
            onChange={(event) => update({ identifierId: event.target.value })}
            options={identifiers.map((identifier) => ({ value: identifier.id, label: identifier.display }))}
            error={errors.identifierId}
          />
          <TextField
            id="mapping-label"
            label="Label"
            hint="Publishing again under the same label replaces that mapping."
            value={state.label}
            maxLength={MAPPING_LIMITS.labelMaxLength}
            onChange={(event) => update({ label: event.target.value })}
            error={errors.label}
            list="label-suggestions"
          />
          <datalist id="label-suggestions">
            <option value="Personal" />
            <option value="Work" />
          </datalist>
        </div>

        <section aria-labelledby="choices-heading" className="flex flex-col gap-4">
          <h2 id="choices-heading" className="text-lg font-semibold">
            Where people reach you, in order of preference
          </h2>
          {state.entries.length === 0 && (
            <p className="rounded-md border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-700">
              No messaging service listed: publishing this says you opted out, which lookups report as different from having no mapping.
            </p>
          )}
          {state.entries.map((entry, index) => (
            <EntryFields
              key={entry.key}
              entry={entry}
              index={index}
              count={state.entries.length}
              msps={msps}
              errors={errors}
              onChange={(patch) => updateEntry(entry.key, patch)}
              onMove={(delta) => move(index, delta)}
              onRemove={() => update({ entries: state.entries.filter((item) => item.key !== entry.key) })}
            />
          ))}
          {errors.entries && <p className="text-sm font-medium text-red-700">{errors.entries}</p>}
          <div>
            <Button
              type="button"
              variant="secondary"
              disabled={state.entries.length >= MAPPING_LIMITS.maxEntries || msps.length === 0}
              onClick={() => update({ entries: [...state.entries, emptyEntry(msps[0]?.id ?? "")] })}
            >
              Add a messaging service
            </Button>
          </div>
        </section>

        <label className="flex items-start gap-3 rounded-md border border-slate-300 bg-white p-4 text-sm">
          <input type="checkbox" className="mt-1" checked={state.fresh} onChange={(event) => update({ fresh: event.target.checked })} />
          <span>
            <strong>Start fresh.</strong> De-list every earlier mapping of this identifier, including any a previous holder of the number or address
            left behind, here and at the other discovery providers this one works with.
          </span>
        </label>

        <MappingPreview document={previewDocument(state)} names={names} />
      </form>

      {chosen && <SigningPasskey identifierId={chosen.id} display={chosen.display} signer={chosen.signer} />}

      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" form={FORM_ID} disabled={busy !== null || !chosen?.signer} aria-disabled={busy !== null || !chosen?.signer}>
          {busy ?? "Sign with your passkey and publish"}
        </Button>
        <p className="text-sm text-slate-600" aria-live="polite">
          {busy ? "" : "Your passkey signs exactly what is described above."}
        </p>
      </div>
    </div>
  );
}
