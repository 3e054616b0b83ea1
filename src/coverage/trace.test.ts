/**
 * Tests of CompareTrace: what is recorded (types, copies, clipping), only-new recording and reset,
 * the per-execution / per-site caps, Map/Set sampling (small and 10,000-key collections), and that
 * no user code runs (valueOf, Proxy traps, overridden methods). Run by `node --test dist/coverage/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMP } from './compare-ops.js';
import { CoverageRuntime } from './runtime.js';
import { CompareTrace, TRACE_LIMITS, type ComparePair } from './trace.js';

const strip = (ps: ComparePair[]) => ps.map((p) => [p.site, p.op, p.left, p.right]);

test('records strings, numbers (ints and floats), bigints, mixed scalars; skips equal and uninteresting operands', () => {
  const t = new CompareTrace();
  t.record(0, 'abc', 'abd', CMP.EQ3);
  t.record(1, 7, 1.5, CMP.LT);
  t.record(2, 5n, 1n << 70n, CMP.EQ3);
  t.record(3, '5', 5, CMP.EQ);
  t.record(4, 'same', 'same', CMP.EQ3);
  t.record(5, undefined, 'x', CMP.EQ3);
  t.record(6, true, false, CMP.EQ3);
  t.record(7, null, 3, CMP.EQ3);
  t.record(8, {}, 'x', CMP.EQ3);
  t.record(9, NaN, 3, CMP.LT);
  t.record(10, 3, NaN, CMP.LT);
  t.record(11, Symbol('s'), 'x', CMP.EQ3);
  t.record(12, [1], [1], CMP.EQ3);
  assert.deepEqual(strip(t.takeNew()), [
    [0, CMP.EQ3, 'abc', 'abd'], [1, CMP.LT, 7, 1.5], [2, CMP.EQ3, 5n, 1n << 70n], [3, CMP.EQ, '5', 5],
  ]);
  assert.deepEqual(t.takeNew(), []);
});

test('only new or changed operands are recorded per site; reset() forgets, startExec() does not', () => {
  const t = new CompareTrace();
  t.record(3, 'a', 'K', CMP.EQ3);
  t.record(3, 'a', 'K', CMP.EQ3);
  t.startExec();
  t.record(3, 'a', 'K', CMP.EQ3);
  assert.equal(t.takeNew().length, 1);
  t.record(3, 'b', 'K', CMP.EQ3);
  t.record(3, 'a', 'K', CMP.EQ3); // changed back: recorded again
  assert.deepEqual(t.takeNew().map((p) => p.left), ['b', 'a']);
  t.reset();
  t.record(3, 'a', 'K', CMP.EQ3);
  assert.equal(t.takeNew().length, 1, 'after reset an input records what it compares');
  t.record(9, 'x', 'y', CMP.EQ3);
  t.reset();
  assert.deepEqual(t.takeNew(), [], 'reset drops pairs not taken');
});

test('at most perExec records per execution, and perSiteExec per site; startExec refills', () => {
  const t = new CompareTrace();
  for (let s = 0; s < 200; s++) t.record(s, s, -1, CMP.EQ3);
  assert.equal(t.takeNew().length, TRACE_LIMITS.perExec);
  t.record(500, 'x', 'y', CMP.EQ3);
  assert.equal(t.takeNew().length, 0, 'budget spent');
  t.startExec();
  t.record(500, 'x', 'y', CMP.EQ3);
  assert.equal(t.takeNew().length, 1);
  t.startExec();
  for (let i = 0; i < 100; i++) t.record(7, i, 1000, CMP.LT); // a compare in a loop
  assert.equal(t.takeNew().length, TRACE_LIMITS.perSiteExec);
});

test('a site that keeps changing is throttled after perSiteFull records until reset()', () => {
  const t = new CompareTrace();
  let n = 0;
  for (let i = 0; i < 64 * 20; i++) {
    t.startExec();
    t.record(1, i, 99999, CMP.EQ3);
    n += t.takeNew().length;
  }
  assert.ok(n >= TRACE_LIMITS.perSiteFull && n < TRACE_LIMITS.perSiteFull + 30, `recorded ${n}`);
  t.reset();
  t.record(1, -5, 99999, CMP.EQ3);
  assert.equal(t.takeNew().length, 1);
});

/**
 * The throttling model: the counter of calls to a full site goes on across epochs; call c is
 * looked at when c is a multiple of 64. Each execution makes `times` calls with the same fresh
 * operands; a repeat of the operands a site remembers is never recorded while the site is not
 * full, but once it is full it is one more call to count. Returns what CompareTrace recorded and
 * what the model wants (operand values, in order).
 */
