/**
 * The WebAssembly chain (kernel.ts) against its definition, the JavaScript path: for many
 * configurations (maxLen, bases, dictionary, splice pool, comparison tables, seeds) the two
 * Mutators give the same inputs, checkpoints, rebuilds and skips, bit for bit. Also: the kernel
 * loads in dist, its memory is given back, views survive the memory growing, and growing it
 * detaches no ArrayBuffer.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as K from '../values/kinds.js';
import type { Value } from '../values/kinds.js';
import type { ComparePair } from '../coverage/trace.js';
import { Rng } from '../util/rng.js';
import { kernelAvailable, kernelMemoryBytes, setKernelCopiesMax } from './kernel.js';
import { Mutator, replayInput, type MutatorOptions } from './mutator.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (v: Value) => Buffer.from(v as Uint8Array).toString('hex');

function randomBytes(r: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.below(4) === 0 ? 0x30 + r.below(10) : r.below(3) === 0 ? 0x61 + r.below(26) : r.below(256);
  return b;
}

/** A random configuration: options, splice pool, base and seed. */
function config(r: Rng): { options: MutatorOptions; pool: Value[][]; base: Value[]; seed: number } {
  const maxLen = [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64, 100, 300, 5000][r.below(14)];
  const dictionary = r.bool() ? [] : Array.from({ length: 1 + r.below(6) }, () => randomBytes(r, 1 + r.below(12)));
  const comparisons: ComparePair[] = [];
  if (r.bool()) {
    const n = 1 + r.below(40);
    for (let i = 0; i < n; i++) {
      const k = r.below(4);
      if (k === 0) comparisons.push({ site: i, op: 0, left: r.below(300), right: r.below(70000) });
      else if (k === 1) comparisons.push({ site: i, op: 0, left: 'ab' + String(r.below(100)), right: 'MAGIC' + String(r.below(10)) });
      else if (k === 2) comparisons.push({ site: i, op: 6, left: r.below(100), right: 3 });
      else comparisons.push({ site: i, op: 0, left: randomBytes(r, 1 + r.below(6)), right: randomBytes(r, 1 + r.below(6)) });
    }
  }
  const pool = r.bool() ? [] : Array.from({ length: 1 + r.below(5) }, () => [randomBytes(r, r.below(3) === 0 ? 0 : 1 + r.below(200))]);
  const baseLen = r.below(3) === 0 ? 0 : r.below(maxLen + 20);
  return { options: { maxLen, dictionary, comparisons }, pool, base: [randomBytes(r, baseLen)], seed: r.below(1 << 30) };
}

function pair(c: ReturnType<typeof config>): [Mutator, Mutator] {
  const js = new Mutator([K.bytes()], { ...c.options, kernel: false });
  const wasm = new Mutator([K.bytes()], c.options);
  for (const m of [js, wasm]) {
    m.setSplicePool(c.pool);
    m.start(c.base, c.seed);
  }
  return [js, wasm];
}

test('the kernel loads in dist', () => {
  assert.equal(kernelAvailable(), true);
});

test('the WebAssembly chain gives the JavaScript sequence, input for input', () => {
  const r = new Rng(20261206);
  for (let round = 0; round < 300; round++) {
    const c = config(r);
    const [js, wasm] = pair(c);
    for (let i = 0; i < 400; i++) {
      const lent = i % 3 === 0;
      const a = lent ? js.nextLent()[0] : js.next()[0];
      const b = lent ? wasm.nextLent()[0] : wasm.next()[0];
      if (hex(a) !== hex(b)) assert.fail(`round ${round} (${JSON.stringify(c.options.maxLen)}), input ${i}: ${hex(a)} vs ${hex(b)}`);
      if (i % 37 === 0) assert.deepEqual(wasm.checkpoint(), js.checkpoint(), `round ${round}, checkpoint at ${i}`);
    }
    js.dispose();
    wasm.dispose();
  }
});

