/**
 * The corpus file format "tsfuzz corpus v1": one fuzz input (a tuple of typed values) as
 * human-readable, diff-friendly text. Used by store.ts (seed corpus in testdata/, generated
 * corpus in the cache) and by anyone printing a reproducer. Rule it never breaks: a value is read
 * back exactly as written (bit-exact floats, every string and byte kept), or the file is rejected
 * with a reason; nothing is ever coerced. Extension: each line is `<kind token> <JSON payload>`,
 * so composite kinds (arrays, records, unions, optionals) can be added later as new tokens with
 * JSON array/object payloads; older readers then say `unknown kind` instead of misreading.
 */
import {
  BIGINT_RANGE, bool, bytes, checkValue, describeValue, float32, float64, int16, int32, int64,
  int8, isBigIntKind, isFloatKind, isKindName, string, uint16, uint32, uint64, uint8,
  type Kind, type KindName, type Value,
} from '../values/kinds.js';

export const CORPUS_HEADER = 'tsfuzz corpus v1';

/** A malformed corpus file. `line` is 1-based, or 0 for a problem with the file as a whole. */
export class CorpusFormatError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
    this.name = 'CorpusFormatError';
    this.line = line;
    this.reason = reason;
  }
}

const KIND_OF: Readonly<Record<KindName, () => Kind>> = {
  bytes, string, bool, float64, float32, int8, int16, int32, uint8, uint16, uint32, int64, uint64,
};

const INT_TOKEN = /^-?(0|[1-9][0-9]*)$/;
const NAN_TOKEN = /^NaN:0x([0-9a-fA-F]{16})$/;

// Bit patterns of doubles, read and written through one DataView (big-endian, so hex reads
// naturally). NaN payloads survive only as far as the engine keeps them (V8 does, for values that
// are copied around but not computed with); the format itself always records them exactly.
const view = new DataView(new ArrayBuffer(8));
function bitsOf(n: number): bigint {
  view.setFloat64(0, n);
  return view.getBigUint64(0);
}
function fromBits(b: bigint): number {
  view.setBigUint64(0, b);
  return view.getFloat64(0);
}
const CANONICAL_NAN = bitsOf(NaN);

const hex4 = (c: number) => '\\u' + c.toString(16).padStart(4, '0');

/** JSON string literal with everything outside printable ASCII escaped as \uXXXX. */
function quoteAscii(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += hex4(c);
  }
  return out + '"';
}

function quoteBytes(b: Uint8Array): string {
  let out = '"';
  for (const c of b) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += String.fromCharCode(c);
    else out += hex4(c);
  }
  return out + '"';
}

function formatFloat(n: number): string {
  if (Number.isNaN(n)) {
    const b = bitsOf(n);
    return b === CANONICAL_NAN ? '"NaN"' : `"NaN:0x${b.toString(16).padStart(16, '0')}"`;
  }
  if (n === Infinity) return '"Infinity"';
  if (n === -Infinity) return '"-Infinity"';
  return Object.is(n, -0) ? '-0' : String(n);
}

function formatValue(kind: KindName, v: Value): string {
  if (kind === 'bytes') return quoteBytes(v as Uint8Array);
  if (kind === 'string') return quoteAscii(v as string);
  if (isFloatKind(kind)) return formatFloat(v as number);
  return String(v); // bool, number-valued ints, bigints
}

/**
 * Writes one input. Throws a TypeError if the counts differ or a value does not fit its kind
 * (the writer never produces a file its reader would reject). The text ends with a newline.
 */
export function marshalCorpusFile(kinds: readonly Kind[], values: readonly Value[]): string {
  if (kinds.length !== values.length) {
    throw new TypeError(`corpus: ${kinds.length} kinds but ${values.length} values`);
  }
  let out = CORPUS_HEADER + '\n';
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i].kind;
    if (!isKindName(k)) throw new TypeError(`corpus: value ${i + 1}: unknown kind ${JSON.stringify(k)}`);
    const why = checkValue(kinds[i], values[i]);
    if (why !== undefined) throw new TypeError(`corpus: value ${i + 1} (${k}): ${why}`);
    out += `${k} ${formatValue(k, values[i])}\n`;
  }
  return out;
}

/** Replaces checkValue's `300 (number)` prefix with the payload text as written in the file. */
function rangeReason(kind: Kind, v: Value, text: string): string | undefined {
  const why = checkValue(kind, v);
  if (why === undefined) return undefined;
  const prefix = describeValue(v) + ' ';
  return why.startsWith(prefix) ? `${text} ${why.slice(prefix.length)}` : why;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`malformed payload: ${(e as Error).message}`);
  }
}

const FLOAT_FORMS = 'a JSON number, "NaN", "Infinity", "-Infinity" or "NaN:0x<16 hex digits>"';

