/**
 * Genuine signed mappings for tests (Node only): a software passkey that makes real WebAuthn registrations and
 * assertions, and a test DP with a real ES256 key. For an MSP's own integration tests, and for this project's.
 */
export { SoftwareAuthenticator, type AuthenticationResponseJSON, type RegistrationResponseJSON } from "./testing/software-authenticator.ts";
export { createTestDp, NOW, sampleDocument, signMapping, type TestDp } from "./testing/signed-mapping-fixture.ts";
