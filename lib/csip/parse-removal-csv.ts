import { CSIP_REMOVAL_REASONS, IdentifierError, parseIdentifier, type CsipRemovalReason } from "@mimi-discovery/msp-kit";
import { CsvRecordReader, readFirstLine, TooManyValuesError, UnclosedQuoteError, type CsvRecord, type CsvRecordOptions } from "./csv-records";

export type RemovalReason = CsipRemovalReason;

/**
 * One data row, in file order. `line`: the physical line it starts on (the header is line 1). `input`: the csi cell
 * as the file has it, after CSV unquoting only (cut to `maxFieldLength` when longer). `error`: one sentence for the
 * admin, starting "Line N: ".
 */
export type CsvRow =
  | { line: number; ok: true; input: string; csi: string; reason: RemovalReason; receivingCsip?: string }
  | { line: number; ok: false; input: string; error: string };

/** `ok: false`: the file as a whole is refused (encoding, size, header, row count), with a sentence for the admin. */
export type CsvParseResult =
  | { ok: true; rows: CsvRow[]; validCount: number; invalidCount: number }
  | { ok: false; error: string };

export type CsvLimits = { maxBytes: number; maxRows: number; maxFieldLength: number };

export const CSV_LIMITS: Readonly<CsvLimits> = Object.freeze({
  maxBytes: 2 * 1024 * 1024,
  maxRows: 10_000,
  maxFieldLength: 512,
});

const REASONS: readonly RemovalReason[] = CSIP_REMOVAL_REASONS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
const SAVE_AS_UTF8 = 'Save it from your spreadsheet as "CSV UTF-8" and upload it again.';
const EXPECTED_COLUMNS = "csi and reason (in any order), and optionally receiving_csip";
/** A header has three columns at most; more are counted but not kept. */
const MAX_HEADER_CELLS = 16;
/** A header row of more values than this is no header a person wrote; reading stops there (see maxValues). */
const MAX_HEADER_VALUES = 1000;

/**
 * Reads a CSIP admin's bulk-removal upload (protocol section 5) into one result per row, without applying anything.
 *
 * The file is streamed and bounded: reading stops, and the stream is cancelled, as soon as it passes `maxBytes` or
 * `maxRows`, and no cell keeps more than `maxFieldLength` characters, so memory stays bounded whatever is uploaded.
 * A file is refused as a whole when it cannot be read as a whole (encoding, size, header, row count, a quote that is
 * never closed); anything wrong with one row is reported on that row, so the admin sees every problem at once.
 *
 * The decoding, the separator, the header and the row rules are here; the CSV syntax is csv-parse's, read through
 * csv-records.ts. Decisions: UTF-8 only, a UTF-8 BOM is dropped; the separator is a comma, or a semicolon when the
 * header row has semicolons and no commas (spreadsheets in locales with a decimal comma save CSV that way); CRLF, LF
 * and a lone CR all end a line; `reason` is read trimmed and case-insensitively; `input` is never formula-escaped
 * (a + number is a number), so whoever writes it back into a spreadsheet must escape it there.
 */
export async function parseRemovalCsv(
  input: ReadableStream<Uint8Array> | Uint8Array,
  limits: CsvLimits = CSV_LIMITS,
): Promise<CsvParseResult> {
  const reader = new RemovalCsvReader(limits);
  try {
    if (input instanceof Uint8Array) await reader.pushBytes(input);
    else await pump(input, reader);
    return await reader.finish();
  } catch (error) {
    if (error instanceof CsvRefusal) return { ok: false, error: error.message };
    throw error;
  }
}

/** Whatever stops the reading (a refusal, a bug), the source is cancelled so it produces nothing more. */
async function pump(stream: ReadableStream<Uint8Array>, reader: RemovalCsvReader): Promise<void> {
  const source = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await source.read();
      if (done) return;
      await reader.pushBytes(value);
    }
  } catch (error) {
    await source.cancel(error instanceof CsvRefusal ? error.message : "parse failed").catch(() => undefined);
    throw error;
  } finally {
    source.releaseLock();
  }
}

class CsvRefusal extends Error {}

type Header = { count: number; names: string[]; csi: number; reason: number; receivingCsip: number | undefined };

class RemovalCsvReader {
  private bytes = 0;
  private head: Uint8Array | undefined = new Uint8Array(0); // the first bytes, held until a UTF-16 BOM can be ruled out
  private readonly decoder = new TextDecoder("utf-8", { fatal: true }); // drops a UTF-8 BOM by itself
  private firstLine: string | undefined = ""; // text held until the header line ends and the separator is known
  private separator: "," | ";" = ",";
  private records: CsvRecordReader | undefined;
  private header: Header | undefined;
  private readonly rows: CsvRow[] = [];
  private readonly seen = new Map<string, number>(); // csi URI -> line it was first listed on

