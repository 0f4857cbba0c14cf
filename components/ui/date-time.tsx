/**
 * The one way the app writes an instant for people: "1 Dec 2026, 14:05 UTC", the same on the server and in the
 * browser (so hydration agrees), with the exact instant for machines in the time element. UTC, said so: recipients,
 * CSIP admins and operators sit in many time zones, and a time without its zone misleads.
 */
export function formatDateTime(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

/** The time of day only, for an instant within the hour (a code's expiry): "14:15 UTC". */
export function formatTimeOfDay(value: Date | string): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return `${date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" })} UTC`;
}

export function DateTime({ value }: { value: Date | string }) {
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <time dateTime={date.toISOString()} className="whitespace-nowrap">
      {formatDateTime(date)}
    </time>
  );
}
