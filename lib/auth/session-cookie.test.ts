import { describe, expect, it } from "vitest";
import { challengeCookieName, cookieAttributes, sessionCookieName } from "./session-cookie";

/** Security rules, "Sessions": `__Host-` cookies, Secure outside localhost development, HttpOnly, SameSite=Lax. */
describe("session and challenge cookies", () => {
  it("over https: __Host- names, Secure, HttpOnly, SameSite=Lax, path / and no Domain", () => {
    expect(sessionCookieName("https://dp.example")).toBe("__Host-mimi.session");
    expect(challengeCookieName("https://dp.example", "sign_in")).toBe("__Host-mimi.otp.sign_in");
    expect(cookieAttributes("https://dp.example")).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: true });
  });

  it("on plain http (localhost development only): no prefix, not Secure, still HttpOnly and SameSite=Lax", () => {
    expect(sessionCookieName("http://localhost:3000")).toBe("mimi.session");
    expect(challengeCookieName("http://localhost:3000", "reauthenticate")).toBe("mimi.otp.reauthenticate");
    expect(cookieAttributes("http://localhost:3000")).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
  });

  it("reads the scheme, not a word in the host: an http origin named after https gets no Secure cookie it cannot keep", () => {
    expect(cookieAttributes("http://https.example").secure).toBe(false);
    expect(sessionCookieName("http://https.example")).toBe("mimi.session");
  });
});
