"use client";

import { useFormStatus } from "react-dom";
import { Button } from "./button";

/** A submit button that shows the form is working and cannot be pressed twice meanwhile. */
export function SubmitButton({
  children,
  pendingText,
  variant,
  name,
  value,
}: {
  children: React.ReactNode;
  pendingText: string;
  variant?: "primary" | "secondary" | "danger" | "link";
  name?: string;
  value?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-disabled={pending} name={name} value={value}>
      {pending ? (
        <>
          <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" />
          {pendingText}
        </>
      ) : (
        children
      )}
    </Button>
  );
}
