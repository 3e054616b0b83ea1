/**
 * Tests of the input-to-state stage: table-driven examples (a 16-char key, LE/BE uint32 magics in
 * bytes, a negative int32, a bigint, a float, a startsWith gate, a 4-byte checksum), each also
 * solved end to end through CompareTrace with hand-instrumented targets; plus validity, maxLen,
 * limit, de-duplication and determinism properties. Run by `node --test dist/mutator/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CMP } from '../coverage/compare-ops.js';
import { CompareTrace, type ComparePair } from '../coverage/trace.js';
import * as K from '../values/kinds.js';
import { checkValue, type Kind, type Value } from '../values/kinds.js';
import { i2sCandidates } from './i2s.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const pair = (op: number, left: ComparePair['left'], right: ComparePair['right'], site = 0): ComparePair => ({ site, op, left, right });
const show = (v: Value) => (v instanceof Uint8Array ? `hex:${hex(v)}` : typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v));
const le32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return new Uint8Array(b); };
const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return new Uint8Array(b); };
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

interface Case {
  name: string;
  kinds: Kind[];
  values: Value[];
  pairs: ComparePair[];
  want: Value[];
}

const CASES: Case[] = [
  {
    name: '16-char key compared with === against a string argument',
    kinds: [K.string()], values: ['hello'],
    pairs: [pair(CMP.EQ3, 'hello', 'SIXTEEN-CHAR-KEY')], want: ['SIXTEEN-CHAR-KEY'],
  },
  {
    name: '16-char key against a field of a longer string',
    kinds: [K.string()], values: ['user=guest;x=1'],
    pairs: [pair(CMP.EQ3, 'guest', 'SIXTEEN-CHAR-KEY')], want: ['user=SIXTEEN-CHAR-KEY;x=1'],
  },
  {
    name: 'uint32 magic read little-endian from bytes',
    kinds: [K.bytes()], values: [cat(enc('ab'), Uint8Array.of(1, 2, 3, 4), enc('zz'))],
    pairs: [pair(CMP.EQ3, 0x04030201, 0xdeadbeef)], want: [cat(enc('ab'), le32(0xdeadbeef), enc('zz'))],
  },
  {
    name: 'uint32 magic read big-endian from bytes',
    kinds: [K.bytes()], values: [cat(enc('ab'), Uint8Array.of(1, 2, 3, 4), enc('zz'))],
    pairs: [pair(CMP.EQ3, 0x01020304, 0xcafebabe)], want: [cat(enc('ab'), be32(0xcafebabe), enc('zz'))],
  },
  {
    name: 'negative int32 magic in bytes (LE)',
    kinds: [K.bytes()], values: [cat(le32(7), le32(9))],
    pairs: [pair(CMP.EQ3, 9, -559038737)], want: [cat(le32(7), le32(-559038737))],
  },
  {
    name: 'negative int32 magic as a typed argument',
    kinds: [K.int32()], values: [7], pairs: [pair(CMP.NE3, 7, -559038737)], want: [-559038737],
  },
  {
    name: 'uint32 argument compared after >>> 0 (wrapped match)',
    kinds: [K.int32()], values: [-1], pairs: [pair(CMP.EQ3, 0xffffffff, 0xdeadbeef)], want: [0xdeadbeef | 0],
  },
  {
    name: 'bigint equality on a uint64 argument',
    kinds: [K.uint64()], values: [5n], pairs: [pair(CMP.EQ3, 5n, 0x1122334455667788n)], want: [0x1122334455667788n],
  },
  {
    name: 'bigint read from bytes (64-bit LE)',
    kinds: [K.bytes()], values: [new Uint8Array(8).fill(0).map((_, i) => i + 1)],
    pairs: [pair(CMP.EQ3, 0x0807060504030201n, 0x1122334455667788n)],
    want: [Uint8Array.of(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)],
  },
  {
    name: 'float comparison on a float64 argument',
    kinds: [K.float64()], values: [1.5], pairs: [pair(CMP.EQ3, 1.5, 3.14159)], want: [3.14159],
  },
  {
    name: 'float comparison on a float32 argument (rounded)',
    kinds: [K.float32()], values: [1.5], pairs: [pair(CMP.GT, 1.5, 2.718)], want: [Math.fround(2.718)],
  },
  {
    name: 'x < 100 on a uint8 argument: the boundary ± 1',
    kinds: [K.uint8()], values: [3], pairs: [pair(CMP.LT, 3, 100)], want: [101],
  },
  {
    name: 'startsWith gate on a string argument',
    kinds: [K.string()], values: ['hello'], pairs: [pair(CMP.STARTS_WITH, 'hello', 'GET /')], want: ['GET /hello'],
  },
  {
    name: 'startsWith gate on the second line of a string',
    kinds: [K.string()], values: ['abc\nxyz'], pairs: [pair(CMP.STARTS_WITH, 'xyz', 'CMD ')], want: ['abc\nCMD xyz'],
  },
  {
    name: 'endsWith on bytes',
    kinds: [K.bytes()], values: [enc('data')], pairs: [pair(CMP.ENDS_WITH, 'data', '.png')], want: [enc('data.png')],
  },
  {
    name: 'decimal text in a string argument',
    kinds: [K.string()], values: ['n=42;'], pairs: [pair(CMP.EQ3, 42, 1337)], want: ['n=1337;'],
  },
  {
    name: '4-byte checksum: the stored field replaced by the computed sum',
    kinds: [K.bytes()], values: [cat(enc('MAGC'), Uint8Array.of(1, 2, 3, 4, 5), le32(0x11111111))],
    pairs: [pair(CMP.EQ3, 0x11111111, 15)], want: [cat(enc('MAGC'), Uint8Array.of(1, 2, 3, 4, 5), le32(15))],
  },
];

for (const c of CASES) {
  test(`i2s: ${c.name}`, () => {
    const out = i2sCandidates(c.kinds, c.values, c.pairs, 64);
    const shown = out.map((v) => v.map(show).join(','));
    assert.ok(shown.includes(c.want.map(show).join(',')), `missing ${c.want.map(show)} in\n${shown.join('\n')}`);
    for (const v of out) c.kinds.forEach((k, i) => assert.equal(checkValue(k, v[i]), undefined));
    assert.deepEqual(i2sCandidates(c.kinds, c.values, c.pairs, 64).map((v) => v.map(show)), out.map((v) => v.map(show)), 'deterministic');
  });
}

/** Runs `target` with a trace, then its I2S candidates, for up to `rounds` rounds; the solving input or undefined. */
function solve(kinds: Kind[], start: Value[], target: (args: Value[], cmp: CompareTrace['record']) => boolean, rounds = 4): Value[] | undefined {
  const trace = new CompareTrace();
  let frontier = [start];
  for (let r = 0; r < rounds; r++) {
    const next: Value[][] = [];
    for (const input of frontier) {
      trace.reset();
      if (target(input, trace.record)) return input;
      for (const c of i2sCandidates(kinds, input, trace.takeNew(), 64, 64)) {
        trace.reset();
        if (target(c, trace.record)) return c;
        next.push(c);
      }
    }
    frontier = next.slice(0, 64);
  }
  return undefined;
}

