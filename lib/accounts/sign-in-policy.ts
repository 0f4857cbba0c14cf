import type { StepUpReason } from "@/db/schema";

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long an identifier may go unproven on its account before a code to it stops opening the account without a
 * question: 45 days, the minimum time a US carrier must age a permanently disconnected number before giving it to a
 * new subscriber (FCC Second Report and Order 18-177, 47 CFR § 52.15(f)(1)(ii), in force since 27 July 2020).
 * A previous holder's last code reached them before their number was disconnected, so a recycled number reaches
 * us at least this long after that last code, and is always asked about. A shorter wait would not catch more
 * recycled numbers; it would only ask more questions of people who kept theirs. Where numbers or addresses are
 * recycled faster, the CSIP's `reassigned` report is what catches them (it takes the identifier off the account).
 */
export const LONG_ABSENCE_DAYS = 45;
export const LONG_ABSENCE_MS = LONG_ABSENCE_DAYS * DAY_MS;

/** What an account holds besides the identifier a code was just entered for, and when that identifier was last proven. */
export type AccountCredentials = {
  hasPasskey: boolean;
  /** Its other verified identifiers, each of which can get a code. */
  otherIdentifiers: number;
  /** The last time the account's holder entered a code sent to this identifier. */
  provenAt: Date;
};

export type CodeSignInDecision = { kind: "direct" } | { kind: "step_up"; reason: StepUpReason };

/**
 * Whether a code alone opens the account that holds its identifier. A code proves who holds the identifier now, not
 * who owns the account, so it opens the account only when it is the account's strongest credential (no passkey), and
 * only if the identifier was proven on this account recently enough that it cannot have been recycled since.
 */
export function decideCodeSignIn(account: AccountCredentials, now: Date): CodeSignInDecision {
  if (account.hasPasskey) return { kind: "step_up", reason: "passkey" };
  if (now.getTime() - account.provenAt.getTime() >= LONG_ABSENCE_MS) return { kind: "step_up", reason: "long_absence" };
  return { kind: "direct" };
}

/** The ways out of a step-up, for the account as it is now; "I am the new holder" is always one of them. */
export type StepUpOffers = {
  /** The account's passkey. */
  passkey: boolean;
  /** A code to another of the account's identifiers, typed in full (the page never lists them). */
  otherIdentifier: boolean;
  /**
   * "It is my account": only when the code is all the account has (no passkey, no other identifier). Nothing
   * stronger exists to ask for, so the holder keeps working by code; the question lets a new holder step aside.
   */
  ownAccount: boolean;
  newHolder: true;
};

export function stepUpOffers(account: Pick<AccountCredentials, "hasPasskey" | "otherIdentifiers">): StepUpOffers {
  return {
    passkey: account.hasPasskey,
    otherIdentifier: account.otherIdentifiers > 0,
    ownAccount: !account.hasPasskey && account.otherIdentifiers === 0,
    newHolder: true,
  };
}
