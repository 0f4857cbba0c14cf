import type { OtpChannel, OtpPurpose } from "@/db/schema";

const PURPOSE_TEXT: Record<OtpPurpose, string> = {
  sign_in: "sign in to",
  add_identifier: "add this identifier to your account on",
  reauthenticate: "confirm it is you on",
  step_up: "confirm a sign-in to your account on",
};

/**
 * The text of a code message. Plain text only: nothing a user typed is placed in it (no HTML to inject), and
 * the origin is named so a person can tell a phishing page from the real one.
 */
export function composeCodeMessage(options: {
  channel: OtpChannel;
  code: string;
  purpose: OtpPurpose;
  origin: string;
}): { subject: string; text: string } {
  const { channel, code, purpose, origin } = options;
  const host = new URL(origin).host;
  if (channel === "voice") {
    const spoken = code.split("").join(", ");
    return { subject: "Your code", text: `Your mimi discovery code is: ${spoken}. Again: ${spoken}.` };
  }
  if (channel === "sms") {
    return { subject: "Your code", text: `${code} is your code to ${PURPOSE_TEXT[purpose]} ${host}. It expires in 10 minutes. Never share it.` };
  }
  return {
    subject: "Your mimi-discovery code",
    text: [
      `Your code to ${PURPOSE_TEXT[purpose]} ${host} is:`,
      "",
      `    ${code}`,
      "",
      `It expires in 10 minutes and works once. Enter it only at ${origin}.`,
      "If you did not ask for it, ignore this email: nobody can use your address without the code.",
    ].join("\n"),
  };
}
