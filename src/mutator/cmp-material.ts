/**
 * What one traced comparison contributes to the comparison mutations of bytes and string
 * arguments, before a table de-duplicates across its pairs (cmp.ts CmpTable): replacement
 * candidates [needle, replacement] and operands to insert, each with its de-duplication key.
 *
 * Deriving these (encodings, keys) is most of the cost of a table, and a new table version keeps
 * most pairs of the previous one (merged newest first), so they are cached by pair key: measured
 * 10–45 ms per table version in a worker on the trivial benchmark, where the table changed with
 * every early batch. Rule: a pure function of (op, left, right); the cache never changes a result.
 */

import type { ComparePair } from '../coverage/trace.js';
import { byteForms, bytesReplacements, byteTokens, isContainment, textForms, textReplacements, valueKey } from './cmp-encode.js';
import { unitsOfString } from './output.js';

export interface Candidates<B> {
  /** Replacement candidates in the order the table takes them, with keys unique per (needle, replacement). */
  reps: { n: B; r: B; key: string }[];
  /** Operands to insert, in order, with keys (never equal to a replacement key). */
  toks: { t: B; key: string }[];
}

/**
 * Pairs remembered per family, and their approximate heap size; past either, the cache starts
 * over. (Measured on the trivial benchmark: a pair's material is ~50 typed arrays, ~20 KB of heap,
 * so 4096 pairs alone let a worker's heap grow by ~80 MB over a few minutes.)
 */
const CACHE_MAX = 4096;
const CACHE_BYTES_MAX = 16 << 20;
interface Cache<B> {
  map: Map<string, Candidates<B>>;
  bytes: number;
}
const bytesCache: Cache<Uint8Array> = { map: new Map(), bytes: 0 };
const unitsCache: Cache<Uint16Array> = { map: new Map(), bytes: 0 };

/** Heap bytes of one typed array with its ArrayBuffer and backing store, and of an entry object (heap snapshots, roughly). */
const ARRAY_BYTES = 300;
const ENTRY_BYTES = 50;

/** The approximate heap size of a pair's material. */
function heapBytes<B extends Uint8Array | Uint16Array>(c: Candidates<B>): number {
  let n = 0;
  for (const e of c.reps) n += e.n.byteLength + e.r.byteLength + 2 * e.key.length + 2 * ARRAY_BYTES + ENTRY_BYTES;
  for (const e of c.toks) n += e.t.byteLength + 2 * e.key.length + ARRAY_BYTES + ENTRY_BYTES;
  return n;
}

function cached<B extends Uint8Array | Uint16Array>(cache: Cache<B>, key: string, derive: () => Candidates<B>): Candidates<B> {
  let c = cache.map.get(key);
  if (c === undefined) {
    c = derive();
    const size = heapBytes(c);
    if (cache.map.size >= CACHE_MAX || cache.bytes + size > CACHE_BYTES_MAX) {
      cache.map.clear();
      cache.bytes = 0;
    }
    cache.map.set(key, c);
    cache.bytes += size;
  }
  return c;
}

/** For tests: the entries and approximate bytes the bytes family's cache holds. */
export function bytesCacheSize(): { entries: number; bytes: number } {
  return { entries: bytesCache.map.size, bytes: bytesCache.bytes };
}

/**
 * Bytes material of pair `p` (`key` its pairKey): replacements in every byte encoding the operands
 * have, both ways unless the op is a containment; tokens of both operands (of the needle only,
 * as text, for containment ops).
 */
export function bytesCandidates(p: ComparePair, key: string): Candidates<Uint8Array> {
  return cached(bytesCache, key, () => {
    const fl = byteForms(p.left);
    const fr = byteForms(p.right);
    const contain = isContainment(p.op);
    const reps: Candidates<Uint8Array>['reps'] = [];
    const add = (pairs: [Uint8Array, Uint8Array][]) => {
      for (const [n, r] of pairs) reps.push({ n, r, key: `r${n.length}:${valueKey(n)}${valueKey(r)}` });
    };
    add(bytesReplacements(p.left, p.right, p.op, fl, fr));
    if (!contain) add(bytesReplacements(p.right, p.left, p.op, fr, fl));
    const toks = contain ? byteTokens(p.right, true, fr) : [...byteTokens(p.left, false, fl), ...byteTokens(p.right, false, fr)];
    return { reps, toks: toks.map((t) => ({ t, key: `t${valueKey(t)}` })) };
  });
}

/** String material of pair `p`: the same in text forms (UTF-16 code units). */
export function unitsCandidates(p: ComparePair, key: string): Candidates<Uint16Array> {
  return cached(unitsCache, key, () => {
    const reps: Candidates<Uint16Array>['reps'] = [];
    const add = (pairs: [string, string][]) => {
      for (const [n, r] of pairs) reps.push({ n: unitsOfString(n), r: unitsOfString(r), key: `r${n.length}:${n}${r}` });
    };
    const contain = isContainment(p.op);
    add(textReplacements(p.left, p.right, p.op));
    if (!contain) add(textReplacements(p.right, p.left, p.op));
    const toks: Candidates<Uint16Array>['toks'] = [];
    for (const v of contain ? [p.right] : [p.left, p.right]) {
      for (const t of textForms(v)) if (t.length > 0) toks.push({ t: unitsOfString(t), key: `t${t}` });
    }
    return { reps, toks };
  });
}
