import { describe, expect, it } from "vitest";
import { CSV_LIMITS, parseRemovalCsv, type CsvLimits, type CsvParseResult, type CsvRow } from "./parse-removal-csv";

const encode = (text: string) => new TextEncoder().encode(text);
const UUID = "123e4567-e89b-12d3-a456-426614174000";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

function byteByByte(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return streamOf([...bytes].map((byte) => Uint8Array.of(byte)));
}

/** A source that makes each chunk only when asked, and records how much was asked of it. */
function lazySource(makeChunk: (index: number) => Uint8Array | undefined) {
  const stats = { chunks: 0, bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = makeChunk(stats.chunks);
      if (!chunk) return controller.close();
      stats.chunks++;
      stats.bytes += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      stats.cancelled = true;
    },
  });
  return { stream, stats };
}

async function parse(text: string, limits?: CsvLimits): Promise<CsvParseResult> {
  return parseRemovalCsv(encode(text), limits);
}

async function rowsOf(text: string, limits?: CsvLimits): Promise<CsvRow[]> {
  const result = await parse(text, limits);
  if (!result.ok) throw new Error(`refused: ${result.error}`);
  return result.rows;
}

async function refusalOf(input: string | Uint8Array | ReadableStream<Uint8Array>, limits?: CsvLimits): Promise<string> {
  const result = await parseRemovalCsv(typeof input === "string" ? encode(input) : input, limits);
  if (result.ok) throw new Error("expected the file to be refused");
  return result.error;
}

async function errorsOf(text: string): Promise<string[]> {
  return (await rowsOf(text)).flatMap((row) => (row.ok ? [] : [row.error]));
}

const HAPPY = [
  "csi,reason,receiving_csip",
  "+1 408 555 1212,released,",
  "Bob@Example.COM,reassigned,",
  "tel:+33 6 12 34 56 78,ported_out," + UUID.toUpperCase(),
  "mailto:ana@bücher.de,other,",
  '"+44 (20) 7946-0958",released,',
  "",
].join("\n");

describe("parseRemovalCsv: the happy path", () => {
  it("reads phones and emails mixed, normalised, with the raw input echoed and counts", async () => {
    expect(await parse(HAPPY)).toEqual({
      ok: true,
      validCount: 5,
      invalidCount: 0,
      rows: [
        { line: 2, ok: true, input: "+1 408 555 1212", csi: "tel:+14085551212", reason: "released" },
        { line: 3, ok: true, input: "Bob@Example.COM", csi: "mailto:bob@example.com", reason: "reassigned" },
        {
          line: 4,
          ok: true,
          input: "tel:+33 6 12 34 56 78",
          csi: "tel:+33612345678",
          reason: "ported_out",
          receivingCsip: UUID,
        },
        { line: 5, ok: true, input: "mailto:ana@bücher.de", csi: "mailto:ana@xn--bcher-kva.de", reason: "other" },
        { line: 6, ok: true, input: "+44 (20) 7946-0958", csi: "tel:+442079460958", reason: "released" },
      ],
    });
  });

  it("gives the same answer for a stream in one-byte chunks (UTF-8 and CRLF split across chunks)", async () => {
    const crlf = HAPPY.replaceAll("\n", "\r\n");
    expect(await parseRemovalCsv(byteByByte(encode(crlf)))).toEqual(await parse(HAPPY));
  });

  it("accepts a file without a final line break, and reasons in any case with spaces around", async () => {
    const rows = await rowsOf("csi,reason\n+1 408 555 1212, Released ");
    expect(rows).toEqual([{ line: 2, ok: true, input: "+1 408 555 1212", csi: "tel:+14085551212", reason: "released" }]);
  });

  it("leaves formula-looking cells alone: a + number is a number, and anything echoed is the raw text", async () => {
    const rows = await rowsOf('csi,reason\n+1 408 555 1212,released\n"=HYPERLINK(""http://x"")",other\n@bob,other\n');
    expect(rows[0]).toMatchObject({ ok: true, input: "+1 408 555 1212", csi: "tel:+14085551212" });
    expect(rows[1]).toMatchObject({ ok: false, input: '=HYPERLINK("http://x")' });
    expect(rows[2]).toMatchObject({ ok: false, input: "@bob" });
  });
});

