import { readFileSync } from "node:fs";
import { connect } from "node:net";
import fc from "fast-check";
import nodemailer from "nodemailer";
import { afterEach, describe, expect, it } from "vitest";
import { startSmtpSink } from "@/test/support/smtp-sink";
import { normalizeEmail } from "@mimi-discovery/msp-kit";
import { composeCodeMessage } from "./compose-message";
import { sendEmail } from "./send-email";

/*
 * test/fixtures/smtp-tls/{key,cert}.pem: a self-signed certificate for localhost and 127.0.0.1, valid 20 years, made with
 *   openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7300 -subj "/CN=localhost" \
 *     -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout key.pem -out cert.pem
 */
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/smtp-tls/${name}`, import.meta.url));
const key = fixture("key.pem");
const cert = fixture("cert.pem");

type Sink = Awaited<ReturnType<typeof startSmtpSink>>;
let sinks: Sink[] = [];
afterEach(async () => {
  await Promise.all(sinks.map((sink) => sink.close()));
  sinks = [];
});

async function startSink(options: Parameters<typeof startSmtpSink>[0] = {}): Promise<Sink> {
  const sink = await startSmtpSink(options);
  sinks.push(sink);
  return sink;
}

const FROM = "noreply@discovery.example.org";
const ORIGIN = "https://discovery.example.org";

/** Splits a received message into unfolded headers and its body, decoding a quoted-printable body. */
function parseMessage(raw: string) {
  const end = raw.indexOf("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of raw.slice(0, end).replace(/\r\n[ \t]+/gu, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(end + 4);
  if (headers.get("content-transfer-encoding")?.toLowerCase() === "quoted-printable") {
    body = body.replace(/=\r\n/gu, "").replace(/=([0-9A-F]{2})/gu, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return { headers, body };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable("the send should have failed"),
    (error: unknown) => error as Error,
  );
}

describe("sendEmail over plain SMTP to loopback", () => {
  it("delivers one text/plain message with the code to exactly the recipient given", async () => {
    const sink = await startSink();
    const { subject, text } = composeCodeMessage({ channel: "email", code: "394817", purpose: "sign_in", origin: ORIGIN });
    await sendEmail({ url: `smtp://127.0.0.1:${sink.port}`, from: FROM }, { to: "bob@example.com", subject, text });

    expect(sink.received).toHaveLength(1);
    const [mail] = sink.received;
    expect(mail?.to).toStrictEqual(["bob@example.com"]);
    expect(mail?.from).toBe(FROM);
    const { headers, body } = parseMessage(mail?.raw ?? "");
    expect(headers.get("content-type")).toMatch(/^text\/plain\b/u);
    expect(headers.get("subject")).toBe(subject);
    expect(headers.get("to")).toBe("bob@example.com");
    expect(mail?.raw).not.toMatch(/text\/html|multipart\//iu);
    expect(body).toContain("394817");
    expect(body).toContain(ORIGIN);
    expect(body).not.toMatch(/<[a-z!/]/iu);
  });

  it("sends to a recipient byte-identical to the normalised address, whatever dot-atom characters it has", async () => {
    const sink = await startSink();
    const atext = fc.constantFrom(..."abcXYZ019!#$%&'*+/=?^_`{|}~-".split(""));
    const local = fc
      .array(fc.string({ unit: atext, minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
      .map((atoms) => atoms.join("."));
    await fc.assert(
      fc.asyncProperty(local, async (localPart) => {
        const { address } = normalizeEmail(`${localPart}@Example.COM`);
        const before = sink.received.length;
        await sendEmail({ url: `smtp://127.0.0.1:${sink.port}`, from: FROM }, { to: address, subject: "Your code", text: "123456" });
        const delivered = sink.received.slice(before);
        expect(delivered).toHaveLength(1);
        expect(delivered[0]?.to).toStrictEqual([address]);
      }),
      { numRuns: 20 }, // each run is a real SMTP session (~150 ms: smtp-server waits before its greeting)
    );
  });

  it("addresses an internationalised domain in its ASCII form, as normalised", async () => {
    // smtp-server hands the envelope recipient over with the domain decoded back to Unicode, so the header
    // (written by the client) is where the ASCII form is visible.
    const sink = await startSink();
    const { address } = normalizeEmail("Bob@Bücher.de");
    await sendEmail({ url: `smtp://127.0.0.1:${sink.port}`, from: FROM }, { to: address, subject: "Your code", text: "123456" });
    expect(sink.received).toHaveLength(1);
    expect(parseMessage(sink.received[0]?.raw ?? "").headers.get("to")).toBe("bob@xn--bcher-kva.de");
  });

  it("authenticates with the user name and password from the URL, percent-decoded", async () => {
    const logins: Array<{ username: unknown; password: unknown }> = [];
    const sink = await startSink({
      authOptional: false,
      allowInsecureAuth: true, // loopback without TLS, for this test only
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        callback(null, { user: auth.username });
      },
    });
    const url = `smtp://mimi%40discovery:p%40ss%3Aw%2Frd@127.0.0.1:${sink.port}`;
    await sendEmail({ url, from: FROM }, { to: "bob@example.com", subject: "Your code", text: "123456" });
    expect(logins).toStrictEqual([{ username: "mimi@discovery", password: "p@ss:w/rd" }]);
    expect(sink.received).toHaveLength(1);
  });
});

