/**
 * AFL/libFuzzer dictionary files: one token a line as `"value"` or `name="value"` (AFL's
 * `name@level="value"` too), `#` comments and blank lines; inside quotes `\\`, `\"` and `\xNN` are
 * the only escapes and raw control characters are refused. Used by the CLI (`--dict=FILE`) and to
 * print the recommended dictionary at the end of a run (`formatDictionary`, which round-trips).
 * Rule: a malformed line is an error naming the line, never silently skipped; tokens are bytes.
 */

/** A malformed dictionary line. `line` is 1-based; the message is `line N: <reason>`. */
export class DictFormatError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'DictFormatError';
    this.line = line;
    this.reason = reason;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HASH = 0x23;
const EQUALS = 0x3d;
const AT = 0x40;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d;
const isNameChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d || c === 0x2e;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function show(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Parses one line [s, e) of `b`; returns the token, or undefined for blank and comment lines. */
function parseLine(b: Uint8Array, s: number, e: number, line: number): Uint8Array | undefined {
  const fail = (reason: string): never => {
    throw new DictFormatError(line, reason);
  };
  while (s < e && isSpace(b[s])) s++;
  while (e > s && isSpace(b[e - 1])) e--;
  if (s === e || b[s] === HASH) return undefined;
  let i = s;
  if (b[i] !== QUOTE) {
    while (i < e && isNameChar(b[i])) i++;
    if (i === s) fail(`expected "value" or name="value", found ${show(b[i])}`);
    if (i < e && b[i] === AT) {
      const d = ++i;
      while (i < e && isDigit(b[i])) i++;
      if (i === d) fail('expected a level number after @');
    }
    while (i < e && isSpace(b[i])) i++;
    if (i >= e || b[i] !== EQUALS) fail(`expected '=' after the name, found ${i < e ? show(b[i]) : 'end of line'}`);
    i++;
    while (i < e && isSpace(b[i])) i++;
    if (i >= e || b[i] !== QUOTE) fail(`expected '"' after '=', found ${i < e ? show(b[i]) : 'end of line'}`);
  }
  i++; // opening quote
  const out: number[] = [];
  for (;;) {
    if (i >= e) fail('unterminated value (missing closing ")');
    const c = b[i++];
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      if (i >= e) fail('unterminated value (missing closing ")');
      const x = b[i++];
      if (x === BACKSLASH || x === QUOTE) out.push(x);
      else if (x === 0x78) {
        const hi = i < e ? hexVal(b[i]) : -1;
        const lo = i + 1 < e ? hexVal(b[i + 1]) : -1;
        if (hi < 0 || lo < 0) fail('\\x must be followed by two hex digits');
        out.push(hi * 16 + lo);
        i += 2;
      } else fail(`invalid escape \\${String.fromCharCode(x)} (only \\\\, \\" and \\xNN are allowed)`);
    } else if (c < 0x20 || c === 0x7f) {
      fail(`raw control character 0x${c.toString(16).padStart(2, '0')} in value (write it as \\x${c.toString(16).padStart(2, '0')})`);
    } else out.push(c);
  }
  while (i < e && isSpace(b[i])) i++;
  if (i < e) fail('unexpected text after the closing quote');
  return Uint8Array.from(out);
}

/**
 * Parses a dictionary (text, or the file's raw bytes: bytes outside quotes must be ASCII, raw bytes
 * inside quotes are kept as they are). Returns the tokens in file order; empty values (`""`) are
 * skipped. Throws DictFormatError for the first malformed line.
 */
export function parseDictionary(input: string | Uint8Array): Uint8Array[] {
  const b = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const tokens: Uint8Array[] = [];
  let line = 1;
  let s = 0;
  for (let i = 0; i <= b.length; i++) {
    if (i === b.length || b[i] === 0x0a) {
      const t = parseLine(b, s, i, line);
      if (t && t.length > 0) tokens.push(t);
      line++;
      s = i + 1;
    }
  }
  return tokens;
}

const HEX = '0123456789ABCDEF';

/** One token as an AFL value in quotes: printable ASCII as itself, `\\`, `\"`, else `\xNN`. */
export function quoteToken(t: Uint8Array): string {
  let s = '"';
  for (const c of t) {
    if (c === QUOTE) s += '\\"';
    else if (c === BACKSLASH) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\x' + HEX[c >> 4] + HEX[c & 15];
  }
  return s + '"';
}

export interface FormatOptions {
  /** Comment lines written first (each prefixed with `# `). */
  header?: string;
  /** A comment per token (same index), written on the line before it; undefined for none. */
  notes?: readonly (string | undefined)[];
}

/**
 * A valid AFL/libFuzzer dictionary of `tokens` (empty ones left out), one `"value"` a line, ending
 * with a newline; `parseDictionary(formatDictionary(t))` gives back the non-empty tokens of t.
 */
export function formatDictionary(tokens: readonly Uint8Array[], options: FormatOptions = {}): string {
  const comment = (text: string) => text.split(/\r?\n|\r/).map((l) => (l ? `# ${l}` : '#')).join('\n') + '\n';
  let out = options.header !== undefined ? comment(options.header) : '';
  tokens.forEach((t, i) => {
    if (t.length === 0) return;
    const note = options.notes?.[i];
    if (note !== undefined) out += comment(note);
    out += quoteToken(t) + '\n';
  });
  return out;
}
