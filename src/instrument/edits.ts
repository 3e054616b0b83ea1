/**
 * Insert-only source editing with a source map, for the instrumenter (transform.ts/visitor.ts).
 * It implements the three magic-string operations the visitor uses — `appendLeft`, `prependLeft`
 * and `update` with magic-string's ordering rules — as flat arrays sorted once at the end, and
 * writes the output (text-buffer.ts) and its mappings (map-writer.ts) in one pass. An insertion
 * is `text`, then optionally a numeric snippet code (emit.ts: a counter increment or a site id,
 * rendered straight into the output by the `render` callback), then `tail`; so the ~100k
 * snippets per MB of source are never built as strings.
 * Rule: original text is copied verbatim, and every original token start keeps its position
 * in the map (see map-writer.ts).
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

export class Edits implements Editor {
  private readonly keys: number[] = [];
  private readonly texts: string[] = [];
  private readonly codes: number[] = [];
  private readonly tails: string[] = [];
  private readonly updates = new Map<number, [number, string]>();

  constructor(
    readonly original: string,
    private readonly render: Renderer,
  ) {}

  private add(text: string, code: number, tail: string): number {
    const seq = this.texts.length;
    if (seq >= SEQ_BITS) throw new Error('tsfuzz: too many insertions in one file');
    this.texts.push(text);
    this.codes.push(code);
    this.tails.push(tail);
    return seq;
  }

  appendLeft(pos: number, text: string, code: number, tail: string): void {
    const seq = this.add(text, code, tail);
    this.keys.push(pos * POS_MUL + SEQ_BITS + seq);
  }

  prependLeft(pos: number, text: string, code: number, tail: string): void {
    const seq = this.add(text, code, tail);
    this.keys.push(pos * POS_MUL + (SEQ_BITS - 1 - seq));
  }

  update(start: number, end: number, text: string): void {
    this.updates.set(start, [end, text]);
  }

  /**
   * Output code and its encoded mappings (single source, index 0). `identity`: the output
   * replaces the original file, so unmoved text may be left unmapped (map-writer.ts).
   */
  build(identity: boolean): { code: string; mappings: string } {
    const src = this.original;
    const keys = Float64Array.from(this.keys).sort();
    const starts = Float64Array.from(this.updates.keys()).sort();
    const { texts, codes, tails, render } = this;
    const out = new TextBuffer(src.length * 2 + 1024, !/[^\x00-\xff]/.test(src));
    const map = new MappingWriter(src, identity);
    let at = 0; // next original offset to copy
    let u = 0; // next update (index into starts)
    const copyTo = (end: number): void => {
      while (at < end) {
        while (u < starts.length && starts[u] < at) u++; // inside an earlier update: dropped
        if (u < starts.length && starts[u] === at) {
          const [uEnd, text] = this.updates.get(at)!;
          map.replaced(at, uEnd, text);
          out.str(text);
          at = uEnd;
          u++;
          continue;
        }
        const stop = u < starts.length && starts[u] < end ? starts[u] : end;
        map.original(at, stop);
        out.slice(src, at, stop);
        at = stop;
      }
    };
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const pos = Math.floor(key / POS_MUL);
      const low = key - pos * POS_MUL;
      const seq = low >= SEQ_BITS ? low - SEQ_BITS : SEQ_BITS - 1 - low;
      copyTo(pos);
      const text = texts[seq];
      if (text.length > 0) {
        map.inserted(text);
        out.str(text);
      }
      const code = codes[seq];
      if (code >= 0) {
        const before = out.length;
        render(out, code);
        map.insertedChars(out.length - before);
      }
      const tail = tails[seq];
      if (tail.length > 0) {
        map.inserted(tail);
        out.str(tail);
      }
    }
    copyTo(src.length);
    return { code: out.toString(), mappings: map.toString() };
  }
}
