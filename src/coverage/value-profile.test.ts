/**
 * Tests of the value profile: distance buckets for numbers (integer and IEEE bit distances),
 * bigints, strings and bytes (common prefix + equal length), the feature id space and its stable
 * keys, and the per-execution feature map and hook. Run by `node --test dist/coverage/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMP } from './compare-ops.js';
import { CoverageRuntime } from './runtime.js';
import { CompareTrace } from './trace.js';
import {
  distanceBucket, localValueProfileFeature, VALUE_PROFILE_BUCKETS, valueProfileFeature, valueProfileKey, ValueProfileMap,
} from './value-profile.js';

test('numbers and bigints: differing bits of the 64-bit patterns, 0 only when equal', () => {
  const cases: [unknown, unknown, number][] = [
    [5, 5, 0],
    [0, -0, 0],
    [0, 1, 1],
    [0xdeadbeef, 0xdeadbeee, 1],
    [0, -1, 64],
    [-1, -2, 1],
    [0, 2 ** 40, 1],
    [0x12345678, 0x12345678 ^ 0xff, 8],
    [1.5, 1.5, 0],
    [1.5, -1.5, 1], // sign bit
    [1.5, 1.5 + Number.EPSILON, 1], // neighbouring doubles differ in the last mantissa bit
    [5n, 5n, 0],
    [0n, -1n, 64],
    [1n, 1n + (1n << 64n), 64], // differ only above bit 63
    [3n, 3, 0],
    [3n, 2, 1],
    [NaN, 1, distanceBucket(NaN, 1)],
  ];
  for (const [a, b, d] of cases) assert.equal(distanceBucket(a, b), d, `${String(a)} vs ${String(b)}`);
  assert.ok(distanceBucket(NaN, 1) >= 1 && distanceBucket(NaN, NaN) >= 0);
  // closer numbers in bit terms get smaller buckets
  assert.ok(distanceBucket(0x41424344, 0x41424300) < distanceBucket(0x41424344, 0));
});

test('strings and bytes: 1 + 2·common prefix (≤ 31) + 1 for equal length; higher = closer', () => {
  assert.equal(distanceBucket('abc', 'abc'), 0);
  assert.equal(distanceBucket('', 'x'), 1);
  assert.equal(distanceBucket('x', 'y'), 2);
  assert.equal(distanceBucket('abX', 'abc'), 1 + 4 + 1);
  assert.equal(distanceBucket('ab', 'abc'), 1 + 4);
  assert.equal(distanceBucket('a'.repeat(100) + 'x', 'a'.repeat(101)), 64);
  const key = 'SIXTEEN-CHAR-KEY';
  let last = 0;
  for (let k = 0; k < key.length; k++) {
    const b = distanceBucket(key.slice(0, k) + '#'.repeat(16 - k), key);
    assert.ok(b > last, `prefix ${k}: ${b} > ${last}`);
    last = b;
  }
  assert.equal(distanceBucket(Uint8Array.of(1, 2, 3), Buffer.from([1, 2, 3])), 0);
  assert.equal(distanceBucket(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4)), 1 + 4 + 1);
  assert.equal(distanceBucket('1', 1), 64);
  assert.equal(distanceBucket({}, 'x'), 64);
  for (const [a, b] of [['', 'z'.repeat(40)], [1, -1], [Uint8Array.of(), Uint8Array.of(1)]] as const) {
    const d = distanceBucket(a, b);
    assert.ok(d >= 0 && d < VALUE_PROFILE_BUCKETS);
  }
});

test('feature ids: site * 65 + bucket; stable keys round-trip per module', () => {
  assert.equal(valueProfileFeature(0, 0), 0);
  assert.equal(valueProfileFeature(3, 64), 3 * 65 + 64);
  const rt = new CoverageRuntime(16);
  const a = rt.allocCompare('/src/a.ts', 10);
  const b = rt.allocCompare('/src/b.ts', 5);
  const f = valueProfileFeature(b + 2, 17);
  assert.equal(valueProfileKey(rt, f), 'vp:/src/b.ts#2:17');
  assert.equal(localValueProfileFeature(rt, 'vp:/src/b.ts#2:17'), f);
  assert.equal(valueProfileKey(rt, valueProfileFeature(a, 0)), 'vp:/src/a.ts#0:0');
  assert.equal(valueProfileKey(rt, valueProfileFeature(b + 5, 0)), undefined);
  assert.equal(localValueProfileFeature(rt, 'vp:/src/c.ts#0:0'), undefined);
  assert.equal(localValueProfileFeature(rt, 'vp:/src/b.ts#5:0'), undefined);
  assert.equal(localValueProfileFeature(rt, '/src/b.ts#1'), undefined);
});

test('ValueProfileMap collects each feature once per execution; the hook chains to the trace', () => {
  const vp = new ValueProfileMap(1000);
  const trace = new CompareTrace();
  const hook = vp.hook(trace.record);
  hook(1, 'abc', 'abd', CMP.EQ3);
  hook(1, 'abc', 'abd', CMP.EQ3);
  hook(2, 7, 7, CMP.EQ3);
  hook(3, 'x', new Set(['y']), CMP.SET_HAS); // membership: no distance
  hook(4, undefined, 1, CMP.EQ3);
  hook(100, 1, 2, CMP.EQ3); // beyond capacity: ignored
  assert.deepEqual([...vp.T.subarray(1, vp.T[0] + 1)], [valueProfileFeature(1, distanceBucket('abc', 'abd')), valueProfileFeature(2, 0)]);
  assert.deepEqual(trace.takeNew().map((p) => p.site), [1, 3, 100], 'the trace still sees the comparisons');
  vp.reset();
  assert.equal(vp.T[0], 0);
  assert.ok(vp.flags.every((x) => x === 0));
  hook(1, 'abc', 'abd', CMP.EQ3);
  assert.equal(vp.T[0], 1);
});
