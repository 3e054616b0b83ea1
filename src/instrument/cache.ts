/**
 * On-disk cache of transform results, so each file is stripped/instrumented once per content.
 * Entries live in `<cacheDir>/<2 hex>/<sha256>` and are keyed by the source, the file name, the
 * options, the tsfuzz version and the transform revision. Keys and reads are used in the thread
 * that runs user code (core.ts), so this module never loads the transformer; writes happen where
 * the transform ran (transform-cached.ts). A miss is produced once across processes: `readOrMake`
 * lets one process transform while the others wait for its entry (cache-lock.ts).
 * An entry is one line of JSON (the header) and the code, stored as Latin-1 when every character
 * fits (instrumented output is mostly ASCII: reading it is then a copy, not a UTF-8 decode; on
 * a 22 MB entry Node's `readFileSync(f, 'utf8')` took several times longer), else as UTF-8.
 * Rule: a cache problem never fails a load: unreadable, corrupt or unwritable entries are ignored
 * (and rebuilt); writes are atomic (temporary file + rename).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { produceOnce, MISS_LOCK_DEFAULTS, type MissLockOptions } from './cache-lock.js';
import { isTypeScriptFile } from './filter.js';
import { TRANSFORM_REVISION } from './revision.js';
import { compileCacheSalt } from './tsconfig.js';
import { decodeText } from './text-buffer.js';
import type { EncodedResult, TransformOptions, TransformResult } from './transform.js';

/** Where a transform that missed the cache stores its result. */
export interface CacheSlot {
  dir: string;
  key: string;
}

let version: string | undefined;
/** tsfuzz's version from its package.json (this file is <root>/dist/instrument/cache.js). */
export function tsfuzzVersion(): string {
  if (version === undefined) {
    try {
      const pj = new URL('../../package.json', import.meta.url);
      version = String((JSON.parse(fs.readFileSync(pj, 'utf8')) as { version?: unknown }).version ?? '0');
    } catch {
      version = '0';
    }
  }
  return version;
}

/** Characters of the source hashed per step (see cacheKey). */
const HASH_CHUNK = 1 << 18;

export function cacheKey(source: string, filename: string, opts: TransformOptions): string {
  const h = createHash('sha256');
  const o = { instrument: opts.instrument, format: opts.format ?? null, compares: opts.instrument ? (opts.compares ?? true) : false };
  // A TypeScript file the project's compiler may compile (tsc.ts): its settings and version.
  const salt = isTypeScriptFile(filename) ? compileCacheSalt(source, filename, opts.format) : '';
  h.update(`tsfuzz ${tsfuzzVersion()} r${TRANSFORM_REVISION}\0${filename}\0${JSON.stringify(o)}\0${salt}\0`);
  // The UTF-8 of the source, in chunks: one 9 MB conversion buffer cost 4x the hashing itself
  // (fresh memory); a chunk never ends between the two halves of a surrogate pair.
  for (let at = 0; at < source.length; ) {
    let end = Math.min(source.length, at + HASH_CHUNK);
    const last = source.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < source.length) end++;
    h.update(at === 0 && end === source.length ? source : source.slice(at, end));
    at = end;
  }
  return h.digest('hex');
}

interface Header {
  key: string;
  length: number;
  edges: number;
  compareSites: number;
  literals: string[];
  format: TransformResult['format'];
  warning?: string;
  /** Encoding of the code on disk. */
  enc: 'latin1' | 'utf8';
}

export function entryPath(cacheDir: string, key: string): string {
  return path.join(cacheDir, key.slice(0, 2), key);
}

/**
 * Counters for tests and diagnostics (this thread): lookups that hit or missed, and misses
 * served by waiting for another process's transform (`waited`, counted in `misses` too).
 */
export const cacheStats = { hits: 0, misses: 0, waited: 0 };

/** Reads an entry; undefined when missing or not exactly what was written under `key`. */
export function readEntry(cacheDir: string, key: string): TransformResult | undefined {
  const r = parseEntry(cacheDir, key);
  if (r) cacheStats.hits++;
  else cacheStats.misses++;
  return r;
}

/**
 * The entry of `slot`: read, or on a miss made by `make` (which must store it in `slot`), or,
 * when another process is already making it, read once that process has stored it.
 */
export function readOrMake(slot: CacheSlot, make: () => TransformResult, lockOptions: MissLockOptions = MISS_LOCK_DEFAULTS): TransformResult {
  const r = readEntry(slot.dir, slot.key);
  if (r) return r;
  const waited = (): void => void cacheStats.waited++;
  return produceOnce(entryPath(slot.dir, slot.key), () => parseEntry(slot.dir, slot.key), make, lockOptions, waited);
}

function parseEntry(cacheDir: string, key: string): TransformResult | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(entryPath(cacheDir, key));
  } catch {
    return undefined;
  }
  try {
    const nl = bytes.indexOf(10);
    if (nl < 0) return undefined;
    const h = JSON.parse(bytes.toString('utf8', 0, nl)) as Header;
    if (h.key !== key || (h.enc !== 'latin1' && h.enc !== 'utf8') || !Array.isArray(h.literals)) return undefined;
    const code = bytes.toString(h.enc, nl + 1);
    if (h.length !== code.length) return undefined;
    const r: TransformResult = { code, edges: h.edges, compareSites: h.compareSites, literals: h.literals, format: h.format };
    if (h.warning !== undefined) r.warning = h.warning;
    return r;
  } catch {
    return undefined;
  }
}

/**
 * Writes an entry atomically; failures are silent (the cache is an optimisation). The code may
 * be a string or still encoded (transform.ts's EncodedResult: Latin-1 bytes are written as they are).
 */
export function writeEntry(cacheDir: string, key: string, r: EncodedResult): void {
  const file = entryPath(cacheDir, key);
  // Latin-1 bytes as they are; anything else as a string (UTF-16 output has a character above U+00FF).
  const bytes = typeof r.code === 'string' ? undefined : r.code.latin1;
  const text = bytes ? '' : typeof r.code === 'string' ? r.code : decodeText(r.code);
  const enc = bytes || !/[^\x00-\xff]/.test(text) ? 'latin1' : 'utf8';
  const length = bytes ? bytes.length : text.length;
  const h: Header = {
    key, length, edges: r.edges, compareSites: r.compareSites, literals: r.literals, format: r.format, enc,
  };
  if (r.warning !== undefined) h.warning = r.warning;
  const tmp = `${file}.${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, JSON.stringify(h) + '\n');
      if (bytes) fs.writeFileSync(fd, bytes);
      else writeString(fd, text, enc);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // ignore
    }
  }
}

/**
 * Writes all of `s`. `fs.writeSync` of a large Latin-1 string that Node made external (as the
 * transform's output and entries read from here are) writes it without an intermediate copy.
 */
function writeString(fd: number, s: string, enc: 'latin1' | 'utf8'): void {
  if (enc === 'utf8') return fs.writeFileSync(fd, s, 'utf8');
  for (let rest = s; rest.length > 0; ) {
    const n = fs.writeSync(fd, rest, null, 'latin1');
    if (n <= 0) throw new Error('short write');
    rest = rest.slice(n);
  }
}
