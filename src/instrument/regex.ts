/**
 * Dictionary tokens from the source of a regular expression (regex literals and `RegExp('…')`
 * with a literal pattern), harvested by visitor.ts into the module's literals: the literal
 * prefixes of the pattern (`/^GET \/(\w+)/` → "GET /"), of each alternative, expanded through
 * small groups (`/^(GET|POST) /` → "GET ", "POST ", "GET", "POST"), and every other run of two or
 * more literal characters. Optional and small bounded repeats expand (`colou?r` → "color", "colour").
 * A conservative recursive-descent scanner, not a validator (no regex parser is installed): any
 * construct it does not understand is an atom with no literal text, it never throws, and a
 * token is always text that a match contains literally (case folding under `i` aside).
 */

/** Longest token; longer runs are cut to a prefix (still text every match contains). */
const MAX_TOKEN = 64;
/** Most alternatives a product of literal sets may have before it is given up. */
const MAX_SET = 16;
/** Patterns longer than this are skipped (the scan is linear, this only bounds the work). */
const MAX_PATTERN = 20_000;
const MAX_DEPTH = 64;

/** A parsed piece: `exact` = the finite set of strings it matches (null = not small/literal), `prefix` = strings every match starts with one of. */
interface Piece {
  exact: string[] | null;
  prefix: string[];
  /** For a repeated literal atom (`b+`): what a following run may continue from. */
  tail?: string[];
}

const EMPTY: string[] = [''];
const NONE: Piece = { exact: null, prefix: EMPTY };
const ZERO_WIDTH: Piece = { exact: EMPTY, prefix: EMPTY };

class Bail extends Error {}

/** Tokens (2–64 chars, in pattern order, duplicates removed) of a regex `pattern` with `flags`. */
export function regexTokens(pattern: string, flags = ''): string[] {
  if (pattern.length > MAX_PATTERN) return [];
  const sc = new Scanner(pattern, flags.includes('u') || flags.includes('v'), flags.includes('v'));
  try {
    sc.top();
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
  }
  return [...sc.out];
}

