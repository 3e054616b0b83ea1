/**
 * Fixture tests of minimizeInput with synchronous predicates wrapped in async callbacks: the
 * result each fixture must reach and a bound on its executions (measured counts are printed as
 * test diagnostics). Run by `node --test dist/minimize/`. Rule: no processes, no timing luck.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bool, bytes, float32, float64, int32, int64, string, uint8, uint64, type Kind, type Value } from '../values/kinds.js';
import { Rng } from '../util/rng.js';
import { floatDecimal } from './order.js';
import { minimizeInput, tupleKey, type MinimizeBudget, type MinimizeResult } from './minimize.js';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const has = (b: Uint8Array, m: string) => Buffer.from(b).includes(Buffer.from(m, 'latin1'));

function randomBytes(seed: number, n: number): Uint8Array {
  const r = new Rng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.below(256);
  return b;
}

/** Runs a minimization with a synchronous predicate; checks the "never" rules on every call. */
async function shrink(kinds: Kind[], values: Value[], pred: (...args: any[]) => boolean, budget: MinimizeBudget = {}): Promise<MinimizeResult> {
  const seen = new Set<string>([tupleKey(values)]);
  const r = await minimizeInput(kinds, values, async (c) => {
    const k = tupleKey(c);
    assert.ok(!seen.has(k), `candidate tried twice or is the original: ${k}`);
    seen.add(k);
    return pred(...c);
  }, budget);
  assert.equal(r.execs, seen.size - 1);
  return r;
}

async function fixture(t: { diagnostic(s: string): void }, name: string, maxExecs: number, run: () => Promise<MinimizeResult>): Promise<MinimizeResult> {
  const r = await run();
  t.diagnostic(`${name}: ${r.execs} execs, ${r.accepted} accepted`);
  assert.ok(r.execs <= maxExecs, `${name}: ${r.execs} execs > ${maxExecs}`);
  assert.equal(r.exhausted, false);
  return r;
}

test('a 3-byte marker in a 4 KB random seed shrinks to the marker', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const b = randomBytes(seed, 4096);
    b.set([0x42, 0x55, 0x47], new Rng(seed + 100).below(4093));
    const r = await fixture(t, `BUG in 4 KB (seed ${seed})`, 150, () => shrink([bytes()], [b], (x) => has(x, 'BUG')));
    assert.equal(latin1(r.values[0] as Uint8Array), 'BUG');
  }
});

test('two markers far apart keep both, and nothing else', async (t) => {
  const b = randomBytes(9, 4096);
  b.set([0x42, 0x55, 0x47], 700);
  b.set([0x58, 0x59, 0x5a], 3300);
  const r = await fixture(t, 'BUG…XYZ in 4 KB', 400, () => shrink([bytes()], [b], (x) => has(x, 'BUG') && has(x, 'XYZ')));
  assert.equal(latin1(r.values[0] as Uint8Array), 'BUGXYZ');
});

test('a string bug (contains "<script") in 2 KB shrinks to "<script"', async (t) => {
  const r0 = new Rng(7);
  let s = '';
  for (let i = 0; i < 2048; i++) s += String.fromCharCode(32 + r0.below(95));
  s = s.slice(0, 1234) + '<script' + s.slice(1241);
  const r = await fixture(t, '<script in 2 KB', 200, () => shrink([string()], [s], (x: string) => x.includes('<script')));
  assert.equal(r.values[0], '<script');
});

test('an input that must stay large shrinks in few executions (filler makes removals collide)', async (t) => {
  const r = await fixture(t, 'length ≥ 1000 from 4 KB', 60, () => shrink([bytes()], [randomBytes(3, 4096)], (x: Uint8Array) => x.length >= 1000));
  assert.equal(latin1(r.values[0] as Uint8Array), '0'.repeat(1000));
});

test('structure is removed even when it is not aligned to a chunk (window removal)', async (t) => {
  const json = JSON.stringify({ a: [1, 2, 3], b: 'hello world', c: { d: null } });
  const r = await fixture(t, 'JSON with key c', 400, () => shrink([string()], [json], (x: string) => {
    try { const o = JSON.parse(x); return o !== null && typeof o === 'object' && 'c' in o; } catch { return false; }
  }));
  assert.equal(r.values[0], '{"c":{}}');
});