test('end to end: a key held in a const, compared through the hook', () => {
  const KEY = 'k3y-from-a-const';
  const got = solve([K.string()], ['x'], ([s], cmp) => (cmp(1, s, KEY, CMP.EQ3), s === KEY));
  assert.deepEqual(got, [KEY]);
});

test('end to end: magic word plus checksum over the rest (two comparisons in sequence)', () => {
  const target = ([b]: Value[], cmp: CompareTrace['record']) => {
    const u = Buffer.from(b as Uint8Array);
    if (u.length < 12) return false;
    const magic = u.readUInt32BE(0);
    cmp(1, magic, 0x7f454c46, CMP.EQ3);
    if (magic !== 0x7f454c46) return false;
    let sum = 0;
    for (let i = 4; i < u.length - 4; i++) sum = (sum + u[i]) >>> 0;
    const stored = u.readUInt32LE(u.length - 4);
    cmp(2, stored, sum, CMP.EQ3);
    return stored === sum;
  };
  const got = solve([K.bytes()], [enc('ABCDpayload!WXYZ')], target);
  assert.ok(got, 'solved');
  assert.ok(target(got, () => {}));
});

test('end to end: startsWith, switch on a slice, Set membership', () => {
  const cmds = new Set(['PUSH', 'PULL', 'SYNC']);
  const target = ([s]: Value[], cmp: CompareTrace['record']) => {
    const str = s as string;
    cmp(1, str, 'v1:', CMP.STARTS_WITH);
    if (!str.startsWith('v1:')) return false;
    const cmd = str.slice(3, 7);
    cmp(2, cmd, cmds, CMP.SET_HAS);
    if (!cmds.has(cmd)) return false;
    const arg = str.slice(7);
    cmp(3, arg, '!go', CMP.SWITCH_CASE);
    switch (arg) {
      case '!go': return true;
      default: return false;
    }
  };
  const got = solve([K.string()], ['hello world'], target, 5);
  assert.ok(got && target(got, () => {}), `got ${got}`);
});

