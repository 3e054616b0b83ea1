// Benchmark: executions and seconds spent minimizing a failing input, for the fixtures of
// test/fixtures/minimize (run by bench/run.mjs, or alone: `node bench/minimize.mjs` after
// `npm run build`). Each case plants a large failing input in the target's cache, runs
// `tsfuzz fuzz` (1 worker, fixed seed), and reads stderr: `fuzz: minimizing …` starts the clock,
// the failure report on stdout stops it, and `fuzz: minimized <T>'s failing input from A to B
// bytes in N executions` (or, when the size cannot shrink, as for numbers, `fuzz: simplified
// <T>'s failing input (A bytes) in N executions`) gives the input's sizes and the executions.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { CLI, fixture, plantCache } from '../test/helpers/run.mjs';

/** `n` bytes of filler with `marker` at `at`. */
function around(marker, at, n, fill = 'abcdefghijklmnopqrstuvwxyz0123456789 ') {
  let s = '';
  while (s.length < n - marker.length) s += fill;
  s = s.slice(0, n - marker.length);
  return s.slice(0, at) + marker + s.slice(at);
}

const CASES = [
  { name: 'bytes: "BUG" in 4 KB', file: 'marker.fuzz.ts', target: 'Marker', values: [{ bytes: around('BUG', 2500, 4096) }] },
  {
    name: 'string: "<script" in 1.5 K chars', file: 'script.fuzz.ts', target: 'Script',
    values: [{ string: around('<script>alert(1)</script>', 700, 1500, 'Grüße, ünïcødé ✓ 🎉 and some prose. ') }],
  },
  { name: 'int32: x > 1000', file: 'numbers.fuzz.ts', target: 'IntAbove', values: [{ int32: 123456789 }] },
  { name: 'float64: 1.5 < x < 2', file: 'numbers.fuzz.ts', target: 'FloatBetween', values: [{ float64: 1.7234567891234 }] },
  { name: 'int64: x > 10^12', file: 'numbers.fuzz.ts', target: 'BigAbove', values: [{ int64: 9000000000000000000n }] },
  {
    name: 'two args, 2nd matters', file: 'two-args.fuzz.ts', target: 'SecondArg',
    values: [{ string: 'a-very-long-host-name.example.com:'.repeat(20) }, { uint16: 65000 }],
  },
  { name: 'hang: "H" in 2 KB (--timeout=1s)', file: 'hang.fuzz.ts', target: 'HangsOnH', values: [{ bytes: around('H', 1000, 2048, 'abcdefg ') }], flags: ['--timeout=1s'] },
  {
    name: 'oom: "M" in 2 KB (--memory-limit=300)', file: 'oom.fuzz.ts', target: 'EatsMemoryOnM',
    values: [{ bytes: around('M', 1000, 2048, 'abcdefg ') }], flags: ['--memory-limit=300'],
  },
];

/** Runs one case; resolves with { from, to, execs, seconds } or { error }. */
function measure(c) {
  const dir = fixture('minimize');
  plantCache({ dir, file: c.file, target: c.target, values: c.values });
  const args = ['fuzz', c.file, `--fuzz=^${c.target}$`, '--fuzztime=200x', '--parallel=1', '--seed=1', ...(c.flags ?? [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, TSFUZZ_CACHE: path.join(dir, '.cache') } });
    let stdout = '';
    let stderr = '';
    let started;
    let reported;
    child.stderr.on('data', (b) => {
      stderr += b;
      if (started === undefined && /^fuzz: minimizing /m.test(stderr)) started = performance.now();
    });
    child.stdout.on('data', (b) => {
      stdout += b;
      if (reported === undefined && /^--- FAIL: /m.test(stdout)) reported = performance.now();
    });
    child.on('close', () => {
      const m = new RegExp(`^fuzz: minimized ${c.target}'s failing input from (\\d+) to (\\d+) bytes in (\\d+) executions$`, 'm').exec(stderr);
      const same = new RegExp(`^fuzz: simplified ${c.target}'s failing input \\((\\d+) bytes\\) in (\\d+) executions$`, 'm').exec(stderr);
      if ((!m && !same) || started === undefined || reported === undefined) {
        resolve({ error: `no minimization seen\n--- stdout\n${stdout}\n--- stderr\n${stderr}` });
        return;
      }
      const [from, to, execs] = m ? [m[1], m[2], m[3]] : [same[1], same[1], same[2]];
      resolve({ from: Number(from), to: Number(to), execs: Number(execs), seconds: (reported - started) / 1000 });
    });
  });
}

console.log('\n--- minimizing failing inputs (test/fixtures/minimize, planted in the cache, 1 worker)');
const rows = [['fixture', 'input bytes', 'executions', 'seconds', 'ms/exec']];
for (const c of CASES) {
  const r = await measure(c);
  if (r.error) {
    console.error(`${c.name}: ${r.error}`);
    rows.push([c.name, '—', '—', '—', '—']);
    continue;
  }
  rows.push([c.name, `${r.from} → ${r.to}`, String(r.execs), r.seconds.toFixed(2), ((1000 * r.seconds) / r.execs).toFixed(1)]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const [k, row] of rows.entries()) {
  console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  '));
  if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log('(input bytes: the sum of its values\' sizes, numbers at their width; seconds: from "minimizing" on stderr to the report)');
