import type { SecurityScheme } from "@/http/openapi/types";

/** The two kinds of API key (lib/api-keys/api-key-format.ts); withApiKey lets each through to its own routes only. */
export const SECURITY_SCHEMES = {
  mspApiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "mimi_msp_<8 characters>.<43 characters>",
    description: "An MSP API key, issued by this DP's operator to a registered messaging service provider and shown once.",
  },
  csipApiKey: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "mimi_csip_<8 characters>.<43 characters>",
    description:
      "A CSIP API key, issued by this DP's operator to a registered cross-service identifier provider (a telco or email provider) and shown once.",
  },
} satisfies Record<string, SecurityScheme>;

export const MSP_SECURITY = [{ mspApiKey: [] }];
export const CSIP_SECURITY = [{ csipApiKey: [] }];
/** The discovery documents are public. */
export const NO_SECURITY = [];
