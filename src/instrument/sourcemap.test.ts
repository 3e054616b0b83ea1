/**
 * Tests of sourcemap.ts: a map encoded a chunk of lines at a time equals the codec's encoding of
 * all of it, for any chunking (lines with only unmapped segments, empty lines and empty chunks
 * included); composition maps through both maps; the streamed inline comment is the one-piece one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { composeMappings, encodeChunk, inlineMapComment, writeInlineMapComment, type ChunkCarry, type SourceMapSegment } from './sourcemap.js';
import { TextBuffer } from './text-buffer.js';
import { rng } from './testutil.js';

describe('source maps', () => {
  it('chunks joined with ";" equal one encoding of all the lines', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const lines: SourceMapSegment[][] = [];
      let srcLine = 0;
      for (let l = 0; l < 300; l++) {
        const line: SourceMapSegment[] = [];
        let col = 0;
        for (let k = r(4) === 0 ? 0 : r(6); k > 0; k--) {
          col += r(20);
          srcLine = Math.max(0, srcLine + r(5) - 1);
          line.push(r(3) === 0 ? [col] : [col, 0, srcLine, r(80)]);
        }
        lines.push(line);
      }
      const parts: string[] = [];
      const carry: ChunkCarry = { started: false, line: 0, col: 0 };
      for (let at = 0; at < lines.length; ) {
        const n = Math.min(lines.length - at, 1 + r(40));
        parts.push(encodeChunk(lines.slice(at, at + n), carry));
        at += n;
      }
      assert.equal(parts.join(';'), encode(lines), `seed ${seed}`);
    }
  });

  it('composes final → intermediate → original', () => {
    // Intermediate line 0 col 4 comes from original line 2 col 6; final line 1 col 10 points at it.
    const inner = encode([[[4, 0, 2, 6]]]);
    const outer = encode([[], [[10, 0, 0, 4], [15, 0, 0, 9]]]);
    const composed = decode(composeMappings(outer, inner));
    assert.deepEqual(composed[1][0], [10, 0, 2, 6]);
  });

  it('streams the inline comment: the same text as from the joined mappings, for any pieces', () => {
    const r = rng(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/,';
    // Sources with non-ASCII characters (UTF-8 bytes in the JSON) and pieces of every length
    // modulo 3, small and larger than one encoding step.
    for (const source of ['file:///a.js', 'file:///d%C3%A9j%C3%A0/b.ts', 'file:///€/ü.js']) {
      for (const sizes of [[], [0], [1], [2, 0, 5], [70_000, 1, 49_151, 49_152, 3], Array.from({ length: 50 }, () => r(300))]) {
        const pieces = sizes.map((n) => Array.from({ length: n }, () => alphabet[r(alphabet.length)]).join(''));
        const out = new TextBuffer(16, true);
        out.str('code;');
        writeInlineMapComment(out, source, pieces);
        assert.equal(out.toString(), 'code;' + inlineMapComment(source, pieces.join(';')), `${source} ${sizes.length} pieces`);
        const json = Buffer.from(inlineMapComment(source, pieces.join(';')).split('base64,')[1], 'base64').toString('utf8');
        assert.deepEqual(JSON.parse(json), { version: 3, sources: [source], names: [], mappings: pieces.join(';') });
      }
    }
  });
});
