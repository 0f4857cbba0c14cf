import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** How a stored identifier URI reads to a person: +1 408 555 1212, bob@example.com. */
export function displayIdentifier(uri: string): string {
  if (uri.startsWith("tel:")) return parsePhoneNumberFromString(uri.slice(4))?.formatInternational() ?? uri.slice(4);
  if (uri.startsWith("mailto:")) return uri.slice(7);
  return uri;
}
