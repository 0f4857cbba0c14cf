/** The ids that tie a control to its hint and its error, for screen readers. */
export type FieldWiring = { "aria-invalid"?: true; "aria-describedby"?: string };

/**
 * A label, one control, an optional hint under it and its error beside it: the shell every labelled input and select
 * shares, so the accessibility wiring exists once. The hint sits under the control so that fields side by side keep
 * their controls on one line whether or not each has a hint.
 */
export function Field({
  id,
  label,
  hint,
  error,
  className = "",
  children,
}: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  className?: string;
  children: (wiring: FieldWiring) => React.ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  return (
    <div className={`flex min-w-0 flex-col gap-1 ${className}`}>
      <label htmlFor={id} className="text-sm font-medium text-slate-900">
        {label}
      </label>
      {children({ ...(error ? { "aria-invalid": true as const } : {}), ...(describedBy ? { "aria-describedby": describedBy } : {}) })}
      {hint && (
        <p id={hintId} className="text-sm text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export const controlClass = (error: string | undefined) =>
  `w-full min-w-0 rounded-md border bg-white px-3 py-2 text-base text-slate-900 shadow-sm focus:outline-2 focus:outline-offset-1 focus:outline-indigo-600 ${error ? "border-red-600" : "border-slate-300"}`;
