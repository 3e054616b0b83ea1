/**
 * Tests of the integer, bigint, float and bool mutations: exact scripted cases (wrapping, byte
 * swaps, IEEE bit flips, NaN handling) and range/exactness properties under a real Rng.
 * Run by `node --test dist/mutator/`. Rule: scripted cases consume exactly the listed draws.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INT_RANGE, type IntKindName } from '../values/kinds.js';
import { Rng } from '../util/rng.js';
import { boolFlip, BoolWork, FLOAT_MUTATORS, FloatWork, floatBitFlip, floatMulDiv, floatRandomBits, floatRound } from './floats.js';
import { MockRng } from './mock-rng.js';
import * as N from './numbers.js';

function int(kind: IntKindName, v: number): N.IntWork {
  const w = new N.IntWork(kind);
  w.value = v;
  return w;
}
function big(kind: 'int64' | 'uint64', v: bigint): N.BigIntWork {
  const w = new N.BigIntWork(kind);
  w.value = v;
  return w;
}
function flt(f32: boolean, v: number): FloatWork {
  const w = new FloatWork(f32);
  w.value = v;
  return w;
}

type Step<W> = [string, W, (w: W, r: MockRng) => boolean, number[], unknown];

const INT_CASES: Step<N.IntWork>[] = [
  ['uint8 250 + 10 wraps', int('uint8', 250), N.intAdd, [9, 1], 4],
  ['int8 -128 - 1 wraps', int('int8', -128), N.intAdd, [0, 0], 127],
  ['uint32 0 - 1 wraps', int('uint32', 0), N.intAdd, [0, 0], 4294967295],
  ['int32 max + 1 wraps', int('int32', 2147483647), N.intAdd, [0, 1], -2147483648],
  ['uint32 bit 31', int('uint32', 0), N.intBitFlip, [31], 2147483648],
  ['int16 bit 15', int('int16', 0), N.intBitFlip, [15], -32768],
  ['int16 negate', int('int16', 5), N.intNegate, [], -5],
  ['int8 negate min is min (no change)', int('int8', -128), N.intNegate, [], false],
  ['uint8 negate', int('uint8', 1), N.intNegate, [], 255],
  ['uint16 byte swap', int('uint16', 0x1234), N.intByteSwap, [], 0x3412],
  ['int32 byte swap', int('int32', 1), N.intByteSwap, [], 16777216],
  ['uint32 byte swap', int('uint32', 0x12345678), N.intByteSwap, [], 0x78563412],
  ['int8 byte swap does not apply', int('int8', 1), N.intByteSwap, [], false],
  ['int8 shift right arithmetic', int('int8', -128), N.intShift, [0, 0], -64],
  ['uint8 shift left wraps', int('uint8', 0x81), N.intShift, [0, 1], 2],
  ['uint32 shift right logical', int('uint32', 4294967295), N.intShift, [30, 0], 1],
  ['int8 random', int('int8', 0), N.intRandom, [200], 72],
  ['uint16 random bits', int('uint16', 0), N.intRandomBits, [4, 0x90000000], 9],
  ['int32 random bits negated', int('int32', 0), N.intRandomBits, [4, 0x9fffffff, 1], -9],
  ['uint32 random bits, all 32', int('uint32', 0), N.intRandomBits, [32, 0xffffffff], 4294967295],
  ['zero stays zero: no change', int('uint8', 0), N.intRandomBits, [0], false],
];

const BIG_CASES: Step<N.BigIntWork>[] = [
  ['uint64 max + 1 wraps', big('uint64', 2n ** 64n - 1n), N.bigAdd, [0, 1], 0n],
  ['int64 min - 1 wraps', big('int64', -(2n ** 63n)), N.bigAdd, [0, 0], 2n ** 63n - 1n],
  ['int64 bit 63', big('int64', 0n), N.bigBitFlip, [63], -(2n ** 63n)],
  ['int64 negate min: no change', big('int64', -(2n ** 63n)), N.bigNegate, [], false],
  ['uint64 negate', big('uint64', 1n), N.bigNegate, [], 2n ** 64n - 1n],
  ['byte swap', big('uint64', 0x0102030405060708n), N.bigByteSwap, [], 0x0807060504030201n],
  ['random uint64', big('uint64', 0n), N.bigRandom, [0xffffffff, 0], 0xffffffff00000000n],
  ['random int64 is signed', big('int64', 0n), N.bigRandom, [0xffffffff, 0], -(2n ** 32n)],
  ['int64 shift right', big('int64', -8n), N.bigShift, [1, 0], -2n],
];

const FLOAT_CASES: Step<FloatWork>[] = [
  ['f64 sign bit', flt(false, 1), floatBitFlip, [63], -1],
  ['f64 lowest exponent bit', flt(false, 1), floatBitFlip, [52], 0.5],
  ['f64 lowest mantissa bit', flt(false, 1), floatBitFlip, [0], 1 + Number.EPSILON],
  ['f32 exponent bit', flt(true, 1), floatBitFlip, [23], 0.5],
  ['f32 lowest mantissa bit', flt(true, 1), floatBitFlip, [0], 1 + 2 ** -23],
  ['f64 NaN flip to another NaN: no change', flt(false, NaN), floatBitFlip, [63], false],
  ['f64 NaN flip quiet bit → +Infinity', flt(false, NaN), floatBitFlip, [51], Infinity],
  ['f32 NaN flip quiet bit → +Infinity', flt(true, NaN), floatBitFlip, [22], Infinity],
  ['multiply', flt(false, 3), floatMulDiv, [1, 1], 9],
  ['f32 divide rounds to float32', flt(true, 1), floatMulDiv, [1, 0], Math.fround(1 / 3)],
  ['round', flt(false, 2.5), floatRound, [0], 3],
  ['floor', flt(false, -2.5), floatRound, [1], -3],
  ['trunc of -0.5 is -0', flt(false, -0.5), floatRound, [3], -0],
  ['random bits +Infinity', flt(false, 0), floatRandomBits, [0, 0x7ff00000], Infinity],
  ['random bits f32 -Infinity', flt(true, 0), floatRandomBits, [0xff800000], -Infinity],
];

function runCases<W extends { value: unknown }>(title: string, cases: Step<W>[]): void {
  for (const [name, w, m, values, want] of cases) {
    test(`${title}: ${name}`, () => {
      const before = w.value;
      const r = new MockRng(values);
      const applied = m(w, r);
      if (want === false) {
        assert.equal(applied, false);
        assert.ok(Object.is(w.value, before));
      } else {
        assert.equal(applied, true);
        assert.ok(Object.is(w.value, want), `got ${String(w.value)}, want ${String(want)}`);
      }
      assert.equal(r.remaining, 0, 'the case lists exactly the draws made');
    });
  }
}
runCases('int', INT_CASES);
runCases('bigint', BIG_CASES);
runCases('float', FLOAT_CASES);

test('bool flips every time', () => {
  const w = new BoolWork();
  assert.equal(boolFlip(w, new MockRng([])), true);
  assert.equal(w.value, true);
  boolFlip(w, new MockRng([]));
  assert.equal(w.value, false);
});

test('interesting tables hold the boundaries and only in-range values', () => {
  for (const k of Object.keys(INT_RANGE) as IntKindName[]) {
    const w = new N.IntWork(k);
    const [lo, hi] = INT_RANGE[k];
    for (const v of [lo, hi, 0, 1]) assert.ok(w.interesting.includes(v), `${k} lacks ${v}`);
    assert.ok(w.interesting.every((v) => Number.isInteger(v) && v >= lo && v <= hi && !Object.is(v, -0)));
    if (lo < 0) assert.ok(w.interesting.includes(-1));
  }
  const u = new N.BigIntWork('uint64');
  assert.ok(u.interesting.includes(2n ** 64n - 1n) && u.interesting.includes(2n ** 63n) && !u.interesting.some((v) => v < 0n));
  const f = new FloatWork(true);
  assert.ok(f.interesting.every((v) => Number.isNaN(v) || Math.fround(v) === v));
  assert.ok(f.interesting.includes(2 ** -149) && f.interesting.some((v) => Object.is(v, -0)));
});

test('every int mutation stays in range and never gives -0 (random draws)', () => {
  const r = new Rng(3);
  for (const k of Object.keys(INT_RANGE) as IntKindName[]) {
    const w = new N.IntWork(k);
    w.donors = [INT_RANGE[k][1]];
    w.tokens = [0];
    const [lo, hi] = INT_RANGE[k];
    for (const m of [...N.INT_MUTATORS, N.intSplice, N.intToken]) {
      for (let i = 0; i < 500; i++) {
        m(w, r);
        const v = w.value;
        assert.ok(Number.isInteger(v) && v >= lo && v <= hi && !Object.is(v, -0), `${k} ${m.name} gave ${v}`);
      }
    }
  }
  for (const k of ['int64', 'uint64'] as const) {
    const w = new N.BigIntWork(k);
    const [lo, hi] = k === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    for (const m of N.BIGINT_MUTATORS) {
      for (let i = 0; i < 300; i++) {
        m(w, r);
        assert.ok(typeof w.value === 'bigint' && w.value >= lo && w.value <= hi, `${k} ${m.name} gave ${w.value}`);
      }
    }
  }
});

test('float32 mutations always give float32 values or NaN', () => {
  const r = new Rng(4);
  const w = new FloatWork(true);
  for (const m of FLOAT_MUTATORS) {
    for (let i = 0; i < 2000; i++) {
      m(w, r);
      assert.ok(Number.isNaN(w.value) || Math.fround(w.value) === w.value, `${m.name} gave ${w.value}`);
    }
  }
});

test('dictionaryNumbers reads decimal text and raw little/big-endian integers', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const d = N.dictionaryNumbers([enc('1234'), enc('-5'), enc('0x7f'), enc('1.5'), Uint8Array.of(1, 2), enc('nope!')]);
  for (const v of [1234n, -5n, 127n, 0x0201n, 0x0102n]) assert.ok(d.ints.includes(v), `ints lack ${v}`);
  for (const v of [1234, -5, 127, 1.5]) assert.ok(d.floats.includes(v), `floats lack ${v}`);
  assert.ok(!d.floats.some(Number.isNaN));
  const raw = N.dictionaryNumbers([Uint8Array.of(0xff)]);
  assert.deepEqual(raw.ints.sort(), [-1n, 255n].sort());
});
