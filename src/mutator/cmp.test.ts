/**
 * Tests of the comparison mutations (cmp.ts) and of MutatorOptions.comparisons: exact scripted
 * cases, material derivation, that an empty/absent table changes nothing, determinism and replay
 * with a table, validity under odd tables, and that traced operands reach each kind of argument.
 * Run by `node --test dist/mutator/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMP } from '../coverage/compare-ops.js';
import type { ComparePair } from '../coverage/trace.js';
import * as K from '../values/kinds.js';
import { checkValue, type Kind, type Value } from '../values/kinds.js';
import { bigCmp, CmpTable, cmpInsert, cmpReplace, floatCmp, hotEntries, intCmp, mergeComparisons, setCmpBase } from './cmp.js';
import { newBytesWork, newStringWork, withWords, type Units, type Work } from './common.js';
import { FloatWork } from './floats.js';
import { MockRng } from './mock-rng.js';
import { Rng } from '../util/rng.js';
import { Mutator, replayInput, type MutatorOptions } from './mutator.js';
import { BigIntWork, IntWork } from './numbers.js';
import { unitsOfString } from './output.js';
import { bytesCacheSize, bytesCandidates } from './cmp-material.js';
import { pairKey } from './cmp-encode.js';
import { packBytes, packPairs, packUnits } from './packed.js';

const enc = (s: string) => new TextEncoder().encode(s);
const pair = (op: number, left: ComparePair['left'], right: ComparePair['right'], site = 0): ComparePair => ({ site, op, left, right });
const packed = (reps: readonly (readonly [Uint8Array, Uint8Array])[]) => packPairs(reps, (n) => new Uint8Array(n));
const key = (v: readonly Value[]) => v.map((x) => (x instanceof Uint8Array ? `b:${Buffer.from(x).toString('hex')}` : `${typeof x}:${Object.is(x, -0) ? '-0' : String(x)}`)).join('|');

function bytesWork(content: string, max = 64) {
  const w = newBytesWork(max);
  const b = enc(content);
  w.ensure(b.length);
  w.buf.set(b);
  w.len = b.length;
  return w;
}
const bytesOf = (w: ReturnType<typeof bytesWork>) => Buffer.from(w.buf.subarray(0, w.len)).toString('latin1');
/** Gives w the replacement table `reps` for chains from `base` (as args.ts does at setBase). */
function withTable(w: ReturnType<typeof bytesWork>, reps: ReturnType<typeof packed>, base = ''): void {
  w.cmpReplace = reps;
  const b = enc(base);
  const { units, words } = withWords(b, (n) => new Uint8Array(n));
  setCmpBase(w, units, words, b.length);
}

test('cmpReplace: the first occurrence from the drawn start, wrapping around; tries 4 entries', () => {
  const w = bytesWork('xxKEYxxxxx');
  withTable(w, packed([[enc('KEY'), enc('LONGER')]]));
  const r = new MockRng([0, 6]); // entry 0, start 6 → no match in [6, 7]: wraps to position 2
  assert.ok(cmpReplace(w, r));
  assert.equal(bytesOf(w), 'xxLONGERxxxxx');
  assert.equal(r.remaining, 0);
  const none = bytesWork('abc');
  withTable(none, packed([[enc('zz'), enc('y')]]));
  assert.equal(cmpReplace(none, new MockRng([0, 1, 0, 0, 0, 1, 0, 0])), false);
  assert.equal(bytesOf(none), 'abc');
  const full = bytesWork('aKEY', 5);
  withTable(full, packed([[enc('KEY'), enc('LONGER')]]));
  assert.equal(cmpReplace(full, new MockRng([0, 0, 0, 0])), false, 'would exceed max');
});

