/**
 * Tests of the simplicity order (order.ts) and of the pure shrinkers driven directly by a
 * synchronous loop (no driver, no cache). Run by `node --test dist/minimize/`.
 * Rule: these pin the order's definition; the driver relies on it being strict and total.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bool, bytes, float32, float64, int8, int64, string, uint8, type Kind, type Value } from '../values/kinds.js';
import { compareSimplicity, compareValue, floatDecimal, unitRank } from './order.js';
import { smallestAccepted, type Shrinker } from './search.js';
import { shrinkFloat } from './floats.js';
import { shrinkBigInt, shrinkInt } from './numbers.js';
import { fromCodePoints, shrinkString, simplifyString, toCodePoints } from './strings.js';
import { shrinkBytes, simplifyBytes } from './bytes.js';

/** Runs a shrinker against a predicate; returns the final value and every candidate yielded. */
function drive<V>(gen: Shrinker<V> | Generator<V, unknown, boolean>, start: V, pred: (v: V) => boolean): { value: V; tried: V[] } {
  let value = start;
  const tried: V[] = [];
  for (let r = gen.next(); !r.done;) {
    tried.push(r.value);
    const ok = pred(r.value);
    if (ok) value = r.value;
    r = gen.next(ok);
  }
  return { value, tried };
}

const sign = (n: number) => Math.sign(n);

test('unit ranks: a permutation of ASCII, "0" < "a" < " " < digits < letters < punctuation < controls', () => {
  const ranks = new Set<number>();
  for (let c = 0; c < 128; c++) ranks.add(unitRank(c));
  assert.equal(ranks.size, 128);
  assert.equal(Math.max(...ranks), 127);
  const order = ['0', 'a', ' ', '1', 'b', 'A', '!', '\n', '\0', '\x01', '\x7f', '\x80', 'é', '😀'].map((s) => s.codePointAt(0)!);
  for (let i = 1; i < order.length; i++) assert.ok(unitRank(order[i - 1]) < unitRank(order[i]), `${order[i - 1]} < ${order[i]}`);
});

test('compareValue: length first, then units; integers by magnitude, positive first', () => {
  const lt = (k: Kind, a: Value, b: Value) => {
    assert.equal(sign(compareValue(k, a, b)), -1, `${String(a)} < ${String(b)}`);
    assert.equal(sign(compareValue(k, b, a)), 1);
  };
  lt(bytes(), new Uint8Array([0xff, 0xff]), new Uint8Array([0x30, 0x30, 0x30]));
  lt(bytes(), new Uint8Array([0x30, 0xff]), new Uint8Array([0x61, 0x00]));
  lt(string(), 'zz', '000');
  lt(string(), 'a😀', 'b😀');
  lt(string(), 'é', '😀'); // 1 unit < 2 units
  lt(string(), '\uFFFF\uFFFF', '😀'); // same length: U+FFFF < U+1F600
  lt(int8(), 5, -5);
  lt(int8(), -5, 6);
  lt(uint8(), 0, 1);
  lt(int64(), 1n, -1n);
  lt(bool(), false, true);
  assert.equal(compareValue(string(), 'abc', 'abc'), 0);
  assert.equal(compareValue(bytes(), new Uint8Array([1, 2]), new Uint8Array([1, 2])), 0);
});

test('compareValue floats: 0 < -0 < finite < Infinity < -Infinity < NaN; digits, exponent, value, sign', () => {
  const chain = [0, -0, 1, -1, 2, 0.5, 10, 0.05, 1.5, -1.5, 1.6, 15, 1.25, 1234567.891, Infinity, -Infinity, NaN];
  for (let i = 1; i < chain.length; i++) {
    assert.equal(sign(compareValue(float64(), chain[i - 1], chain[i])), -1, `${chain[i - 1]} < ${chain[i]}`);
    assert.equal(sign(compareValue(float64(), chain[i], chain[i - 1])), 1);
  }
  assert.equal(compareValue(float64(), NaN, NaN), 0);
  // float32 counts the digits of the shortest float32 decimal: fround(1.6) has 2.
  assert.equal(sign(compareValue(float32(), Math.fround(1.6), Math.fround(1.65))), -1);
  assert.deepEqual(floatDecimal(Math.fround(1.6), true), { neg: false, digits: '16', exp: 0 });
  assert.deepEqual(floatDecimal(-1234.5, false), { neg: true, digits: '12345', exp: 3 });
  assert.deepEqual(floatDecimal(1e21, false), { neg: false, digits: '1', exp: 21 });
  assert.deepEqual(floatDecimal(5e-324, false), { neg: false, digits: '5', exp: -324 });
});

