import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as K from '../values/kinds.js';
import type { Kind, KindName, Value } from '../values/kinds.js';
import {
  CORPUS_HEADER, CorpusFormatError, checkAgainstKinds, marshalCorpusFile, unmarshalCorpusFile,
} from './encoding.js';

const kindOf = (name: KindName): Kind => ({ kind: name });
const view = new DataView(new ArrayBuffer(8));
const bitsOf = (n: number) => (view.setFloat64(0, n), view.getBigUint64(0));
const fromBits = (b: bigint) => (view.setBigUint64(0, b), view.getFloat64(0));
const bytesOf = (...b: number[]) => new Uint8Array(b);

/** Values equal bit-exactly (NaN payloads included). */
function sameValue(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') return bitsOf(a) === bitsOf(b);
  return K.valuesEqual(a, b) && typeof a === typeof b;
}

function roundTrip(kinds: Kind[], values: Value[]): string {
  const text = marshalCorpusFile(kinds, values);
  const back = unmarshalCorpusFile(text);
  assert.deepEqual(back.kinds.map((k) => k.kind), kinds.map((k) => k.kind));
  assert.equal(back.values.length, values.length);
  for (let i = 0; i < values.length; i++) {
    assert.ok(sameValue(back.values[i], values[i]), `value ${i + 1} in\n${text}`);
  }
  assert.equal(marshalCorpusFile(back.kinds, back.values), text, 're-marshal is identical');
  assert.equal(checkAgainstKinds(back.kinds, back.values, kinds), undefined);
  return text;
}

const allBytes = new Uint8Array(256).map((_, i) => i);
const EDGES: Record<KindName, Value[]> = {
  bytes: [new Uint8Array(0), allBytes, bytesOf(0x22, 0x5c, 0x0a, 0x0d, 0x09, 0x7f, 0x80, 0xff)],
  string: ['', 'h\u00e9llo', '\ud800', '\udfff', 'a\udc00\ud800b', '\u{1f600}', '\u{10ffff}', '"\\\n\r\t\u0000',
    '\u2028\u2029\ufeff\uffff', String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i))],
  bool: [true, false],
  float64: [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, NaN, Infinity, -Infinity, 5e-324, -5e-324,
    2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE,
    Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, Number.EPSILON, Math.PI],
  float32: [0, -0, 1, NaN, Infinity, -Infinity, Math.fround(0.1), Math.fround(3.4028234663852886e38),
    -Math.fround(3.4028234663852886e38), Math.fround(1.401298464324817e-45), Math.fround(1.1754943508222875e-38),
    Math.fround(1.1754942106924411e-38), 16777216, 16777217 - 1],
  int8: [-128, -1, 0, 1, 127],
  int16: [-32768, 0, 32767],
  int32: [-2147483648, 0, 2147483647],
  uint8: [0, 1, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  int64: [-(1n << 63n), -1n, 0n, (1n << 63n) - 1n],
  uint64: [0n, 1n, (1n << 64n) - 1n],
};

test('every kind and edge value round-trips', () => {
  for (const name of K.SCALAR_KIND_NAMES) {
    for (const v of EDGES[name]) roundTrip([kindOf(name)], [v]);
  }
  // And all at once, as one tuple.
  const kinds = K.SCALAR_KIND_NAMES.map(kindOf);
  roundTrip(kinds, K.SCALAR_KIND_NAMES.map((n) => EDGES[n][0]));
});

test('the documented example reads back', () => {
  const text = [CORPUS_HEADER, 'bytes "GIF89a\\u0000\\u00ff"', 'string "h\\u00e9llo \\ud800"', 'bool true',
    'float64 -0', 'float64 "NaN"', 'float64 "Infinity"', 'float32 0.10000000149011612', 'int8 -5',
    'uint32 4294967295', 'int64 -9223372036854775808', 'uint64 18446744073709551615', ''].join('\n');
  const { kinds, values } = unmarshalCorpusFile(text);
  assert.equal(kinds.length, 11);
  assert.deepEqual(values[0], new Uint8Array([71, 73, 70, 56, 57, 97, 0, 255]));
  assert.equal(values[1], 'h\u00e9llo \ud800');
  assert.ok(Object.is(values[3], -0));
  assert.ok(Number.isNaN(values[4]));
  assert.equal(values[9], -(1n << 63n));
  assert.equal(marshalCorpusFile(kinds, values), text, 'writer produces exactly this text');
});

test('writer output is printable ASCII, one value per line', () => {
  const text = roundTrip([K.string(), K.bytes()], ['\u{1f600}\n\u0000\ud800', allBytes]);
  assert.match(text, /^[\x20-\x7e\n]*$/);
  assert.equal(text.split('\n').length, 4);
  assert.ok(text.includes('string "\\ud83d\\ude00\\u000a\\u0000\\ud800"'));
  assert.ok(text.endsWith('\n'));
});

