// Test helpers: copy a fixture project to a fresh temp folder (with node_modules/tsfuzz pointing at
// this repo), run the tsfuzz CLI in it, and read what it wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli', 'main.js');
const FIXTURES = path.join(REPO, 'test', 'fixtures');

const made = [];
// Temp folders go when the test file's process ends; TSFUZZ_TEST_KEEP=1 keeps them to look at.
process.on('exit', () => {
  if (process.env.TSFUZZ_TEST_KEEP) return;
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** Copies test/fixtures/<name> into a new temp folder and returns its path. */
export function fixture(name) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `tsfuzz-${name}-`)));
  made.push(dir);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'tsfuzz'), 'dir');
  return dir;
}

/**
 * Runs `tsfuzz ...args` in `cwd`. Resolves with { code, signal, stdout, stderr }.
 * `onSpawn(child)` is called once the process is started; `onStderr(text, child)` sees all of
 * stderr so far each time more arrives (to send signals mid-run).
 */
export function runTsfuzz({ cwd, args, env = {}, timeoutMs = 120_000, onStderr, onSpawn }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, TSFUZZ_CACHE: path.join(cwd, '.cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsfuzz ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Names of the files in <dir>/testdata/fuzz/<target>/ (sorted), or [] if none. */
export function testdataFiles(dir, target) {
  const d = path.join(dir, 'testdata', 'fuzz', target);
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => !f.startsWith('.')).sort() : [];
}

export function readTestdata(dir, target, id) {
  return fs.readFileSync(path.join(dir, 'testdata', 'fuzz', target, id), 'utf8');
}

/** A readable dump for assertion messages. */
export function show(r) {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

// ---------------------------------------------------------------------------------------------
// Corpus files, written and read independently of tsfuzz's own code.

/** First 16 hex digits of the SHA-256 of `text` (how corpus files are named). */
export function sha16(text) {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function quote(codes) {
  let out = '"';
  for (const c of codes) {
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c <= 0x7e) out += String.fromCharCode(c);
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/**
 * The text of a corpus file holding `values`, each `{ bytes: Uint8Array | number[] | string }`,
 * `{ string: '...' }` or `{ <int kind>: n }` (e.g. `{ uint8: 255 }`).
 */
export function corpusText(values) {
  let out = 'tsfuzz corpus v1\n';
  for (const v of values) {
    const [kind, value] = Object.entries(v)[0];
    if (kind === 'bytes') {
      const b = typeof value === 'string' ? Buffer.from(value, 'latin1') : Uint8Array.from(value);
      out += `bytes ${quote(b)}\n`;
    } else if (kind === 'string') {
      out += `string ${quote([...value].flatMap((ch) => [...Array(ch.length).keys()].map((i) => ch.charCodeAt(i))))}\n`;
    } else out += `${kind} ${String(value)}\n`;
  }
  return out;
}

/** Writes a corpus file to <dir>/<under>/testdata/fuzz/<target>/<id>; returns the id. */
export function plant({ dir, target, values, under = '.' }) {
  const text = corpusText(values);
  const id = sha16(text);
  const d = path.join(dir, under, 'testdata', 'fuzz', target);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, id), text);
  return id;
}

/**
 * Reads a corpus file's text: [{ kind, value }], bytes as a Uint8Array, strings as strings,
 * integers as numbers (bigints for 64-bit kinds). Throws if it is not "tsfuzz corpus v1".
 */
export function decodeCorpus(text) {
  const lines = text.split('\n');
  if (lines[0] !== 'tsfuzz corpus v1') throw new Error(`not a corpus file: ${JSON.stringify(lines[0])}`);
  return lines.slice(1).filter((l) => l.trim() !== '').map((l) => {
    const sp = l.indexOf(' ');
    const kind = l.slice(0, sp);
    const payload = l.slice(sp + 1);
    if (kind === 'bytes') return { kind, value: Uint8Array.from(JSON.parse(payload), (c) => c.charCodeAt(0)) };
    if (kind === 'string') return { kind, value: JSON.parse(payload) };
    if (kind === 'int64' || kind === 'uint64') return { kind, value: BigInt(payload) };
    return { kind, value: JSON.parse(payload) };
  });
}

/**
 * The values of a printed seed line (`f.add(new Uint8Array([0xf6]), 3);`), by running it: a seed
 * line is meant to be pasted into a fuzz file, so it must be valid code for exactly that input.
 */
export function seedValues(line) {
  const got = [];
  new Function('f', line)({ add: (...values) => got.push(...values) });
  return got;
}

/** Whether decoded corpus values (decodeCorpus) equal `values` (bytes by content). */
export function sameValues(decoded, values) {
  if (decoded.length !== values.length) return false;
  return decoded.every(({ value }, i) => {
    const v = values[i];
    if (value instanceof Uint8Array) return v instanceof Uint8Array && Buffer.from(value).equals(Buffer.from(v));
    return Object.is(value, v);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading what tsfuzz printed.

/** The one failure report of run `r` (asserted to be the only one). */
export function onlyReport(r) {
  const reports = failureReports(r.stdout);
  assert.equal(reports.length, 1, show(r));
  return reports[0];
}

/**
 * The failure reports in a text-mode stdout: [{ target, source, kind, headline, input, seedLine,
 * output, writtenTo, rerun, text }]. `source` is the input id in `tsfuzz test` reports.
 */
export function failureReports(stdout) {
  const out = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^--- FAIL: ([^\s/]+)(?:\/(\S+))? \(([^)]+)\)$/.exec(lines[i]);
    if (!m) continue;
    const body = [];
    for (let j = i + 1; j < lines.length && (lines[j].startsWith('    ') || lines[j] === ''); j++) body.push(lines[j]);
    const text = [lines[i], ...body].join('\n');
    const after = (label) => {
      const k = body.findIndex((l) => l === `    ${label}:`);
      if (k < 0) return undefined;
      const got = [];
      for (let j = k + 1; j < body.length && body[j].startsWith('        '); j++) got.push(body[j].slice(8));
      return got.join('\n');
    };
    out.push({
      target: m[1],
      source: m[2],
      kind: m[3],
      headline: (body[0] ?? '').trim(),
      input: after('input'),
      seedLine: after('as a seed'),
      output: after('output'),
      writtenTo: /^ {4}Failing input written to (\S+)$/m.exec(text)?.[1],
      rerun: after('To re-run'),
      text,
    });
  }
  return out;
}

/**
 * Checks that the failure reports of `r` are exactly one per target of `expected`
 * ({ [target]: { headline: RegExp, frame: RegExp } }), each with its headline and its first stack
 * frame (`at fn (file:line:col)`); returns the reports.
 */
export function expectReports(r, expected) {
  const reports = failureReports(r.stdout);
  assert.deepEqual(reports.map((x) => x.target).sort(), Object.keys(expected).sort(), show(r));
  for (const rep of reports) {
    const e = expected[rep.target];
    assert.match(rep.headline, e.headline, show(r));
    const first = rep.text.split('\n').find((l) => /^\s+at /.test(l))?.trim();
    assert.match(first ?? '', e.frame, rep.text);
  }
  return reports;
}

/**
 * `tsfuzz test` of `file`'s `target` (4 seeds; seed#0 leaves a callback that fails while a later
 * seed is judged), with `flags`, in fixture `dir`: the run fails, and the failure (of `kind`, with
 * `headline`) is charged to seed#0 alone. Returns the run and its report.
 */
export async function chargedToFirstSeed({ dir, file, target, flags = [], kind, headline }) {
  const r = await runTsfuzz({ cwd: dir, args: ['test', file, `--run=^${target}$`, '--parallel=1', ...flags] });
  assert.equal(r.code, 1, show(r));
  assert.match(r.stdout, /^FAIL {2}1 target, 4 inputs: 3 passed, 1 failed \(1 distinct failure\)/m, show(r));
  const rep = onlyReport(r);
  assert.equal(rep.source, 'seed#0', show(r));
  assert.equal(rep.kind, kind, show(r));
  assert.match(rep.headline, headline, show(r));
  return { r, rep };
}

/** `npx tsfuzz test a.fuzz.ts --run=T/id` → ['test', 'a.fuzz.ts', '--run=T/id']. */
export function rerunArgs(line) {
  const m = /^npx tsfuzz (.*)$/.exec(line ?? '');
  if (!m) throw new Error(`not a re-run line: ${line}`);
  return m[1].split(' ');
}

/** Every stdout line parsed as JSON (throws on a line that is not JSON). */
export function jsonLines(stdout) {
  return stdout.split('\n').filter((l) => l !== '').map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new Error(`stdout line is not JSON: ${JSON.stringify(l)}`);
    }
  });
}

