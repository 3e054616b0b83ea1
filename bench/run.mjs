// tsfuzz benchmarks (npm run bench): executions per second of the fuzz loop on a trivial bytes
// target (inputs up to 64 bytes) with 1 worker and with all cores, next to a bare loop calling the
// same function on fresh random buffers in one process, and the ratios — all measured in this run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'dist', 'cli', 'main.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const cores = os.availableParallelism();

function bare() {
  const r = spawnSync(process.execPath, [path.join(here, 'bare-loop.mjs'), String(SECONDS)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()).execsPerSec;
}

function tsfuzz(parallel, extra = []) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-'));
  const r = spawnSync(
    process.execPath,
    [CLI, 'fuzz', 'targets/trivial.fuzz.ts', `--fuzztime=${SECONDS}s`, `--parallel=${parallel}`, '--max-len=64', '--json', ...extra],
    { cwd: here, encoding: 'utf8', env: { ...process.env, TSFUZZ_CACHE: cache } },
  );
  fs.rmSync(cache, { recursive: true, force: true });
  const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
  if (!summary) throw new Error(`tsfuzz failed:\n${r.stdout}\n${r.stderr}`);
  return summary.fuzzExecsPerSec;
}

const fmt = (n) => n.toLocaleString('en-US');
console.log(`node ${process.version}, ${cores} cores, ${SECONDS}s per measurement\n`);
const b = bare();
console.log(`bare loop (same function, fresh random buffers, 1 process): ${fmt(b)} exec/s`);
const one = tsfuzz(1);
console.log(`tsfuzz fuzz, 1 worker:                                     ${fmt(one)} exec/s  (${(one / b).toFixed(2)}× the bare loop)`);
const all = tsfuzz(cores);
console.log(`tsfuzz fuzz, ${cores} workers:                                    ${fmt(all)} exec/s  (${(all / one).toFixed(2)}× one worker)`);
const nocov = tsfuzz(1, ['--no-coverage']);
console.log(`tsfuzz fuzz, 1 worker, --no-coverage:                      ${fmt(nocov)} exec/s`);
console.log(`\nreference (shared/reference): Jazzer.js sync and Go's fuzzer reach ~45–50k exec/s on such a target here;`);
console.log(`tsfuzz 1 worker = ${(one / 47500).toFixed(1)}× that midpoint.`);
