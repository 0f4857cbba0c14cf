/**
 * Cookie names and attributes (security rules, "Sessions"): `__Host-` prefixed, Secure, HttpOnly and SameSite=Lax
 * whenever the app is served over https. A newcomer's http://localhost cannot carry Secure cookies in every
 * browser, so there, and only there, the prefix and the Secure flag are dropped.
 */
export type CookieAttributes = { httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean };

export function cookieAttributes(publicOrigin: string): CookieAttributes {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: publicOrigin.startsWith("https://") };
}

export function cookieName(publicOrigin: string, name: string): string {
  return publicOrigin.startsWith("https://") ? `__Host-${name}` : name;
}

export const sessionCookieName = (publicOrigin: string) => cookieName(publicOrigin, "mimi.session");
export const challengeCookieName = (publicOrigin: string, purpose: string) => cookieName(publicOrigin, `mimi.otp.${purpose}`);
export const stepUpCookieName = (publicOrigin: string) => cookieName(publicOrigin, "mimi.step_up");