test('hotEntries: entries whose needle is in the base; cmpReplace draws them ¾ of the time', () => {
  const reps = packed([[enc('zz'), enc('1')], [enc('KEY'), enc('2')], [enc('q'), enc('3')], [enc('EY'), enc('4')]]);
  const base = enc('a KEY b');
  assert.deepEqual(hotEntries(reps, base, base.length), [1, 3]);
  assert.deepEqual(hotEntries(reps, base, 3), []);
  const long = new Uint8Array(300).fill(0x2e);
  long.set(enc('KEY'), 290);
  assert.deepEqual(hotEntries(reps, long, long.length), [1, 3], 'native search path');
  const w = bytesWork('a KEY b');
  withTable(w, reps, 'a KEY b');
  assert.deepEqual(w.cmpHot, [1, 3]);
  assert.ok(cmpReplace(w, new MockRng([1, 0, 0]))); // hot (1 of 4), hot[0] = entry 1, start 0
  assert.equal(bytesOf(w), 'a 2 b');
  const w2 = bytesWork('a KEY b');
  withTable(w2, reps, 'a KEY b');
  const r = new MockRng([0, 0, 0, 2, 1, 0]); // any entry: 0 ('zz', absent); then hot[1] = entry 3 ('EY')
  assert.ok(cmpReplace(w2, r));
  assert.equal(bytesOf(w2), 'a K4 b');
  assert.equal(r.remaining, 0);
});

test('cmpReplace: searching entries missing from the base only where the value differs from it gives the whole-value result', () => {
  // Values close to a base (edits at random places, as a chain makes them), small alphabets so that
  // needles occur often, bytes and UTF-16 units: every call must agree with a whole-value scan
  // (cmpBase unset) in its result, its edit and the draws it made.
  const rng = new Rng(99);
  const check = <B extends Units>(make: (n: number) => B, pack: (p: (readonly [B, B])[]) => ReturnType<typeof packPairs<B>>, newWork: (max: number) => Work<B, unknown>) => {
    for (let round = 0; round < 300; round++) {
      const sym = () => 97 + rng.below(3);
      const seq = (n: number) => { const b = make(n); for (let i = 0; i < n; i++) b[i] = sym(); return b; };
      const reps = pack(Array.from({ length: 1 + rng.below(12) }, () => [seq(1 + rng.below(4)), seq(rng.below(5))] as const));
      const baseLen = rng.below(40);
      const { units, words } = withWords(seq(baseLen), make);
      const fast = newWork(48);
      const slow = newWork(48);
      for (const w of [fast, slow]) {
        w.cmpReplace = reps;
        setCmpBase(w, units, words, baseLen);
      }
      slow.cmpBase = undefined; // the whole-value scan for every entry
      for (let call = 0; call < 20; call++) {
        fast.load(words, baseLen);
        fast.pristine = true; // as args.ts marks a value just reset to its base
        for (let e = rng.below(4); e > 0 && fast.len > 0; e--) {
          fast.pristine = false;
          // an edit: overwrite, insert or delete a few units somewhere
          const at = rng.below(fast.len);
          const kind = rng.below(3);
          if (kind === 0) fast.buf[at] = sym();
          else if (kind === 1 && fast.len < 44) { fast.buf.copyWithin(at + 1, at, fast.len); fast.buf[at] = sym(); fast.len++; }
          else { fast.buf.copyWithin(at, at + 1, fast.len); fast.len--; }
        }
        slow.ensure(fast.len);
        slow.buf.set(fast.buf.subarray(0, fast.len) as never);
        slow.len = fast.len;
        const seed = rng.u32();
        const rf = new Rng(seed);
        const rs = new Rng(seed);
        assert.equal(cmpReplace(fast, rf), cmpReplace(slow, rs));
        assert.deepEqual([...fast.buf.subarray(0, fast.len)], [...slow.buf.subarray(0, slow.len)]);
        assert.deepEqual(rf.getState(), rs.getState());
      }
    }
  };
  check((n) => new Uint8Array(n), (p) => packPairs(p, (n) => new Uint8Array(n)), newBytesWork);
  check((n) => new Uint16Array(n), (p) => packPairs(p, (n) => new Uint16Array(n)), newStringWork);
});

