import nodemailer from "nodemailer";

export type SmtpConfig = { url: string; from: string };

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * Sends one plain-text email. Certificates are always verified (CVE-2023-38686 was a client that did not);
 * over smtp:// to anything but loopback, STARTTLS is required, so a stripped STARTTLS offer fails the send
 * instead of falling back to clear text.
 */
export async function sendEmail(config: SmtpConfig, message: { to: string; subject: string; text: string }): Promise<void> {
  const url = new URL(config.url);
  const implicitTls = url.protocol === "smtps:";
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[(.*)\]$/u, "$1"),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    secure: implicitTls,
    requireTLS: !implicitTls && !LOOPBACK_HOSTS.has(url.hostname),
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    tls: { rejectUnauthorized: true, minVersion: "TLSv1.2" },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      // Addresses were validated upstream; this stops nodemailer from ever reading one out of other headers.
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  } finally {
    transport.close();
  }
}