test('NaN payloads are written exactly and read back where the engine keeps them', (t) => {
  const odd = fromBits(0x7ff8000000000001n);
  const neg = fromBits(0xfff8000000000000n);
  const text = marshalCorpusFile([K.float64(), K.float32()], [odd, neg]);
  if (bitsOf(odd) !== 0x7ff8000000000001n) {
    t.diagnostic('this engine canonicalizes NaN payloads; only the reader is checked');
  } else {
    assert.equal(text, `${CORPUS_HEADER}\nfloat64 "NaN:0x7ff8000000000001"\nfloat32 "NaN:0xfff8000000000000"\n`);
    roundTrip([K.float64(), K.float32()], [odd, neg]);
  }
  const back = unmarshalCorpusFile(`${CORPUS_HEADER}\nfloat64 "NaN:0x7FF0000000000abc"\n`).values[0] as number;
  assert.ok(Number.isNaN(back));
  assert.equal(marshalCorpusFile([K.float64()], [NaN]), `${CORPUS_HEADER}\nfloat64 "NaN"\n`);
});

test('reader tolerates CRLF, blank lines, surrounding spaces and no final newline', () => {
  const { kinds, values } = unmarshalCorpusFile(`${CORPUS_HEADER}\r\n\r\n  uint8   7 \r\n\n\tbool\tfalse`);
  assert.deepEqual(kinds.map((k) => k.kind), ['uint8', 'bool']);
  assert.deepEqual(values, [7, false]);
  assert.deepEqual(unmarshalCorpusFile(CORPUS_HEADER).values, []);
});

