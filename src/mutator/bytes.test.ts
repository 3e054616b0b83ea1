/**
 * Exact, table-driven tests of each byte-slice mutation (Go's mockRand style): mutation, input,
 * max, scripted random values → expected bytes (or "does not apply"), plus the buffer helpers.
 * Run by `node --test dist/mutator/`. Rule: every case must consume exactly the listed draws.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as B from './bytes.js';
import { chooseLen, duplicateWithin, newBytesWork, swapRanges } from './common.js';
import { MockRng } from './mock-rng.js';
import { Rng } from '../util/rng.js';

const enc = (s: string) => new TextEncoder().encode(s);

interface Case {
  m: B.BytesMutator;
  input: number[] | string;
  max?: number;
  rng: number[];
  want: number[] | string | false;
  tokens?: string[];
  donors?: number[][];
}

const CASES: Case[] = [
  { m: B.bytesRemove, input: [1, 2, 3, 4, 5], rng: [1, 0, 1], want: [1, 4, 5] },
  { m: B.bytesRemove, input: [1], rng: [], want: false },
  { m: B.bytesInsertRandom, input: [1, 2], max: 8, rng: [1, 0, 2, 0x0a0b0c], want: [1, 0x0c, 0x0b, 0x0a, 2] },
  { m: B.bytesInsertRandom, input: [], max: 4, rng: [0, 95, 3, 0x04030201], want: [1, 2, 3, 4] },
  { m: B.bytesInsertRandom, input: [1, 2], max: 2, rng: [], want: false },
  { m: B.bytesDuplicate, input: [1, 2, 3, 4], max: 10, rng: [1, 0, 1, 4], want: [1, 2, 3, 4, 2, 3] },
  { m: B.bytesDuplicate, input: [1, 2, 3, 4], max: 10, rng: [1, 0, 2, 2], want: [1, 2, 2, 3, 4, 3, 4] },
  { m: B.bytesDuplicate, input: [1, 2, 3, 4], max: 10, rng: [2, 0, 1, 0], want: [3, 4, 1, 2, 3, 4] },
  { m: B.bytesDuplicate, input: [1, 2, 3], max: 4, rng: [0, 0, 0, 3], want: [1, 2, 3, 1] },
  { m: B.bytesCopy, input: [1, 2, 3, 4, 5], rng: [0, 2, 0, 3], want: [1, 2, 3, 1, 2] },
  { m: B.bytesCopy, input: [1, 2, 3, 4, 5], rng: [1, 0, 0, 2], want: [2, 3, 4, 4, 5] },
  { m: B.bytesBitFlip, input: [0, 0], rng: [1, 7], want: [0, 128] },
  { m: B.bytesXor, input: [0x0f], rng: [0, 239], want: [0xff] },
  { m: B.bytesSwapByte, input: [1, 2, 3], rng: [0, 1], want: [3, 2, 1] },
  { m: B.bytesArith8, input: [10], rng: [0, 4, 1, 0], want: [15] },
  { m: B.bytesArith8, input: [3], rng: [0, 9, 0, 0], want: [249] },
  { m: B.bytesArith16, input: [0x00, 0xff, 0x00], rng: [0, 0, 1, 1], want: [0x01, 0x00, 0x00] },
  { m: B.bytesArith16, input: [0xff, 0xff, 0x07], rng: [0, 0, 1, 0], want: [0, 0, 7] },
  { m: B.bytesArith16, input: [9], rng: [], want: false },
  { m: B.bytesArith32, input: [0, 0, 0, 1, 9], rng: [1, 1, 0, 1], want: [0, 0, 0, 1, 7] },
  { m: B.bytesArith64, input: [0, 0, 0, 0, 0, 0, 0, 0], rng: [0, 0, 0, 0], want: [255, 255, 255, 255, 255, 255, 255, 255] },
  { m: B.bytesArith64, input: [0, 0, 0, 0, 0, 0, 0], rng: [], want: false },
  { m: B.bytesInteresting8, input: [0], rng: [0, 0], want: [128] },
  { m: B.bytesInteresting16, input: [0, 0, 0], rng: [1, 0, 0], want: [0, 0x00, 0x80] },
  { m: B.bytesInteresting16, input: [0, 0, 0], rng: [0, 6, 1], want: [0x03, 0xe8, 0] },
  { m: B.bytesInteresting32, input: [0, 0, 0, 0], rng: [0, 4, 0], want: [0xff, 0xff, 0, 0] },
  { m: B.bytesInteresting32, input: [9, 9, 9, 9, 9], rng: [1, 0, 1], want: [9, 0x80, 0, 0, 0] },
  { m: B.bytesInsertConstant, input: [1, 2], max: 5, rng: [2, 0, 1, 0x41], want: [1, 2, 0x41, 0x41] },
  { m: B.bytesInsertConstant, input: [], max: 5, rng: [0, 0, 0, 7], want: [7] },
  { m: B.bytesOverwriteConstant, input: [1, 2, 3, 4], rng: [1, 0, 2, 9], want: [1, 9, 9, 9] },
  { m: B.bytesShuffle, input: [1, 2, 3, 4], rng: [0, 0, 2, 0, 0], want: [2, 3, 1, 4] },
  { m: B.bytesShuffle, input: [1, 2, 3, 4], rng: [1, 0, 0], want: false },
  { m: B.bytesSwapRanges, input: [1, 2, 3, 4, 5, 6], rng: [0, 3, 0, 1], want: [5, 6, 3, 4, 1, 2] },
  { m: B.bytesSwapRanges, input: [1, 2, 3, 4, 5, 6], rng: [0, 0, 0, 4], want: [2, 1, 3, 4, 5, 6] },
  { m: B.bytesInsertToken, input: [1, 2], max: 10, tokens: ['AB'], rng: [0, 1], want: [1, 0x41, 0x42, 2] },
  { m: B.bytesInsertToken, input: [1, 2], max: 3, tokens: ['AB'], rng: [0], want: false },
  { m: B.bytesInsertToken, input: [1, 2], max: 10, rng: [], want: false },
  { m: B.bytesOverwriteToken, input: [1, 2], max: 4, tokens: ['x', 'ABC'], rng: [1, 1], want: [1, 0x41, 0x42, 0x43] },
  { m: B.bytesOverwriteToken, input: [1, 2], max: 3, tokens: ['ABC'], rng: [0, 1], want: false },
  { m: B.bytesOverwriteToken, input: [], max: 3, tokens: ['AB'], rng: [0], want: 'AB' },
  { m: B.bytesSpliceInsert, input: [1, 2], max: 10, donors: [[10, 11, 12, 13]], rng: [0, 1, 0, 1, 2], want: [1, 2, 11, 12] },
  { m: B.bytesSpliceInsert, input: [1, 2], max: 3, donors: [[10, 11, 12, 13]], rng: [0, 0, 0, 0, 0], want: [10, 1, 2] },
  { m: B.bytesCrossover, input: [1, 2, 3], max: 4, donors: [[9], [10, 11, 12, 13]], rng: [1, 1, 1], want: [1, 11, 12, 13] },
  { m: B.bytesCrossover, input: [1, 2, 3], max: 3, donors: [[10, 11]], rng: [0, 3, 0], want: false },
  { m: B.bytesAsciiDigit, input: 'ab5c', rng: [0, 5], want: 'ab6c' },
  { m: B.bytesAsciiDigit, input: 'ab5c', rng: [3], want: false },
  { m: B.bytesAsciiCase, input: '1a', rng: [0], want: '1A' },
  { m: B.bytesAsciiCase, input: '1Z', rng: [1], want: '1z' },
  { m: B.bytesAsciiCase, input: '12', rng: [0], want: false },
  { m: B.bytesTruncate, input: [1, 2, 3], rng: [1], want: [1] },
  { m: B.bytesTruncate, input: [], rng: [], want: false },
];

const toBytes = (v: number[] | string) => (typeof v === 'string' ? enc(v) : Uint8Array.from(v));

for (const [i, c] of CASES.entries()) {
  test(`${c.m.name} #${i}: ${JSON.stringify(c.input)} → ${JSON.stringify(c.want)}`, () => {
    const input = toBytes(c.input);
    const w = newBytesWork(c.max ?? 64);
    w.ensure(input.length);
    w.buf.set(input);
    w.len = input.length;
    w.tokens = (c.tokens ?? []).map(enc);
    w.donors = (c.donors ?? []).map((d) => Uint8Array.from(d));
    const r = new MockRng(c.rng);
    const applied = c.m(w, r);
    if (c.want === false) {
      assert.equal(applied, false);
      assert.deepEqual(w.buf.subarray(0, w.len), input, 'an inapplicable mutation must not touch the value');
    } else {
      assert.equal(applied, true);
      assert.deepEqual(w.buf.subarray(0, w.len), toBytes(c.want));
    }
    assert.equal(r.remaining, 0, 'the case lists exactly the draws made');
  });
}

test("chooseLen follows Go's three bands", () => {
  assert.equal(chooseLen(new MockRng([0, 7]), 100), 8);
  assert.equal(chooseLen(new MockRng([89, 2]), 3), 3);
  assert.equal(chooseLen(new MockRng([90, 31]), 100), 32);
  assert.equal(chooseLen(new MockRng([99, 99]), 100), 100);
  assert.throws(() => chooseLen(new MockRng([0, 8]), 100), /out of range/);
});

test('duplicateWithin handles every overlap of source and gap', () => {
  for (let len = 1; len <= 9; len++) {
    for (let s = 0; s < len; s++) {
      for (let n = 1; s + n <= len; n++) {
        for (let d = 0; d <= len; d++) {
          const w = newBytesWork(64);
          const src = Array.from({ length: len }, (_, k) => k + 1);
          w.ensure(len);
          w.buf.set(src);
          w.len = len;
          duplicateWithin(w, s, n, d);
          const want = [...src.slice(0, d), ...src.slice(s, s + n), ...src.slice(d)];
          assert.deepEqual([...w.buf.subarray(0, w.len)], want, `len ${len} s ${s} n ${n} d ${d}`);
        }
      }
    }
  }
});

test('swapRanges exchanges ranges of different lengths', () => {
  const buf = enc('AAbbbCCCC');
  swapRanges(buf, 0, 2, 5, 4);
  assert.equal(new TextDecoder().decode(buf), 'CCCCbbbAA');
});

test('tables: Go 18 + extras, dictionary and splice only when usable, grow subset', () => {
  assert.equal(B.BYTES_GO_MUTATORS.length, 18);
  assert.equal(B.bytesTable(false, false, false).length, 21);
  assert.equal(B.bytesTable(true, true, false).length, 25);
  const grow = B.bytesTable(true, true, true);
  const w = newBytesWork(16);
  for (const m of grow) {
    for (let seed = 0; seed < 20; seed++) {
      // every grow mutation applies to an empty value when there is room and material
      w.len = 0;
      w.tokens = [enc('tok')];
      w.donors = [enc('donor')];
      assert.equal(m(w, new Rng(seed)), true, `${m.name} on empty`);
      assert.ok(w.len > 0 && w.len <= 16);
    }
  }
});