function throttleModel(epochs: readonly number[], times: number): { got: number[]; want: number[] } {
  const t = new CompareTrace();
  const got: number[] = [];
  const want: number[] = [];
  let calls = 0;
  let v = 0;
  for (const epochLength of epochs) {
    t.reset();
    let records = 0;
    for (let i = 0; i < epochLength; i++) {
      t.startExec();
      v++;
      for (let k = 0; k < times; k++) {
        t.record(4, v, -1, CMP.EQ3);
        if (t.takeNew().length > 0) got.push(v);
        if (records < TRACE_LIMITS.perSiteFull) {
          if (k === 0) {
            records++;
            want.push(v);
          }
        } else if ((++calls & 63) === 0) {
          want.push(v); // looked at: new to the site, whose operands only throttled calls saw since
        }
      }
    }
  }
  return { got, want };
}

test('a full site looks at exactly 1 call in 64, counted across reset() as if every call had been looked at', () => {
  // CompareTrace skips most of those calls without counting them one by one.
  const { got, want } = throttleModel([1000, 70, 64 * 3 + 5, 1, 500], 1);
  assert.deepEqual(got, want);
});

test('repeated operands: nothing recorded while the site is not full, counted like any call once it is', () => {
  // Every call made twice. (Checked against the implementation before record() skipped repeats.)
  const { got, want } = throttleModel([300, 40, 129], 2);
  assert.deepEqual(got, want);
});

test('byte arrays are copied (capped), compared by content; strings clipped (suffix for endsWith)', () => {
  const t = new CompareTrace();
  const big = new Uint8Array(100).fill(7);
  const magic = Buffer.from('MAGIC');
  t.record(0, big, magic, CMP.BYTES_EQUALS);
  const [p] = t.takeNew();
  assert.ok(p.left instanceof Uint8Array && p.left.length === TRACE_LIMITS.maxBytes && p.left !== big);
  assert.deepEqual([...(p.right as Uint8Array)], [...magic]);
  assert.equal(Object.getPrototypeOf(p.right), Uint8Array.prototype, 'a plain copy, not a Buffer');
  big[0] = 1;
  assert.equal((p.left as Uint8Array)[0], 7, 'copy is independent');
  t.startExec();
  t.record(0, big.subarray(0, 100), Buffer.from('MAGIC'), CMP.BYTES_EQUALS); // new views, changed content
  t.record(0, big.subarray(0, 100), Buffer.from('MAGIC'), CMP.BYTES_EQUALS); // same content
  assert.equal(t.takeNew().length, 1);
  t.record(1, Buffer.from('abc'), 0x41, CMP.BYTES_INDEX_OF);
  t.record(2, Buffer.from('abc'), 'zz', CMP.BYTES_INDEX_OF);
  t.record(3, Buffer.from('abc'), 300, CMP.BYTES_INDEX_OF);
  assert.deepEqual(t.takeNew().map((q) => q.right), [Uint8Array.of(0x41), 'zz']);
  const long = 'a'.repeat(300) + 'END';
  t.record(4, long, 'x', CMP.EQ3);
  t.record(5, long, 'x', CMP.ENDS_WITH);
  const [eq, ends] = t.takeNew();
  assert.equal(eq.left, long.slice(0, TRACE_LIMITS.maxString));
  assert.ok((ends.left as string).endsWith('END') && (ends.left as string).length === TRACE_LIMITS.maxString);
});

