/**
 * Insert-only source editing with a source map, for the instrumenter (transform.ts/visitor.ts).
 * It implements the three magic-string operations the visitor uses — `appendLeft`, `prependLeft`
 * and `update` with magic-string's ordering rules — as flat arrays sorted once at the end, and
 * writes the output and its mappings in one pass. On typescript.js this replaces ~1 s of
 * magic-string chunk splitting and ~2 M segment arrays with ~0.2 s and a byte buffer.
 * Rule: original text is copied verbatim, and every original token start keeps a map segment.
 */
import { MappingWriter } from './sourcemap.js';

const SEQ_BITS = 2 ** 22; // insertions per file (4 M) before keys would collide
const POS_MUL = 2 ** 23;

export interface Editor {
  appendLeft(pos: number, text: string): void;
  prependLeft(pos: number, text: string): void;
  update(start: number, end: number, text: string): void;
}

export class Edits implements Editor {
  private readonly keys: number[] = [];
  private readonly texts: string[] = [];
  private readonly updates = new Map<number, [number, string]>();

  constructor(readonly original: string) {}

  /** Text at `pos`, after what is already there (openings: outer first). */
  appendLeft(pos: number, text: string): void {
    const seq = this.texts.length;
    if (seq >= SEQ_BITS) throw new Error('tsfuzz: too many insertions in one file');
    this.texts.push(text);
    this.keys.push(pos * POS_MUL + SEQ_BITS + seq);
  }

  /** Text at `pos`, before what is already there (closings: inner first). */
  prependLeft(pos: number, text: string): void {
    const seq = this.texts.length;
    if (seq >= SEQ_BITS) throw new Error('tsfuzz: too many insertions in one file');
    this.texts.push(text);
    this.keys.push(pos * POS_MUL + (SEQ_BITS - 1 - seq));
  }

  /** Replaces original [start, end) (which must hold no insertion strictly inside). */
  update(start: number, end: number, text: string): void {
    this.updates.set(start, [end, text]);
  }

  /** Output code and its encoded mappings (single source, index 0). */
  build(): { code: string; mappings: string } {
    const src = this.original;
    const keys = Float64Array.from(this.keys).sort();
    const out: string[] = [];
    const map = new MappingWriter();
    let at = 0; // next original offset to copy
    const copyTo = (end: number): void => {
      while (at < end) {
        const u = this.updates.get(at);
        const stop = u ? at : nextUpdate(this.updates, at, end);
        if (u) {
          const [uEnd, text] = u;
          map.replaced(src, at, uEnd, text);
          out.push(text);
          at = uEnd;
          continue;
        }
        map.original(src, at, stop);
        out.push(src.slice(at, stop));
        at = stop;
      }
    };
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const pos = Math.floor(key / POS_MUL);
      const low = key - pos * POS_MUL;
      const seq = low >= SEQ_BITS ? low - SEQ_BITS : SEQ_BITS - 1 - low;
      copyTo(pos);
      const text = this.texts[seq];
      map.inserted(text);
      out.push(text);
    }
    copyTo(src.length);
    return { code: out.join(''), mappings: map.toString() };
  }
}

/** First update start in (from, end), or `end`. Updates are few (one per compare operator). */
function nextUpdate(updates: Map<number, [number, string]>, from: number, end: number): number {
  if (updates.size === 0) return end;
  // Updates are keyed by start; scanning candidate offsets would be O(n): keep a sorted view.
  const starts = sortedStarts(updates);
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo < starts.length && starts[lo] < end ? starts[lo] : end;
}

const sortedCache = new WeakMap<Map<number, [number, string]>, { size: number; starts: Float64Array }>();
function sortedStarts(updates: Map<number, [number, string]>): Float64Array {
  let c = sortedCache.get(updates);
  if (!c || c.size !== updates.size) {
    c = { size: updates.size, starts: Float64Array.from(updates.keys()).sort() };
    sortedCache.set(updates, c);
  }
  return c.starts;
}
