// Benchmark of compare tracing (input-to-state, issue 5), run by bench/run.mjs or alone with
// `node bench/tracing.mjs` after `npm run build`:
//  1. its cost: executions per second of a trivial target whose compared operands are equal at
//     every site (test/fixtures/input-to-state/ts/equal.fuzz.ts), tracing on vs --no-cmp-trace,
//     as a ratio (goal: tracing costs < 20%); the same for bench/targets/trivial.fuzz.ts, whose
//     operands differ from input to input, and with --value-profile;
//  2. its use: executions (and seconds) to solve each fixture of test/fixtures/input-to-state with
//     tracing on (seeds 1–3), and whether the same budget finds it with --no-cmp-trace (seed 1).
// Everything runs with 1 worker and reads the `--json` summary (execs, elapsedMs, fuzzExecsPerSec,
// failures). BENCH_SECONDS sets the seconds per rate measurement (default 10).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, fixture } from '../test/helpers/run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const fmt = (n) => n.toLocaleString('en-US');
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `tsfuzz fuzz ...args --json` in `cwd` with a fresh cache; returns the summary event. */
function fuzzSummary(cwd, args, env = {}) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-tracing-'));
  try {
    const r = spawnSync(process.execPath, [CLI, 'fuzz', ...args, '--json'], {
      cwd, encoding: 'utf8', env: { ...process.env, TSFUZZ_CACHE: cache, ...env }, maxBuffer: 64 << 20,
    });
    const summary = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
    if (!summary) throw new Error(`tsfuzz ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return summary;
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

const fixtures = path.join(fixture('input-to-state'), 'ts');

/** Executions per second of `file` (1 worker, inputs ≤ 64 bytes) for SECONDS. */
function rate(cwd, file, extra = []) {
  return fuzzSummary(cwd, [file, `--fuzztime=${SECONDS}s`, '--parallel=1', '--max-len=64', '--seed=1', ...extra]).fuzzExecsPerSec;
}

/** Best of `rounds` interleaved measurements of each flag set (less noise from other processes). */
function compare(cwd, file, variants, rounds) {
  const best = variants.map(() => 0);
  for (let r = 0; r < rounds; r++) variants.forEach((v, i) => (best[i] = Math.max(best[i], rate(cwd, file, v))));
  return best;
}

const cost = (on, off) => `${(100 * (1 - on / off)).toFixed(1)}%`;

console.log(`\n--- compare tracing: cost (1 worker, inputs ≤ 64 bytes, ${SECONDS} s per measurement)`);
{
  const [on, off, vp] = compare(fixtures, 'equal.fuzz.ts', [[], ['--no-cmp-trace'], ['--value-profile']], 2);
  console.log('equal operands at every site (test/fixtures/input-to-state/ts/equal.fuzz.ts, best of 2):');
  console.log(`  --no-cmp-trace:           ${fmt(off).padStart(10)} exec/s`);
  console.log(`  tracing on (default):     ${fmt(on).padStart(10)} exec/s   on/off = ${(on / off).toFixed(3)}, tracing costs ${cost(on, off)} (goal: < 20%)`);
  console.log(`  tracing + --value-profile:${fmt(vp).padStart(10)} exec/s   costs ${cost(vp, off)}`);
}
{
  const [on, off] = compare(here, 'targets/trivial.fuzz.ts', [[], ['--no-cmp-trace']], 1);
  console.log('operands that differ between inputs (bench/targets/trivial.fuzz.ts: data.length > 3, data[0] === 0x21):');
  console.log(`  --no-cmp-trace:           ${fmt(off).padStart(10)} exec/s`);
  console.log(`  tracing on (default):     ${fmt(on).padStart(10)} exec/s   on/off = ${(on / off).toFixed(3)}, tracing costs ${cost(on, off)}`);
}

// The fixtures of test/e2e/input-to-state.test.mjs, with the budgets it uses.
const SOLVE = [
  { label: '16-char key via const', file: 'key16.fuzz.ts', budget: 50_000 },
  { label: 'two int32 (DataView)', file: 'ints.fuzz.ts', budget: 200_000 },
  { label: 'magic + checksum', file: 'checksum.fuzz.ts', budget: 50_000 },
  { label: 'startsWith/includes/switch', file: 'strings.fuzz.ts', budget: 2_000_000 },
  { label: 'line protocol, 4 states', file: 'protocol.fuzz.ts', budget: 3_000_000 },
  { label: 'JSON property + length', file: 'json.fuzz.ts', budget: 300_000 },
  { label: 'int64 equality', file: 'bigint.fuzz.ts', budget: 50_000 },
  { label: 'float64 equality', file: 'float.fuzz.ts', budget: 50_000 },
  // Not tracing: --no-cmp-trace in both columns, the left one with what makes it findable.
  { label: 'token, --dict (no tracing)', file: 'token.fuzz.ts', budget: 50_000, on: ['--no-cmp-trace', '--dict=token.dict'], off: ['--no-cmp-trace'] },
  { label: 'x^0x1234, --value-profile', file: 'xor.fuzz.ts', budget: 1_000_000, on: ['--no-cmp-trace', '--value-profile'], off: ['--no-cmp-trace'] },
];

console.log('\n--- executions to solve each fixture (test/fixtures/input-to-state/ts, 1 worker, budget N)');
const head = ['fixture', 'N', 'tracing on: seed 1', 'seed 2', 'seed 3', '--no-cmp-trace: seed 1'];
const widths = [28, 11, 24, 24, 24, 30];
const row = (cells) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i] - 2) + '  ' : c.padEnd(widths[i]))).join('').trimEnd();
console.log(row(head));
for (const f of SOLVE) {
  const run = (seed, extra) => {
    fs.rmSync(path.join(fixtures, 'testdata'), { recursive: true, force: true }); // a finding of the last run would be a seed
    return fuzzSummary(fixtures, [f.file, `--fuzztime=${f.budget}x`, '--parallel=1', `--seed=${seed}`, ...extra]);
  };
  const cell = (s) => (s.failures.length ? `${fmt(s.execs)} (${secs(s.elapsedMs)})` : `not found in ${fmt(s.execs)} (${secs(s.elapsedMs)})`);
  const on = [1, 2, 3].map((seed) => cell(run(seed, f.on ?? [])));
  const off = cell(run(1, f.off ?? ['--no-cmp-trace']));
  console.log(row([f.label, fmt(f.budget), ...on, off]));
}