describe("parseRemovalCsv: CSV syntax", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, keeping physical line numbers", async () => {
    const text = [
      "csi,reason",
      '"+1 408, 555 1212",released', // line 2: the comma is part of the value, so two values, not three
      '"bob""s@example.com",released', // line 3
      '"+1 408 555 1213","released', // lines 4-5: a quoted line break, trimmed away from the reason
      '"',
      '"",other', // line 6: an empty csi
      '"+1 408',
      '555 1214",other', // lines 7-8: a line break inside the csi
      "+1 408 555 1215,other", // line 9
    ].join("\r\n");
    const rows = await rowsOf(text);
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4, 6, 7, 9]);
    expect(rows[0]).toMatchObject({ ok: false, input: "+1 408, 555 1212" });
    expect(rows[0]).toMatchObject({ error: "Line 2: A phone number contains digits only, with an optional leading +." });
    expect(rows[1]).toMatchObject({ ok: false, input: 'bob"s@example.com', error: "Line 3: Quoted addresses are not accepted." });
    expect(rows[2]).toMatchObject({ ok: true, csi: "tel:+14085551213", reason: "released" });
    expect(rows[3]).toMatchObject({ ok: false, input: "", error: "Line 6: the csi is empty; enter a phone number or an email address." });
    expect(rows[4]).toMatchObject({ ok: false, input: "+1 408\r\n555 1214" });
    expect(rows[5]).toMatchObject({ ok: true, line: 9, csi: "tel:+14085551215" });
  });

  it("counts LF, CRLF and lone-CR line endings alike", async () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const rows = await rowsOf(["csi,reason", "+1 408 555 1212,released", "", "+1 408 555 1213,other"].join(eol));
      expect(rows.map((row) => [row.line, row.ok])).toEqual([
        [2, true],
        [4, true],
      ]);
    }
  });

  it("skips blank lines, whitespace-only lines and empty spreadsheet rows without counting them as rows", async () => {
    const text = "csi,reason\n\n   \n,\n , \n+1 408 555 1212,released\n\n";
    expect(await rowsOf(text, { ...CSV_LIMITS, maxRows: 1 })).toEqual([
      { line: 6, ok: true, input: "+1 408 555 1212", csi: "tel:+14085551212", reason: "released" },
    ]);
  });

  it("treats a quote inside an unquoted value as an ordinary character", async () => {
    const rows = await rowsOf('csi,reason\nbob"x@example.com,other\n');
    expect(rows[0]).toMatchObject({ ok: false, input: 'bob"x@example.com', error: "Line 2: Quoted addresses are not accepted." });
  });

  it("reports text after a closing quote on that row", async () => {
    expect(await errorsOf('csi,reason\n"+1 408 555 1212"x,released\n')).toEqual([
      "Line 2: a closing quote must be followed by a comma or the end of the line.",
    ]);
  });

  it("refuses the whole file when a quote is never closed (the rest of the file would be swallowed)", async () => {
    expect(await refusalOf('csi,reason\n+1 408 555 1212,released\n"+1 408 555 1213,other\n+1 408 555 1214,other\n')).toBe(
      'Line 3: a value opens with a double quote (") that is never closed, so the rest of the file cannot be read. ' +
        "Close or remove that quote and upload the file again.",
    );
  });
});

