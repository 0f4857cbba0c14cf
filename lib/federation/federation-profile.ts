/**
 * The project's profile of RFC 9421 for DP-to-DP requests (section 1.4 of the RFC asks each application to fix
 * these): what is covered, which parameters must be present, and how long a signature is good for.
 */
export const FEDERATION_SIGNATURE_LABEL = "mimi";
export const FEDERATION_SIGNATURE_TAG = "mimi-federation";
/** The asking DP's issuer: the verifier finds its keys through the directory by this, and it is signed. */
export const DP_HEADER = "mimi-dp";
/** How many DPs the request has passed through, this one included: bounded against loops. Signed too. */
export const HOPS_HEADER = "mimi-hops";
export const FEDERATION_COMPONENTS = ["@method", "@target-uri", "content-type", "content-digest", DP_HEADER, HOPS_HEADER];
export const FEDERATION_PARAMETERS = ["created", "expires", "nonce", "keyid", "tag"] as const;
/** A signature is good for a minute after it was made; its nonce is remembered that long (and a little more). */
export const SIGNATURE_LIFETIME_SECONDS = 60;
/** How far ahead of our clock a peer's `created` may be. */
export const CLOCK_SKEW_SECONDS = 5;
