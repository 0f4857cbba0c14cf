/**
 * RFC 8785 JSON Canonicalization Scheme. Mapping signatures cover these bytes, so every verifier, in any
 * language, must produce exactly the same text from the same JSON value: anything outside I-JSON is refused
 * rather than given some spelling that another implementation would not reproduce.
 *
 * Ours, not the `canonicalize` package's: that one serialises whatever JSON.stringify accepts (undefined members
 * dropped, Dates and objects with toJSON turned into strings), each of which lets two verifiers hash different bytes
 * for what their callers thought was the same document. This one refuses such values, and passes RFC 8785's vectors.
 */
export class CanonicalizationError extends Error {
  override readonly name = "CanonicalizationError";
}

export function canonicalize(value: unknown): string {
  return serialize(value, "$", new Set());
}

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serializeNumber(value, path);
    case "string":
      return serializeString(value, path);
    case "object":
      return serializeContainer(value, path, ancestors);
    default:
      // undefined, functions, symbols and bigints have no JSON form that every implementation agrees on.
      throw new CanonicalizationError(`${path} is ${typeof value}, which JSON cannot represent.`);
  }
}

function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalizationError(`${path} is ${value}; JSON numbers must be finite.`);
  // ECMAScript's Number::toString is the serialisation RFC 8785 section 3.2.2.3 adopts; it writes -0 as "0".
  return String(value);
}

// With the u flag a surrogate pair reads as one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

function serializeString(value: string, path: string): string {
  // I-JSON (RFC 7493) strings are Unicode: a lone surrogate has no UTF-8 form, so its hash would be undefined.
  if (LONE_SURROGATE.test(value)) throw new CanonicalizationError(`${path} contains an unpaired surrogate.`);
  // For well-formed strings JSON.stringify escapes exactly as RFC 8785 section 3.2.2.2 requires.
  return JSON.stringify(value);
}

function serializeContainer(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalizationError(`${path} refers back to itself.`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // Indexed, not mapped: map skips holes, and a hole must be refused like undefined.
      for (let index = 0; index < value.length; index++) {
        items.push(serialize(value[index], `${path}[${index}]`, ancestors));
      }
      return `[${items.join(",")}]`;
    }
    const prototype = Object.getPrototypeOf(value);
    // A Date, Map or class instance has no single JSON meaning; JSON.stringify would silently pick one.
    if (prototype !== Object.prototype && prototype !== null) {
      throw new CanonicalizationError(`${path} is not a plain object.`);
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort(compareUtf16CodeUnits)
      .map((key) => `${serializeString(key, `${path} key`)}:${serialize(record[key], `${path}.${key}`, ancestors)}`);
    return `{${members.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * RFC 8785 section 3.2.3 sorts names by UTF-16 code units, which is what JavaScript's `<` compares;
 * localeCompare would depend on the machine's locale, and code-point order differs for astral characters.
 */
function compareUtf16CodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
