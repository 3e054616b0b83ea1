/**
 * Minimal source-map V3 plumbing for the transform: VLQ decode/encode (the byte writer is shared
 * with map-writer.ts, which streams the instrumented file's map), and the composition of
 * "instrumented → stripped" with "stripped → .ts" for files that amaro had to transform (enums,
 * namespaces, parameter properties). Used by transform.ts, strip.ts and map-writer.ts. No dependencies.
 * Rule: composition never invents positions; a segment that cannot be mapped is dropped.
 */

/** One decoded segment: [genCol] or [genCol, source, line, col] or [.., name]. */
export type Segment = number[];
export type DecodedMappings = Segment[][];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Decodes a `mappings` string into absolute-position segments per generated line. */
export function decodeMappings(mappings: string): DecodedMappings {
  const lines: DecodedMappings = [];
  let line: Segment[] = [];
  let genCol = 0;
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  let seg: number[] = [];
  let value = 0;
  let shift = 0;
  const flush = (): void => {
    if (seg.length === 0) return;
    genCol += seg[0];
    const out: Segment = [genCol];
    if (seg.length >= 4) {
      src += seg[1];
      srcLine += seg[2];
      srcCol += seg[3];
      out.push(src, srcLine, srcCol);
      if (seg.length >= 5) {
        name += seg[4];
        out.push(name);
      }
    }
    line.push(out);
    seg = [];
  };
  for (let i = 0; i < mappings.length; i++) {
    const c = mappings.charCodeAt(i);
    if (c === 44 /* , */) {
      flush();
    } else if (c === 59 /* ; */) {
      flush();
      lines.push(line);
      line = [];
      genCol = 0;
    } else {
      const d = c < 128 ? B64_VALUE[c] : -1;
      if (d < 0) throw new Error(`invalid source map character ${JSON.stringify(mappings[i])}`);
      value += (d & 31) * 2 ** shift;
      if (d & 32) {
        shift += 5;
      } else {
        seg.push(value & 1 ? -(value - 1) / 2 : value / 2);
        value = 0;
        shift = 0;
      }
    }
  }
  flush();
  lines.push(line);
  return lines;
}

const B64_CODE = new Uint8Array(64).map((_, i) => B64.charCodeAt(i));

/**
 * Growable ASCII output buffer with base64-VLQ output (string concatenation per segment is far
 * slower at 1M segments). Shared with map-writer.ts.
 */
export class VlqWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  vlq(n: number): void {
    this.reserve(8);
    this.put(n);
  }

  /** An optional separator byte (0 = none) then a 4-field segment, with one capacity check. */
  segment4(sep: number, a: number, b: number, c: number, d: number): void {
    this.reserve(1 + 4 * 8);
    if (sep !== 0) this.buf[this.pos++] = sep;
    this.put(a);
    this.put(b);
    this.put(c);
    this.put(d);
  }

  private put(n: number): void {
    const buf = this.buf;
    let v = n < 0 ? -n * 2 + 1 : n * 2;
    if (v < 32) {
      buf[this.pos++] = B64_CODE[v];
      return;
    }
    do {
      let d = v & 31;
      v = Math.floor(v / 32);
      if (v > 0) d |= 32;
      buf[this.pos++] = B64_CODE[d];
    } while (v > 0);
  }

  toString(): string {
    return Buffer.from(this.buf.buffer, 0, this.pos).toString('latin1');
  }
}

/** Encodes decoded segments (absolute positions) into a `mappings` string. */
export function encodeMappings(lines: DecodedMappings): string {
  const w = new VlqWriter();
  let src = 0;
  let srcLine = 0;
  let srcCol = 0;
  let name = 0;
  for (let l = 0; l < lines.length; l++) {
    if (l > 0) w.byte(59 /* ; */);
    const line = lines[l];
    let genCol = 0;
    for (let i = 0; i < line.length; i++) {
      const seg = line[i];
      if (i > 0) w.byte(44 /* , */);
      w.vlq(seg[0] - genCol);
      genCol = seg[0];
      if (seg.length >= 4) {
        w.vlq(seg[1] - src);
        w.vlq(seg[2] - srcLine);
        w.vlq(seg[3] - srcCol);
        src = seg[1];
        srcLine = seg[2];
        srcCol = seg[3];
        if (seg.length >= 5) {
          w.vlq(seg[4] - name);
          name = seg[4];
        }
      }
    }
  }
  return w.toString();
}

/**
 * Composes `outer` (final → intermediate) with `inner` (intermediate → original): each outer
 * segment is looked up in the inner line it points at (the last inner segment at or before its
 * column). The result has a single source (index 0) and no names.
 */
export function composeMappings(outer: DecodedMappings, inner: DecodedMappings): DecodedMappings {
  const result: DecodedMappings = [];
  for (const line of outer) {
    const out: Segment[] = [];
    for (const seg of line) {
      if (seg.length < 4) continue;
      const innerLine = inner[seg[2]];
      if (!innerLine || innerLine.length === 0) continue;
      const col = seg[3];
      let lo = 0;
      let hi = innerLine.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (innerLine[mid][0] <= col) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0) continue;
      const hit = innerLine[found];
      if (hit.length < 4) continue;
      const prev = out[out.length - 1];
      if (prev && prev[2] === hit[2] && prev[3] === hit[3]) continue; // same target, redundant
      out.push([seg[0], 0, hit[2], hit[3]]);
    }
    result.push(out);
  }
  return result;
}

/** The trailing comment that carries an inline map (base64 JSON). */
export function inlineMapComment(source: string, mappings: string): string {
  const json = JSON.stringify({ version: 3, sources: [source], names: [], mappings });
  return '//# sourceMappingURL=data:application/json;charset=utf-8;base64,' + Buffer.from(json).toString('base64');
}
