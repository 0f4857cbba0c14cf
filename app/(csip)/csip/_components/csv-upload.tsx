"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { RemovalSummary, RowResult } from "@/lib/csip-console/apply-removal-rows";
import { describeSummary, RemovalResults } from "./removal-results";

type UploadState =
  | { status: "idle" }
  | { status: "uploading"; fileName: string; progress?: { done: number; total: number } }
  | { status: "refused"; error: string }
  | { status: "done"; fileName: string; results: RowResult[]; summary: RemovalSummary };

type UploadAnswer = { results: RowResult[]; summary: RemovalSummary };
type StreamLine = { progress?: { done: number; total: number }; result?: UploadAnswer; problem?: { code: string; detail: string } };

const FAILED = "Something went wrong on our side. Nothing was changed; please try again.";

/**
 * Sends the chosen file as the request body to the upload route beside this page, which streams it through the
 * bounded CSV reader (a server action would buffer it, and is capped far below the file limit), then shows the
 * result of every row. Focus moves to the outcome, so keyboard and screen reader users land on it.
 */
export function CsvUpload({ uploadUrl, maxBytes, maxRows }: { uploadUrl: string; maxBytes: number; maxRows: number }) {
  const [state, setState] = useState<UploadState>({ status: "idle" });
  const fileRef = useRef<HTMLInputElement>(null);
  const outcomeRef = useRef<HTMLHeadingElement>(null);
  const id = useId();
  const inputId = `${id}-file`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const limit = `${maxBytes / (1024 * 1024)} MB`;

  useEffect(() => {
    if (state.status === "done") outcomeRef.current?.focus();
  }, [state]);

  async function upload(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) return setState({ status: "refused", error: "Choose a CSV file to upload." });
    if (file.size === 0) return setState({ status: "refused", error: "The file is empty. Its first line must be a header row naming csi and reason." });
    if (file.size > maxBytes) {
      return setState({ status: "refused", error: `The file is larger than ${limit}, the most one upload may hold. Split it into smaller files and upload each one.` });
    }
    setState({ status: "uploading", fileName: file.name });
    try {
      const response = await fetch(uploadUrl, { method: "POST", headers: { "content-type": "text/csv" }, body: file });
      // A refusal of the file as a whole is a problem document (RFC 9457) whose detail is written for the admin.
      if (!response.ok) return setState({ status: "refused", error: detailOf(await response.json().catch(() => null)) ?? FAILED });
      // Then NDJSON: progress while the rows are applied, and the result (or what stopped it) last.
      for await (const line of ndjsonLines(response)) {
        if (line.progress) setState({ status: "uploading", fileName: file.name, progress: line.progress });
        if (line.problem) return setState({ status: "refused", error: `${line.problem.detail} Nothing was changed.` });
        if (line.result && isUploadAnswer(line.result)) {
          return setState({ status: "done", fileName: file.name, results: line.result.results, summary: line.result.summary });
        }
      }
      setState({ status: "refused", error: FAILED });
    } catch {
      setState({ status: "refused", error: "The upload did not reach the server, or its answer was cut off. Check your connection and try again." });
    }
  }

  const error = state.status === "refused" ? state.error : undefined;
  const uploading = state.status === "uploading";
  return (
    <div className="flex flex-col gap-5">
      <form onSubmit={upload} className="flex flex-col gap-4" noValidate aria-busy={uploading}>
        <div className="flex flex-col gap-1">
          <label htmlFor={inputId} className="text-sm font-medium text-slate-900">
            CSV file
          </label>
          <p id={hintId} className="text-sm text-slate-600">
            UTF-8, at most {limit} and {maxRows.toLocaleString("en-US")} rows. Columns: csi and reason (released, reassigned, ported_out or
            other), and optionally receiving_csip for ported_out.
          </p>
          <input
            ref={fileRef}
            id={inputId}
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-invalid={error ? true : undefined}
            aria-describedby={[hintId, error ? errorId : undefined].filter(Boolean).join(" ")}
            onChange={() => state.status === "refused" && setState({ status: "idle" })}
            className={`rounded-md border bg-white px-3 py-2 text-sm text-slate-900 file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-3 file:py-1 file:font-semibold file:text-slate-800 focus:outline-2 focus:outline-offset-1 focus:outline-indigo-600 ${error ? "border-red-600" : "border-slate-300"}`}
          />
          {error && (
            <p id={errorId} role="alert" className="text-sm font-medium text-red-700">
              {error}
            </p>
          )}
        </div>
        <div>
          <Button type="submit" variant="danger" disabled={uploading} aria-disabled={uploading}>
            {uploading ? (
              <>
                <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" />
                Checking and applying…
              </>
            ) : (
              "Upload and apply"
            )}
          </Button>
        </div>
        {uploading && (
          <div className="flex flex-col gap-1">
            <p role="status" className="text-sm text-slate-700">
              {state.progress
                ? `${state.progress.done.toLocaleString("en-US")} of ${state.progress.total.toLocaleString("en-US")} rows done, ${(state.progress.total - state.progress.done).toLocaleString("en-US")} left.`
                : `Reading ${state.fileName}…`}
            </p>
            <progress
              className="h-2 w-full max-w-md"
              aria-label={`Rows of ${state.fileName} done`}
              {...(state.progress ? { value: state.progress.done, max: state.progress.total } : {})}
            />
          </div>
        )}
      </form>

      {state.status === "done" && (
        <section aria-labelledby={`${id}-outcome`} className="flex flex-col gap-3">
          <h3 id={`${id}-outcome`} ref={outcomeRef} tabIndex={-1} className="text-base font-semibold text-slate-900 focus:outline-none">
            Results for {state.fileName}
          </h3>
          <Alert tone={state.summary.refused === 0 ? "success" : "warning"}>
            <span data-testid="upload-summary">{describeSummary(state.summary)}</span>
          </Alert>
          <RemovalResults results={state.results} />
        </section>
      )}
    </div>
  );
}

function detailOf(problem: unknown): string | undefined {
  const detail = (problem as { detail?: unknown } | null)?.detail;
  return typeof detail === "string" && detail !== "" ? detail : undefined;
}

function isUploadAnswer(answer: unknown): answer is UploadAnswer {
  return typeof answer === "object" && answer !== null && Array.isArray((answer as UploadAnswer).results);
}

/** The NDJSON lines of a streamed answer, as they arrive. */
async function* ndjsonLines(response: Response): AsyncGenerator<StreamLine> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += value;
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as StreamLine;
      newline = buffer.indexOf("\n");
    }
    if (done) return;
  }
}
