/**
 * Labels, MSP ids, problem details and check details come from other parties and end up on a terminal or a page:
 * control and format characters (line breaks, escape sequences, bidi overrides) could forge or hide lines, so they
 * are shown as U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, "\uFFFD");
}
