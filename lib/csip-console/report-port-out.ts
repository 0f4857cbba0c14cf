import type { Database } from "@/db/client";
import { applyRemovalRows, type RowResult } from "./apply-removal-rows";
import type { Notice } from "@/lib/notifications/notify";

/**
 * A CSIP reports that a number it has authority over was ported out, optionally naming the receiving CSIP.
 * This is a removal item with reason ported_out (protocol section 5), applied by applyCsipRemovals: a port record
 * moves authority to the receiver (or to nobody, when the receiver is not a CSIP here), and the holder's mappings
 * that list the donor's own messaging services are withdrawn; the others stay.
 *
 * Decision: there is no "ported in" report. A number a CSIP says it received may lie in another CSIP's approved
 * range, and nothing the receiver alone can say proves the port happened, so letting it write the port record would
 * let any CSIP take any number. The receiver gets authority when the donor names it here (or through the API's
 * receiving_csip), or when the DP operator records the port.
 *
 * `csi` is the normalised tel: URI, `input` the number as typed, shown back in the result.
 */
export async function reportPortOut(options: {
  db: Database;
  csipId: string;
  userId: string;
  csi: string;
  input: string;
  receivingCsipId: string | null;
  issuer: string;
  sealingKey: Buffer;
  auditKey: Buffer;
  now: Date;
}): Promise<{ result: RowResult; notices: Notice[] }> {
  const { results, notices } = await applyRemovalRows({
    db: options.db,
    csipId: options.csipId,
    userId: options.userId,
    rows: [
      {
        line: 1,
        ok: true,
        input: options.input,
        csi: options.csi,
        reason: "ported_out",
        ...(options.receivingCsipId ? { receivingCsip: options.receivingCsipId } : {}),
      },
    ],
    issuer: options.issuer,
    sealingKey: options.sealingKey,
    auditKey: options.auditKey,
    now: options.now,
  });
  return { result: results[0]!, notices };
}
