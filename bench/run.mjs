// tsfuzz benchmarks (npm run bench): executions per second of the fuzz loop on a trivial bytes
// target (inputs up to 64 bytes) with 1 worker and with all cores, next to a bare loop calling the
// same function on fresh random buffers in one process, and to the same loop fed by tsfuzz's own
// mutator (mutator-loop.mjs: what mutation alone costs), and the ratios — all measured in this run;
// then the same for an async target (targets/trivial-async.fuzz.ts) next to a bare loop that awaits
// the same async function per input; coverage cost against program size; instrumentation speed;
// executions to find test/fixtures/deep12; minimization (minimize.mjs) and tracing (tracing.mjs).
// `node bench/run.mjs instrument size` runs only the sections named.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'dist', 'cli', 'main.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const cores = os.availableParallelism();

/** Runs one of the in-process baseline loops (bare-loop.mjs, mutator-loop.mjs); its calls per second. */
function baseline(script, ...extra) {
  const r = spawnSync(process.execPath, [path.join(here, script), String(SECONDS), ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()).execsPerSec;
}

/** Runs `tsfuzz fuzz` with --json and returns its summary event. */
function fuzzSummary(args, { cwd = here, cache } = {}) {
  const own = cache === undefined;
  cache ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-'));
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'fuzz', ...args, '--json'], { cwd, encoding: 'utf8', env: { ...process.env, TSFUZZ_CACHE: cache } });
  if (own) fs.rmSync(cache, { recursive: true, force: true });
  const summary = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
  if (!summary) throw new Error(`tsfuzz failed:\n${r.stdout}\n${r.stderr}`);
  return { ...summary, wallMs: Date.now() - started };
}

function tsfuzz(parallel, extra = [], file = 'targets/trivial.fuzz.ts', cache) {
  return fuzzSummary([file, `--fuzztime=${SECONDS}s`, `--parallel=${parallel}`, '--max-len=64', ...extra], { cache }).fuzzExecsPerSec;
}

