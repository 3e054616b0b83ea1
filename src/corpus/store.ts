/**
 * Corpus storage on disk: the seed corpus in `<dir of the fuzz file>/testdata/fuzz/<Target>/` and
 * the generated corpus in the cache, one file per input in the format of encoding.ts, named by the
 * first 16 hex digits of the SHA-256 of its bytes. Used by the engine, the runner and the CLI.
 * Rule: a corpus file is never seen half-written. Writes go to a dot-file next to the target and
 * are renamed over it, and names are content addresses, so two fuzz runs sharing a cache can write
 * concurrently without corrupting it (at worst both write the same bytes under the same name).
 * Readers ignore dot-files. There is no fsync: a power loss may lose recent files, not corrupt them.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, parse, relative, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import type { Kind, Value } from '../values/kinds.js';
import { checkAgainstKinds, CorpusFormatError, marshalCorpusFile, unmarshalCorpusFile } from './encoding.js';

/** One input read from disk. `id` is corpusFileId of the file's bytes. */
export interface CorpusEntry {
  id: string;
  path: string;
  values: Value[];
}

/** A file that could not be used (`line` 0 when the problem is not on one line). */
export interface CorpusReadError {
  path: string;
  line: number;
  reason: string;
}

export interface CorpusDirContents {
  entries: CorpusEntry[];
  errors: CorpusReadError[];
  /** Malformed or mistyped files ignored in non-strict mode. */
  skipped: number;
}

/** First 16 hex digits of the SHA-256 of the file's bytes (a string is hashed as UTF-8). */
export function corpusFileId(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one: the
 * directory is created, the bytes go to `.<name>.tmp-<pid>-<random>` beside it, which is then
 * renamed over `path`. The temporary file is removed if anything fails.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}

/** Stores one input in `dir` under its content address, unless a file of that name exists. */
export function writeCorpusEntry(
  dir: string,
  kinds: readonly Kind[],
  values: readonly Value[],
): { id: string; path: string; created: boolean } {
  const text = marshalCorpusFile(kinds, values);
  const id = corpusFileId(text);
  const path = join(dir, id);
  if (existsSync(path)) return { id, path, created: false };
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    // Windows may refuse to rename over a file another process holds open; that file has the
    // same name, hence (short of a hash collision) the same bytes.
    if (existsSync(path)) return { id, path, created: false };
    throw e;
  }
  return { id, path, created: true };
}

/**
 * Encodes a target name as one directory name: `/ \ : * ? " < > | %`, control characters and a
 * name of only dots become `%XX`, so distinct names stay distinct and readable names unchanged.
 */
