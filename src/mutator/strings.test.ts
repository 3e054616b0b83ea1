/**
 * Tests of the string mutations: exact scripted cases for the surrogate-pair handling, and the
 * property that every "valid" mutation keeps a well-formed string well-formed within max.
 * Run by `node --test dist/mutator/`. Rule: scripted cases consume exactly the listed draws.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../util/rng.js';
import { newStringWork, type StringWork } from './common.js';
import { MockRng } from './mock-rng.js';
import { StringMaker, unitsOfString } from './output.js';
import * as S from './strings.js';

function work(s: string, max: number, tokens: string[] = [], donors: string[] = []): StringWork {
  const w = newStringWork(max);
  w.ensure(s.length);
  w.buf.set(unitsOfString(s));
  w.len = s.length;
  w.tokens = tokens.map(unitsOfString);
  w.donors = donors;
  return w;
}
const text = (w: StringWork) => new StringMaker().make(w.buf, w.len);

interface Case {
  m: S.StringMutator;
  input: string;
  max?: number;
  rng: number[];
  want: string | false;
  tokens?: string[];
  donors?: string[];
}

const CASES: Case[] = [
  { m: S.stringsRemove, input: 'a😀b', rng: [2, 0, 0], want: 'ab' },
  { m: S.stringsInsertCodePoints, input: 'ab', max: 10, rng: [1, 4, 0, 1, 7, 3], want: 'a73b' },
  { m: S.stringsInsertCodePoints, input: 'ab', max: 3, rng: [0, 14, 0, 0, 5], want: false },
  { m: S.stringsReplaceCodePoint, input: 'a😀b', rng: [2, 0, 0x21], want: 'aAb' },
  { m: S.stringsReplaceCodePoint, input: 'ab', max: 2, rng: [0, 14, 0], want: false },
  { m: S.stringsInsertUnits, input: '', max: 3, rng: [0, 0, 1, 0, 5, 1, 0x41], want: '\ud805A' },
  { m: S.stringsDuplicate, input: 'ab', max: 10, rng: [0, 0, 1, 2], want: 'abab' },
  { m: S.stringsCopy, input: 'abcd', rng: [0, 1, 0, 1], want: 'abab' },
  { m: S.stringsSwapRanges, input: 'ab😀c', rng: [0, 2, 0, 0], want: '😀abc' },
  { m: S.stringsArith, input: 'a', rng: [0, 1, 1], want: 'c' },
  { m: S.stringsBitFlip, input: 'a', rng: [0, 5], want: 'A' },
  { m: S.stringsInteresting, input: 'ab', rng: [1, 8], want: 'a\ud800' },
  { m: S.stringsInsertToken, input: 'a😀', max: 10, tokens: ['é'], rng: [0, 2], want: 'aé😀' },
  { m: S.stringsOverwriteToken, input: 'a😀b', max: 10, tokens: ['XY'], rng: [0, 1], want: 'aXYb' },
  { m: S.stringsOverwriteToken, input: 'a😀b', max: 10, tokens: ['XY'], rng: [0, 0], want: 'XYb' },
  { m: S.stringsSpliceInsert, input: '', max: 10, donors: ['😀'], rng: [0, 1, 0, 0, 0], want: '😀' },
  { m: S.stringsCrossover, input: 'abc', max: 10, donors: ['x😀yz'], rng: [0, 1, 2], want: 'a😀yz' },
  { m: S.stringsCrossover, input: 'abc', max: 2, donors: ['x😀yz'], rng: [0, 1, 0], want: 'ax' },
  { m: S.stringsAsciiDigit, input: 'v1', rng: [0, 0], want: 'v0' },
  { m: S.stringsAsciiCase, input: 'é!Q', rng: [0], want: 'é!q' },
  { m: S.stringsTruncate, input: 'a😀', rng: [2], want: 'a' },
];

for (const [i, c] of CASES.entries()) {
  test(`${c.m.name} #${i}: ${JSON.stringify(c.input)} → ${JSON.stringify(c.want)}`, () => {
    const w = work(c.input, c.max ?? 64, c.tokens, c.donors);
    const r = new MockRng(c.rng);
    const applied = c.m(w, r);
    if (c.want === false) {
      assert.equal(applied, false);
      assert.equal(text(w), c.input);
    } else {
      assert.equal(applied, true);
      assert.equal(text(w), c.want);
    }
    assert.equal(r.remaining, 0, 'the case lists exactly the draws made');
  });
}

const SAMPLES = ['', 'a', 'hello', '😀', 'a😀b😀c', 'ü𝄞x\u0301', '{"k":[1,2]}', '😀😀😀😀😀😀😀😀'];

test('valid-preserving string mutations keep well-formed strings well-formed and ≤ max', () => {
  const valid = [...S.STRINGS_VALID_MUTATORS, ...S.STRINGS_TOKEN_MUTATORS, ...S.STRINGS_SPLICE_MUTATORS];
  const r = new Rng(11);
  for (const m of valid) {
    for (const max of [1, 2, 3, 7, 40]) {
      for (const s of SAMPLES) {
        if (s.length > max) continue;
        const w = work(s, max, ['tok', '€', '😀'], ['d😀nor', '𝄞', 'xyz']);
        for (let k = 0; k < 40; k++) {
          m(w, r);
          assert.ok(w.len <= max, `${m.name} exceeded max ${max}`);
          assert.ok(S.isWellFormed(w.buf, w.len), `${m.name} broke ${JSON.stringify(text(w))} (from ${JSON.stringify(s)})`);
        }
      }
    }
  }
});

test('code-unit mutations can produce lone surrogates, and never exceed max', () => {
  const r = new Rng(5);
  let lone = 0;
  for (const m of S.STRINGS_UNIT_MUTATORS) {
    for (let k = 0; k < 300; k++) {
      const w = work('a😀b', 6);
      m(w, r);
      m(w, r);
      assert.ok(w.len <= 6);
      if (!S.isWellFormed(w.buf, w.len)) lone++;
    }
  }
  assert.ok(lone > 50, `only ${lone} ill-formed results`);
});

test('StringMaker preserves lone surrogates for short and long strings', () => {
  const maker = new StringMaker();
  for (const s of ['', 'x', '\ud800', 'ab\udc00cd\ud800', 'x'.repeat(12) + '\udfff', '😀'.repeat(300) + '\ud800']) {
    const u = unitsOfString(s);
    assert.equal(maker.make(u, u.length), s);
  }
  for (let n = 0; n <= 40; n++) {
    const u = new Uint16Array(n + 3).map((_, i) => (i * 40503 + n) & 0xffff);
    assert.equal(maker.make(u, n), String.fromCharCode(...u.subarray(0, n)), `length ${n}`);
  }
  const big = new Uint16Array(10000).map((_, i) => (i * 7919) & 0xffff);
  assert.equal(maker.make(big, big.length), String.fromCharCode(...big));
  assert.equal(maker.make(big, 13), String.fromCharCode(...big.subarray(0, 13)));
});
