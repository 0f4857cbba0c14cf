import { ohttpGateway } from "@/http/ohttp-gateway";

export const dynamic = "force-dynamic";

/** The Oblivious HTTP gateway (RFC 9458; protocol section 7). The custom server serves it directly too. */
export const POST = ohttpGateway;