/** The numbers of a fuzz summary's first line: `… fuzzed 1 target: 1234 execs …`. */
export function summaryExecs(stdout) {
  const m = /^(?:ok|FAIL|INTERRUPTED) {2}fuzzed \d+ targets?: (\d+) execs/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

/** Per-target lines of a fuzz summary: { Name: { execs, corpus, new, edges } }. */
export function summaryTargets(stdout) {
  const out = {};
  for (const m of stdout.matchAll(/^ {2}(\S+): (\d+) execs, corpus (\d+) \((\d+) new\)(?:, (\d+) edges)?$/gm)) {
    out[m[1]] = { execs: Number(m[2]), corpus: Number(m[3]), new: Number(m[4]), edges: m[5] === undefined ? undefined : Number(m[5]) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Processes and files.

/** Files under `dir`, recursively, as paths relative to it (sorted); skips `skip` folder names. */
export function listFilesDeep(dir, skip = []) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (skip.includes(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Pids of live tsfuzz worker processes started in `dir` (their command line names worker-main.js
 * and their working folder is `dir`), read from /proc.
 */
export function workerPids(dir) {
  const want = fs.realpathSync(dir);
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmd.includes('worker-main.js')) continue;
      const state = /^State:\s+(\S)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (state === 'Z' || state === 'X') continue;
      if (fs.readlinkSync(`/proc/${name}/cwd`) === want) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Polls `check` every 50 ms until it returns a truthy value (resolved) or `timeoutMs` passes (undefined). */
export async function waitFor(check, { timeoutMs = 5000, intervalMs = 50 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() >= end) return undefined;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// The cache, as README and src/corpus/store.ts lay it out (written independently of that code).

/**
 * The cache folder of one target: `<cache root>/<readable key>-<12 hex of SHA-256(key)>`, the key
 * being `<fuzz file relative to cwd, with />#<Target>`. `root` defaults to `<dir>/.cache` (what
 * runTsfuzz sets TSFUZZ_CACHE to).
 */
export function cacheDirOf(dir, file, target, root = path.join(dir, '.cache')) {
  const key = `${file}#${target}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  let readable = key.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (readable.length > 60) readable = readable.slice(-60);
  readable = readable.replace(/^[._]+/, '');
  return path.join(root, readable === '' ? hash : `${readable}-${hash}`);
}

/** Writes a corpus file holding `values` (see corpusText) to the cache of `file#target`; returns { id, path, text }. */
export function plantCache({ dir, file, target, values }) {
  const text = corpusText(values);
  const id = sha16(text);
  const d = cacheDirOf(dir, file, target);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, id), text);
  return { id, path: path.join(d, id), text };
}
