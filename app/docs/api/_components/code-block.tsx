/** A captioned, keyboard-scrollable code block: long lines scroll instead of breaking tokens apart. */
export function CodeBlock({ caption, code }: { caption: string; code: string }) {
  return (
    <figure className="flex min-w-0 flex-col gap-1.5">
      <figcaption className="text-sm font-medium text-slate-700">{caption}</figcaption>
      <pre
        tabIndex={0}
        className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-4 font-mono text-[0.8125rem] leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        <code>{code}</code>
      </pre>
    </figure>
  );
}

export function InlineCode({ children }: { children: React.ReactNode }) {
  return <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.875em] text-slate-800">{children}</code>;
}