test('Map/Set probes: small collections offer their keys of the probe type', () => {
  const t = new CompareTrace();
  const set = new Set<unknown>(['get', 'put', 'del', 42, 'probe']);
  t.record(0, 'probe', set, CMP.SET_HAS);
  assert.deepEqual(strip(t.takeNew()), [[0, CMP.SET_HAS, 'probe', 'get'], [0, CMP.SET_HAS, 'probe', 'put'], [0, CMP.SET_HAS, 'probe', 'del']]);
  t.record(0, 'probe', set, CMP.SET_HAS);
  assert.equal(t.takeNew().length, 0, 'same probe, same collection: nothing new');
  const map = new Map<unknown, number>([[1, 1], [2, 2], ['s', 3]]);
  t.record(1, 5, map, CMP.MAP_GET);
  assert.deepEqual(t.takeNew().map((p) => p.right), [1, 2]);
  t.record(2, {}, map, CMP.MAP_HAS);
  t.record(3, 'x', {}, CMP.MAP_HAS);
  t.record(4, 'x', [1, 2], CMP.SET_HAS);
  assert.deepEqual(t.takeNew(), []);
});

test('a 10,000-key Set: each probe looks at ≤ 16 keys; rotating, all keys are offered over time', () => {
  const keys = Array.from({ length: 10000 }, (_, i) => `key-${i}`);
  const set = new Set(keys);
  const t = new CompareTrace();
  const offered = new Set<unknown>();
  for (let i = 0; i < 700; i++) {
    t.reset();
    t.record(9, `probe-${i}`, set, CMP.SET_HAS);
    const ps = t.takeNew();
    assert.ok(ps.length <= TRACE_LIMITS.memberKeys);
    for (const p of ps) {
      assert.equal(p.left, `probe-${i}`);
      offered.add(p.right);
    }
  }
  assert.equal(offered.size, 10000);
});

test('never runs user code: no valueOf, no Proxy traps, no overridden methods', () => {
  const t = new CompareTrace();
  let called = 0;
  const obj = { valueOf: () => (called++, 1), toString: () => (called++, 'x') };
  t.record(0, obj, 1, CMP.LT);
  t.record(1, 'x', obj, CMP.EQ);
  const trap = new Proxy(new Map([['a', 1]]), { get: () => (called++, undefined), getPrototypeOf: () => (called++, Map.prototype) });
  t.record(2, 'b', trap, CMP.MAP_HAS);
  class Sneaky extends Map<string, number> {
    override keys() {
      called++;
      return super.keys();
    }
  }
  t.record(3, 'b', new Sneaky([['a', 1]]), CMP.MAP_HAS);
  const u8 = new Uint8Array([1, 2]);
  Object.defineProperty(u8, 'length', { get: () => (called++, 2) });
  t.record(4, u8, Uint8Array.of(3), CMP.BYTES_EQUALS);
  assert.equal(called, 0);
  assert.deepEqual(t.takeNew().map((p) => p.site), [3, 4]);
});

test('works as the runtime hook (called as a method of the runtime)', () => {
  const rt = new CoverageRuntime(16);
  const t = new CompareTrace();
  rt.cmp = t.record;
  rt.cmp(rt.allocCompare('m', 2) + 1, 'a', 'b', CMP.EQ3);
  assert.deepEqual(strip(t.takeNew()), [[1, CMP.EQ3, 'a', 'b']]);
});

test('pending pairs are capped when nobody takes them', () => {
  const t = new CompareTrace();
  for (let i = 0; i < TRACE_LIMITS.maxPending / TRACE_LIMITS.perExec + 10; i++) {
    t.startExec();
    for (let s = 0; s < TRACE_LIMITS.perExec; s++) t.record(i * 64 + s, i, -1, CMP.EQ3);
  }
  assert.equal(t.takeNew().length, TRACE_LIMITS.maxPending);
  assert.ok(t.dropped > 0);
});
