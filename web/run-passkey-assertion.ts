import { startAuthentication, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import type { ActionResult } from "./action-result";
import { describeBrowserWebauthnError } from "./webauthn-errors";

type Started = { challengeId: string; options: PublicKeyCredentialRequestOptionsJSON };
type Failure = Extract<ActionResult, { ok: false }>;

/**
 * The browser side of every passkey confirmation: ask the server for a challenge, let the authenticator answer
 * it, hand the answer back. Each step's failure comes back as a message for the person, never as a throw.
 */
export async function runPasskeyAssertion<S extends Started, R extends ActionResult>(
  start: () => Promise<(ActionResult & { ok: true } & S) | Failure>,
  finish: (challengeId: string, response: AuthenticationResponseJSON) => Promise<R | Failure>,
  onStep?: (step: "waiting" | "finishing") => void,
): Promise<R | Failure> {
  const started = await start();
  if (!started.ok) return started;
  onStep?.("waiting");
  let response: AuthenticationResponseJSON;
  try {
    response = await startAuthentication({ optionsJSON: started.options });
  } catch (error) {
    return { ok: false, message: describeBrowserWebauthnError(error) };
  }
  onStep?.("finishing");
  return finish(started.challengeId, response);
}
