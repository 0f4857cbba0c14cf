import { getDb } from "@/db/index";
import { ApiError, problemResponse, toApiError, type ApiErrorCode } from "@/http/problem";
import { getEnv } from "@/env";
import { getCurrentSession } from "@/web/current-session";
import { getAppKeys, getTextDeliverer } from "@/web/services";
import { now } from "@/lib/clock";
import { applyRemovalRows } from "@/lib/csip-console/apply-removal-rows";
import { findMembership } from "@/lib/csip-console/list-memberships";
import { CSV_LIMITS, parseRemovalCsv } from "@/lib/csip/parse-removal-csv";
import { sendNotice } from "@/lib/notifications/notify";

export const dynamic = "force-dynamic";

const refuse = (code: ApiErrorCode, detail: string) => problemResponse(getEnv().publicOrigin, new ApiError(code, detail));

/**
 * A CSIP admin's CSV upload from the removals page: the raw file is the request body, streamed through the bounded
 * reader (it stops and cancels the stream past CSV_LIMITS), so memory stays bounded whatever is sent. Not a server
 * action: those buffer the whole body and are capped at 64 KB (next.config.js), far below a real file.
 *
 * Being a plain route, it does its own checks: the browser's Origin must be ours (a cross-site page cannot post
 * here in the admin's name; SameSite=Lax already keeps the session cookie off such requests), the session must
 * be an admin of this CSIP (404 otherwise, as for the pages), and the body must be text/csv (not a CORS-simple
 * type, so another site cannot even send it without a preflight we never answer).
 *
 * Answers a problem document (RFC 9457, as the API) whose detail is one sentence when the file as a whole cannot be
 * read; otherwise 200 with NDJSON lines: progress while the rows are applied, then one result per row; nothing
 * is applied for a refused file or a refused row, and the valid rows go in one transaction.
 */
export async function POST(request: Request, { params }: { params: Promise<{ csipId: string }> }) {
  const env = getEnv();
  if (request.headers.get("origin") !== env.publicOrigin) return refuse("forbidden", "Upload the file from the CSIP console page.");
  const session = await getCurrentSession();
  if (!session) return refuse("unauthorized", "Your session has ended. Sign in again, then upload the file.");
  const { csipId } = await params;
  const db = getDb();
  const membership = await findMembership(db, { userId: session.userId, csipId });
  if (!membership) return refuse("not_found", "Not found.");
  if (!/^text\/csv\s*(;|$)/iu.test(request.headers.get("content-type") ?? "")) return refuse("unsupported_media_type", "Upload a CSV file (text/csv).");
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > CSV_LIMITS.maxBytes) {
    return refuse(
      "payload_too_large",
      `The file is larger than ${CSV_LIMITS.maxBytes / (1024 * 1024)} MB, the most one upload may hold. Split it into smaller files and upload each one.`,
    );
  }
  if (!request.body) return refuse("malformed_request", "The file is empty. Its first line must be a header row naming csi and reason.");

  let parsed: Awaited<ReturnType<typeof parseRemovalCsv>>;
  try {
    parsed = await parseRemovalCsv(request.body);
  } catch (error) {
    return problemResponse(env.publicOrigin, toApiError(error));
  }
  if (!parsed.ok) return refuse("invalid_value", parsed.error);
  const rows = parsed.rows;

  // The file is read: from here the answer is a stream of NDJSON lines, progress while the rows are applied (so a
  // person waiting on thousands of rows sees how many are done), then the result, or the problem that stopped it.
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const encoder = new TextEncoder();
      const send = (line: object) => controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      let reported = -1;
      try {
        const { results, summary, notices } = await applyRemovalRows({
          db,
          csipId: membership.csipId,
          userId: session.userId,
          rows,
          issuer: env.publicOrigin,
          sealingKey: getAppKeys().sealing,
          auditKey: getAppKeys().audit,
          now: now(),
          onProgress: (done, total) => {
            // About a hundred steps, whatever the file's size.
            const step = Math.floor((done * 100) / total);
            if (step === reported) return;
            reported = step;
            send({ progress: { done, total } });
          },
        });
        // After commit, best effort, as the API does: the portal shows every notice anyway.
        const deliverText = getTextDeliverer();
        await Promise.allSettled(notices.map((notice) => sendNotice(db, deliverText, notice)));
        send({ result: { results, summary } });
      } catch (error) {
        // The transaction rolled back: nothing was applied. A down dependency or an unknown failure, said as the API says it.
        const problem = toApiError(error);
        send({ problem: { code: problem.code, detail: problem.detail } });
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
}