  constructor(private readonly limits: CsvLimits) {}

  async pushBytes(chunk: Uint8Array): Promise<void> {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) {
      throw new CsvRefusal(
        `The file is larger than ${formatBytes(this.limits.maxBytes)}, the most one upload may hold. ` +
          "Split it into smaller files and upload each one.",
      );
    }
    let bytes = chunk;
    if (this.head) {
      bytes = concat(this.head, chunk);
      this.head = bytes.length < 2 ? bytes : undefined;
      if (this.head) return;
      checkNotUtf16(bytes);
    }
    await this.pushText(this.decode(bytes, true));
  }

  async finish(): Promise<CsvParseResult> {
    if (this.head) checkNotUtf16(this.head);
    await this.pushText(this.decode(this.head ?? new Uint8Array(0), false));
    this.head = undefined;
    const records = this.records ?? (await this.startRecords()); // a file without a line break
    try {
      await records.end();
    } catch (error) {
      if (error instanceof TooManyValuesError) throw this.tooManyValues(error);
      if (!(error instanceof UnclosedQuoteError)) throw error;
      throw new CsvRefusal(
        `Line ${error.line}: a value opens with a double quote (") that is never closed, so the rest of the file ` +
          "cannot be read. Close or remove that quote and upload the file again.",
      );
    }
    if (!this.header) throw new CsvRefusal(`The file is empty. Its first line must be a header row naming ${EXPECTED_COLUMNS}.`);
    if (this.rows.length === 0) throw new CsvRefusal("The file has a header row but no identifiers to remove.");
    const validCount = this.rows.filter((row) => row.ok).length;
    return { ok: true, rows: this.rows, validCount, invalidCount: this.rows.length - validCount };
  }

  private decode(bytes: Uint8Array, stream: boolean): string {
    if (bytes.includes(0)) {
      throw new CsvRefusal(`The file contains NUL bytes, so it is not UTF-8 text (UTF-16 files look like this). ${SAVE_AS_UTF8}`);
    }
    try {
      return this.decoder.decode(bytes, { stream });
    } catch {
      throw new CsvRefusal(`The file is not UTF-8 text (it may be Latin-1 or Windows-1252). ${SAVE_AS_UTF8}`);
    }
  }

  private async pushText(text: string): Promise<void> {
    if (this.records) {
      if (text !== "") await this.write(text);
      return;
    }
    this.firstLine += text;
    if (!/[\r\n]/u.test(text)) return;
    const held = this.firstLine!;
    await this.startRecords();
    // The reader holds back the last bytes written to it (see readFirstLine), so line 1 may not have come out yet:
    // it is judged now from a copy, so that a bad header row is refused before the next chunk is read. A good one
    // is read again, as the reader's first record.
    const lineOne = this.header ? undefined : await readFirstLine(held, this.headerOptions());
    if (lineOne) readHeader(lineOne, this.separator);
  }

  private async startRecords(): Promise<CsvRecordReader> {
    const text = this.firstLine!;
    this.firstLine = undefined;
    this.separator = sniffSeparator(text);
    this.records = new CsvRecordReader(this.headerOptions(), (record) => this.onRecord(record));
    await this.write(text);
    return this.records;
  }

  private async write(text: string): Promise<void> {
    try {
      await this.records!.write(text);
    } catch (error) {
      throw error instanceof TooManyValuesError ? this.tooManyValues(error) : error;
    }
  }

  private tooManyValues(error: TooManyValuesError): CsvRefusal {
    return new CsvRefusal(
      `Line ${error.line} has more than ${error.maxValues} values, and a removal file has at most 3 columns ` +
        `(${EXPECTED_COLUMNS}). Check that the columns are separated by ${separatorName(this.separator)} and upload the file again.`,
    );
  }

  /** Until the header row is read: onRecord then narrows maxCells to its column count. */
  private headerOptions(): CsvRecordOptions {
    return { separator: this.separator, maxFieldLength: this.limits.maxFieldLength, maxCells: MAX_HEADER_CELLS, maxValues: MAX_HEADER_VALUES };
  }

  private onRecord(record: CsvRecord): void {
    if (!this.header) {
      this.header = readHeader(record, this.separator);
      this.records!.maxCells = this.header.count;
      this.records!.maxValues = MAX_HEADER_CELLS;
      return;
    }
    if (isBlank(record)) return;
    if (this.rows.length >= this.limits.maxRows) {
      throw new CsvRefusal(
        `The file has more than ${this.limits.maxRows.toLocaleString("en-US")} rows, the most one upload may hold. ` +
          "Split it into smaller files and upload each one.",
      );
    }
    this.rows.push(this.readRow(record, this.header));
  }

  private readRow(record: CsvRecord, header: Header): CsvRow {
    const { line, cells } = record;
    const input = cells[header.csi] ?? "";
    const fail = (error: string): CsvRow => ({ line, ok: false, input, error: `Line ${line}: ${error}` });
    if (record.malformed) {
      return fail(`a closing quote must be followed by ${separatorName(this.separator)} or the end of the line.`);
    }
    if (record.cellCount !== header.count) {
      return fail(`this row has ${plural(record.cellCount, "value")} but the header row has ${plural(header.count, "column")}.`);
    }
    if (record.overlongCell !== undefined) {
      const name = header.names[record.overlongCell];
      return fail(`the ${name} value is longer than ${this.limits.maxFieldLength} characters.`);
    }
    if (input.trim() === "") return fail("the csi is empty; enter a phone number or an email address.");
    let csi: string;
    try {
      csi = parseIdentifier(input).uri;
    } catch (error) {
      if (error instanceof IdentifierError) return fail(error.message);
      throw error;
    }
    const firstLine = this.seen.get(csi);
    if (firstLine !== undefined) return fail(`this identifier is already listed on line ${firstLine}.`);
    this.seen.set(csi, line);
    const reason = (cells[header.reason] ?? "").trim().toLowerCase();
    if (!isReason(reason)) return fail(`the reason must be one of ${REASONS.join(", ")}.`);
    const receivingCsip = header.receivingCsip === undefined ? "" : (cells[header.receivingCsip] ?? "").trim();
    if (receivingCsip === "") return { line, ok: true, input, csi, reason };
    if (reason !== "ported_out") return fail("receiving_csip may only be given when the reason is ported_out.");
    if (!UUID.test(receivingCsip)) {
      return fail("receiving_csip must be the receiving CSIP's id, a UUID such as 123e4567-e89b-12d3-a456-426614174000.");
    }
    return { line, ok: true, input, csi, reason, receivingCsip: receivingCsip.toLowerCase() };
  }
}

