/**
 * Property tests of the Mutator over many seeds: it never throws, respects maxLen and kind ranges,
 * is deterministic (also across processes and JIT tiers, via replayInput in a child process),
 * hands out independent copies, varies its outputs, and uses the dictionary and splice pool.
 * Run by `node --test dist/mutator/`. Rule: determinism failures here are release blockers.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as K from '../values/kinds.js';
import { checkValue, type Kind, type Value } from '../values/kinds.js';
import { Mutator, replayInput, type MutatorOptions } from './mutator.js';

const enc = (s: string) => new TextEncoder().encode(s);
const ALL_KINDS: Kind[] = [
  K.bytes(), K.string(), K.bool(), K.float64(), K.float32(), K.int8(), K.int16(), K.int32(),
  K.uint8(), K.uint16(), K.uint32(), K.int64(), K.uint64(),
];
const ZERO: Value[] = ALL_KINDS.map(K.zeroValue);
const BASE: Value[] = [enc('{"a":[1,2]}'), 'héllo 😀 wörld', true, 1.5, Math.fround(0.1), -3, 300, -70000, 200, 60000, 3e9, -5n, 7n];
const POOL: Value[][] = [
  [enc('ZZZZZZZZ'), 'POOLSTRING', false, 42.25, 2.5, 99, -999, 123456, 77, 4242, 31337, 1n << 40n, 9n],
  [enc(''), '', true, NaN, NaN, 0, 0, 0, 0, 0, 0, 0n, 0n],
];
const DICT = [enc('MAGICTOKEN'), enc('31337'), enc('€uro')];

function key(v: readonly Value[]): string {
  return v.map((x) => (x instanceof Uint8Array ? `b:${Buffer.from(x).toString('hex')}` : typeof x === 'number' && Object.is(x, -0) ? 'n:-0' : `${typeof x}:${String(x)}`)).join('|');
}

function checkOutputs(out: Value[], kinds: readonly Kind[], maxLen: number): void {
  assert.equal(out.length, kinds.length);
  kinds.forEach((k, i) => {
    const why = checkValue(k, out[i]);
    assert.equal(why, undefined, `arg ${i} (${k.kind}): ${why}`);
    const v = out[i];
    if (v instanceof Uint8Array || typeof v === 'string') assert.ok(v.length <= maxLen, `arg ${i} length ${v.length} > ${maxLen}`);
  });
}

test('never throws; every output is a valid value of its kind within maxLen', () => {
  for (const maxLen of [0, 1, 2, 5, 64]) {
    for (const base of [ZERO, BASE]) {
      for (const dictionary of [[], DICT]) {
        const m = new Mutator(ALL_KINDS, { maxLen, dictionary });
        m.setSplicePool(POOL);
        for (let seed = 0; seed < 8; seed++) {
          m.start(base, seed);
          for (let i = 0; i < 300; i++) checkOutputs(m.next(), ALL_KINDS, maxLen);
          assert.equal(m.count, 300);
        }
      }
    }
  }
});

test('single-argument targets of every kind, empty and long bases', () => {
  for (const k of ALL_KINDS) {
    for (const maxLen of [0, 1, 3, 100]) {
      const m = new Mutator([k], { maxLen });
      const bases: Value[] = [K.zeroValue(k)];
      if (k.kind === 'bytes') bases.push(new Uint8Array(500).fill(7));
      if (k.kind === 'string') bases.push('😀'.repeat(200));
      for (const b of bases) {
        for (let seed = 0; seed < 5; seed++) {
          m.start([b], seed);
          for (let i = 0; i < 400; i++) checkOutputs(m.next(), [k], maxLen);
        }
      }
    }
  }
});

test('a base longer than maxLen is cut: bytes to a prefix, strings never inside a pair', () => {
  const m = new Mutator([K.bytes(), K.string()], { maxLen: 5 });
  m.start([enc('0123456789'), 'abcd😀xyz'], 1);
  let sawPrefix = false;
  for (let i = 0; i < 2000; i++) {
    const [b, s] = m.next() as [Uint8Array, string];
    assert.ok(b.length <= 5 && s.length <= 5);
    if (Buffer.from(b).toString() === '01234') sawPrefix = true;
  }
  assert.ok(sawPrefix, 'unmutated bytes argument should be the 5-byte prefix');
  const one = new Mutator([K.string()], { maxLen: 5 });
  one.start(['abcd😀xyz'], 3);
  // the string argument alone: the cut base is "abcd", so 1-step outputs stay close to it
  const firsts = Array.from({ length: 50 }, () => one.next()[0] as string);
  assert.ok(firsts.every((s) => s.length <= 5));
});

test('determinism: same inputs give identical sequences; replayInput rebuilds any index', () => {
  const opts: MutatorOptions = { maxLen: 40, dictionary: DICT };
  const a = new Mutator(ALL_KINDS, opts);
  const b = new Mutator(ALL_KINDS, opts);
  a.setSplicePool(POOL);
  b.setSplicePool(POOL);
  a.start(BASE, 123);
  b.start(BASE, 123);
  const seq: string[] = [];
  for (let i = 0; i < 500; i++) {
    const x = key(a.next());
    assert.equal(key(b.next()), x, `diverged at ${i}`);
    seq.push(x);
  }
  for (const idx of [0, 1, 4, 5, 17, 250, 499]) {
    assert.equal(key(replayInput(ALL_KINDS, opts, POOL, BASE, 123, idx)), seq[idx], `replay ${idx}`);
  }
  // restarting the same mutator replays too, after other sequences
  a.start(ZERO, 9);
  for (let i = 0; i < 100; i++) a.next();
  a.start(BASE, 123);
  for (let i = 0; i < 50; i++) assert.equal(key(a.next()), seq[i]);
  // a different seed or pool gives a different sequence
  b.start(BASE, 124);
  assert.notEqual(Array.from({ length: 20 }, () => key(b.next())).join(), seq.slice(0, 20).join());
});

const SCRIPT = `
import { Mutator } from ${JSON.stringify(new URL('./mutator.js', import.meta.url).href)};
import * as K from ${JSON.stringify(new URL('../values/kinds.js', import.meta.url).href)};
import { createHash } from 'node:crypto';
const [kinds, base, pool, dict] = JSON.parse(process.argv[1], (k, v) => v && v.$b !== undefined ? Uint8Array.from(v.$b) : v && v.$n !== undefined ? BigInt(v.$n) : v && v.$f !== undefined ? Number(v.$f) : v);
const m = new Mutator(kinds.map((k) => K[k]()), { maxLen: 40, dictionary: dict });
m.setSplicePool(pool);
m.start(base, 77);
const h = createHash('sha256');
for (let i = 0; i < Number(process.argv[2]); i++) for (const v of m.next()) h.update(v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v + (Object.is(v, -0) ? '-0' : String(v)));
console.log(h.digest('hex'));
`;

function encodeArgs(x: unknown): string {
  return JSON.stringify(x, (_k, v) =>
    v instanceof Uint8Array ? { $b: [...v] } : typeof v === 'bigint' ? { $n: String(v) } : typeof v === 'number' && !Number.isFinite(v) ? { $f: String(v) } : v,
  );
}

test('determinism across processes and JIT tiers (hot in-process vs cold child process)', () => {
  const n = 3000;
  const m = new Mutator(ALL_KINDS, { maxLen: 40, dictionary: DICT });
  m.setSplicePool(POOL);
  // warm the code up in this process first so it runs optimized
  m.start(BASE, 1);
  for (let i = 0; i < 100000; i++) m.next();
  m.start(BASE, 77);
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) {
    for (const v of m.next()) h.update(v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v + (Object.is(v, -0) ? '-0' : String(v)));
  }
  const arg = encodeArgs([ALL_KINDS.map((k) => k.kind), BASE, POOL, DICT]);
  const child = execFileSync(process.execPath, ['--input-type=module', '--jitless', '-e', SCRIPT, arg, String(n)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  }).trim();
  assert.equal(child, h.digest('hex'));
});

test('returned bytes are independent: changing them changes nothing later', () => {
  const run = (scribble: boolean) => {
    const m = new Mutator([K.bytes(), K.bytes()], { maxLen: 32 });
    m.setSplicePool([[enc('pool-entry'), enc('x')]]);
    m.start([enc('abcdefgh'), new Uint8Array(0)], 5);
    const kept: Uint8Array[] = [];
    const seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const out = m.next() as Uint8Array[];
      seen.push(key(out));
      kept.push(out[0]);
      if (scribble) for (const b of out) b.fill(0xee);
    }
    return { seen, kept };
  };
  const clean = run(false);
  const dirty = run(true);
  assert.deepEqual(dirty.seen, clean.seen);
  // and what a target kept never changes afterwards
  const snapshot = clean.kept.map((b) => Buffer.from(b).toString('hex'));
  const m = new Mutator([K.bytes()], { maxLen: 32 });
  m.start([enc('zzzz')], 1);
  for (let i = 0; i < 5000; i++) m.next();
  assert.deepEqual(clean.kept.map((b) => Buffer.from(b).toString('hex')), snapshot);
  assert.ok(new Set(clean.kept.map((b) => b.buffer)).size >= 1);
});

test('outputs vary, including from empty bases', () => {
  for (const [kinds, base] of [
    [[K.bytes()], [new Uint8Array(0)]],
    [[K.string()], ['']],
    [[K.bytes()], [enc('hello world')]],
    [[K.uint32()], [0]],
    [[K.float64()], [0]],
    [[K.int64()], [0n]],
    [[K.bytes(), K.bool(), K.int8()], [new Uint8Array(0), false, 0]],
  ] as [Kind[], Value[]][]) {
    const m = new Mutator(kinds, { maxLen: 64 });
    m.start(base, 2024);
    const distinct = new Set<string>();
    for (let i = 0; i < 1000; i++) distinct.add(key(m.next()));
    assert.ok(distinct.size > 300, `${kinds.map((k) => k.kind)}: only ${distinct.size} distinct of 1000`);
  }
});

test('dictionary tokens show up in bytes, strings and numbers', () => {
  const m = new Mutator([K.bytes(), K.string(), K.uint16()], { maxLen: 64, dictionary: DICT });
  m.start([enc('abc'), 'abc', 0], 8);
  let bytesHit = 0;
  let stringHit = 0;
  let intHit = 0;
  for (let i = 0; i < 5000; i++) {
    const [b, s, n] = m.next() as [Uint8Array, string, number];
    if (Buffer.from(b).includes('MAGICTOKEN')) bytesHit++;
    if (s.includes('€uro') || s.includes('MAGICTOKEN')) stringHit++;
    if (n === 31337) intHit++;
  }
  assert.ok(bytesHit > 10 && stringHit > 10 && intHit > 3, `hits bytes ${bytesHit} string ${stringHit} int ${intHit}`);
});

test('splicing uses pool content; invalid pool values are skipped', () => {
  const m = new Mutator([K.bytes(), K.string(), K.uint8()], { maxLen: 64 });
  m.setSplicePool([[enc('ZZZZZZZZ'), 'QQQQQQQQ', 77], [enc('Z'), 'Q', 300 as number]]);
  m.start([enc('abcdef'), 'abcdef', 1], 3);
  let z = 0;
  let q = 0;
  let n77 = 0;
  for (let i = 0; i < 5000; i++) {
    const [b, s, n] = m.next() as [Uint8Array, string, number];
    if (Buffer.from(b).includes('ZZ')) z++;
    if (s.includes('QQ')) q++;
    if (n === 77) n77++;
    assert.notEqual(n, 300);
  }
  assert.ok(z > 10 && q > 10 && n77 > 3, `pool hits bytes ${z} string ${q} uint8 ${n77}`);
  assert.throws(() => m.setSplicePool([[enc('x')]]), TypeError);
});

test('strings stay mostly well-formed but lone surrogates do occur', () => {
  const m = new Mutator([K.string()], { maxLen: 64 });
  m.start(['héllo 😀 wörld'], 6);
  let wellFormed = 0;
  const total = 5000;
  for (let i = 0; i < total; i++) {
    const s = m.next()[0] as string;
    if (!/\p{Surrogate}/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) wellFormed++;
  }
  assert.ok(wellFormed > total * 0.7 && wellFormed < total, `well-formed ${wellFormed}/${total}`);
});

test('argument validation', () => {
  assert.throws(() => new Mutator([K.bytes()], { maxLen: -1 }), RangeError);
  assert.throws(() => new Mutator([K.bytes()], { maxLen: 1.5 }), RangeError);
  assert.throws(() => new Mutator([{ kind: 'nope' } as unknown as Kind], { maxLen: 1 }), TypeError);
  const m = new Mutator([K.uint8()], { maxLen: 1 });
  assert.throws(() => m.next(), /before start/);
  assert.throws(() => m.start([300], 1), TypeError);
  assert.throws(() => m.start([], 1), TypeError);
  assert.throws(() => m.start([1], -1), RangeError);
  assert.throws(() => replayInput([K.uint8()], { maxLen: 1 }, [], [1], 1, -1), RangeError);
  const none = new Mutator([], { maxLen: 8 });
  none.start([], 1);
  assert.deepEqual(none.next(), []);
});

test('rebuild(checkpoint()) gives back the input last produced, for every kind', () => {
  const kinds: Kind[] = [K.bytes(), K.string(), K.uint8(), K.int64(), K.float32(), K.bool()];
  const base: Value[] = [new Uint8Array([1, 2, 3, 4]), 'héllo', 7, -5n, 1.5, true];
  const opts: MutatorOptions = { maxLen: 32, dictionary: [new TextEncoder().encode('MAGIC')] };
  const pool = [base, [new Uint8Array([9, 9]), 'x', 200, 1n << 40n, 0, false]];
  const m = new Mutator(kinds, opts);
  const shadow = new Mutator(kinds, opts);
  m.setSplicePool(pool);
  shadow.setSplicePool(pool);
  m.start(base, 42);
  shadow.start(base, 42);
  for (let i = 0; i < 2000; i++) {
    const got = m.next();
    const cp = m.checkpoint();
    assert.ok(cp.steps >= 1 && cp.steps <= 5);
    const again = shadow.rebuild(cp);
    assert.equal(again.length, got.length);
    got.forEach((v, j) => assert.ok(
      v instanceof Uint8Array ? Buffer.from(v).equals(Buffer.from(again[j] as Uint8Array)) : Object.is(v, again[j]),
      `input ${i}, argument ${j}: ${String(v)} vs ${String(again[j])}`,
    ));
  }
});