test('long values whose bases hold the comparison operands many times: the same sequence', () => {
  // cmpReplace searches for an operand the base lacks only where the value left its base (past the
  // common prefix and suffix with the base, compared eight bytes at a time in the kernel). Bases
  // made of the operands and filler: a window one byte too narrow misses occurrences (checked: it
  // fails here, and only here).
  const r = new Rng(99);
  for (let round = 0; round < 40; round++) {
    const operands = Array.from({ length: 1 + r.below(4) }, () => randomBytes(r, 1 + r.below(5)));
    const comparisons: ComparePair[] = operands.map((left, i) => ({ site: i, op: 0, left, right: randomBytes(r, 1 + r.below(5)) }));
    const parts: number[] = [];
    const baseLen = 20 + r.below(300);
    while (parts.length < baseLen) parts.push(...(r.below(3) === 0 ? randomBytes(r, 1 + r.below(9)) : operands[r.below(operands.length)]));
    const c = { options: { maxLen: 400, comparisons }, pool: [], base: [Uint8Array.from(parts)], seed: round };
    const [js, wasm] = pair(c);
    for (let i = 0; i < 600; i++) assert.equal(hex(wasm.next()[0]), hex(js.next()[0]), `round ${round}, input ${i}`);
    js.dispose();
    wasm.dispose();
  }
});

test('rebuild, skip, replayInput and a new splice pool match the JavaScript path', () => {
  const r = new Rng(7);
  for (let round = 0; round < 60; round++) {
    const c = config(r);
    const [js, wasm] = pair(c);
    js.skip(50);
    wasm.skip(50);
    for (let i = 0; i < 40; i++) {
      const a = js.next();
      const b = wasm.next();
      assert.equal(hex(b[0]), hex(a[0]));
      const cp = wasm.checkpoint();
      const shadow = new Mutator([K.bytes()], c.options);
      shadow.setSplicePool(c.pool);
      shadow.start(c.base, c.seed);
      assert.equal(hex(shadow.rebuild(cp)[0]), hex(a[0]), `round ${round}: rebuild`);
      shadow.dispose();
    }
    const index = 50 + 40 + r.below(30);
    assert.equal(hex(replayInput([K.bytes()], c.options, c.pool, c.base, c.seed, index)[0]),
      hex(replayInput([K.bytes()], { ...c.options, kernel: false }, c.pool, c.base, c.seed, index)[0]));
    // A later batch: a bigger pool, a new base, the same mutators.
    const pool = [...c.pool, [enc('SPLICE-ME-' + round)], [randomBytes(r, 30)]];
    for (const m of [js, wasm]) {
      m.setSplicePool(pool);
      m.start([randomBytes(r, 10)], round);
    }
    const base = [randomBytes(r, 12)];
    js.start(base, round);
    wasm.start(base, round);
    for (let i = 0; i < 200; i++) assert.equal(hex(wasm.next()[0]), hex(js.next()[0]), `round ${round}: after a new pool, input ${i}`);
    js.dispose();
    wasm.dispose();
  }
});

test('chains give their memory back, and survive the memory growing under them', () => {
  // Far more chains than fit at once if nothing were given back (maxLen 1 MiB: ~2 MiB each).
  for (let i = 0; i < 3000; i++) {
    const m = new Mutator([K.bytes()], { maxLen: 1 << 20 });
    m.start([new Uint8Array(8)], i);
    m.next();
    m.dispose();
  }
  // One chain running while others make the memory grow (past its first 32 MiB).
  const c = { options: { maxLen: 64, dictionary: [enc('tok')] }, pool: [[enc('donor')]], base: [enc('hello world')], seed: 5 };
  const [js, wasm] = pair(c);
  const before = kernelMemoryBytes();
  const others: Mutator[] = [];
  for (let i = 0; i < 200; i++) {
    assert.equal(hex(wasm.nextLent()[0]), hex(js.nextLent()[0]));
    const o = new Mutator([K.bytes()], { maxLen: 1 << 16 });
    o.setSplicePool([[randomBytes(new Rng(i), 200000)]]);
    o.start([new Uint8Array(4)], i);
    others.push(o);
  }
  assert.ok(kernelMemoryBytes() > before, 'the memory grew');
  for (const o of others) o.dispose();
  js.dispose();
  wasm.dispose();
  assert.throws(() => wasm.start(c.base, 1), /after dispose/);
});