describe("parseRemovalCsv: encoding", () => {
  it("drops a UTF-8 BOM", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("CSI,REASON\r\n+1 408 555 1212,released\r\n")]);
    expect(await parseRemovalCsv(bytes)).toMatchObject({ ok: true, validCount: 1 });
    expect(await parseRemovalCsv(byteByByte(bytes))).toMatchObject({ ok: true, validCount: 1 });
  });

  function utf16(text: string, bigEndian: boolean): Uint8Array {
    const bytes = [bigEndian ? 0xfe : 0xff, bigEndian ? 0xff : 0xfe];
    for (const char of text) {
      const code = char.charCodeAt(0);
      bytes.push(...(bigEndian ? [code >> 8, code & 0xff] : [code & 0xff, code >> 8]));
    }
    return Uint8Array.from(bytes);
  }

  it.each([false, true])("refuses a UTF-16 file (big-endian: %s) and says to save as UTF-8", async (bigEndian) => {
    const file = utf16("csi,reason\r\n+1 408 555 1212,released\r\n", bigEndian);
    const expected = 'The file is saved as UTF-16 ("Unicode text"), not UTF-8. Save it from your spreadsheet as "CSV UTF-8" and upload it again.';
    expect(await refusalOf(file)).toBe(expected);
    expect(await refusalOf(byteByByte(file))).toBe(expected);
  });

  it("refuses NUL bytes, as in a UTF-16 file without a BOM", async () => {
    const file = utf16("csi,reason\r\n", false).slice(2);
    expect(await refusalOf(file)).toMatch(/^The file contains NUL bytes, so it is not UTF-8 text.*Save it .* as "CSV UTF-8"/u);
  });

  it("refuses a Latin-1 file and an incomplete UTF-8 sequence at the end", async () => {
    const latin1 = Uint8Array.from([...encode("csi,reason\nren"), 0xe9, ...encode("@example.com,other\n")]);
    const message = 'The file is not UTF-8 text (it may be Latin-1 or Windows-1252). Save it from your spreadsheet as "CSV UTF-8" and upload it again.';
    expect(await refusalOf(latin1)).toBe(message);
    expect(await refusalOf(byteByByte(latin1))).toBe(message);
    expect(await refusalOf(Uint8Array.from([...encode("csi,reason\nren@example.com,other\n"), 0xc3]))).toBe(message);
  });
});

describe("parseRemovalCsv: the header row", () => {
  it.each([
    ["csi,reason", "+1 408 555 1212,released"],
    ["Reason,CSI", "released,+1 408 555 1212"],
    [' CSI ,"Reason"', "+1 408 555 1212,released"],
    ["receiving_csip,reason,csi", ",released,+1 408 555 1212"],
    ["csi;reason", "+1 408 555 1212;released"],
    ['"CSI";"Reason";"Receiving_CSIP"', '"+1 408 555 1212";"ported_out";' + UUID],
  ])("accepts %j", async (header, row) => {
    expect(await parse(`${header}\n${row}\n`)).toMatchObject({ ok: true, validCount: 1 });
  });

  it("detects semicolons from the header only: a comma file keeps its semicolons in values", async () => {
    expect(await errorsOf("csi,reason\n+1 408 555 1212;released,other\n")).toEqual([
      "Line 2: A phone number contains digits only, no letters.",
    ]);
    expect(await errorsOf("csi;reason\n+1 408 555 1212,released\n")).toEqual([
      "Line 2: this row has 1 value but the header row has 2 columns.",
    ]);
  });

  const expected = "The header row (line 1) must name the columns csi and reason (in any order), and optionally receiving_csip; ";
  it.each([
    ["csi,reason,notes", 'it also has a column named "notes".'],
    ["csi,reason,", "it also has an unnamed column."],
    ["a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,csi,reason", 'it also has a column named "a", a column named "b"'],
    ["csi,csi,reason", "it has csi twice."],
    ["csi", "it has no reason column."],
    ["reason,receiving_csip", "it has no csi column."],
    ["", "line 1 is empty."],
    ["+1 408 555 1212,released", 'it also has a column named "+1 408 555 1212", a column named "released".'],
    ["csi\treason", 'it also has a column named "csi\treason". Separate columns with commas, not tabs.'],
  ])("refuses the header %j", async (header, problem) => {
    const error = await refusalOf(`${header}\n+1 408 555 1212,released\n`);
    expect(error.startsWith(expected + problem.replace(/\.$/u, ""))).toBe(true);
  });

  it("names how many columns it did not list", async () => {
    const header = Array.from({ length: 30 }, (_, index) => `c${index}`).join(",");
    expect(await refusalOf(`${header}\n`)).toBe(
      `${expected}it also has a column named "c0", a column named "c1", a column named "c2", a column named "c3", ` +
        'a column named "c4" and 25 more columns.',
    );
  });

  it("refuses an empty file, a BOM alone, and a header with no rows", async () => {
    const empty = "The file is empty. Its first line must be a header row naming csi and reason (in any order), and optionally receiving_csip.";
    expect(await refusalOf("")).toBe(empty);
    expect(await refusalOf(Uint8Array.of(0xef, 0xbb, 0xbf))).toBe(empty);
    expect(await refusalOf("csi,reason\r\n\r\n")).toBe("The file has a header row but no identifiers to remove.");
  });
});