describe("sendEmail checks TLS certificates (CVE-2023-38686)", () => {
  /** The same server, reached by a client that does trust the fixture: proves the refusal is about trust alone. */
  async function sendTrusting(port: number, options: { secure: boolean }) {
    const transport = nodemailer.createTransport({
      host: "localhost",
      port,
      secure: options.secure,
      requireTLS: !options.secure,
      tls: { ca: cert },
    });
    try {
      await transport.sendMail({ from: FROM, to: "control@example.com", text: "control" });
    } finally {
      transport.close();
    }
  }

  it.each(["localhost", "127.0.0.1"])("smtps://%s with a self-signed certificate: refused, nothing delivered", async (host) => {
    const sink = await startSink({ secure: true, key, cert });
    const error = await rejectionOf(
      sendEmail({ url: `smtps://${host}:${sink.port}`, from: FROM }, { to: "bob@example.com", subject: "Your code", text: "394817" }),
    );
    expect(error.message).toMatch(/self[- ]signed certificate/iu);
    expect(sink.received).toHaveLength(0);

    await sendTrusting(sink.port, { secure: true });
    expect(sink.received.map((mail) => mail.to)).toStrictEqual([["control@example.com"]]);
  });

  it("smtp://localhost offering STARTTLS with a self-signed certificate: refused, not sent in clear text", async () => {
    const sink = await startSink({ key, cert, disabledCommands: [] });
    const error = await rejectionOf(
      sendEmail({ url: `smtp://localhost:${sink.port}`, from: FROM }, { to: "bob@example.com", subject: "Your code", text: "394817" }),
    );
    expect(error.message).toMatch(/self[- ]signed certificate/iu);
    expect(sink.received).toHaveLength(0);

    await sendTrusting(sink.port, { secure: false });
    expect(sink.received).toHaveLength(1);
  });
});

describe("sendEmail requires STARTTLS over smtp:// to anything but loopback", () => {
  /** Whether this machine can reach the IPv4 sink through an IPv4-mapped IPv6 address (needs IPv6 in the kernel). */
  function canReachMapped(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: "::ffff:127.0.0.1", port, timeout: 2_000 });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
      socket.once("timeout", () => {
        socket.destroy();
        resolve(false);
      });
    });
  }

  it("a host outside the loopback names, with no STARTTLS offered: refused, nothing delivered", async ({ skip }) => {
    // A real remote name would need DNS and a network. [::ffff:127.0.0.1] is the sink's own address, reached without
    // either, but it is not one of the names send-email treats as loopback, so it is handled as a remote server.
    const sink = await startSink(); // plain SMTP, STARTTLS disabled: what a stripped STARTTLS offer looks like
    if (!(await canReachMapped(sink.port))) skip("IPv4-mapped IPv6 addresses are not reachable here");

    const error = await rejectionOf(
      sendEmail({ url: `smtp://[::ffff:127.0.0.1]:${sink.port}`, from: FROM }, { to: "bob@example.com", subject: "Your code", text: "394817" }),
    );
    expect(error.message).toMatch(/STARTTLS|TLS/u);
    expect(sink.received).toHaveLength(0);

    // The same server by its loopback name is allowed clear text, which shows the refusal above is requireTLS.
    await sendEmail({ url: `smtp://127.0.0.1:${sink.port}`, from: FROM }, { to: "bob@example.com", subject: "Your code", text: "394817" });
    expect(sink.received).toHaveLength(1);
  });
});