test('compareSimplicity: total size first, then the first differing argument', () => {
  const ks = [string(), uint8()];
  assert.equal(compareSimplicity(ks, ['ab', 200], ['abc', 0]), -1);
  assert.equal(compareSimplicity(ks, ['ab', 3], ['ab', 200]), -1);
  assert.equal(compareSimplicity(ks, ['0b', 200], ['ab', 0]), -1);
  assert.equal(compareSimplicity(ks, ['ab', 3], ['ab', 3]), 0);
  assert.equal(compareSimplicity(ks, ['ab', 4], ['ab', 3]), 1);
});

test('smallestAccepted: lo first, hi-1 as a local-minimum check, then bisection', () => {
  const at = (k: bigint) => k;
  let r = drive(smallestAccepted(0n, 100n, at), 100n, (k) => k > 37n);
  assert.equal(r.value, 38n);
  assert.deepEqual(r.tried.slice(0, 2), [0n, 99n]);
  assert.ok(r.tried.length <= 2 + 7);
  r = drive(smallestAccepted(0n, 100n, at), 100n, (k) => k === 100n);
  assert.deepEqual(r.tried, [0n, 99n]); // local minimum: 2 tries
  r = drive(smallestAccepted(5n, 5n, at), 5n, () => true);
  assert.deepEqual(r.tried, []);
});

test('integer shrinkers stay in range: int8 -128 never becomes 128', () => {
  const r = drive(shrinkInt('int8', -128), -128, (x) => x <= -100 || x >= 100);
  assert.ok(!r.tried.includes(128));
  assert.equal(r.value, -100);
  const b = drive(shrinkBigInt('int64', -(2n ** 63n)), -(2n ** 63n), (x) => x < -5n);
  assert.ok(b.tried.every((x) => x >= -(2n ** 63n) && x < 2n ** 63n));
  assert.equal(b.value, -6n);
});

test('float32 shrinker yields only float32 values; fewer digits beat a smaller magnitude', () => {
  const start = Math.fround(123.456);
  const r = drive(shrinkFloat(true, start), start, (x) => x > 100 && x < 200);
  for (const x of r.tried) assert.ok(Number.isNaN(x) || Math.fround(x) === x, String(x));
  assert.equal(r.value, 110); // 2 significant digits: simpler than 101
});

test('strings: code points, surrogate pairs never split, lone surrogates kept in their half', () => {
  assert.deepEqual(Array.from(toCodePoints('a😀\uD800b\uDC00')), [0x61, 0x1f600, 0xd800, 0x62, 0xdc00]);
  assert.equal(fromCodePoints(toCodePoints('a😀\uD800b\uDC00')), 'a😀\uD800b\uDC00');
  const wellFormed = (s: string) => !/\p{Surrogate}/u.test(s);
  const s = 'xx😀yy😀zz'.repeat(20);
  const r = drive(shrinkString(s), s, (x) => x.includes('😀'));
  assert.ok(r.tried.every(wellFormed));
  assert.equal(r.value, '😀');
  const simp = drive(simplifyString('😀'), '😀', (x) => x.codePointAt(0)! > 0xffff);
  assert.ok(simp.tried.every(wellFormed));
  assert.equal(simp.value, '\u{10000}'); // the smallest astral code point
  const nonAscii = drive(simplifyString('😀'), '😀', (x) => /[^\x00-\x7f]/.test(x));
  assert.equal(nonAscii.value, '\x80');
  const lone = drive(simplifyString('\uDBFF'), '\uDBFF', (x) => /^[\uD800-\uDBFF]$/.test(x));
  assert.equal(lone.value, '\uD800');
  assert.ok(lone.tried.every((x) => x.length === 1 && !/[\uDC00-\uDFFF]/.test(x)));
});

test('bytes: simplification toward "0" / "a" / " " / lowercase / 0x80', () => {
  const run = (input: number[], pred: (b: Uint8Array) => boolean) =>
    Array.from(drive(simplifyBytes(Uint8Array.from(input)), Uint8Array.from(input), pred).value);
  assert.deepEqual(run([0xff, 0x41, 0x5a], () => true), [0x30, 0x30, 0x30]);
  assert.deepEqual(run([0x5a], (b) => b[0] >= 0x41 && b[0] <= 0x5a), [0x41]); // 'Z' → 'A'
  assert.deepEqual(run([0x5a], (b) => b[0] === 0x5a || b[0] === 0x7a), [0x7a]); // 'Z' → 'z'
  assert.deepEqual(run([0xf3], (b) => b[0] >= 0x90), [0x90]);
  // Size phase: never yields anything longer, never the empty value except as the first try.
  const big = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
  const r = drive(shrinkBytes(big), big, (b) => b.length > 0 && b.includes(big[150]) && b.includes(big[17]));
  let cur = big.length;
  for (const c of r.tried) assert.ok(c.length <= cur);
  cur = r.value.length;
  assert.equal(cur, 2);
});
