/**
 * Cost of compare tracing (not a test): `node dist/coverage/trace.bench.js`. Prints ns per
 * `cmp` call through an instrumented-style helper with the no-op hook vs CompareTrace.record, for
 * equal operands, unchanged unequal operands, and operands that change on every call (steady state
 * with startExec per execution, and the worst case with reset() per execution), plus a simulated
 * trivial target (4 compares and a few counters per execution) with tracing off and on.
 */

import { CMP } from './compare-ops.js';
import { CoverageRuntime } from './runtime.js';
import { CompareTrace } from './trace.js';

const rt = new CoverageRuntime(1 << 16);
const base = rt.allocCompare('bench', 16);
// What the instrumenter emits for `===` (emit.ts): the hook is called as a method of the runtime.
function q0(l: unknown, r: unknown, s: number): boolean {
  rt && rt.cmp(base + s, l, r, 0);
  return l === r;
}

/** Best of 5 rounds of n calls (the machine may be shared), after a warm-up. */
function time(label: string, n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 200000); i++) fn(i);
  let ns = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    ns = Math.min(ns, Number(process.hrtime.bigint() - t0) / n);
  }
  console.log(`${label.padEnd(58)} ${ns.toFixed(2)} ns/op`);
  return ns;
}

const N = 4_000_000;
const noop = rt.cmp;
const trace = new CompareTrace();
const KEY = 'SIXTEEN-CHAR-KEY';
const inputs = Array.from({ length: 1024 }, (_, i) => `input-${i}`);
let sink = 0;

// Each mode runs in its own process (`node trace.bench.js off|on`), so call sites stay monomorphic
// as in a worker, where the hook is installed once before user code loads.
const mode = process.argv[2];
if (mode === undefined) {
  const { execFileSync } = await import('node:child_process');
  for (const m of ['off', 'on']) execFileSync(process.execPath, [process.argv[1], m], { stdio: 'inherit' });
  process.exit(0);
}
const tracing = mode === 'on';
rt.cmp = tracing ? trace.record : noop;
{
  const name = tracing ? 'trace.record' : 'no-op hook';
  console.log(`-- ${name}`);
  time('equal operands (string)', N, () => void (sink += q0(KEY, KEY, 0) ? 1 : 0));
  time('equal operands (int)', N, (i) => void (sink += q0(i & 7, i & 7, 1) ? 1 : 0));
  time('unequal, unchanged operands (string vs key)', N, () => void (sink += q0('abc', KEY, 2) ? 1 : 0));
  time('uninteresting operands (undefined vs object)', N, () => void (sink += q0(undefined, rt, 3) ? 1 : 0));
  time('changing operands, startExec per call (steady state)', N / 4, (i) => {
    trace.startExec();
    sink += q0(inputs[i & 1023], KEY, 4) ? 1 : 0;
  });
  time('changing operands, reset() per call (always records)', N / 10, (i) => {
    trace.reset();
    sink += q0(inputs[i & 1023], KEY, 5) ? 1 : 0;
    if ((i & 255) === 0) trace.takeNew();
  });
  trace.takeNew();
}

// A trivial target: 4 compares with equal operands at their sites and a few coverage counters.
const { C, T } = rt;
const e = rt.alloc('bench', 8);
function target(x: number, s: string): number {
  C[e]++ || (T[++T[0]] = e);
  let r = 0;
  if (q0(x, 42, 8)) (C[e + 1]++ || (T[++T[0]] = e + 1)), r++;
  if (q0(s, 'GET', 9)) (C[e + 2]++ || (T[++T[0]] = e + 2)), r++;
  if (q0(x & 1, 0, 10)) r++;
  if (q0(s.length, 3, 11)) r++;
  return r;
}
function exec(i: number, tracing: boolean): void {
  if (tracing) trace.startExec();
  sink += target(42, 'GET');
  const n = T[0];
  for (let k = 1; k <= n; k++) C[T[k]] = 0;
  T[0] = 0;
  void i;
}
time(`simulated trivial target, 4 equal-operand compares, tracing ${mode}: ns per exec`, N / 4, (i) => exec(i, tracing));
if (sink === 0.5) console.log(CMP.EQ3);
