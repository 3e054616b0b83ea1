/**
 * Test helpers for src/instrument (not shipped API): evaluate transformed code in-process against
 * the real coverage runtime, diff counters around a call, and run fixtures in child processes.
 * Used only by *.test.ts in this folder.
 * Rule: every fixture lives in a fresh temp directory; nothing is written inside the repository.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installCoverageRuntime, type CoverageRuntime } from '../coverage/runtime.js';
import { transformSource, type TransformOptions, type TransformResult } from './transform.js';

export const rt: CoverageRuntime = installCoverageRuntime();
let counter = 0;

export interface Loaded {
  exports: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  base: number;
  result: TransformResult;
  file: string;
}

/** A small seeded generator for tests: rng(seed)(n) is an integer in [0, n). */
export function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** Transforms `src` as a CommonJS file and runs it like Node's wrapper would. */
export function loadCjs(src: string, opts: Partial<TransformOptions> = {}, ext = '.js'): Loaded {
  const file = path.join(os.tmpdir(), `tsfuzz-virtual-${process.pid}-${counter++}${ext}`);
  const result = transformSource(src, file, { instrument: true, format: 'commonjs', ...opts });
  const module = { exports: {} as Record<string, unknown> };
  const fn = new Function('module', 'exports', 'require', '__filename', '__dirname', result.code) as (m: unknown, e: unknown, r: unknown, f: string, d: string) => void;
  fn(module, module.exports, createRequire(import.meta.url), file, path.dirname(file));
  const m = rt.modules.find((x) => x.key === file);
  return { exports: module.exports, base: m ? m.base : -1, result, file };
}

/** Local edge indices (0..edges-1) whose counters moved while `run` ran. */
export function hitsOf(l: Loaded, run: () => unknown): Set<number> {
  const n = l.result.edges;
  const before = rt.C.slice(l.base, l.base + n);
  run();
  const out = new Set<number>();
  for (let i = 0; i < n; i++) if (rt.C[l.base + i] !== before[i]) out.add(i);
  return out;
}

export function minus<T>(a: Set<T>, b: Set<T>): T[] {
  return [...a].filter((x) => !b.has(x));
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory populated with `files` (relative path → content); removed at exit. */
export function fixtureDir(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-inst-')));
  made.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

const DIST = path.dirname(fileURLToPath(import.meta.url));
const url = (p: string): string => JSON.stringify(pathToFileURL(p).href);

/**
 * Source of a bootstrap module: installs the runtime, registers the loader with the JSON options in
 * TSFUZZ_TEST_OPTS, imports argv[2], and prints one `RESULT {...}` line (error, edges, modules).
 */
export const BOOT = `
import { installCoverageRuntime } from ${url(path.join(DIST, '..', 'coverage', 'runtime.js'))};
import { registerLoader, loaderKind } from ${url(path.join(DIST, 'register.js'))};
import { offloadStats } from ${url(path.join(DIST, 'offload.js'))};
const rt = installCoverageRuntime();
registerLoader(JSON.parse(process.env.TSFUZZ_TEST_OPTS || '{"instrument":true}'));
let error = null, value;
try { const ns = await import(process.argv[2]); value = typeof ns.main === 'function' ? await ns.main() : undefined; }
catch (e) { error = { message: String(e && e.message), stack: String(e && e.stack), code: e && e.code }; }
console.log('RESULT ' + JSON.stringify({ error, value, kind: loaderKind(), edges: rt.totalEdges, offloaded: offloadStats.jobs,
  modules: Object.fromEntries(rt.modules.map((m) => [m.key, m.count])) }));
`;

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
  result?: {
    error: { message: string; stack: string; code?: string } | null;
    value: unknown;
    kind: string;
    edges: number;
    offloaded: number;
    modules: Record<string, number>;
  };
}

/** Node binaries to run loader tests with: this one, plus TSFUZZ_EXTRA_NODES (':'-separated). */
export function nodeBinaries(): string[] {
  const extra = (process.env.TSFUZZ_EXTRA_NODES ?? '').split(':').filter(Boolean);
  return [process.execPath, ...extra];
}

/** Runs `<dir>/boot.mjs <entry>` (creating boot.mjs) with loader options `opts`. */
export function runChild(dir: string, entry: string, opts: object, node = process.execPath, args: string[] = []): ChildResult {
  const boot = path.join(dir, 'boot.mjs');
  if (!fs.existsSync(boot)) fs.writeFileSync(boot, BOOT);
  const r = spawnSync(node, [...args, boot, entry], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TSFUZZ_TEST_OPTS: JSON.stringify(opts), NODE_OPTIONS: '' },
    timeout: 60_000,
  });
  const line = r.stdout.split('\n').find((s) => s.startsWith('RESULT '));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, result: line ? JSON.parse(line.slice(7)) : undefined };
}
