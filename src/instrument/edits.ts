/**
 * Insert-only source editing with a source map, for the instrumenter (transform.ts/visitor.ts).
 * It implements the three magic-string operations the visitor uses — `appendLeft`, `prependLeft`
 * and `update` with magic-string's ordering rules — as flat arrays sorted once at the end, and
 * writes the output (text-buffer.ts) and its mappings (map-writer.ts) in one pass. An insertion
 * is `text`, then optionally a numeric snippet code (emit.ts: a counter increment or a site id,
 * rendered straight into the output by the `render` callback), then `tail`; so the ~100k
 * snippets per MB of source are never built as strings.
 * Rule: original text is copied verbatim, and every original token start keeps its position
 * in the map (see map-writer.ts). Where inserted text would touch a word character on either
 * side (minified code: `case"a":`, `for(k in"s"==typeof o)`), a space keeps the tokens apart.
 */
import { MappingWriter } from './map-writer.js';
import { TextBuffer } from './text-buffer.js';

const SEQ_BITS = 2 ** 22; // insertions per file (4 M) before keys would collide
const POS_MUL = 2 ** 23;

export interface Editor {
  /** Text at `pos`, after what is already there (openings: outer first): `text`, snippet `code` (< 0: none), `tail`. */
  appendLeft(pos: number, text: string, code: number, tail: string): void;
  /** Text at `pos`, before what is already there (closings: inner first); parts as in appendLeft. */
  prependLeft(pos: number, text: string, code: number, tail: string): void;
  /** Replaces original [start, end) (which must hold no insertion strictly inside). */
  update(start: number, end: number, text: string): void;
}

/** Writes the text of a snippet code (emit.ts's `renderCode`). */
export type Renderer = (out: TextBuffer, code: number) => void;

/**
 * A character that can continue an identifier, keyword or number, so that two of them written
 * side by side would merge into one token (non-ASCII counted, as it may be an identifier part;
 * `\` starts a unicode escape in an identifier).
 */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 92 || c >= 128;
}

export class Edits implements Editor {
  // Insertion i: sort key (offset, then magic-string's order at one offset), text, code, tail.
  // Preallocated from the source size (about one insertion per 40 characters of real code):
  // growing arrays by push re-allocated them in large-object space over and over.
  private keys: Float64Array;
  private codes: Int32Array;
  private texts: string[];
  private tails: string[];
  private n = 0;
  private readonly updates = new Map<number, [number, string]>();

  constructor(
    readonly original: string,
    private readonly render: Renderer,
    /** The first character `render` writes for a code (unknown: assume a word character). */
    private readonly renderedFirst: (code: number) => number = () => 97,
  ) {
    const cap = Math.max(256, Math.ceil(original.length / 24));
    this.keys = new Float64Array(cap);
    this.codes = new Int32Array(cap);
    this.texts = new Array<string>(cap);
    this.tails = new Array<string>(cap);
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    const keys = new Float64Array(cap);
    keys.set(this.keys);
    this.keys = keys;
    const codes = new Int32Array(cap);
    codes.set(this.codes);
    this.codes = codes;
    const texts = new Array<string>(cap);
    const tails = new Array<string>(cap);
    for (let i = 0; i < this.n; i++) {
      texts[i] = this.texts[i];
      tails[i] = this.tails[i];
    }
    this.texts = texts;
    this.tails = tails;
  }

  /** At one offset, prepends come first (latest first), then appends (in call order). */
  private add(pos: number, append: boolean, text: string, code: number, tail: string): void {
    const seq = this.n;
    if (seq >= SEQ_BITS) throw new Error('tsfuzz: too many insertions in one file');
    if (seq === this.keys.length) this.grow();
    this.keys[seq] = pos * POS_MUL + (append ? SEQ_BITS + seq : SEQ_BITS - 1 - seq);
    this.codes[seq] = code;
    this.texts[seq] = text;
    this.tails[seq] = tail;
    this.n = seq + 1;
  }

  appendLeft(pos: number, text: string, code: number, tail: string): void {
    this.add(pos, true, text, code, tail);
  }

  prependLeft(pos: number, text: string, code: number, tail: string): void {
    this.add(pos, false, text, code, tail);
  }

  update(start: number, end: number, text: string): void {
    this.updates.set(start, [end, text]);
  }

  /**
   * The output code, in a buffer the caller may append to (it sized for more than the code),
   * and its encoded mappings (single source, index 0), in pieces to be joined with ';'
   * (MappingWriter#finish). `identity`: the output replaces the original file, so unmoved text
   * may be left unmapped (map-writer.ts).
   */
  build(identity: boolean): { out: TextBuffer; pieces: string[] } {
    const src = this.original;
    const keys = this.keys.slice(0, this.n).sort();
    const starts = Float64Array.from(this.updates.keys()).sort();
    const { texts, codes, tails, render } = this;
    const latin1 = !/[^\x00-\xff]/.test(src);
    // Instrumented code is about twice the source; untouched capacity costs no memory.
    const out = new TextBuffer(src.length * 3 + 4096, latin1);
    const map = new MappingWriter(src, identity);
    let at = 0; // next original offset to copy
    let u = 0; // next update (index into starts)
    /** Whether the last text written was inserted (not original). */
    let afterInsert = false;
    // Before text that starts with character `c`, when inserted text meets a word character.
    const apart = (c: number): void => {
      if (isWordChar(c) && isWordChar(out.last())) {
        map.inserted(' ');
        out.str(' ');
      }
    };
    const insert = (text: string): void => {
      if (text.length === 0) return;
      apart(text.charCodeAt(0));
      map.inserted(text);
      out.str(text);
      afterInsert = true;
    };
    const copyTo = (end: number): void => {
      while (at < end) {
        while (u < starts.length && starts[u] < at) u++; // inside an earlier update: dropped
        if (u < starts.length && starts[u] === at) {
          const [uEnd, text] = this.updates.get(at)!;
          if (text.length > 0) apart(text.charCodeAt(0));
          map.replaced(at, uEnd, text);
          out.str(text);
          if (text.length > 0) afterInsert = true;
          at = uEnd;
          u++;
          continue;
        }
        const stop = u < starts.length && starts[u] < end ? starts[u] : end;
        if (afterInsert) {
          apart(src.charCodeAt(at));
          afterInsert = false;
        }
        map.original(at, stop);
        out.slice(src, at, stop, latin1);
        at = stop;
      }
    };
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const pos = Math.floor(key / POS_MUL);
      const low = key - pos * POS_MUL;
      const seq = low >= SEQ_BITS ? low - SEQ_BITS : SEQ_BITS - 1 - low;
      copyTo(pos);
      insert(texts[seq]);
      const code = codes[seq];
      if (code >= 0) {
        apart(this.renderedFirst(code));
        const before = out.length;
        render(out, code);
        map.insertedChars(out.length - before);
        afterInsert = true;
      }
      insert(tails[seq]);
    }
    copyTo(src.length);
    return { out, pieces: map.finish() };
  }
}