test('integers shrink to the boundary', async (t) => {
  let r = await fixture(t, 'int32 x > 1000 from 1234567', 40, () => shrink([int32()], [1234567], (x) => x > 1000));
  assert.equal(r.values[0], 1001);
  r = await fixture(t, 'int32 x < -1000 from -1234567', 40, () => shrink([int32()], [-1234567], (x) => x < -1000));
  assert.equal(r.values[0], -1001);
  r = await fixture(t, 'int32 |x| > 1000 from -1234567', 40, () => shrink([int32()], [-1234567], (x) => Math.abs(x) > 1000));
  assert.equal(r.values[0], 1001); // sign flipped: positive is simpler at equal magnitude
  r = await fixture(t, 'uint8 x > 200 from 250', 15, () => shrink([uint8()], [250], (x) => x > 200));
  assert.equal(r.values[0], 201);
  r = await fixture(t, 'int64 x > 10n**12n from 2n**62n+12345n', 80, () => shrink([int64()], [2n ** 62n + 12345n], (x) => x > 10n ** 12n));
  assert.equal(r.values[0], 10n ** 12n + 1n);
  r = await fixture(t, 'uint64 x >= 2n**63n from max', 80, () => shrink([uint64()], [2n ** 64n - 1n], (x) => x >= 2n ** 63n));
  assert.equal(r.values[0], 2n ** 63n);
});

test('floats shrink to few significant digits', async (t) => {
  const inRange = (x: number) => x > 1.5 && x < 2;
  let r = await fixture(t, 'float64 1.5 < x < 2 from 1.7234567891234', 20, () => shrink([float64()], [1.7234567891234], inRange));
  assert.ok(inRange(r.values[0] as number));
  assert.ok(floatDecimal(r.values[0] as number, false).digits.length <= 2, String(r.values[0]));
  assert.equal(r.values[0], 1.6);

  r = await fixture(t, 'float32 1.5 < x < 2 from fround(1.7234567)', 20, () => shrink([float32()], [Math.fround(1.7234567)], inRange));
  assert.equal(r.values[0], Math.fround(1.6));

  r = await fixture(t, 'float64 x > 1000 from 1234567.891', 30, () => shrink([float64()], [1234567.891], (x) => x > 1000));
  assert.equal(r.values[0], 2000);

  r = await fixture(t, 'float64 0 < x < 0.001 from 0.000123456', 30, () => shrink([float64()], [0.000123456], (x) => x > 0 && x < 0.001));
  assert.equal(r.values[0], 0.0001);

  r = await fixture(t, 'float64 x < -2.5 from -123.456', 30, () => shrink([float64()], [-123.456], (x) => x < -2.5));
  assert.equal(r.values[0], -3);

  r = await fixture(t, 'float64 NaN stays NaN', 10, () => shrink([float64()], [NaN], (x) => Number.isNaN(x)));
  assert.ok(Number.isNaN(r.values[0]));

  r = await fixture(t, 'float64 Infinity → a short finite value', 30, () => shrink([float64()], [Infinity], (x) => x > 1e300));
  assert.ok(Number.isFinite(r.values[0]) && (r.values[0] as number) > 1e300);

  r = await fixture(t, 'float32 -0 → 0', 2, () => shrink([float32()], [-0], () => true));
  assert.ok(Object.is(r.values[0], 0));
});

test('arguments the bug does not need go to their zero value', async (t) => {
  const big = randomBytes(11, 1000);
  const r = await fixture(t, 'two args, only arg 2 matters', 40, () =>
    shrink([bytes(), int32()], [big, 5000], (_b, x) => x > 1000));
  assert.deepEqual(r.values, [new Uint8Array(0), 1001]);

  const all = await fixture(t, 'five args, none matters', 5, () =>
    shrink([string(), bool(), float64(), int64(), bytes()], ['abc', true, 2.5, -7n, new Uint8Array([1])], () => true));
  assert.deepEqual(all.values, ['', false, 0, 0n, new Uint8Array(0)]);
  assert.equal(all.execs, 5);
});

