import { finished } from "node:stream/promises";
import { CsvError, Parser, type InfoField, type InfoRecord } from "csv-parse";

/**
 * One CSV record, as the row rules read it. It is kept bounded whatever the file holds: at most `maxCells` cells,
 * each cut to `maxFieldLength` characters; `cellCount` still counts every cell.
 */
export type CsvRecord = {
  line: number; // the physical line it starts on, 1-based
  cells: string[];
  cellCount: number;
  overlongCell: number | undefined; // the first kept cell that was cut
  malformed: boolean; // a closing quote followed by text, as in "ab"c
  endsLine: boolean; // false only for a last line with no line break after it
};

export type CsvRecordOptions = { separator: "," | ";"; maxFieldLength: number; maxCells: number; maxValues?: number };

/** A record has more values than `maxValues`: no row of the file can be meant so. */
export class TooManyValuesError extends Error {
  constructor(
    readonly line: number,
    readonly maxValues: number,
  ) {
    super(`The record on line ${line} has more than ${maxValues} values.`);
  }
}

/** The text ends inside a quoted value, so the rest of the file would be that one value. */
export class UnclosedQuoteError extends Error {
  constructor(readonly line: number) {
    super(`The quoted value of the record on line ${line} is never closed.`);
  }
}

/**
 * RFC 4180 records out of text written in pieces of any size, tokenised by csv-parse and handed to `onRecord` as each
 * one ends; an error thrown there stops the reading and comes back from write() or end().
 *
 * csv-parse holds a value whole until it ends, and max_record_size cannot help (it stops the whole parse, where the
 * row rules report the one long value and read on), so what it buffers is bounded by what the caller writes: the
 * caller stops at its byte limit. What is kept past each value is bounded by the options.
 */
export class CsvRecordReader {
  maxCells: number;
  /**
   * Reading stops (TooManyValuesError) past this many values in one record. csv-parse spends a few microseconds on
   * each value, so a file of nothing but separators would otherwise cost seconds of CPU; the caller sets it once the
   * header says how many columns there are.
   */
  maxValues: number | undefined;
  private readonly maxFieldLength: number;
  private readonly parser: Parser;
  private record: CsvRecord = newRecord(1);
  private lineBreaks = 0; // inside the quoted values of `record`
  private fieldStart = 0; // byte offset, in the text written so far, where the next value's source starts
  private fieldEnd = 0;

  constructor(
    options: CsvRecordOptions,
    private readonly onRecord: (record: CsvRecord) => void,
  ) {
    this.maxCells = options.maxCells;
    this.maxValues = options.maxValues;
    this.maxFieldLength = options.maxFieldLength;
    this.parser = new Parser({
      delimiter: options.separator,
      // Listed, not discovered: discovery settles on the first line's ending and reads the others as text, and one
      // file may mix them (rows pasted from elsewhere). CRLF first, so that its CR is not a line of its own.
      record_delimiter: ["\r\n", "\n", "\r"],
      // A quote inside an unquoted value is an ordinary character; text after a closing quote does not stop the
      // reading either, it is reported on its row (see unquoteRelaxed).
      relax_quotes: true,
      // A row with too few or too many values is reported on that row, not as a broken file.
      relax_column_count: true,
      // Blank lines come through so that every line is counted; the row rules skip them.
      skip_empty_lines: false,
      cast: (value, context) => this.readValue(value, context),
      on_record: (_record, context) => this.endRecord(context),
    });
    // Errors reach write() and end() through their callbacks; without a listener Node would also throw them.
    this.parser.on("error", () => undefined);
  }

  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.parser.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  async end(): Promise<void> {
    this.parser.end();
    try {
      await finished(this.parser, { readable: false });
    } catch (error) {
      if (error instanceof CsvError && error.code === "CSV_QUOTE_NOT_CLOSED") throw new UnclosedQuoteError(this.record.line);
      throw error;
    }
  }

