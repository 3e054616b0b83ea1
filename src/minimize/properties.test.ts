/**
 * Randomized properties of minimizeInput over every kind, with predicates that accept
 * pseudo-randomly but deterministically (a hash of the candidate): every candidate is valid,
 * strictly simpler, never longer, new, and changes one argument; results are fixpoints.
 * Run by `node --test dist/minimize/`. Rule: seeded, so every failure replays exactly.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BIGINT_RANGE, INT_RANGE, SCALAR_KIND_NAMES, checkValue, valueSize, valuesEqual, type Kind, type ScalarKindName, type Value } from '../values/kinds.js';
import { Rng } from '../util/rng.js';
import { compareSimplicity } from './order.js';
import { minimizeInput, tupleKey } from './minimize.js';

const kindOf = (name: ScalarKindName): Kind => ({ kind: name });
const hasLoneSurrogate = (s: string) => /\p{Surrogate}/u.test(s);

const FLOATS = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1.5, -2.75, 0.1, 1e21, 123456.789];

function randomValue(r: Rng, name: ScalarKindName): Value {
  switch (name) {
    case 'bytes': return Uint8Array.from({ length: r.below(4) === 0 ? r.below(300) : r.below(12) }, () => r.below(256));
    case 'string': {
      const pool = ['a', 'Z', '0', ' ', '<', '\n', '\0', 'é', '€', '😀', '𝄞', '\uD800', '\uDFFF', '\x7f', '~'];
      const lone = r.below(4) === 0;
      let s = '';
      for (let n = r.below(3) === 0 ? r.below(200) : r.below(10), i = 0; i < n; i++) {
        let c = pool[r.below(pool.length)];
        if (!lone && hasLoneSurrogate(c)) c = 'q';
        s += c;
      }
      return s;
    }
    case 'bool': return r.bool();
    case 'float64':
    case 'float32': {
      const f = name === 'float32' ? Math.fround : (x: number) => x;
      if (r.bool()) return f(FLOATS[r.below(FLOATS.length)]);
      const b = new DataView(new ArrayBuffer(8));
      b.setUint32(0, r.u32());
      b.setUint32(4, r.u32());
      return f(r.bool() ? b.getFloat64(0) : (r.float() - 0.5) * 10 ** (r.below(20) - 8));
    }
    case 'int64':
    case 'uint64': {
      const [lo, hi] = BIGINT_RANGE[name];
      if (r.below(4) === 0) return r.bool() ? lo : hi;
      const v = (BigInt(r.u32()) << 32n) | BigInt(r.u32());
      return lo + (v % (hi - lo + 1n));
    }
    default: {
      const [lo, hi] = INT_RANGE[name];
      if (r.below(4) === 0) return r.bool() ? lo : hi;
      return lo + Math.floor(r.float() * (hi - lo + 1));
    }
  }
}

/** Deterministic pseudo-random acceptance of a tuple, at `rate` percent. */
function coin(seed: number, rate: number) {
  return (vals: readonly Value[]) =>
    createHash('sha1').update(`${seed}:${tupleKey(vals)}`).digest().readUInt32LE(0) % 100 < rate;
}

test('random tuples of every kind: every candidate valid, simpler, new; results are fixpoints', async (t) => {
  let cases = 0;
  let totalExecs = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = new Rng(seed);
    const n = 1 + r.below(3);
    const names = Array.from({ length: n }, () => SCALAR_KIND_NAMES[r.below(SCALAR_KIND_NAMES.length)]);
    if (seed <= SCALAR_KIND_NAMES.length) names[0] = SCALAR_KIND_NAMES[seed - 1]; // each kind at least once
    const kinds = names.map(kindOf);
    const original = names.map((k) => randomValue(r, k));
    const pred = coin(seed, [5, 30, 70, 95][seed % 4]);
    const wellFormed = original.map((v) => typeof v !== 'string' || !hasLoneSurrogate(v));

    let cur = original.slice();
    const seen = new Set<string>([tupleKey(original)]);
    let calls = 0;
    let accepts = 0;
    const res = await minimizeInput(kinds, original, async (c) => {
      calls++;
      const at = `seed ${seed}, call ${calls}`;
      assert.equal(c.length, kinds.length, at);
      let changed = 0;
      for (let i = 0; i < n; i++) {
        assert.equal(checkValue(kinds[i], c[i]), undefined, at);
        assert.ok(valueSize(c[i]) <= valueSize(cur[i]), `${at}: argument ${i + 1} grew`);
        if (!valuesEqual(c[i], cur[i])) changed++;
        if (wellFormed[i]) assert.ok(!hasLoneSurrogate(c[i] as string), `${at}: split a surrogate pair`);
      }
      assert.equal(changed, 1, at);
      assert.equal(compareSimplicity(kinds, c, cur), -1, `${at}: not simpler`);
      const key = tupleKey(c);
      assert.ok(!seen.has(key), `${at}: tried before (or the original)`);
      seen.add(key);
      const ok = pred(c);
      if (ok) { cur = c.slice(); accepts++; }
      return ok;
    }, { maxExecs: 20000 });

    assert.equal(res.exhausted, false, `seed ${seed} did not reach a fixpoint`);
    assert.deepEqual([res.execs, res.accepted], [calls, accepts]);
    res.values.forEach((v, i) => assert.ok(valuesEqual(v, cur[i]), `seed ${seed}: result is not the last accepted`));
    assert.ok(compareSimplicity(kinds, res.values, original) <= 0);

    // A fixpoint: minimizing the result again (fresh cache) accepts nothing.
    const again = await minimizeInput(kinds, res.values, async (c) => pred(c), {});
    assert.equal(again.accepted, 0, `seed ${seed}: second run accepted ${again.accepted}`);
    cases++;
    totalExecs += res.execs;
  }
  t.diagnostic(`${cases} cases, ${totalExecs} execs`);
  assert.equal(cases, 300);
  assert.ok(totalExecs > 0);
});

test('the tuple key tells apart what valuesEqual tells apart', () => {
  const distinct: Value[][] = [[0], [-0], [NaN], ['\uD800'], ['\uDC00'], ['\uD800\uDC00'], [0n], [false],
    [new Uint8Array([0])], [''], [new Uint8Array(0)], ['', ''], [1], ['1'], [1n], [true]];
  const keys = new Set(distinct.map(tupleKey));
  assert.equal(keys.size, distinct.length);
  assert.equal(tupleKey([NaN]), tupleKey([-NaN]));
});