describe("parseRemovalCsv: row errors, one per row, file order kept", () => {
  it("reports every kind of row error and keeps the good rows", async () => {
    const long = "x".repeat(CSV_LIMITS.maxFieldLength + 1);
    const text = [
      "csi,reason,receiving_csip", // 1
      "+1 408 555 1212,released", // 2: too few values
      "+1 408 555 1213,released,,extra", // 3: too many values
      `${long}@example.com,released,`, // 4: over-long csi
      `+1 408 555 1214,${long},`, // 5: over-long reason
      "(408) 555-1215,released,", // 6: no country code, and no default region
      "+1 408 555 1216,deleted,", // 7: unknown reason
      "+1 408 555 1217,,", // 8: no reason
      `+1 408 555 1218,released,${UUID}`, // 9: receiving_csip without ported_out
      "+1 408 555 1219,ported_out,csip-b", // 10: receiving_csip not a UUID
      "+1 408 555 1220,ported_out,", // 11: fine, receiving_csip is optional
      "tel:+14085551220,other,", // 12: the same number spelled differently
      "+1 408 555 1220,released,", // 13: and again
      "a@b@example.com,other,", // 14: not an email address
      "",
    ].join("\n");
    const result = await parse(text);
    expect(result).toMatchObject({ ok: true, validCount: 1, invalidCount: 12 });
    const rows = result.ok ? result.rows : [];
    expect(rows.map((row) => (row.ok ? `ok ${row.line}` : row.error))).toEqual([
      "Line 2: this row has 2 values but the header row has 3 columns.",
      "Line 3: this row has 4 values but the header row has 3 columns.",
      `Line 4: the csi value is longer than ${CSV_LIMITS.maxFieldLength} characters.`,
      `Line 5: the reason value is longer than ${CSV_LIMITS.maxFieldLength} characters.`,
      "Line 6: Include the country code, starting with + (for example +1 408 555 0100).",
      "Line 7: the reason must be one of released, reassigned, ported_out, other.",
      "Line 8: the reason must be one of released, reassigned, ported_out, other.",
      "Line 9: receiving_csip may only be given when the reason is ported_out.",
      "Line 10: receiving_csip must be the receiving CSIP's id, a UUID such as 123e4567-e89b-12d3-a456-426614174000.",
      "ok 11",
      "Line 12: this identifier is already listed on line 11.",
      "Line 13: this identifier is already listed on line 11.",
      "Line 14: An email address has exactly one @.",
    ]);
    expect(rows[0]).toMatchObject({ input: "+1 408 555 1212" });
    expect(rows[2]!.input).toBe(long.slice(0, CSV_LIMITS.maxFieldLength)); // an over-long value is echoed cut
    expect(rows[10]).toMatchObject({ input: "tel:+14085551220" });
  });

  it("flags a duplicate even when the first listing has another error, so fixing that one leaves no duplicate unseen", async () => {
    expect(await errorsOf("csi,reason\n+1 408 555 1212,oops\n+14085551212,released\n")).toEqual([
      "Line 2: the reason must be one of released, reassigned, ported_out, other.",
      "Line 3: this identifier is already listed on line 2.",
    ]);
  });

  it("keeps at most maxFieldLength characters of a huge value in memory", async () => {
    const rows = await rowsOf(`csi,reason\n"${"9".repeat(1_000_000)}",released\n`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.input).toHaveLength(CSV_LIMITS.maxFieldLength);
  });
});

