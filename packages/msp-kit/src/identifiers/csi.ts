/** A normalised cross-service identifier (protocol section 1). `uri` is the only form stored, keyed and answered. */
export type PhoneLineType =
  | "mobile"
  | "fixed_line"
  | "fixed_line_or_mobile"
  | "voip"
  | "personal_number"
  | "toll_free"
  | "premium_rate"
  | "shared_cost"
  | "uan"
  | "pager"
  | "voicemail"
  | "unknown";

export type PhoneCsi = {
  kind: "tel";
  uri: `tel:+${string}`;
  e164: `+${string}`;
  region: string | undefined;
  lineType: PhoneLineType;
};

export type EmailCsi = {
  kind: "mailto";
  uri: `mailto:${string}`;
  address: string;
};

export type Csi = PhoneCsi | EmailCsi;