test('cmpInsert: start, end or random position, insert or overwrite; strings snap to code points', () => {
  const w = bytesWork('abcd');
  w.cmpTokens = packBytes([enc('XY')]);
  assert.ok(cmpInsert(w, new MockRng([0, 0, 0])));
  assert.equal(bytesOf(w), 'XYabcd');
  assert.ok(cmpInsert(w, new MockRng([0, 1, 1])));
  assert.equal(bytesOf(w), 'XYabcdXY');
  assert.ok(cmpInsert(w, new MockRng([0, 2, 3, 1])));
  assert.equal(bytesOf(w), 'XYaXYdXY');
  const s = newStringWork(16);
  const units = unitsOfString('a😀b');
  s.ensure(units.length);
  s.buf.set(units);
  s.len = units.length;
  s.cmpTokens = packUnits([unitsOfString('Z')]);
  assert.ok(cmpInsert(s, new MockRng([0, 2, 2, 0]))); // position 2 is inside the pair: moved to 1
  assert.equal(String.fromCharCode(...s.buf.subarray(0, s.len)), 'aZ😀b');
});

test('intCmp / bigCmp / floatCmp: the wanted operand where the current value was seen, or any, ± 1', () => {
  const w = new IntWork('int32');
  w.value = 7;
  w.cmpValues = [100, -559038737];
  w.cmpPairs = [[3, 4], [7, -559038737]];
  assert.ok(intCmp(w, new MockRng([1, 0, 0])));
  assert.equal(w.value, -559038737);
  assert.ok(intCmp(w, new MockRng([0, 0, 2]))); // any operand (100), + 1
  assert.equal(w.value, 101);
  const u = new IntWork('uint8');
  u.value = 255;
  u.cmpValues = [255];
  assert.ok(intCmp(u, new MockRng([0, 2])), '255 + 1 wraps');
  assert.equal(u.value, 0);
  const b = new BigIntWork('uint64');
  b.value = 5n;
  b.cmpPairs = [[5n, 0x1122334455667788n]];
  assert.ok(bigCmp(b, new MockRng([0, 3])));
  assert.equal(b.value, 0x1122334455667787n);
  const f = new FloatWork(true);
  f.value = 1.5;
  f.cmpValues = [2.718];
  assert.ok(floatCmp(f, new MockRng([0, 0])));
  assert.equal(f.value, Math.fround(2.718));
  const d = new FloatWork(false);
  d.value = 0;
  d.cmpValues = [1];
  assert.ok(floatCmp(d, new MockRng([0, 4])));
  assert.equal(d.value, 1 + Number.EPSILON);
});

test('CmpTable: validated, de-duplicated, copied; material per kind', () => {
  const magic = enc('MAGIC');
  const t = new CmpTable([pair(CMP.EQ3, 'abc', 'KEY'), pair(CMP.EQ3, 'abc', 'KEY', 9), pair(CMP.EQ3, 'same', 'same'), pair(CMP.BYTES_EQUALS, enc('xx'), magic), pair(CMP.LT, 7, 1000)]);
  assert.equal(t.size, 3);
  magic[0] = 0;
  assert.equal(Buffer.from(t.pairs[1].right as Uint8Array).toString(), 'MAGIC', 'copied');
  const bm = t.bytes(64);
  const rep = bm.replace.map(([n, r]) => `${Buffer.from(n).toString('latin1')}>${Buffer.from(r).toString('latin1')}`);
  assert.ok(rep.includes('abc>KEY') && rep.includes('KEY>abc') && rep.includes('xx>MAGIC') && rep.includes('7>1000') && rep.includes('7>1001'));
  assert.ok(rep.includes('\x07\x00\x00\x00>\xe8\x03\x00\x00'), 'LE 32-bit encoding');
  assert.ok(t.bytes(2).replace.every(([n, r]) => n.length <= 2 && r.length <= 2));
  assert.deepEqual(t.ints('uint16'), { values: [7, 1000], pairs: [[7, 1000], [1000, 7]] });
  // 7 → 1000 cannot be exact in int8; 1000 (out of range: the program converted) → 7 is wrapped
  assert.deepEqual(t.ints('int8').pairs, [[-24, 7]]);
  assert.throws(() => new CmpTable([{ site: 0, op: 0, left: {}, right: 1 } as unknown as ComparePair]), TypeError);
  assert.throws(() => new CmpTable([pair(CMP.EQ3, NaN, 1)]), TypeError);
});

