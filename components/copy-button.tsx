"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Copies a text to the clipboard, and says so (or says why not) where a screen reader hears it. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="inline-flex items-center gap-3">
      <Button
        type="button"
        variant="secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setStatus("copied");
          } catch {
            setStatus("failed");
          }
        }}
      >
        {label}
      </Button>
      <span role="status" className="text-sm text-slate-700">
        {status === "copied" ? "Copied." : status === "failed" ? "Your browser did not allow copying: select the text and copy it." : ""}
      </span>
    </span>
  );
}
