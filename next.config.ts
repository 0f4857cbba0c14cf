import type { NextConfig } from "next";
import { getEnv } from "./env";
import { SECURITY_HEADERS } from "./http/security-headers";

// A bad configuration stops `next build` and `next start` with the variable's name, as it stops the server.
getEnv();

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder at run time; bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "libsodium-wrappers-sumo"],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: "64kb" },
  },
  async headers() {
    return [{ source: "/:path*", headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })) }];
  },
};

export default nextConfig;