function readHeader(record: CsvRecord, separator: string): Header {
  const names = record.cells.map((cell) => cell.trim().toLowerCase());
  const refuse = (problem: string): never => {
    const tabs = separator === "," && record.cells.some((cell) => cell.includes("\t")) ? " Separate columns with commas, not tabs." : "";
    throw new CsvRefusal(`The header row (line 1) must name the columns ${EXPECTED_COLUMNS}; ${problem}.${tabs}`);
  };
  if (isBlank(record)) refuse("line 1 is empty");
  const unknown = names.filter((name) => name !== "csi" && name !== "reason" && name !== "receiving_csip");
  if (unknown.length > 0 || record.cellCount > names.length) {
    const listed = unknown.slice(0, 5).map((name) => (name === "" ? "an unnamed column" : `a column named "${name}"`));
    const more = record.cellCount - names.length + Math.max(0, unknown.length - 5);
    refuse(`it also has ${listed.join(", ")}${more > 0 ? ` and ${plural(more, "more column")}` : ""}`);
  }
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) refuse(`it has ${twice} twice`);
  const csi = names.indexOf("csi");
  const reason = names.indexOf("reason");
  if (csi < 0 || reason < 0) refuse(`it has no ${csi < 0 ? "csi" : "reason"} column`);
  const receivingCsip = names.indexOf("receiving_csip");
  return { count: names.length, names, csi, reason, receivingCsip: receivingCsip < 0 ? undefined : receivingCsip };
}

function checkNotUtf16(bytes: Uint8Array): void {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CsvRefusal(`The file is saved as UTF-16 ("Unicode text"), not UTF-8. ${SAVE_AS_UTF8}`);
  }
}

/** A semicolon only when the header has semicolons and no commas outside quotes: a comma file stays a comma file. */
function sniffSeparator(text: string): "," | ";" {
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\r" || char === "\n")) break;
    else if (!quoted && char === ",") commas++;
    else if (!quoted && char === ";") semicolons++;
  }
  return semicolons > 0 && commas === 0 ? ";" : ",";
}

function isReason(value: string): value is RemovalReason {
  return (REASONS as readonly string[]).includes(value);
}

function isBlank(record: CsvRecord): boolean {
  return !record.malformed && record.cellCount === record.cells.length && record.cells.every((cell) => cell.trim() === "");
}

function separatorName(separator: string): string {
  return separator === ";" ? "a semicolon" : "a comma";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