  /** Called by csv-parse for each value as it ends; returns nothing to keep in csv-parse's record, which is unused. */
  private readValue(value: string, context: InfoField): undefined {
    const record = this.record;
    const sourceBytes = context.bytes - this.fieldStart;
    this.fieldEnd = context.bytes;
    this.fieldStart = context.bytes + 1; // past the separator (one byte); endRecord moves it past a line break instead
    // csv-parse counts a CRLF inside quotes as two lines, so physical lines are counted here, from the values.
    this.lineBreaks += countLineBreaks(value);
    let text = value;
    const unquoted = context.quoting ? unquoteRelaxed(value, sourceBytes) : undefined;
    if (unquoted !== undefined) {
      text = unquoted;
      record.malformed = true;
    }
    if (record.cellCount < this.maxCells) {
      const kept = firstCharacters(text, this.maxFieldLength);
      if (kept.length < text.length) record.overlongCell ??= record.cells.length;
      record.cells.push(kept);
    }
    record.cellCount++;
    if (this.maxValues !== undefined && record.cellCount > this.maxValues) throw new TooManyValuesError(record.line, this.maxValues);
    return undefined;
  }

  /** Called by csv-parse as each record ends; returns null, so that the stream buffers nothing. */
  private endRecord(context: InfoRecord): null {
    const record = this.record;
    record.endsLine = context.bytes > this.fieldEnd;
    this.fieldStart = context.bytes;
    this.record = newRecord(record.line + this.lineBreaks + 1);
    this.lineBreaks = 0;
    this.onRecord(record);
    return null;
  }
}

/**
 * The first record of `text`, when a line break ends it within `text`. It is read by a parser of its own, ended at
 * once, because a CsvRecordReader holds back the last bytes written to it until it sees what follows (csv-parse
 * looks ahead to tell CRLF from CR, and "" from a closing quote): line 1 would only come out with the next chunk,
 * and a bad header row is to be refused without reading on.
 */
export async function readFirstLine(text: string, options: CsvRecordOptions): Promise<CsvRecord | undefined> {
  let first: CsvRecord | undefined;
  const reader = new CsvRecordReader(options, (record) => {
    first ??= record;
  });
  await reader.write(text);
  try {
    await reader.end();
  } catch (error) {
    if (!(error instanceof UnclosedQuoteError)) throw error; // a later line of `text`: not this question
  }
  return first?.endsLine ? first : undefined;
}

function newRecord(line: number): CsvRecord {
  return { line, cells: [], cellCount: 0, overlongCell: undefined, malformed: false, endsLine: true };
}

/**
 * With relax_quotes, csv-parse reads `"ab"c` (text after the closing quote) as `"ab"c`, its quotes kept as text,
 * where a well-quoted `"a""b"` reads `a"b`; the values alone cannot tell `"""ab""c"` from `"ab"c`. Their sources can:
 * a well-quoted value's is its UTF-8 length plus the two quotes plus one per doubled quote. Answers undefined for a
 * well-quoted value, and for the other its text with those two quotes taken out again (`abc`), as any quoted value
 * reads.
 */
function unquoteRelaxed(value: string, sourceBytes: number): string | undefined {
  const extra = sourceBytes - Buffer.byteLength(value);
  if (extra === 2 + countQuotes(value)) return undefined;
  // `extra` is then the number of doubled quotes before the closing one, each read as a single quote.
  let closing = 0;
  for (let quotes = 0; quotes <= extra; quotes++) closing = value.indexOf('"', closing + 1);
  return value.slice(1, closing) + value.slice(closing + 1);
}

function countQuotes(text: string): number {
  let count = 0;
  for (let index = text.indexOf('"'); index >= 0; index = text.indexOf('"', index + 1)) count++;
  return count;
}

/** CRLF, LF and a lone CR each end a physical line; a quoted value keeps them as the file has them. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === "\n" || (text[index] === "\r" && text[index + 1] !== "\n")) count++;
  }
  return count;
}

/** Characters are code points, as the admin counts them: a cut never splits an emoji. */
function firstCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  for (const char of text) {
    if (count++ === max) break;
    end += char.length;
  }
  return text.slice(0, end);
}
