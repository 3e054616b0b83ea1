/**
 * Tests of the coverage runtime's counters: bucketing, reading and clearing the touched list
 * (take / takeAll), and counters that wrap past 2^32 within one execution (they count as 128+).
 * Run by `node --test dist/coverage/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUCKET_MAX, bucketBit, CoverageRuntime } from './runtime.js';

/** What an instrumented site does for edge k. */
function hit(rt: CoverageRuntime, k: number, times = 1): void {
  const { C, T } = rt;
  for (let i = 0; i < times; i++) C[k]++ || (T[++T[0]] = k);
}

/** Makes edge k's next hit the one that wraps its counter (as after 2^32 − 1 hits). */
function nearWrap(rt: CoverageRuntime, k: number): void {
  hit(rt, k);
  rt.C[k] = 0xffffffff; // (−1 in the Int32Array: 2^32 − 1 modulo 2^32)
}

test('AFL classes as bits: 1, 2, 3, 4–7, 8–15, 16–31, 32–127, 128+', () => {
  const classes = [[0, 0], [1, 1], [2, 2], [3, 4], [4, 8], [7, 8], [8, 16], [15, 16], [16, 32], [31, 32], [32, 64], [127, 64], [128, 128], [2 ** 32 - 1, 128], [-1, 128], [-(2 ** 31), 128]];
  for (const [n, bit] of classes) assert.equal(bucketBit(n), bit, `${n} hits`);
});

test('a counter past 2^31 − 1 hits (negative in the Int32Array) counts as 128+', () => {
  const rt = new CoverageRuntime(64);
  hit(rt, 6);
  rt.C[6] = 2 ** 31 - 1;
  rt.C[6]++; // as the instrumented site does
  assert.equal(rt.C[6], -(2 ** 31));
  assert.deepEqual(rt.take(new Uint8Array(64)), [6, 128]);
  assert.equal(rt.T[0], 0);
});

test('take: the new (edge, bit) pairs against a mask, counters and touched list cleared; null when nothing is new', () => {
  const rt = new CoverageRuntime(64);
  const mask = new Uint8Array(64);
  hit(rt, 5, 3);
  hit(rt, 9);
  assert.deepEqual(rt.take(mask), [5, 4, 9, 1]);
  assert.equal(rt.T[0], 0);
  assert.equal(rt.C[5] + rt.C[9], 0);
  mask[5] = 4;
  mask[9] = 1;
  hit(rt, 9);
  hit(rt, 5, 3);
  assert.equal(rt.take(mask), null);
  hit(rt, 5, 200);
  assert.deepEqual(rt.take(mask), [5, 128]);
});

test('a counter that wraps within one execution counts as 128+ only', () => {
  const rt = new CoverageRuntime(64);
  const none = new Uint8Array(64);
  // Wrapped, then hit twice more: listed twice, its counter reads 2 then 0.
  hit(rt, 3);
  nearWrap(rt, 7);
  hit(rt, 7, 3);
  assert.deepEqual([...rt.T.subarray(1, rt.T[0] + 1)], [3, 7, 7], 'the wrap lists the edge again');
  assert.deepEqual(rt.take(none), [3, 1, 7, BUCKET_MAX]);
  assert.equal(rt.C[7], 0);
  // Wrapped exactly to 0: listed once, reads 0.
  nearWrap(rt, 7);
  hit(rt, 7);
  assert.deepEqual(rt.take(none), [7, BUCKET_MAX]);
  // Wrapped twice: listed three times.
  nearWrap(rt, 7);
  hit(rt, 7);
  hit(rt, 7);
  rt.C[7] = 0xffffffff;
  hit(rt, 7, 2);
  assert.deepEqual(rt.take(none), [7, BUCKET_MAX]);
  // Against a mask: 128+ already seen → nothing new, even if the count left after the wrap is a new class.
  const mask = new Uint8Array(64);
  mask[7] = BUCKET_MAX;
  nearWrap(rt, 7);
  hit(rt, 7, 5);
  assert.equal(rt.take(mask), null);
  mask[7] = 8; // only 4–7 seen: 128+ is new, the count left (4) does not count
  nearWrap(rt, 7);
  hit(rt, 7, 5);
  assert.deepEqual(rt.take(mask), [7, BUCKET_MAX]);
});

test('takeAll: one pair per touched edge whatever was seen, wrapped counters as 128+', () => {
  const rt = new CoverageRuntime(64);
  hit(rt, 2, 2);
  nearWrap(rt, 4);
  hit(rt, 4, 3);
  hit(rt, 6);
  assert.deepEqual(rt.takeAll(), [2, 2, 4, BUCKET_MAX, 6, 1]);
  assert.equal(rt.T[0], 0);
  assert.deepEqual(rt.takeAll(), []);
});