test('mergeComparisons: fresh first, no duplicates (site ignored), capped', () => {
  const old = [pair(CMP.EQ3, 'a', 'b', 1), pair(CMP.EQ3, 'c', 'd', 2)];
  const fresh = [pair(CMP.EQ3, 'c', 'd', 7), pair(CMP.EQ3, 'e', 'f', 3), pair(CMP.EQ3, 'x', 'x')];
  assert.deepEqual(mergeComparisons(old, fresh).map((p) => p.left), ['c', 'e', 'a']);
  assert.deepEqual(mergeComparisons(old, fresh, 2).map((p) => p.left), ['c', 'e']);
});

const ALL_KINDS: Kind[] = [K.bytes(), K.string(), K.bool(), K.float64(), K.float32(), K.int8(), K.int16(), K.int32(), K.uint8(), K.uint16(), K.uint32(), K.int64(), K.uint64()];
const BASE: Value[] = [enc('{"a":[1,2]}'), 'héllo wörld', true, 1.5, Math.fround(0.1), -3, 300, -70000, 200, 60000, 3e9, -5n, 7n];
const TABLE: ComparePair[] = [
  pair(CMP.EQ3, 'hello', 'SIXTEEN-CHAR-KEY'), pair(CMP.EQ3, 0x04030201, 0xdeadbeef), pair(CMP.NE3, -70000, -559038737),
  pair(CMP.EQ3, 7n, 0x1122334455667788n), pair(CMP.GT, 1.5, 3.14159), pair(CMP.STARTS_WITH, 'héllo', 'GET /'),
  pair(CMP.BYTES_EQUALS, enc('{"a"'), enc('\x7fELF')), pair(CMP.LT, 1e300, -Infinity), pair(CMP.EQ3, 1n << 90n, 'x'),
];

test('an empty or absent table changes nothing', () => {
  const seq = (opts: MutatorOptions) => {
    const m = new Mutator(ALL_KINDS, opts);
    m.start(BASE, 11);
    return Array.from({ length: 400 }, () => key(m.next()));
  };
  assert.deepEqual(seq({ maxLen: 40, comparisons: [] }), seq({ maxLen: 40 }));
  assert.notDeepEqual(seq({ maxLen: 40, comparisons: TABLE }), seq({ maxLen: 40 }));
  assert.throws(() => new Mutator(ALL_KINDS, { maxLen: 4, comparisons: {} as never }), TypeError);
});

test('with a table: deterministic, replayable, rebuildable, always valid within maxLen', () => {
  for (const maxLen of [0, 3, 40]) {
    const opts: MutatorOptions = { maxLen, comparisons: TABLE };
    const a = new Mutator(ALL_KINDS, opts);
    const b = new Mutator(ALL_KINDS, opts);
    const shadow = new Mutator(ALL_KINDS, opts);
    a.start(BASE, 5);
    b.start(BASE, 5);
    shadow.start(BASE, 5);
    const seq: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const out = a.next();
      ALL_KINDS.forEach((k, j) => {
        assert.equal(checkValue(k, out[j]), undefined, `${k.kind}: ${String(out[j])}`);
        const v = out[j];
        if (typeof v === 'string' || v instanceof Uint8Array) assert.ok(v.length <= maxLen);
      });
      seq.push(key(out));
      assert.equal(key(b.next()), seq[i]);
      assert.equal(key(shadow.rebuild(a.checkpoint())), seq[i]);
    }
    for (const idx of [0, 7, 999]) assert.equal(key(replayInput(ALL_KINDS, opts, [], BASE, 5, idx)), seq[idx]);
  }
});