test('a bool the bug needs stays true; nothing is tried twice when nothing is accepted', async () => {
  const r = await shrink([bool(), string()], [true, 'ab'], () => false);
  assert.deepEqual(r.values, [true, 'ab']);
  assert.equal(r.accepted, 0);
  assert.equal(r.exhausted, false);
});

test('budget: maxExecs, deadline and stopped end the run early', async () => {
  const b = randomBytes(5, 4096);
  b.set([0x42, 0x55, 0x47], 2000);
  const pred = (x: Uint8Array) => has(x, 'BUG');

  const m = await shrink([bytes()], [b], pred, { maxExecs: 10 });
  assert.equal(m.execs, 10);
  assert.equal(m.exhausted, true);
  assert.ok(has(m.values[0] as Uint8Array, 'BUG') && (m.values[0] as Uint8Array).length < 4096);

  const none = await shrink([bytes()], [b], pred, { maxExecs: 0 });
  assert.deepEqual([none.execs, none.exhausted], [0, true]);
  assert.deepEqual(none.values[0], b);

  const past = await shrink([bytes()], [b], pred, { deadline: Date.now() - 1 });
  assert.deepEqual([past.execs, past.exhausted], [0, true]);

  let calls = 0;
  const slow = await minimizeInput([bytes()], [b], async (c) => {
    calls++;
    await new Promise((res) => setTimeout(res, 5));
    return pred(c[0] as Uint8Array);
  }, { deadline: Date.now() + 60 });
  assert.equal(slow.exhausted, true);
  assert.ok(calls >= 1 && calls < 40, `${calls} calls`);

  let n = 0;
  const stop = await shrink([bytes()], [b], (x) => { n++; return pred(x); }, { stopped: () => n >= 7 });
  assert.deepEqual([stop.execs, stop.exhausted], [7, true]);

  const enough = await shrink([int32()], [1234567], (x) => x > 1000, { maxExecs: 1000 });
  assert.deepEqual([enough.values[0], enough.exhausted], [1001, false]);
});

test('accept receives its own copies: mutating a candidate changes nothing', async () => {
  const b = randomBytes(6, 512);
  b.set([0x42, 0x55, 0x47], 100);
  const r = await minimizeInput([bytes(), bytes()], [b, b], async (c) => {
    const ok = has(c[1] as Uint8Array, 'BUG');
    (c[0] as Uint8Array).fill(0x42);
    (c[1] as Uint8Array).fill(0x42);
    return ok;
  }, {});
  assert.deepEqual(r.values.map((v) => latin1(v as Uint8Array)), ['', 'BUG']);
  assert.equal(latin1(b.subarray(100, 103)), 'BUG'); // the caller's input is untouched
});

test('an input nothing can shrink costs about 3 executions a byte, not Go\'s O(n^2)', async (t) => {
  const b = randomBytes(21, 4096);
  const r = await fixture(t, '4 KB, every candidate rejected', 4 * 4096, () => shrink([bytes()], [b], () => false));
  assert.deepEqual(r.values[0], b);
  assert.equal(r.accepted, 0);
});

test('a Buffer input is never written to; an error from accept propagates', async () => {
  const buf = Buffer.from('xxBUGxx');
  const r = await shrink([bytes()], [buf], (x) => has(x, 'BUG'));
  assert.equal(latin1(r.values[0] as Uint8Array), 'BUG');
  assert.equal(buf.toString(), 'xxBUGxx');
  assert.ok(!Buffer.isBuffer(r.values[0]));
  await assert.rejects(minimizeInput([int32()], [5], async () => { throw new Error('worker died'); }, {}), /worker died/);
});

test('invalid inputs are refused', async () => {
  await assert.rejects(minimizeInput([uint8()], [300], async () => true, {}), /argument 1: 300/);
  await assert.rejects(minimizeInput([uint8()], [], async () => true, {}), RangeError);
});