const fmt = (n) => n.toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const each = (xs) => `[${xs.map(fmt).join(', ')}]`;
// The machine's speed drifts over minutes (other tenants), so the loops being compared run in
// alternation, ROUNDS times each, and each prints its median: a ratio is then of runs made under
// the same conditions, not of one run early and one late.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// `node bench/run.mjs [section ...]` runs only the sections named (all by default).
const SECTIONS = ['speed', 'async', 'size', 'instrument', 'deep', 'minimize', 'tracing'];
const only = process.argv.slice(2);
for (const s of only) {
  if (!SECTIONS.includes(s)) {
    console.error(`bench: unknown section ${JSON.stringify(s)}; the sections are ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const want = (section) => only.length === 0 || only.includes(section);
console.log(`node ${process.version}, ${cores} cores, ${SECONDS}s per measurement, ${ROUNDS} alternating rounds (medians)\n`);

if (want('speed')) {
  const runs = { bare: [], mutated: [], mutatedCmp: [], one: [], noCmp: [], noCov: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.bare.push(baseline('bare-loop.mjs'));
    runs.mutated.push(baseline('mutator-loop.mjs'));
    runs.mutatedCmp.push(baseline('mutator-loop.mjs', 'cmp'));
    runs.one.push(tsfuzz(1));
    runs.noCmp.push(tsfuzz(1, ['--no-cmp-trace']));
    runs.noCov.push(tsfuzz(1, ['--no-coverage']));
  }
  const b = median(runs.bare);
  const mutated = median(runs.mutated);
  const one = median(runs.one);
  const noCmp = median(runs.noCmp);
  const nocov = median(runs.noCov);
  console.log(`bare loop (same function, fresh random buffers, 1 process): ${fmt(b)} exec/s  ${each(runs.bare)}`);
  console.log(`the same loop on tsfuzz's mutator's inputs (no engine):    ${fmt(mutated)} exec/s  (${(mutated / b).toFixed(2)}× the bare loop)  ${each(runs.mutated)}`);
  const mutatedCmp = median(runs.mutatedCmp);
  console.log(`the same, the mutator with a batch's comparison table and pool: ${fmt(mutatedCmp)} exec/s  (${(mutatedCmp / b).toFixed(2)}× the bare loop)  ${each(runs.mutatedCmp)}`);
  const vs = (x) => `(${(x / b).toFixed(2)}× the bare loop, ${(x / mutated).toFixed(2)}× the mutator loop)`;
  console.log(`tsfuzz fuzz, 1 worker (coverage + compare tracing):        ${fmt(one)} exec/s  ${vs(one)}  ${each(runs.one)}`);
  console.log(`tsfuzz fuzz, 1 worker, coverage only (--no-cmp-trace):     ${fmt(noCmp)} exec/s  ${vs(noCmp)}  ${each(runs.noCmp)}`);
  console.log(`tsfuzz fuzz, 1 worker, --no-coverage:                      ${fmt(nocov)} exec/s  ${vs(nocov)}  ${each(runs.noCov)}`);
  const all = tsfuzz(cores);
  console.log(`tsfuzz fuzz, ${cores} workers:                                    ${fmt(all)} exec/s  (${(all / one).toFixed(2)}× one worker's median)`);
  console.log(`\nreference (shared/reference): Jazzer.js sync and Go's fuzzer reach ~45–50k exec/s on such a target here;`);
  console.log(`tsfuzz 1 worker = ${(one / 47500).toFixed(1)}× that midpoint.`);
}

if (want('async')) {
  // An async target: each input's promise awaited before the next, in tsfuzz as in the bare loop.
  console.log('\n--- async target (each input awaited)');
  const asyncRuns = { bare: [], one: [] };
  for (let r = 0; r < ROUNDS; r++) {
    asyncRuns.bare.push(baseline('bare-loop.mjs', 'async'));
    asyncRuns.one.push(tsfuzz(1, [], 'targets/trivial-async.fuzz.ts'));
  }
  const bareAsync = median(asyncRuns.bare);
  const oneAsync = median(asyncRuns.one);
  console.log(`bare loop, awaiting an async function per input:          ${fmt(bareAsync)} exec/s  ${each(asyncRuns.bare)}`);
  console.log(`tsfuzz fuzz, 1 worker, async target:                       ${fmt(oneAsync)} exec/s  (${(oneAsync / bareAsync).toFixed(2)}× the bare async loop)  ${each(asyncRuns.one)}`);
}

if (want('size')) {
  // Coverage cost must not grow with program size: the same trivial target in a program that also
  // loads TypeScript's compiler, instrumented (~104,000 edges), which the target never calls.
  console.log('\n--- coverage cost vs program size');
  const bigCache = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-big-'));
  const include = '--include=**/node_modules/typescript/lib/typescript.js';
  tsfuzz(1, [include, '--fuzztime=1x'], 'targets/big.fuzz.ts', bigCache); // warm the instrumentation cache
  const bigRuns = [];
  const smallRuns = [];
  for (let r = 0; r < ROUNDS; r++) {
    bigRuns.push(tsfuzz(1, [include], 'targets/big.fuzz.ts', bigCache));
    smallRuns.push(tsfuzz(1));
  }
  const big = median(bigRuns);
  const small = median(smallRuns);
  fs.rmSync(bigCache, { recursive: true, force: true });
  console.log(`trivial target, small program:                  ${fmt(small)} exec/s  ${each(smallRuns)}`);
  console.log(`trivial target, + typescript.js instrumented:   ${fmt(big)} exec/s  (${((100 * big) / small).toFixed(0)}% of the small program)  ${each(bigRuns)}`);
}

if (want('instrument')) {
  console.log('\n--- instrumentation speed (typescript.js, fresh process)');
  // Alternating rounds, medians: the machine's speed drifts.
  const instrumentTime = (args = []) =>
    JSON.parse(spawnSync(process.execPath, [path.join(here, 'instrument-time.mjs'), ...args], { encoding: 'utf8' }).stdout.trim());
  /** The first time, in a fresh process, then the load from the cache it wrote, in another one (as a worker starts). */
  const firstThenCached = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-instr-'));
    const first = instrumentTime(['--cache-dir', dir]);
    const cached = instrumentTime(['--cache-dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
    return { ...first, firstMs: first.ms, cachedMs: cached.ms };
  };
  const firsts = [];
  const cachedRuns = [];
  const loads = [];
  const cold = [];
  const warm = [];
  let t;
  for (let r = 0; r < ROUNDS; r++) {
    t = firstThenCached();
    firsts.push(t.firstMs);
    cachedRuns.push(t.cachedMs);
    loads.push(instrumentTime(['--loader']).loaderMs);
    cold.push(instrumentTime(['--parse-only']).parseMs);
    warm.push(instrumentTime(['--parse-warm']).parseMs);
  }
  const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const firstMs = median(firsts);
  const coldMs = median(cold);
  const warmMs = median(warm);
  console.log(`${(t.bytes / 1048576).toFixed(1)} MiB, ${fmt(t.edges)} edges, ${fmt(t.compareSites)} compare sites: first time ${secs(firstMs)} (rounds: ${firsts.map(secs).join(', ')}), from cache in a fresh process ${(median(cachedRuns) / 1000).toFixed(3)} s`);
  console.log(`the same first time as a worker's first load of it: the helper thread started, the transform, the cache write, the code back in the loading thread: ${secs(median(loads))} (rounds: ${loads.map(secs).join(', ')})`);
  console.log(`for scale: meriyah's parse alone, also in a fresh process, ${secs(coldMs)} (the transform takes ${(firstMs / coldMs).toFixed(2)}x its parser)`);
  const mibs = t.bytes / 1048576 / (warmMs / 1000);
  // instrument-deps.md measured meriyah at 27.3–27.5 MiB/s on typescript.js this way.
  console.log(`machine speed: meriyah's warm parse (median of 5 after a warm-up, the research note's method) ${secs(warmMs)} = ${mibs.toFixed(1)} MiB/s; the note measured 27.3-27.5 MiB/s, so this machine parses at ${(mibs / 27.4).toFixed(2)}x the note's speed`);
}

if (want('deep')) {
  console.log('\n--- executions to find a bug behind 12 nested byte comparisons (test/fixtures/deep12, 1 worker)');
  const deepDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-deep-'));
  fs.cpSync(path.join(here, '..', 'test', 'fixtures', 'deep12', 'ts'), deepDir, { recursive: true });
  fs.mkdirSync(path.join(deepDir, 'node_modules'));
  fs.symlinkSync(path.join(here, '..'), path.join(deepDir, 'node_modules', 'tsfuzz'), 'dir');
  const LIMIT = 20_000_000;
  const DEEP_SEEDS = Number(process.env.BENCH_DEEP_SEEDS ?? 6);
  const modes = [
    ['coverage + compare tracing (default)', []],
    ['coverage only (--no-cmp-trace)', ['--no-cmp-trace']],
    ['no coverage (--no-coverage)', ['--no-coverage']],
  ];
  for (const [name, flags] of modes) {
    const seeds = flags.includes('--no-coverage') ? [1] : Array.from({ length: DEEP_SEEDS }, (_, i) => i + 1);
    const found = [];
    let missed = 0;
    let seconds = 0;
    for (const seed of seeds) {
      fs.rmSync(path.join(deepDir, 'testdata'), { recursive: true, force: true });
      const s = fuzzSummary(['--fuzztime=' + LIMIT + 'x', '--parallel=1', `--seed=${seed}`, '--minimize-time=0', ...flags], { cwd: deepDir });
      seconds += s.elapsedMs / 1000;
      if (s.failures.length > 0) found.push(s.execs);
      else missed++;
    }
    const mean = found.length ? Math.round(found.reduce((a, b) => a + b, 0) / found.length) : 0;
    const what = found.length ? `found in ${found.length}/${seeds.length} seeds, mean ${fmt(mean)} execs (${found.map(fmt).join(', ')})` : 'not found';
    console.log(`${name.padEnd(38)} ${what}${missed ? `; ${missed} not found in ${fmt(LIMIT)}` : ''}; ${(seconds / seeds.length).toFixed(1)} s per run`);
  }
  fs.rmSync(deepDir, { recursive: true, force: true });
}

if (want('minimize')) {
  spawnSync(process.execPath, [path.join(here, 'minimize.mjs')], { stdio: 'inherit' });
}

if (want('tracing')) {
  spawnSync(process.execPath, [path.join(here, 'tracing.mjs')], { stdio: 'inherit' });
}
