/** Shown while a console page loads its data. */
export default function CsipLoading() {
  return (
    <div role="status" className="flex items-center gap-3 rounded-lg border border-slate-200 bg-white p-6 text-sm text-slate-700">
      <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-indigo-700 border-t-transparent" />
      Loading…
    </div>
  );
}
