/**
 * Source-map V3 plumbing for the transform, on the established libraries: @jridgewell/sourcemap-codec
 * encodes the segments map-writer.ts collects, and @jridgewell/remapping composes "instrumented →
 * stripped" with "stripped → .ts" for files amaro had to transform (enums, namespaces, parameter
 * properties). Used by transform.ts and map-writer.ts.
 * Rule: composition never invents positions; a segment that cannot be mapped is dropped.
 */
import remapping from '@jridgewell/remapping';
import { encode, type SourceMapMappings, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import type { TextBuffer } from './text-buffer.js';

export type { SourceMapMappings, SourceMapSegment };

/** Encodes decoded segments (absolute positions) into a `mappings` string. */
export function encodeMappings(lines: SourceMapMappings): string {
  return encode(lines);
}

/** Where the `mappings` encoded so far left off: the source position of its last segment that has one. */
export interface ChunkCarry {
  started: boolean;
  line: number;
  col: number;
}

/**
 * Encodes `lines` as the continuation of the `mappings` that earlier calls with the same `carry`
 * encoded, so that the results joined with ';' equal one encode of all the lines (single source
 * 0, no names): how a long map is encoded a chunk at a time. After the first chunk, a first
 * segment carrying the source position the previous chunk ended at goes in front, so the codec's
 * deltas continue from there, and its own encoding (the codec's output for it alone) is cut off.
 */
export function encodeChunk(lines: SourceMapSegment[][], carry: ChunkCarry): string {
  let text: string;
  if (!carry.started) {
    text = encode(lines);
    carry.started = true;
  } else {
    const head: SourceMapSegment = [0, 0, carry.line, carry.col];
    const prefix = encode([[head]]);
    const first = lines[0];
    const all = encode([[head, ...first], ...lines.slice(1)]);
    if (!all.startsWith(prefix)) throw new Error('tsfuzz: internal: unexpected source-map encoding');
    text = all.slice(prefix.length + (first.length > 0 ? 1 : 0));
  }
  for (let l = lines.length - 1; l >= 0; l--) {
    for (let i = lines[l].length - 1; i >= 0; i--) {
      const seg = lines[l][i];
      if (seg.length >= 4) {
        carry.line = seg[2]!;
        carry.col = seg[3]!;
        return text;
      }
    }
  }
  return text;
}

/**
 * Composes `outer` (final → intermediate) with `inner` (intermediate → original), both encoded
 * `mappings` of one source each: the result maps the final code to the original, single source
 * (index 0), no names.
 */
export function composeMappings(outer: string, inner: string): string {
  const map = (mappings: string, source: string) => ({ version: 3 as const, sources: [source], names: [], mappings });
  const composed = remapping(map(outer, 'intermediate'), (file) => (file === 'intermediate' ? map(inner, 'original') : null));
  return typeof composed.mappings === 'string' ? composed.mappings : encode(composed.mappings);
}

const MAP_URL_PREFIX = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';

/** The trailing comment that carries an inline map (base64 JSON). */
export function inlineMapComment(source: string, mappings: string): string {
  return MAP_URL_PREFIX + Buffer.from(mapJson(source, mappings)).toString('base64');
}

/**
 * The map's JSON text, as JSON.stringify writes it, around its mappings: written out so that
 * writeInlineMapComment can stream the mappings (base64-VLQ text, nothing to escape) in between.
 */
function mapJson(source: string, mappings: string): string {
  return mapJsonHead(source) + mappings + '"}';
}
function mapJsonHead(source: string): string {
  return `{"version":3,"sources":[${JSON.stringify(source)}],"names":[],"mappings":"`;
}

/** Bytes of the map's JSON base64-encoded at a time by writeInlineMapComment (a multiple of 3). */
const BASE64_STEP = 3 * (1 << 14);

/**
 * Appends to `out` the same comment as inlineMapComment(source, pieces.join(';')), for mappings
 * made of pieces of base64-VLQ text (MappingWriter#finish). The JSON is encoded a step at a time,
 * so the ~4 MB of a 9 MB file's mappings are never joined, stringified, converted to bytes and
 * base64-encoded as whole copies (each copy is fresh memory: on typescript.js the comment took
 * ~80 ms that way, most of it page faults).
 */
export function writeInlineMapComment(out: TextBuffer, source: string, pieces: readonly string[]): void {
  out.str(MAP_URL_PREFIX);
  let pending = Buffer.alloc(0);
  const feed = (text: string): void => {
    const bytes = pending.length > 0 ? Buffer.concat([pending, Buffer.from(text)]) : Buffer.from(text);
    const whole = bytes.length - (bytes.length % 3);
    if (whole > 0) out.str(bytes.toString('base64', 0, whole), true);
    pending = Buffer.from(bytes.subarray(whole));
  };
  let batch = mapJsonHead(source);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) batch += ';';
    batch += pieces[i];
    if (batch.length >= BASE64_STEP) {
      feed(batch);
      batch = '';
    }
  }
  feed(batch + '"}');
  if (pending.length > 0) out.str(pending.toString('base64'), true);
}