/** A tiny deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(name: KindName, rnd: () => number): Value {
  const u32 = () => Math.floor(rnd() * 2 ** 32);
  const u64 = () => (BigInt(u32()) << 32n) | BigInt(u32());
  const len = () => Math.floor(rnd() ** 2 * 40);
  switch (name) {
    case 'bytes': return new Uint8Array(len()).map(() => u32() & 0xff);
    case 'string': return String.fromCharCode(...Array.from({ length: len() }, () =>
      rnd() < 0.5 ? 0x20 + (u32() % 95) : u32() & 0xffff));
    case 'bool': return rnd() < 0.5;
    case 'float64': return fromBits(u64());
    case 'float32': { const f = new Float32Array(new Uint32Array([u32()]).buffer)[0]; return f; }
    case 'int64': return BigInt.asIntN(64, u64());
    case 'uint64': return u64();
    default: {
      const [lo, hi] = K.INT_RANGE[name];
      const n = lo + Math.floor(rnd() * (hi - lo + 1));
      return n === 0 ? 0 : n; // never -0
    }
  }
}

test('seeded random tuples round-trip', () => {
  const rnd = prng(20240611);
  for (let i = 0; i < 2000; i++) {
    const n = 1 + Math.floor(rnd() * 5);
    const names = Array.from({ length: n }, () => K.SCALAR_KIND_NAMES[Math.floor(rnd() * 13)]);
    roundTrip(names.map(kindOf), names.map((name) => randomValue(name, rnd)));
  }
});

function rejects(text: string, line: number, reason: string | RegExp): void {
  assert.throws(() => unmarshalCorpusFile(text), (e: unknown) => {
    assert.ok(e instanceof CorpusFormatError, String(e));
    assert.equal(e.line, line, e.message);
    if (typeof reason === 'string') assert.equal(e.reason, reason);
    else assert.match(e.reason, reason);
    assert.equal(e.message, line > 0 ? `line ${line}: ${e.reason}` : e.reason);
    return true;
  });
}

test('malformed files are rejected with a line and a reason', () => {
  const H = CORPUS_HEADER + '\n';
  rejects('', 0, 'must start with "tsfuzz corpus v1" (the file is empty)');
  rejects('go test fuzz v1\n[]byte("")\n', 0, 'must start with "tsfuzz corpus v1"');
  rejects('\nuint8 1\n', 0, 'must start with "tsfuzz corpus v1"');
  rejects('\ufeff' + H, 0, /byte order mark/);
  rejects(CORPUS_HEADER + ' \n', 0, /extra whitespace/);
  rejects('tsfuzz corpus v2\nuint8 1\n', 0, 'unknown encoding version: tsfuzz corpus v2');
  rejects(H + 'uint8 1\nint12 5\n', 3, 'unknown kind "int12"');
  rejects(H + 'uint8 300\n', 2, '300 is out of range for uint8 (0..255)');
  rejects(H + 'int8 -129\n', 2, '-129 is out of range for int8 (-128..127)');
  rejects(H + 'uint32 4294967296\n', 2, /out of range for uint32/);
  rejects(H + 'int64 9223372036854775808\n', 2,
    '9223372036854775808 is out of range for int64 (-9223372036854775808..9223372036854775807)');
  rejects(H + 'uint64 -1\n', 2, /-1 is out of range for uint64/);
  rejects(H + 'int64 -0\n', 2, /-0 is not an integer value of int64/);
  rejects(H + 'int16 -0\n', 2, /^-0 is -0/);
  for (const bad of ['1.0', '1e2', '+1', '01', '0x10', '"5"', '5 6', '1_000']) {
    rejects(H + `int32 ${bad}\n`, 2, `int32 payload must be a decimal integer; got ${bad}`);
  }
  rejects(H + 'uint64 0x1\n', 2, 'uint64 payload must be a decimal integer; got 0x1');
  rejects(H + 'bool\n', 2, 'missing payload after "bool"');
  rejects(H + 'float32 0.1\n', 2, '0.1 is not exactly representable as a float32 (nearest is 0.10000000149011612)');
  rejects(H + 'float64 1e400\n', 2, '1e400 overflows float64; write "Infinity" or "-Infinity"');
  rejects(H + 'float64 1e-400\n', 2, '1e-400 underflows to 0');
  rejects(H + 'float64 "1.5"\n', 2, /^float64 payload must be a JSON number, "NaN"/);
  rejects(H + 'float64 "nan"\n', 2, /^float64 payload must be/);
  rejects(H + 'float64 "NaN:0x7ff0000000000000"\n', 2, '"NaN:0x7ff0000000000000" is not a NaN bit pattern');
  rejects(H + 'float64 "NaN:0x7ff8"\n', 2, /^float64 payload must be/);
  rejects(H + 'float64 NaN\n', 2, /^malformed payload: /);
  rejects(H + 'bytes "abc\n', 2, /^malformed payload: /);
  rejects(H + 'bytes "a" "b"\n', 2, /^malformed payload: /);
  rejects(H + "string 'x'\n", 2, /^malformed payload: /);
  rejects(H + 'bytes "\\u0100"\n', 2, /^bytes payload has character U\+0100 at index 0/);
  rejects(H + 'bytes "\u20ac"\n', 2, /U\+20AC/);
  rejects(H + 'bytes [1,2]\n', 2, 'bytes payload must be a JSON string; got [1,2]');
  rejects(H + 'string 5\n', 2, 'string payload must be a JSON string; got 5');
  rejects(H + 'bool 1\n', 2, 'bool payload must be true or false; got 1');
  rejects(H + 'bool True\n', 2, /^malformed payload: /);
  rejects(H + 'Bytes ""\n', 2, 'unknown kind "Bytes"');
  // Raw (unescaped) non-ASCII is valid JSON and accepted; a float32 NaN payload is a double pattern.
  assert.deepEqual(unmarshalCorpusFile(H + 'bytes "\u00ff"\nstring "\u{1f600}"\n').values, [bytesOf(255), '\u{1f600}']);
  assert.ok(Number.isNaN(unmarshalCorpusFile(H + 'float32 "NaN:0x7ff8000000000001"\n').values[0]));
});

test('checkAgainstKinds: arity and type, never coercion', () => {
  assert.equal(checkAgainstKinds([K.bytes()], [bytesOf()], [K.bytes(), K.uint8()]),
    'has 1 value, the target takes 2 (bytes, uint8)');
  assert.equal(checkAgainstKinds([K.bytes(), K.uint8()], [bytesOf(), 1], [K.bytes()]),
    'has 2 values, the target takes 1 (bytes)');
  assert.equal(checkAgainstKinds([K.bytes(), K.int16()], [bytesOf(), 1], [K.bytes(), K.uint8()]),
    'value 2 is int16, the target takes uint8');
  assert.equal(checkAgainstKinds([K.string()], ['x'], [K.bytes()]), 'value 1 is string, the target takes bytes');
  assert.equal(checkAgainstKinds([K.int64()], [1n], [K.int64()]), undefined);
  assert.match(checkAgainstKinds([K.uint8()], [300], [K.uint8()]) ?? '', /^value 1: 300 \(number\) is out of range/);
});

test('marshal refuses values that do not fit their kinds', () => {
  assert.throws(() => marshalCorpusFile([K.uint8()], []), /1 kinds but 0 values/);
  assert.throws(() => marshalCorpusFile([K.uint8()], [256]), /value 1 \(uint8\): 256 \(number\) is out of range/);
  assert.throws(() => marshalCorpusFile([K.float32()], [0.1]), /float32/);
  assert.throws(() => marshalCorpusFile([K.int32()], [-0]), /-0/);
  assert.throws(() => marshalCorpusFile([K.int64()], [5]), /bigint/);
  assert.throws(() => marshalCorpusFile([{ kind: 'int12' as KindName }], [5]), /unknown kind "int12"/);
  assert.equal(marshalCorpusFile([], []), CORPUS_HEADER + '\n');
});