test('traced operands reach every kind of argument', () => {
  const kinds: Kind[] = [K.bytes(), K.string(), K.int32(), K.uint64(), K.float64()];
  const base: Value[] = [Uint8Array.of(0x61, 0x62, 1, 2, 3, 4, 0x7a), 'say hello', -70000, 7n, 1.5];
  const m = new Mutator(kinds, { maxLen: 64, comparisons: TABLE });
  m.start(base, 3);
  const hits = [0, 0, 0, 0, 0];
  for (let i = 0; i < 5000; i++) {
    const [b, s, n, big, f] = m.next() as [Uint8Array, string, number, bigint, number];
    if (Buffer.from(b).includes(Buffer.from([0xef, 0xbe, 0xad, 0xde]))) hits[0]++;
    if (s.includes('SIXTEEN-CHAR-KEY') || s.startsWith('GET /')) hits[1]++;
    if (n === -559038737) hits[2]++;
    if (big === 0x1122334455667788n) hits[3]++;
    if (f === 3.14159) hits[4]++;
  }
  assert.ok(hits.every((h) => h > 10), `hits ${hits}`);
});

const CHILD = `
import { Mutator } from ${JSON.stringify(new URL('./mutator.js', import.meta.url).href)};
import * as K from ${JSON.stringify(new URL('../values/kinds.js', import.meta.url).href)};
import { createHash } from 'node:crypto';
const [kinds, base, table] = JSON.parse(process.argv[1], (k, v) => v && v.$b !== undefined ? Uint8Array.from(v.$b) : v && v.$n !== undefined ? BigInt(v.$n) : v && v.$f !== undefined ? Number(v.$f) : v);
const m = new Mutator(kinds.map((k) => K[k]()), { maxLen: 40, comparisons: table });
m.start(base, 77);
const h = createHash('sha256');
for (let i = 0; i < 2000; i++) h.update(m.next().map((v) => v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v + (Object.is(v, -0) ? '-0' : String(v))).join('|'));
console.log(h.digest('hex'));
`;

test('with a table: the same sequence in a cold --jitless child process as hot in this one', async () => {
  const { execFileSync } = await import('node:child_process');
  const { createHash } = await import('node:crypto');
  const m = new Mutator(ALL_KINDS, { maxLen: 40, comparisons: TABLE });
  m.start(BASE, 1);
  for (let i = 0; i < 50000; i++) m.next();
  m.start(BASE, 77);
  const h = createHash('sha256');
  for (let i = 0; i < 2000; i++) h.update(m.next().map((v) => (v instanceof Uint8Array ? 'b' + Buffer.from(v).toString('hex') : typeof v + (Object.is(v, -0) ? '-0' : String(v)))).join('|'));
  const arg = JSON.stringify([ALL_KINDS.map((k) => k.kind), BASE, TABLE], (_k, v) =>
    v instanceof Uint8Array ? { $b: [...v] } : typeof v === 'bigint' ? { $n: String(v) } : typeof v === 'number' && !Number.isFinite(v) ? { $f: String(v) } : v,
  );
  const child = execFileSync(process.execPath, ['--input-type=module', '--jitless', '-e', CHILD, arg], { encoding: 'utf8' }).trim();
  assert.equal(child, h.digest('hex'));
});

test('the per-pair material cache stays within its byte budget, and never changes a result', () => {
  const big = (i: number) => { const b = new Uint8Array(60); b.fill(i & 255); b[0] = i >> 8; return b; };
  const pairs: ComparePair[] = [];
  for (let i = 0; i < 3000; i++) pairs.push({ site: i, op: CMP.EQ, left: big(i), right: i * 1000 + 7 });
  const first = pairs.slice(0, 50).map((p) => JSON.stringify(bytesCandidates(p, pairKey(p)), (_, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)));
  let most = 0;
  for (const p of pairs) {
    bytesCandidates(p, pairKey(p));
    most = Math.max(most, bytesCacheSize().bytes);
  }
  assert.ok(most <= 16 << 20, `the cache held ~${most} bytes`);
  assert.ok(bytesCacheSize().entries < pairs.length, 'the cache started over at least once');
  const again = pairs.slice(0, 50).map((p) => JSON.stringify(bytesCandidates(p, pairKey(p)), (_, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)));
  assert.deepEqual(again, first);
});