describe("parseRemovalCsv: limits, refused early without reading the rest", () => {
  const phoneRow = (index: number) => `+1 408 555 ${String(index % 10_000).padStart(4, "0")},released\n`;

  it("refuses a million-row stream once it passes maxRows, and cancels it", async () => {
    const rowsPerChunk = 100;
    const { stream, stats } = lazySource((chunk) => {
      if (chunk * rowsPerChunk >= 1_000_000) return undefined;
      const head = chunk === 0 ? "csi,reason\n" : "";
      return encode(head + Array.from({ length: rowsPerChunk }, (_, i) => phoneRow(chunk * rowsPerChunk + i)).join(""));
    });
    expect(await refusalOf(stream)).toBe(
      "The file has more than 10,000 rows, the most one upload may hold. Split it into smaller files and upload each one.",
    );
    expect(stats.cancelled).toBe(true);
    // 10,001 rows are enough to know; at most one chunk is read ahead of the parser.
    expect(stats.chunks).toBeLessThanOrEqual(10_001 / rowsPerChunk + 2);
    expect(stats.bytes).toBeLessThan(400_000);
  });

  it("accepts exactly maxRows rows", async () => {
    const text = `csi,reason\n${phoneRow(1)}${phoneRow(2)}${phoneRow(3)}`;
    expect(await parse(text, { ...CSV_LIMITS, maxRows: 3 })).toMatchObject({ ok: true, validCount: 3 });
    expect(await refusalOf(text, { ...CSV_LIMITS, maxRows: 2 })).toMatch(/^The file has more than 2 rows/u);
  });

  it("refuses an endless stream once it passes maxBytes, and cancels it", async () => {
    const chunk = encode(Array.from({ length: 320 }, (_, i) => `+1 408 555 ${1000 + i},released${" ".repeat(180)}\n`).join(""));
    const { stream, stats } = lazySource((index) => (index === 0 ? encode("csi,reason\n") : chunk));
    expect(await refusalOf(stream)).toBe(
      "The file is larger than 2 MB, the most one upload may hold. Split it into smaller files and upload each one.",
    );
    expect(stats.cancelled).toBe(true);
    expect(stats.bytes).toBeLessThanOrEqual(CSV_LIMITS.maxBytes + 2 * chunk.length);
  });

  it("refuses a bad header as soon as line 1 ends, without reading on", async () => {
    const { stream, stats } = lazySource((index) => encode(index === 0 ? "phone,reason\n" : phoneRow(index)));
    expect(await refusalOf(stream)).toMatch(/^The header row \(line 1\)/u);
    expect(stats.cancelled).toBe(true);
    expect(stats.chunks).toBeLessThanOrEqual(2);
  });

  it("counts bytes exactly: maxBytes is allowed, one more is not", async () => {
    const text = encode("csi,reason\n+1 408 555 1212,released\n");
    expect(await parseRemovalCsv(text, { ...CSV_LIMITS, maxBytes: text.length })).toMatchObject({ ok: true });
    expect(await refusalOf(text, { ...CSV_LIMITS, maxBytes: text.length - 1 })).toMatch(/^The file is larger than 35 bytes/u);
  });

  it("passes on an error from the stream itself: a failed upload is not a bad file", async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    });
    await expect(parseRemovalCsv(stream)).rejects.toThrow("connection reset");
  });
});

