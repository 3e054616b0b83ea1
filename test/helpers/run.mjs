// Test helpers: copy a fixture project to a fresh temp folder (with node_modules/tsfuzz pointing at
// this repo), run the tsfuzz CLI in it, and read what it wrote.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli', 'main.js');
const FIXTURES = path.join(REPO, 'test', 'fixtures');

/** Copies test/fixtures/<name> into a new temp folder and returns its path. */
export function fixture(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsfuzz-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'tsfuzz'), 'dir');
  return dir;
}

/**
 * Runs `tsfuzz ...args` in `cwd`. Resolves with { code, signal, stdout, stderr }.
 * `onStderr(text, child)` sees stderr as it arrives (to send signals mid-run).
 */
export function runTsfuzz({ cwd, args, env = {}, timeoutMs = 120_000, onStderr }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, TSFUZZ_CACHE: path.join(cwd, '.cache'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    child.on('exit', (code, signal) => {
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
