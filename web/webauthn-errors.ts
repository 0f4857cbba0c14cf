/** What to tell a person when the browser's WebAuthn call itself fails (before anything reaches the server). */
export function describeBrowserWebauthnError(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === "NotAllowedError" || name === "AbortError") return "The passkey request was cancelled or timed out. Try again when you are ready.";
  if (name === "InvalidStateError") return "This authenticator already holds a passkey for your account.";
  if (name === "NotSupportedError") return "This browser or authenticator cannot make the kind of passkey needed (ES256).";
  if (name === "SecurityError") return "The browser refused the passkey request for this address.";
  return "The passkey request failed. Try again, or use another authenticator.";
}
