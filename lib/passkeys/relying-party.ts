/** The WebAuthn relying party is the DP's public origin: rpID its host name, origin checked exactly. */
export type RelyingParty = { rpId: string; origin: string; rpName: string };

export function relyingPartyFor(publicOrigin: string): RelyingParty {
  return { rpId: new URL(publicOrigin).hostname, origin: publicOrigin, rpName: "mimi-discovery" };
}