function parseFloatPayload(kind: 'float64' | 'float32', text: string): number {
  const p = parseJson(text);
  let n: number;
  if (typeof p === 'number') {
    if (!Number.isFinite(p)) throw new Error(`${text} overflows ${kind}; write "Infinity" or "-Infinity"`);
    if (p === 0 && /[1-9]/.test(text.split(/[eE]/)[0])) throw new Error(`${text} underflows to 0`);
    n = p;
  } else if (p === 'NaN') n = NaN;
  else if (p === 'Infinity') n = Infinity;
  else if (p === '-Infinity') n = -Infinity;
  else if (typeof p === 'string' && NAN_TOKEN.test(p)) {
    const b = BigInt('0x' + p.slice(6));
    // Exponent all ones and a non-zero mantissa; anything else is not a NaN.
    if ((b & 0x7ff0000000000000n) !== 0x7ff0000000000000n || (b & 0xfffffffffffffn) === 0n) {
      throw new Error(`${text} is not a NaN bit pattern`);
    }
    n = fromBits(b);
  } else throw new Error(`${kind} payload must be ${FLOAT_FORMS}; got ${text}`);
  if (kind === 'float32' && !Number.isNaN(n) && Math.fround(n) !== n) {
    throw new Error(`${text} is not exactly representable as a float32 (nearest is ${formatFloat(Math.fround(n))})`);
  }
  return n;
}

function parsePayload(kind: KindName, text: string): Value {
  switch (kind) {
    case 'bytes': {
      const p = parseJson(text);
      if (typeof p !== 'string') throw new Error(`bytes payload must be a JSON string; got ${text}`);
      const out = new Uint8Array(p.length);
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        if (c > 0xff) {
          throw new Error(`bytes payload has character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i}; ` +
            'each character is one byte, \\u0000..\\u00ff');
        }
        out[i] = c;
      }
      return out;
    }
    case 'string': {
      const p = parseJson(text);
      if (typeof p !== 'string') throw new Error(`string payload must be a JSON string; got ${text}`);
      return p;
    }
    case 'bool': {
      const p = parseJson(text);
      if (typeof p !== 'boolean') throw new Error(`bool payload must be true or false; got ${text}`);
      return p;
    }
    case 'float64':
    case 'float32':
      return parseFloatPayload(kind, text);
    default: {
      if (!INT_TOKEN.test(text)) throw new Error(`${kind} payload must be a decimal integer; got ${text}`);
      if (isBigIntKind(kind)) {
        if (text === '-0') throw new Error(`-0 is not an integer value of ${kind}; use 0`);
        const [lo, hi] = BIGINT_RANGE[kind];
        const b = BigInt(text);
        if (b < lo || b > hi) throw new Error(`${text} is out of range for ${kind} (${lo}..${hi})`);
        return b;
      }
      const n = Number(text);
      const why = rangeReason(KIND_OF[kind](), n, text);
      if (why !== undefined) throw new Error(why);
      return n;
    }
  }
}

const clip = (s: string) => (s.length > 60 ? s.slice(0, 60) + '…' : s);

/** Reads one input; `kinds` are as written in the file. Throws CorpusFormatError. */
export function unmarshalCorpusFile(text: string): { kinds: Kind[]; values: Value[] } {
  const lines = text.split('\n');
  const first = lines[0].endsWith('\r') ? lines[0].slice(0, -1) : lines[0];
  if (first !== CORPUS_HEADER) {
    if (text === '') throw new CorpusFormatError(0, `must start with "${CORPUS_HEADER}" (the file is empty)`);
    if (first.charCodeAt(0) === 0xfeff) {
      throw new CorpusFormatError(0, `must start with "${CORPUS_HEADER}" (the file starts with a byte order mark)`);
    }
    if (first.trim() === CORPUS_HEADER) {
      throw new CorpusFormatError(0, `must start with "${CORPUS_HEADER}" (the first line has extra whitespace)`);
    }
    if (first.startsWith('tsfuzz corpus')) throw new CorpusFormatError(0, `unknown encoding version: ${clip(first)}`);
    throw new CorpusFormatError(0, `must start with "${CORPUS_HEADER}"`);
  }
  const kinds: Kind[] = [];
  const values: Value[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const m = /^(\S+)(?:\s+([^]*))?$/.exec(line);
    const token = m?.[1] ?? line;
    if (!isKindName(token)) throw new CorpusFormatError(i + 1, `unknown kind ${JSON.stringify(clip(token))}`);
    const payload = m?.[2];
    if (payload === undefined) throw new CorpusFormatError(i + 1, `missing payload after "${token}"`);
    try {
      values.push(parsePayload(token, payload));
    } catch (e) {
      throw new CorpusFormatError(i + 1, (e as Error).message);
    }
    kinds.push(KIND_OF[token]());
  }
  return { kinds, values };
}

/** Exact kind identity (composite kinds will compare structurally here). */
function sameKind(a: Kind, b: Kind): boolean {
  return a.kind === b.kind;
}

/**
 * Whether a file's values fit a target's parameters, with no coercion. Returns undefined if they
 * do, else a reason: `has 1 value, the target takes 2 (bytes, uint8)`, `value 2 is int16, the
 * target takes uint8`.
 */
export function checkAgainstKinds(
  fileKinds: readonly Kind[],
  fileValues: readonly Value[],
  targetKinds: readonly Kind[],
): string | undefined {
  if (fileKinds.length !== targetKinds.length || fileValues.length !== fileKinds.length) {
    const n = fileValues.length;
    const names = targetKinds.map((k) => k.kind).join(', ');
    return `has ${n} value${n === 1 ? '' : 's'}, the target takes ${targetKinds.length} (${names})`;
  }
  for (let i = 0; i < targetKinds.length; i++) {
    if (!sameKind(fileKinds[i], targetKinds[i])) {
      return `value ${i + 1} is ${fileKinds[i].kind}, the target takes ${targetKinds[i].kind}`;
    }
    const why = checkValue(targetKinds[i], fileValues[i]);
    if (why !== undefined) return `value ${i + 1}: ${why}`;
  }
  return undefined;
}