describe("parseRemovalCsv: a row of nothing but separators", () => {
  it("refuses the file as soon as a row passes 16 values, without tokenising the rest", async () => {
    const refusal = await refusalOf(encode(`csi,reason\n+1 408 555 1212,released\n${",".repeat(1_500_000)}\n`));
    expect(refusal).toBe(
      "Line 3 has more than 16 values, and a removal file has at most 3 columns (csi and reason (in any order), and optionally receiving_csip). " +
        "Check that the columns are separated by a comma and upload the file again.",
    );
  });

  it("still reports a row with a few values too many on that row", async () => {
    expect(await errorsOf("csi,reason\n+1 408 555 1212,released,x,y\n")).toEqual(["Line 2: this row has 4 values but the header row has 2 columns."]);
  });

  it("refuses a last line without a line break that has too many values", async () => {
    expect(await refusalOf(encode(`csi,reason\n${",".repeat(20)}`))).toMatch(/^Line 2 has more than 16 values/u);
  });
});

describe("parseRemovalCsv: a header of nothing but separators", () => {
  it("refuses it once line 1 passes 1,000 values", async () => {
    expect(await refusalOf(encode(`${",".repeat(1_500_000)}\n+1 408 555 1212,released\n`))).toMatch(/^Line 1 has more than 1000 values/u);
  });
});

describe("parseRemovalCsv: what a spreadsheet saves", () => {
  const utf16 = 'The file is saved as UTF-16 ("Unicode text"), not UTF-8. Save it from your spreadsheet as "CSV UTF-8" and upload it again.';

  it("names UTF-16 by either byte order mark, even when the mark arrives one byte at a time", async () => {
    expect(await refusalOf(Uint8Array.of(0xff, 0xfe, 0x63, 0))).toBe(utf16);
    expect(await refusalOf(Uint8Array.of(0xfe, 0xff, 0, 0x63))).toBe(utf16);
    expect(await refusalOf(byteByByte(Uint8Array.of(0xff, 0xfe, 0x63, 0)))).toBe(utf16);
    // Only the two marks are UTF-16: other bytes that are not UTF-8 are named as such.
    expect(await refusalOf(Uint8Array.of(0xff, 0x41))).toMatch(/^The file is not UTF-8 text/u);
    expect(await refusalOf(Uint8Array.of(0xfe, 0x41))).toMatch(/^The file is not UTF-8 text/u);
  });

  it("reads semicolons as the separator only when the header line has no comma outside quotes", async () => {
    expect(await rowsOf("csi;reason\n+1 408 555 1212;released\n")).toMatchObject([{ ok: true, csi: "tel:+14085551212", reason: "released" }]);
    expect(await rowsOf('"csi";reason\n+1 408 555 1212;released\n')).toMatchObject([{ ok: true }]);
    // A comma inside quotes does not make it a comma file; the header then names an odd column.
    expect(await refusalOf('"c,si";reason\n')).toMatch(/it also has a column named "c,si"\.$/u);
    // Commas after the header line do not count.
    expect(await errorsOf("csi;reason\n+1 408 555 1212,released\n")).toEqual(["Line 2: this row has 1 value but the header row has 2 columns."]);
  });

  it("suggests commas for a header separated by tabs, but not in a semicolon file", async () => {
    expect(await refusalOf("csi\treason\n")).toMatch(/ Separate columns with commas, not tabs\.$/u);
    expect(await refusalOf("csi\treason;x\n")).not.toMatch(/tabs/u);
  });

  it("takes receiving_csip in any column, the first one too", async () => {
    expect(await rowsOf(`receiving_csip,csi,reason\n${UUID},+1 408 555 1212,ported_out\n`)).toMatchObject([{ ok: true, reason: "ported_out", receivingCsip: UUID }]);
  });

  it("reads a csi of spaces only as empty", async () => {
    expect(await errorsOf("csi,reason\n   ,released\n")).toEqual(["Line 2: the csi is empty; enter a phone number or an email address."]);
  });

  it("says the size limit in the unit it is written in", async () => {
    const file = `csi,reason\n${"+1 408 555 1212,released\n".repeat(200)}`;
    expect(await refusalOf(file, { ...CSV_LIMITS, maxBytes: 2048 })).toMatch(/^The file is larger than 2 KB, /u);
    expect(await refusalOf(file, { ...CSV_LIMITS, maxBytes: 1500 })).toMatch(/^The file is larger than 1,500 bytes, /u);
    expect(await refusalOf(encode(`csi,reason\n${"x".repeat(CSV_LIMITS.maxBytes)}`))).toMatch(/^The file is larger than 2 MB, the most one upload may hold\./u);
  });

  it("keeps the limits of the security rules: 2 MB, 10,000 rows, 512 characters a field", () => {
    expect(CSV_LIMITS).toEqual({ maxBytes: 2_097_152, maxRows: 10_000, maxFieldLength: 512 });
  });
});