test('respects maxLen and limit, dedupes, never returns the input itself, copies bytes', () => {
  const values: Value[] = [enc('aaaa'), 'aaaa'];
  const kinds = [K.bytes(), K.string()];
  const pairs = [pair(CMP.EQ3, 'aaaa', 'LONGER-THAN-EIGHT'), pair(CMP.EQ3, 'aa', 'bb'), pair(CMP.EQ3, 'aa', 'bb'), pair(CMP.INCLUDES, 'aaaa', 'Z')];
  const out = i2sCandidates(kinds, values, pairs, 8);
  const keys = out.map((v) => v.map(show).join(','));
  assert.equal(new Set(keys).size, keys.length);
  assert.ok(!keys.includes(values.map(show).join(',')));
  for (const v of out) assert.ok((v[0] as Uint8Array).length <= 8 && (v[1] as string).length <= 8);
  assert.ok(keys.includes('hex:62626161,"aaaa"') && keys.includes('hex:61616161,"bbaa"'));
  assert.equal(i2sCandidates(kinds, values, pairs, 8, 3).length, 3);
  assert.deepEqual(i2sCandidates(kinds, values, pairs, 8, 3).map((v) => v.map(show)), out.slice(0, 3).map((v) => v.map(show)));
  assert.notEqual(out[0][0], values[0]);
  assert.notEqual(out[0][0], out[1][0]);
  assert.throws(() => i2sCandidates(kinds, [1, 'x'], pairs, 8), TypeError);
  assert.deepEqual(i2sCandidates(kinds, values, [], 8), []);
});

test('pairs take turns: with a small limit every comparison gets a candidate', () => {
  const pairs = Array.from({ length: 10 }, (_, i) => pair(CMP.EQ3, 'abc', `key${i}`));
  const out = i2sCandidates([K.string()], ['abc'], pairs, 64, 10);
  assert.deepEqual(out.map((v) => v[0]), pairs.map((p) => p.right));
});

test('property: random pairs over every kind give only valid values within maxLen', () => {
  const kinds: Kind[] = [K.bytes(), K.string(), K.bool(), K.float64(), K.float32(), K.int8(), K.int16(), K.int32(), K.uint8(), K.uint16(), K.uint32(), K.int64(), K.uint64()];
  const values: Value[] = [cat(le32(300), enc('hi 300')), 'hi 300 \u00e9', true, 300, 300, 44, 300, 300, 44, 300, 300, 300n, 300n];
  const ops = Object.values(CMP);
  const operands: ComparePair['left'][] = [300, 44, 300n, -1, 1e10, 2 ** 53, -0.5, Infinity, 'hi', '300', '\u00e9\ud800', enc('hi'), Uint8Array.of(0xff, 0xfe), 1n << 80n, -(1n << 70n), 0, ''];
  const pairs: ComparePair[] = [];
  for (let i = 0; i < operands.length; i++) for (let j = 0; j < operands.length; j++) pairs.push(pair(ops[(i * 7 + j) % ops.length], operands[i], operands[j]));
  for (const maxLen of [0, 4, 12, 64]) {
    const out = i2sCandidates(kinds, values.map((v, i) => (maxLen < 12 && (i === 0 || i === 1) ? (i === 0 ? new Uint8Array(0) : '') : v)), pairs, maxLen, 1000);
    for (const v of out) {
      kinds.forEach((k, i) => assert.equal(checkValue(k, v[i]), undefined, `${k.kind}: ${show(v[i])}`));
      assert.ok((v[0] as Uint8Array).length <= maxLen && (v[1] as string).length <= maxLen);
    }
    if (maxLen === 64) assert.ok(out.length > 100, `${out.length} candidates`);
  }
});