function dirNameFor(name: string): string {
  if (name === '') throw new Error('corpus: empty target name');
  const pct = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
  if (/^\.+$/.test(name)) return name.replace(/\./g, pct);
  return name.replace(/[/\\:*?"<>|%\u0000-\u001f\u007f]/g, pct);
}

/** Names of fuzz files (`*.fuzz.{ts,mts,cts,js,mjs,cjs}`), whose folder holds their testdata. */
export const FUZZ_FILE_RE = /\.fuzz\.(ts|mts|cts|js|mjs|cjs)$/;

/** `<fuzzFileDir>/testdata/fuzz/<targetName>` (unsafe characters in the name are %-encoded). */
export function testdataDir(fuzzFileDir: string, targetName: string): string {
  return join(fuzzFileDir, 'testdata', 'fuzz', dirNameFor(targetName));
}

/**
 * Folders of `<fuzzFileDir>/testdata/fuzz/` that hold files but belong to none of `targetNames`
 * (a target renamed or deleted: its inputs no longer run), with their file counts.
 */
export function orphanTestdata(fuzzFileDir: string, targetNames: readonly string[]): Array<{ dir: string; files: number }> {
  const root = join(fuzzFileDir, 'testdata', 'fuzz');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const owned = new Set(targetNames.map(dirNameFor));
  const out: Array<{ dir: string; files: number }> = [];
  for (const name of names.sort()) {
    if (owned.has(name) || name.startsWith('.')) continue;
    const dir = join(root, name);
    let files = 0;
    try {
      files = listFiles(dir)?.length ?? 0; // the files a run of that target would read
    } catch {
      continue; // not a folder
    }
    if (files > 0) out.push({ dir, files });
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The cache root: `$TSFUZZ_CACHE` (resolved against cwd) if set, else `node_modules/.cache/tsfuzz`
 * under the nearest ancestor of cwd (itself included) that has node_modules or package.json,
 * else under cwd.
 */
export function cacheRoot(cwd: string): string {
  const env = process.env.TSFUZZ_CACHE;
  if (env !== undefined && env !== '') return resolve(cwd, env);
  const start = resolve(cwd);
  for (let d = start; ; d = dirname(d)) {
    if (isDir(join(d, 'node_modules')) || existsSync(join(d, 'package.json'))) {
      return join(d, 'node_modules', '.cache', 'tsfuzz');
    }
    if (dirname(d) === d) break;
  }
  return join(start, 'node_modules', '.cache', 'tsfuzz');
}

/** Name of the instrumentation cache inside the cache root. */
export const INSTRUMENT_DIR = 'instrument';

/**
 * Whether an entry of the cache root is one tsfuzz makes there: the instrumentation cache or a
 * target's directory (cacheDirFor). `tsfuzz clean` removes only these, so a TSFUZZ_CACHE that
 * names a folder holding anything else never loses it.
 */
export function isCacheEntry(root: string, name: string): boolean {
  const dir = join(root, name);
  if (!isDir(dir)) return false;
  // Named as tsfuzz names them, and holding only what tsfuzz puts there.
  if (name === INSTRUMENT_DIR) return holdsOnly(dir, (n) => /^[0-9a-f]{2}$/.test(n));
  if (!/(^|-)[0-9a-f]{12}$/.test(name)) return false;
  return holdsOnly(dir, (n) => /^[0-9a-f]{16}$/.test(n) || n === 'originals' || n === 'flaky');
}

/** Whether every entry of `dir` is a dot file or satisfies `ok`. */
function holdsOnly(dir: string, ok: (name: string) => boolean): boolean {
  try {
    return readdirSync(dir).every((n) => n.startsWith('.') || ok(n));
  } catch {
    return false;
  }
}

/**
 * What a fuzz run instrumented (its --include/--exclude globs), kept beside a target's cached
 * inputs: those inputs were kept for coverage of exactly those files, so `tsfuzz corpus-min`
 * must measure them the same way (measured without a dependency, inputs that only reached it
 * would all look redundant). A dot file: never read as a corpus entry.
 */
export interface InstrumentSettings {
  include: string[];
  exclude: string[];
}
const SETTINGS_FILE = '.instrumented.json';

export function writeInstrumentSettings(targetCacheDir: string, s: InstrumentSettings): void {
  mkdirSync(targetCacheDir, { recursive: true });
  writeFileAtomic(join(targetCacheDir, SETTINGS_FILE), JSON.stringify({ include: s.include, exclude: s.exclude }) + '\n');
}

/** The settings a fuzz run recorded for this cache; undefined when none (or unreadable). */
export function readInstrumentSettings(targetCacheDir: string): InstrumentSettings | undefined {
  try {
    const v = JSON.parse(readFileSync(join(targetCacheDir, SETTINGS_FILE), 'utf8')) as Partial<InstrumentSettings>;
    const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((x) => typeof x === 'string');
    if (strings(v.include) && strings(v.exclude)) return { include: v.include, exclude: v.exclude };
  } catch {
    // none
  }
  return undefined;
}

export function sameInstrumentSettings(a: InstrumentSettings, b: InstrumentSettings): boolean {
  const key = (s: InstrumentSettings) => JSON.stringify([[...s.include].sort(), [...s.exclude].sort()]);
  return key(a) === key(b);
}

/** Settings that instrument everything either does: includes of both, excludes common to both. */
export function mergeInstrumentSettings(a: InstrumentSettings, b: InstrumentSettings): InstrumentSettings {
  return { include: [...new Set([...a.include, ...b.include])], exclude: a.exclude.filter((g) => b.exclude.includes(g)) };
}

/** The flags that give `s`, for messages (`(default files only)` when there are none). */
export function describeInstrumentSettings(s: InstrumentSettings): string {
  const flags = [...s.include.map((g) => `--include=${g}`), ...s.exclude.map((g) => `--exclude=${g}`)];
  return flags.length ? flags.join(' ') : '(no --include or --exclude)';
}

/**
 * The cache directory of one target. `targetKey` identifies it, e.g.
 * `src/parse.fuzz.ts#FuzzParse` (use `/` separators so the key is the same on every OS); it
 * becomes a readable, sanitized tail of the key plus 12 hex digits of its SHA-256.
 */
export function cacheDirFor(root: string, targetKey: string): string {
  const hash = createHash('sha256').update(targetKey).digest('hex').slice(0, 12);
  let readable = targetKey.replace(/[^A-Za-z0-9._-]+/g, '_');
  if (readable.length > 60) readable = readable.slice(-60);
  readable = readable.replace(/^[._]+/, '');
  return join(root, readable === '' ? hash : `${readable}-${hash}`);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Loose = new TextDecoder('utf-8', { ignoreBOM: true });

/** Names of the regular, non-dot files in `dir`, sorted by code unit; undefined if `dir` is missing. */
function listFiles(dir: string): string[] | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return names
    .filter((n) => !n.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .filter((n) => {
      try {
        return statSync(join(dir, n)).isFile(); // follows symlinks
      } catch {
        return false; // vanished or dangling link
      }
    });
}

/** Reads a file, or undefined if it vanished since the directory was listed. */
function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Reads every corpus file in `dir` (missing dir: nothing) for a target taking `targetKinds`.
 * strict (testdata): each malformed or mistyped file is reported in `errors`. Non-strict (cache):
 * such files are only counted in `skipped`. I/O errors other than a missing file are thrown.
 */
export function readCorpusDir(
  dir: string,
  targetKinds: readonly Kind[],
  options: { strict: boolean },
): CorpusDirContents {
  const out: CorpusDirContents = { entries: [], errors: [], skipped: 0 };
  for (const name of listFiles(dir) ?? []) {
    const path = join(dir, name);
    const raw = readIfPresent(path);
    if (raw === undefined) continue;
    let problem: { line: number; reason: string } | undefined;
    let text: string | undefined;
    try {
      text = utf8Strict.decode(raw);
    } catch {
      problem = { line: 0, reason: 'not valid UTF-8' };
    }
    if (text !== undefined) {
      try {
        const file = unmarshalCorpusFile(text);
        const why = checkAgainstKinds(file.kinds, file.values, targetKinds);
        if (why === undefined) out.entries.push({ id: corpusFileId(raw), path, values: file.values });
        else problem = { line: 0, reason: why };
      } catch (e) {
        if (!(e instanceof CorpusFormatError)) throw e;
        problem = { line: e.line, reason: e.reason };
      }
    }
    if (problem === undefined) continue;
    if (options.strict) out.errors.push({ path, ...problem });
    else out.skipped++;
  }
  return out;
}

/**
 * A target's testdata folder (missing: nothing). Every file in it is one of the target's inputs,
 * so a malformed or mistyped one is a UserError naming the file, the line and what to do.
 */
export function readTestdataDir(dir: string, targetKinds: readonly Kind[]): CorpusEntry[] {
  const td = readCorpusDir(dir, targetKinds, { strict: true });
  if (td.errors.length === 0) return td.entries;
  const e = td.errors[0];
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  throw new UserError(
    `${rel(e.path)}${e.line ? `:${e.line}` : ''}: ${e.reason} (every file in ${rel(dir)}/ is an input of its target: fix it or move it out)`,
  );
}

/**
 * Turns a folder of raw sample files (images, documents, ...) into inputs for a target whose one
 * argument is `bytes` (the file's bytes) or `string` (the file decoded as UTF-8, invalid
 * sequences becoming U+FFFD; `onLossy` hears of each such file). Each entry's id is the
 * corpusFileId of its marshalled text, as if it had been stored. Non-recursive; dot-files skipped;
 * sorted by name. A missing folder throws.
 */
export function readRawSamples(dir: string, kind: Kind, onLossy?: (path: string) => void): CorpusEntry[] {
  if (kind.kind !== 'bytes' && kind.kind !== 'string') {
    throw new TypeError(`corpus: raw samples need a bytes or string argument, not ${kind.kind}`);
  }
  const names = listFiles(dir);
  if (names === undefined) throw new Error(`corpus: sample directory not found: ${dir}`);
  const entries: CorpusEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const raw = readIfPresent(path);
    if (raw === undefined) continue;
    let value: Value;
    if (kind.kind === 'bytes') value = new Uint8Array(raw);
    else {
      try {
        value = utf8Strict.decode(raw);
      } catch {
        value = utf8Loose.decode(raw);
        onLossy?.(path);
      }
    }
    entries.push({ id: corpusFileId(marshalCorpusFile([kind], [value])), path, values: [value] });
  }
  return entries;
}

/** `rm -rf dir` for `tsfuzz clean`; a missing dir is fine. Refuses a filesystem root. */
export function removeDir(dir: string): void {
  const abs = resolve(dir);
  if (abs === parse(abs).root) throw new Error(`corpus: refusing to remove ${abs}`);
  rmSync(abs, { recursive: true, force: true });
}
