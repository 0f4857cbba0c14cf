import js from "@eslint/js";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/**
 * The DP's layers, as import rules (README, "Architecture"). Arrows run one way: app/ and components/ use web/,
 * http/ and lib/; web/ (the Next.js edge) and http/ (the API layer) use lib/; lib/ (the domain) uses neither, nor
 * Next, React or Auth.js. Folders are imported through @/, never ../, so that these patterns see every arrow.
 */
const noParentImports = { regex: "^\\.\\./", message: "Import another folder through @/ (such as @/lib/otp/request-code), not ../." };
const framework = {
  group: ["next", "next/*", "react", "react-dom", "react/*", "next-auth", "next-auth/*", "@auth/*"],
  message: "lib/ is framework-free domain code: Next.js, React and Auth.js belong to web/ or app/.",
};
const edges = (layer, message) => ({ group: ["@/app/*", "@/components/*", ...layer], message });
const layerRules = (...patterns) => ({ "@typescript-eslint/no-restricted-imports": ["error", { patterns: [noParentImports, ...patterns] }] });

export default tseslint.config(
  { ignores: ["packages/*/dist/**", ".next/**", "node_modules/**", ".data/**", "db/migrations/**", "next-env.d.ts", "test-results/**", "playwright-report/**", ".stryker-tmp/**", "reports/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { drizzle },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      // Every delete and update names its rows: an unscoped one is never intended here.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "no-control-regex": "off",
      ...layerRules(),
    },
  },
  {
    // Server code logs through lib/log (describeError): a console call with an error or an identifier in it is how
    // addresses ended up in logs. The development outbox prints its codes on purpose, with the destination masked.
    files: ["lib/**/*.ts", "web/**/*.{ts,tsx}", "http/**/*.ts", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    ignores: ["lib/log/**", "lib/delivery/dev-outbox.ts", "**/*.test.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["lib/**/*.ts", "db/**/*.ts", "env.ts"],
    rules: layerRules(framework, edges(["@/web", "@/web/*", "@/http", "@/http/*"], "lib/ is the domain: the web edge and the HTTP layer call it, never the other way.")),
  },
  {
    // The lookup routes run outside Next too (the custom server serves them directly).
    files: ["http/**/*.ts"],
    rules: layerRules(
      { group: ["next", "next/*", "react", "react-dom", "next-auth", "next-auth/*"], message: "http/ runs outside Next: no Next.js, React or Auth.js here." },
      edges(["@/web", "@/web/*"], "http/ is the API layer; it uses lib/, never the web edge or pages."),
    ),
  },
  {
    // The API layer's own tests drive the real route handlers, as a client reaches them (http/openapi-errors.test.ts):
    // they may import a route module of the API, and still no page, component, web edge or Next.
    files: ["http/**/*.test.ts"],
    rules: layerRules(
      { group: ["next", "next/*", "react", "react-dom", "next-auth", "next-auth/*"], message: "http/ runs outside Next: no Next.js, React or Auth.js here." },
      { group: ["@/components/*", "@/web", "@/web/*"], message: "http/ is the API layer; it uses lib/, never the web edge or pages." },
      { regex: "^@/app/(?!api/(?:.+/)?route$|\\.well-known/(?:.+/)?route$)", message: "http/ tests may import the API's route modules (app/api/**/route, app/.well-known/**/route), never a page." },
    ),
  },
  {
    files: ["web/**/*.{ts,tsx}"],
    rules: layerRules(edges([], "web/ is the Next.js edge pages use; it never imports a page or component.")),
  },
  {
    // The MSP kit is a package of its own: it imports nothing of the DP (its tests check what it may import).
    files: ["packages/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: ["@/*"], message: "The MSP kit imports nothing of the DP." }] }] },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Playwright fixtures take `{}` when they use no other fixture: that is the library's convention.
    files: ["e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off" },
  },
);
