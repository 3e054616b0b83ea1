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

/** Pairs remembered per family; past this, the cache starts over. */
const CACHE_MAX = 4096;
const bytesCache = new Map<string, Candidates<Uint8Array>>();
const unitsCache = new Map<string, Candidates<Uint16Array>>();

function cached<B>(cache: Map<string, Candidates<B>>, key: string, derive: () => Candidates<B>): Candidates<B> {
  let c = cache.get(key);
  if (c === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, (c = derive()));
  }
  return c;
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