class Scanner {
  pos = 0;
  readonly out = new Set<string>();
  private depth = 0;
  /** > 0 inside a negative lookaround: its text is what a match must not contain. */
  private quiet = 0;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
    private readonly vmode: boolean,
  ) {}

  top(): void {
    while (this.pos < this.src.length) {
      this.alternation();
      if (this.pos < this.src.length) this.pos++; // a stray `)`: skip it and go on
    }
  }

  private emit(list: readonly string[]): void {
    if (this.quiet) return;
    for (const s of list) {
      const t = s.length > MAX_TOKEN ? cut(s) : s;
      if (t.length >= 2) this.out.add(t);
    }
  }

  /** `seq ('|' seq)*`, up to a `)` or the end (not consumed). */
  private alternation(): Piece {
    const seqs: Piece[] = [this.sequence()];
    while (this.src.charCodeAt(this.pos) === 0x7c /* | */) {
      this.pos++;
      seqs.push(this.sequence());
    }
    if (seqs.length === 1) return seqs[0];
    let exact: string[] | null = [];
    const prefix: string[] = [];
    for (const p of seqs) {
      exact = exact && p.exact ? union(exact, p.exact) : null;
      for (const s of p.prefix) if (!prefix.includes(s) && prefix.length < MAX_SET) prefix.push(s);
    }
    return { exact, prefix };
  }

  /** Terms up to `|`, `)` or the end; emits its literal runs. */
  private sequence(): Piece {
    let lead: string[] | null = EMPTY; // product of the exact terms so far; null once one is not
    let prefix: string[] = EMPTY;
    let run: string[] = EMPTY; // product of the exact terms since the last break
    for (;;) {
      const c = this.src.charCodeAt(this.pos);
      if (Number.isNaN(c) || c === 0x7c || c === 0x29 /* ) */) break;
      const t = this.quantified(this.atom());
      if (t.exact) {
        const next = product(run, t.exact);
        if (next) {
          run = next;
        } else {
          this.emit(run);
          run = t.exact.length <= MAX_SET ? t.exact.map(cut) : EMPTY;
        }
        if (lead) {
          const l = product(lead, t.exact);
          if (l) lead = l;
          else {
            prefix = lead.map(cut);
            lead = null;
          }
        }
      } else {
        this.emit(product(run, t.prefix) ?? run);
        run = t.tail ?? EMPTY;
        if (lead) {
          prefix = product(lead, t.prefix) ?? lead.map(cut);
          lead = null;
        }
      }
    }
    this.emit(run);
    return lead ? { exact: lead, prefix: lead } : { exact: null, prefix };
  }

  /** Applies a quantifier that follows `a`, if any. */
  private quantified(a: Piece): Piece {
    const q = this.quantifier();
    if (!q) return a;
    const [min, max] = q;
    if (min === 1 && max === 1) return a;
    if (a.exact && max <= 3) {
      let all: string[] | null = min === 0 ? EMPTY : null;
      let pow: string[] | null = EMPTY;
      for (let k = 1; k <= max && pow; k++) {
        pow = product(pow, a.exact);
        if (pow && k >= min) all = all ? union(all, pow) : pow;
      }
      if (pow && all && all.length <= MAX_SET) return { exact: all, prefix: all };
    }
    if (min === 0) return NONE;
    if (a.exact) {
      let pow: string[] | null = EMPTY;
      for (let k = 0; k < Math.min(min, MAX_TOKEN) && pow; k++) pow = product(pow, a.exact);
      return { exact: null, prefix: pow ?? a.exact.map(cut), tail: a.exact.map(cut) };
    }
    return { exact: null, prefix: a.prefix };
  }

  /** `*` `+` `?` `{n}` `{n,}` `{n,m}` (and a lazy `?`) → [min, max]; undefined when none. */
  private quantifier(): [number, number] | undefined {
    const src = this.src;
    const c = src[this.pos];
    let q: [number, number] | undefined;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q) {
      this.pos++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.pos, this.pos + 40));
      if (!m) return undefined; // a literal `{` (Annex B)
      this.pos += m[0].length;
      const min = Number(m[1]);
      q = [min, m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])];
    } else {
      return undefined;
    }
    if (src[this.pos] === '?') this.pos++;
    return q;
  }

  private atom(): Piece {
    const src = this.src;
    const c = src[this.pos];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '^':
      case '$':
        this.pos++;
        return ZERO_WIDTH;
      case '.':
      case '*':
      case '+':
      case '?':
        this.pos++;
        return NONE;
      case '\\':
        return this.escape();
      default:
        return lit(this.char());
    }
  }

  /** One literal character (a surrogate pair in unicode mode). */
  private char(): string {
    const src = this.src;
    const hi = src.charCodeAt(this.pos);
    if (this.unicode && hi >= 0xd800 && hi <= 0xdbff) {
      const lo = src.charCodeAt(this.pos + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        this.pos += 2;
        return src.slice(this.pos - 2, this.pos);
      }
    }
    return src[this.pos++];
  }

  private group(): Piece {
    const src = this.src;
    this.pos++; // (
    let kind: 'plain' | 'ahead' | 'not' = 'plain';
    if (src[this.pos] === '?') {
      const rest = src.slice(this.pos, this.pos + 4);
      if (rest.startsWith('?=') || rest.startsWith('?<=')) kind = 'ahead';
      else if (rest.startsWith('?!') || rest.startsWith('?<!')) kind = 'not';
      if (kind !== 'plain') {
        this.pos += rest[1] === '<' ? 3 : 2;
      } else if (src[this.pos + 1] === '<') {
        const end = src.indexOf('>', this.pos);
        if (end < 0) throw new Bail();
        this.pos = end + 1; // (?<name>
      } else {
        // (?: or modifiers (?ims-ims:
        const m = /^\?[a-z]*(?:-[a-z]*)?:/.exec(src.slice(this.pos, this.pos + 12));
        if (!m) throw new Bail();
        this.pos += m[0].length;
      }
    }
    if (++this.depth > MAX_DEPTH) throw new Bail();
    if (kind === 'not') this.quiet++;
    const inner = this.alternation();
    if (kind === 'not') this.quiet--;
    this.depth--;
    if (src[this.pos] === ')') this.pos++;
    return kind === 'plain' ? inner : ZERO_WIDTH;
  }

  /** `[…]`: no literal text, except a class of one literal character (`[.]`, `[/]`). */
  private charClass(): Piece {
    const src = this.src;
    const start = ++this.pos;
    let depth = 1;
    while (this.pos < src.length) {
      const c = src[this.pos];
      if (c === '\\') {
        this.pos += 2;
      } else if (c === ']') {
        if (--depth === 0) break;
        this.pos++;
      } else if (c === '[' && this.vmode) {
        depth++;
        this.pos++;
      } else {
        this.pos++;
      }
    }
    const body = src.slice(start, this.pos);
    this.pos++; // ]
    if (body.length === 1 && body !== '^') return lit(body);
    if (body.length === 2 && body[0] === '\\' && /[^\w\s]/.test(body[1])) return lit(body[1]);
    return NONE;
  }

  private escape(): Piece {
    const src = this.src;
    this.pos++; // backslash
    const c = src[this.pos];
    if (c === undefined) return NONE;
    this.pos++;
    switch (c) {
      case 'b':
      case 'B':
        return ZERO_WIDTH;
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S': // eslint-disable-line no-fallthrough
        return NONE;
      case 'n':
        return lit('\n');
      case 'r':
        return lit('\r');
      case 't':
        return lit('\t');
      case 'f':
        return lit('\f');
      case 'v':
        return lit('\v');
      case '0':
        return /[0-9]/.test(src[this.pos] ?? '') ? NONE : lit('\0');
      case 'c':
        if (/[A-Za-z]/.test(src[this.pos] ?? '')) return lit(String.fromCharCode(src.charCodeAt(this.pos++) % 32));
        return NONE;
      case 'x': {
        const m = /^[0-9A-Fa-f]{2}/.exec(src.slice(this.pos, this.pos + 2));
        if (!m) return this.unicode ? NONE : lit('x');
        this.pos += 2;
        return lit(String.fromCharCode(parseInt(m[0], 16)));
      }
      case 'u': {
        const m4 = /^[0-9A-Fa-f]{4}/.exec(src.slice(this.pos, this.pos + 4));
        if (m4) {
          this.pos += 4;
          return lit(String.fromCharCode(parseInt(m4[0], 16)));
        }
        if (this.unicode) {
          const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(src.slice(this.pos, this.pos + 8));
          const cp = m ? parseInt(m[1], 16) : NaN;
          if (!m || cp > 0x10ffff) return NONE;
          this.pos += m[0].length;
          return lit(String.fromCodePoint(cp));
        }
        return lit('u');
      }
      case 'p':
      case 'P':
        if (this.unicode) {
          if (src[this.pos] === '{') {
            const end = src.indexOf('}', this.pos);
            this.pos = end < 0 ? src.length : end + 1;
          }
          return NONE;
        }
        return lit(c);
      case 'k':
        if (src[this.pos] === '<') {
          const end = src.indexOf('>', this.pos);
          this.pos = end < 0 ? src.length : end + 1;
          return NONE;
        }
        return this.unicode ? NONE : lit('k');
      default:
        if (c >= '1' && c <= '9') {
          while (/[0-9]/.test(src[this.pos] ?? '')) this.pos++;
          return NONE; // a backreference (or an Annex B octal escape): no literal text
        }
        this.pos--;
        return lit(this.char()); // identity escape: \/ \. \\ \( …
    }
  }
}

function lit(s: string): Piece {
  const one = [s];
  return { exact: one, prefix: one };
}

/** All concatenations of one string of `a` and one of `b`; null when too many or too long. */
function product(a: readonly string[], b: readonly string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      const s = x + y;
      if (s.length > MAX_TOKEN) return null;
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}

function union(a: readonly string[], b: readonly string[]): string[] | null {
  const out = [...a];
  for (const s of b) if (!out.includes(s)) out.push(s);
  return out.length <= MAX_SET ? out : null;
}

function cut(s: string): string {
  return s.length > MAX_TOKEN ? s.slice(0, MAX_TOKEN) : s;
}
