import { getDb } from "@/db/index";
import { listMemberships } from "@/lib/csip-console/list-memberships";
import { CsipNav } from "@/app/(csip)/csip/_components/csip-nav";
import { csipPath } from "@/app/(csip)/csip/_lib/paths";
import { requireCsipMember } from "@/app/(csip)/csip/_lib/require-csip-member";

export default async function CsipLayout({ children, params }: { children: React.ReactNode; params: Promise<{ csipId: string }> }) {
  const { csipId } = await params;
  const { session, csip } = await requireCsipMember(csipId);
  const several = (await listMemberships(getDb(), session.userId)).length > 1;
  const links = [
    { href: csipPath(csip.csipId), label: "Claims" },
    { href: csipPath(csip.csipId, "removals"), label: "Removals" },
    { href: csipPath(csip.csipId, "ports"), label: "Ported numbers" },
    { href: csipPath(csip.csipId, "locks"), label: "Locks" },
    { href: csipPath(csip.csipId, "keys"), label: "API keys" },
  ];
  return (
    <div className="flex flex-col gap-6">
      <CsipNav csipName={csip.name} links={links} switchHref={several ? "/csip" : undefined} />
      {children}
    </div>
  );
}
