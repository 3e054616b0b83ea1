/**
 * Tests of the seeded PRNG: exact xoshiro128** output against an independent BigInt reference,
 * seeding and derivation rules, ranges and rough uniformity of below/float/bool, state round-trips.
 * Run by `node --test dist/util/rng.test.js`. Rule: these pin the stream; changing them means
 * every saved replay checkpoint changes meaning.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';

/** Reference xoshiro128** on BigInt, written from the published C code. */
function reference(state: bigint[], n: number): number[] {
  const s = state.slice();
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number((rotl((s[1] * 5n) & M, 7n) * 9n) & M));
    const t = (s[1] << 9n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

test('u32 matches the xoshiro128** reference', () => {
  const r = new Rng(0);
  r.setState([1, 2, 3, 4]);
  const got = Array.from({ length: 8 }, () => r.u32());
  assert.deepEqual(got, reference([1n, 2n, 3n, 4n], 8));
  assert.deepEqual(got.slice(0, 4), [11520, 0, 5927040, 70819200]);
  const r2 = new Rng(0);
  const st = [0xdeadbeef, 0x80000000, 0xffffffff, 7];
  r2.setState(st);
  assert.deepEqual(Array.from({ length: 100 }, () => r2.u32()), reference(st.map(BigInt), 100));
});

test('the stream for a seed is pinned (changing it breaks saved checkpoints)', () => {
  const r = new Rng(0);
  assert.deepEqual([r.u32(), r.u32(), r.u32()], [1453884113, 973241594, 3742272628]);
  assert.deepEqual(new Rng(1).getState(), [2112943150, 1882665998, 2536107515, 2550255936]);
  assert.equal(Rng.deriveSeed(42, 1, 2), 7872376676469873);
});

test('seeds: every integer 0..2^53 is accepted, anything else throws', () => {
  for (const s of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53]) assert.doesNotThrow(() => new Rng(s));
  for (const s of [-1, 0.5, 2 ** 53 + 2, NaN, Infinity]) assert.throws(() => new Rng(s), RangeError);
});

test('nearby and high-bit-only seeds give unrelated streams', () => {
  const firsts = new Set<number>();
  const seeds = [0, 1, 2, 3, 2 ** 32, 2 ** 33, 2 ** 52, 2 ** 53, 2 ** 32 + 1, 12345];
  for (const s of seeds) firsts.add(new Rng(s).u32());
  assert.equal(firsts.size, seeds.length);
  const states = new Set(seeds.map((s) => new Rng(s).getState().join(',')));
  assert.equal(states.size, seeds.length);
});

test('below(n) stays in [0, n) and is roughly uniform', () => {
  const r = new Rng(7);
  for (const n of [1, 2, 3, 7, 100, 1000, 2 ** 21, 2 ** 21 + 1, 3e9, 2 ** 32 - 1, 2 ** 32]) {
    for (let i = 0; i < 2000; i++) {
      const v = r.below(n);
      assert.ok(Number.isInteger(v) && v >= 0 && v < n, `below(${n}) gave ${v}`);
    }
  }
  for (const n of [3, 10, 37]) {
    const counts = new Array<number>(n).fill(0);
    const draws = 20000 * n;
    for (let i = 0; i < draws; i++) counts[r.below(n)]++;
    for (const c of counts) assert.ok(Math.abs(c - 20000) < 20000 * 0.05, `below(${n}) counts ${counts}`);
  }
  const big = new Array<number>(4).fill(0);
  for (let i = 0; i < 40000; i++) big[Math.floor(r.below(3e9) / 7.5e8)]++;
  for (const c of big) assert.ok(Math.abs(c - 10000) < 600, `below(3e9) quarters ${big}`);
});

test('below rejects n < 1 and n > 2^32', () => {
  const r = new Rng(1);
  assert.throws(() => r.below(0), RangeError);
  assert.throws(() => r.below(-3), RangeError);
  assert.throws(() => r.below(NaN), RangeError);
  assert.throws(() => r.below(2 ** 32 + 1), RangeError);
});

test('float is in [0,1) with fine resolution; bool is balanced', () => {
  const r = new Rng(3);
  let trues = 0;
  let small = 0;
  for (let i = 0; i < 100000; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    if (f < 1e-4) small++;
    if (r.bool()) trues++;
  }
  assert.ok(Math.abs(trues - 50000) < 1500, `bool trues ${trues}`);
  assert.ok(small > 0 && small < 30, `float below 1e-4: ${small}`);
  const u = r.u53();
  assert.ok(Number.isInteger(u) && u >= 0 && u < 2 ** 53);
});

test('getState/setState round-trip and validation', () => {
  const r = new Rng(99);
  r.u32();
  const st = r.getState();
  assert.ok(st.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32));
  const a = Array.from({ length: 10 }, () => r.u32());
  const r2 = new Rng(5);
  r2.setState(st);
  assert.deepEqual(Array.from({ length: 10 }, () => r2.u32()), a);
  assert.throws(() => r2.setState([0, 0, 0, 0]), RangeError);
  assert.throws(() => r2.setState([1, 2, 3]), RangeError);
  assert.throws(() => r2.setState([1, 2, 3, 2 ** 32]), RangeError);
});

test('derive: deterministic, distinct per salt, order-sensitive', () => {
  const s = Rng.deriveSeed(42, 1, 2);
  assert.equal(s, Rng.deriveSeed(42, 1, 2));
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 53);
  const seen = new Set<number>();
  for (let a = 0; a < 50; a++) for (let b = 0; b < 50; b++) seen.add(Rng.deriveSeed(42, a, b));
  assert.equal(seen.size, 2500);
  assert.notEqual(Rng.deriveSeed(42, 1, 2), Rng.deriveSeed(42, 2, 1));
  assert.notEqual(Rng.deriveSeed(42, 0), 42);
  assert.equal(Rng.deriveSeed(42), 42);
  assert.deepEqual(Rng.derive(42, 7).getState(), new Rng(Rng.deriveSeed(42, 7)).getState());
  assert.throws(() => Rng.deriveSeed(1, -1), RangeError);
});