describe("parseRemovalCsv: lines and quotes as the file has them", () => {
  it.each([
    ["CR", "\r", "\n"],
    ["LF", "\n", "\n"],
    ["CRLF", "\r\n", "\r\n"],
  ])("counts a %s inside a quoted value as a line of its own", async (_name, inside, end) => {
    const rows = await rowsOf(`csi,reason${end}"+1 408${inside}555 1212",released${end}+1 408 555 1213,bogus${end}`);
    expect(rows.map((row) => [row.line, row.ok ? "" : row.error])).toEqual([
      [2, "Line 2: Line breaks and control characters are not allowed."],
      [4, "Line 4: the reason must be one of released, reassigned, ported_out, other."],
    ]);
  });

  it("ends a line at a lone CR, as old spreadsheets save it", async () => {
    expect((await rowsOf("csi,reason\r+1 408 555 1212,bogus\r+1 408 555 1213,bogus\r")).map((row) => row.line)).toEqual([2, 3]);
  });

  it("keeps the text of a value with text after its closing quote, and reports it", async () => {
    expect(await rowsOf('csi,reason\n"+1 408 555 1212"x,released\n')).toEqual([
      { line: 2, ok: false, input: "+1 408 555 1212x", error: "Line 2: a closing quote must be followed by a comma or the end of the line." },
    ]);
    expect((await rowsOf('csi,reason\n"""bob""x"y,released\n'))[0]).toMatchObject({ ok: false, input: '"bob"xy' });
    // A well-quoted value with doubled quotes reads as one quote each and is not malformed.
    expect((await rowsOf('csi,reason\n"bob""@example.com",released\n'))[0]).toMatchObject({ input: 'bob"@example.com', error: "Line 2: Quoted addresses are not accepted." });
  });

  it("keeps 512 characters of an overlong value, counted as the admin counts them, never half an emoji", async () => {
    const [row] = await rowsOf(`csi,reason\n${"😀".repeat(600)},released\n`);
    expect(row).toMatchObject({ ok: false, error: "Line 2: the csi value is longer than 512 characters." });
    expect([...row!.input]).toHaveLength(512);
    expect(row!.input).toBe("😀".repeat(512));
  });

  it("stops at a line with more than 16 values, naming the separator in use", async () => {
    expect(await refusalOf(`csi,reason\n${"a,".repeat(40)}b\n`)).toMatch(/^Line 2 has more than 16 values, .*separated by a comma and upload/u);
    expect(await refusalOf(`csi;reason\n${"a;".repeat(40)}b\n`)).toMatch(/^Line 2 has more than 16 values, .*separated by a semicolon and upload/u);
  });
});