/**
 * Runs the module body `body` in a child node started with `flags`, with M (mutator.js), K
 * (kinds.js) and KERNEL (kernel.js) imported; returns what it printed.
 */
function inChild(flags: string[], body: string): string {
  const at = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
  const script = `const M = await import(${at('./mutator.js')}); const K = await import(${at('../values/kinds.js')}); ` +
    `const KERNEL = await import(${at('./kernel.js')});\n${body}`;
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8' });
}

test('the memory grows without detaching an ArrayBuffer (V8 would then check every typed-array access)', () => {
  const out = inChild(['--trace-protector-invalidation'], `
    const m = new M.Mutator([K.bytes()], { maxLen: 64 });
    m.start([new Uint8Array(8)], 1);
    const first = KERNEL.kernelMemoryBytes();
    const others = [];
    for (let i = 0; i < 40; i++) {
      const o = new M.Mutator([K.bytes()], { maxLen: 1 << 16 });
      o.setSplicePool([[new Uint8Array(1000000).fill(i)]]);
      o.start([new Uint8Array(4)], i);
      others.push(o);
      m.next();
    }
    console.log(JSON.stringify({ first, last: KERNEL.kernelMemoryBytes() }));
  `);
  const sizes = JSON.parse(out.trim().split('\n').pop()!);
  assert.ok(sizes.first > 0 && sizes.last > sizes.first, `the memory grew: ${out}`);
  assert.doesNotMatch(out, /ArrayBufferDetaching/);
});

test('without WebAssembly (node --jitless) the JavaScript path runs, and gives the same inputs', () => {
  const run = (flags: string[]) => JSON.parse(inChild(flags, `
    const enc = (s) => new TextEncoder().encode(s);
    const options = { maxLen: 40, dictionary: [enc('KEY'), enc('42')], comparisons: [{ site: 0, op: 0, left: 'abc', right: 'xyz' }] };
    const out = [];
    for (let i = 0; i < 300; i += 7) out.push(Buffer.from(M.replayInput([K.bytes()], options, [[enc('donor value')]], [enc('abc def 123')], 99, i)[0]).toString('hex'));
    console.log(JSON.stringify({ kernel: KERNEL.kernelAvailable(), out }));
  `));
  const jitless = run(['--jitless']);
  const normal = run([]);
  assert.equal(jitless.kernel, false);
  assert.equal(normal.kernel, true);
  assert.deepEqual(jitless.out, normal.out);
});

test('a chain whose splice pool the kernel cannot take goes on in JavaScript, with the same sequence', () => {
  const usesKernel = (m: Mutator) => (m as unknown as { kernel: unknown }).kernel !== undefined;
  const r = new Rng(31);
  try {
    for (let round = 0; round < 20; round++) {
      const c = config(r);
      const [js, wasm] = pair(c);
      assert.equal(usesKernel(wasm), true);
      const before = 1 + r.below(200); // often in the middle of a chain
      for (let i = 0; i < before; i++) assert.equal(hex(wasm.next()[0]), hex(js.next()[0]));
      setKernelCopiesMax(1); // no new copy fits
      const pool = [...c.pool, [randomBytes(r, 40)], [enc('fresh donor ' + round)]];
      js.setSplicePool(pool);
      wasm.setSplicePool(pool);
      assert.equal(usesKernel(wasm), false, `round ${round}: the kernel was left`);
      assert.deepEqual(wasm.checkpoint(), js.checkpoint(), `round ${round}: the checkpoint right after leaving`);
      for (let i = 0; i < 300; i++) assert.equal(hex(wasm.next()[0]), hex(js.next()[0]), `round ${round}: input ${before + i} after leaving the kernel`);
      assert.deepEqual(wasm.checkpoint(), js.checkpoint());
      // A new Mutator given such a pool runs in JavaScript from the start.
      const late = new Mutator([K.bytes()], c.options);
      late.setSplicePool([...pool, [enc('another ' + round)]]);
      assert.equal(usesKernel(late), false);
      setKernelCopiesMax(256 << 20);
      js.dispose();
      wasm.dispose();
      late.dispose();
    }
  } finally {
    setKernelCopiesMax(256 << 20);
  }
});
