import { decodeAttestationObject } from "@simplewebauthn/server/helpers";
import { PasskeyError } from "./passkey-error";

// WebAuthn Level 3, 6.1: the flags byte follows the 32-byte rpIdHash; bit 3 is BE, bit 4 is BS.
const FLAGS_OFFSET = 32;
const BACKUP_ELIGIBLE = 0x08;
const BACKUP_STATE = 0x10;

export type BackupFlags = { eligible: boolean; state: boolean };

function flagsOf(authenticatorData: Uint8Array): BackupFlags {
  const flags = authenticatorData[FLAGS_OFFSET];
  if (flags === undefined) throw new PasskeyError("malformed_response");
  return { eligible: (flags & BACKUP_ELIGIBLE) !== 0, state: (flags & BACKUP_STATE) !== 0 };
}

/** The backup flags a registration reports, read from the attestation object's authenticator data. */
export function registrationBackupFlags(attestationObject: string): BackupFlags {
  let authData: Uint8Array | undefined;
  try {
    authData = decodeAttestationObject(new Uint8Array(Buffer.from(attestationObject, "base64url"))).get("authData");
  } catch (error) {
    throw new PasskeyError("malformed_response", { cause: error });
  }
  if (!(authData instanceof Uint8Array)) throw new PasskeyError("malformed_response");
  return flagsOf(authData);
}

/** The backup flags an assertion reports. */
export function assertionBackupFlags(authenticatorData: string): BackupFlags {
  return flagsOf(new Uint8Array(Buffer.from(authenticatorData, "base64url")));
}

/**
 * Our own check, not only the library's (which may change): a credential that says it is backed up but cannot be
 * (BS without BE) is refused, and so is one whose eligibility differs from what it said at registration, which
 * WebAuthn Level 3 6.1.3 says never changes. Either means the authenticator, or what claims to be it, is lying.
 */
export function checkBackupFlags(flags: BackupFlags, registered?: { backupEligible: boolean }): void {
  if (flags.state && !flags.eligible) throw new PasskeyError("backup_state_without_eligibility");
  if (registered !== undefined && flags.eligible !== registered.backupEligible) throw new PasskeyError("backup_state_without_eligibility");
}
