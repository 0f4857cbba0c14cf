/** A card like components/ui/card.tsx, with an anchor and a real heading so the page's outline and links work. */
export function DocSection({ id, title, description, children }: { id: string; title: React.ReactNode; description?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm sm:p-6">
      <h2 id={`${id}-title`} className="text-lg font-semibold text-slate-900">
        {title}
      </h2>
      {description && <div className="mt-1 text-sm text-slate-700">{description}</div>}
      <div className="mt-4 flex flex-col gap-6">{children}</div>
    </section>
  );
}
