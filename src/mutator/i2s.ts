/**
 * The input-to-state stage (RedQueen's idea): after an input ran with compare tracing, try right
 * away the inputs in which one operand of a traced comparison, found in the input, is replaced by
 * the other one — in the encodings programs use (cmp-encode.ts) — plus, for startsWith/includes/
 * indexOf-like ops, the wanted operand inserted where the receiver sits, at the start and at the
 * end; typed arguments are set to the other operand (and ± 1). Rule: pure and deterministic (same
 * arguments → same candidates in the same order), only valid values within maxLen, no duplicates.
 */

import { CMP } from '../coverage/compare-ops.js';
import type { CmpValue, ComparePair } from '../coverage/trace.js';
import {
  BIGINT_RANGE, checkValue, INT_RANGE, isBigIntKind, isIntKind, type BigIntKindName, type IntKindName, type Kind, type Value,
} from '../values/kinds.js';
import {
  byteTokens, bytesReplacements, intOf, isComparePair, isContainment, isOrdering, nextAfter, numberOf, pairKey, sameValue,
  textForms, textReplacements,
} from './cmp-encode.js';

/** Occurrences of one needle tried per argument. */
export const I2S_MAX_OCCURRENCES = 8;

type Cand = [number, Value];

/**
 * Candidate inputs for `values` (valid values of `kinds`) from the pairs it compared: each differs
 * from `values` in one argument. Pairs take turns (round robin), so the first `limit` candidates
 * cover as many comparisons as possible. Each candidate is a fresh array with fresh byte arrays.
 */
export function i2sCandidates(
  kinds: readonly Kind[],
  values: readonly Value[],
  pairs: readonly ComparePair[],
  maxLen: number,
  limit = 256,
): Value[][] {
  if (!Array.isArray(values) || values.length !== kinds.length) throw new TypeError(`values must be an array of ${kinds.length} values`);
  kinds.forEach((k, i) => {
    const why = checkValue(k, values[i]);
    if (why !== undefined) throw new TypeError(`value ${i}: ${why}`);
  });
  if (!Number.isInteger(maxLen) || maxLen < 0) throw new RangeError(`maxLen must be an integer >= 0, got ${String(maxLen)}`);
  const seen = new Set<string>(values.map((v, i) => candKey(i, v)));
  const uniq = new Map<string, ComparePair>();
  for (const p of pairs) {
    if (!isComparePair(p) || sameValue(p.left, p.right)) continue;
    const k = pairKey(p);
    if (!uniq.has(k)) uniq.set(k, p);
  }
  let active = [...uniq.values()].map((p) => pairCandidates(kinds, values, p, maxLen));
  const out: Value[][] = [];
  while (active.length > 0 && out.length < limit) {
    const still: Generator<Cand>[] = [];
    for (const g of active) {
      if (out.length >= limit) break;
      for (let r = g.next(); !r.done; r = g.next()) {
        const [i, v] = r.value;
        const key = candKey(i, v);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(values.map((x, j) => (j === i ? v : x instanceof Uint8Array ? x.slice() : x)));
        still.push(g);
        break;
      }
    }
    active = still;
  }
  return out;
}

function candKey(i: number, v: Value): string {
  if (v instanceof Uint8Array) return `${i}b${Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1')}`;
  return `${i}${typeof v}:${Object.is(v, -0) ? '-0' : String(v)}`;
}

function* pairCandidates(kinds: readonly Kind[], values: readonly Value[], p: ComparePair, maxLen: number): Generator<Cand> {
  const contain = isContainment(p.op);
  if (contain) {
    for (let i = 0; i < kinds.length; i++) yield* insertions(i, kinds[i], values[i], p.left, p.right, p.op, maxLen);
  }
  const dirs: [CmpValue, CmpValue][] = contain ? [[p.left, p.right]] : [[p.left, p.right], [p.right, p.left]];
  for (const [a, b] of dirs) {
    for (let i = 0; i < kinds.length; i++) yield* replacements(i, kinds[i], values[i], a, b, p.op, maxLen);
  }
}

const utf8 = new TextEncoder();

/** The other operand when `a` is an empty string or empty bytes and `b` a non-empty one. */
function emptyAgainst(a: CmpValue, b: CmpValue): string | Uint8Array | undefined {
  const aEmpty = (typeof a === 'string' || a instanceof Uint8Array) && a.length === 0;
  if (!aEmpty) return undefined;
  if ((typeof b === 'string' || b instanceof Uint8Array) && b.length > 0) return b;
  return undefined;
}

/** Positions of `needle` in `hay` (at most I2S_MAX_OCCURRENCES, non-overlapping). */
function occurrences<T extends string | Uint8Array>(hay: T, needle: T): number[] {
  const out: number[] = [];
  if (needle.length === 0) return out;
  const h = typeof hay === 'string' ? hay : Buffer.from(hay.buffer, hay.byteOffset, hay.length);
  for (let p = h.indexOf(needle as never); p >= 0 && out.length < I2S_MAX_OCCURRENCES; p = h.indexOf(needle as never, p + needle.length)) out.push(p);
  return out;
}

function spliceBytes(v: Uint8Array, pos: number, del: number, ins: Uint8Array): Uint8Array {
  const out = new Uint8Array(v.length - del + ins.length);
  out.set(v.subarray(0, pos));
  out.set(ins, pos);
  out.set(v.subarray(pos + del), pos + ins.length);
  return out;
}

function spliceString(v: string, pos: number, del: number, ins: string): string {
  return v.slice(0, pos) + ins + v.slice(pos + del);
}

function* replacements(i: number, kind: Kind, v: Value, a: CmpValue, b: CmpValue, op: number, maxLen: number): Generator<Cand> {
  if (kind.kind === 'bytes') {
    const u = v as Uint8Array;
    // An empty operand has no occurrence to replace: put the other one in whole, first, last.
    const want = emptyAgainst(a, b);
    if (want !== undefined) {
      const w = typeof want === 'string' ? utf8.encode(want) : want;
      if (w.length <= maxLen) yield [i, w.slice()];
      if (u.length + w.length <= maxLen && u.length > 0) {
        yield [i, spliceBytes(u, 0, 0, w)];
        yield [i, spliceBytes(u, u.length, 0, w)];
      }
    }
    for (const [n, r] of bytesReplacements(a, b, op)) {
      if (u.length - n.length + r.length > maxLen) continue;
      for (const p of occurrences(u, n)) yield [i, spliceBytes(u, p, n.length, r)];
    }
  } else if (kind.kind === 'string') {
    const s = v as string;
    const want = emptyAgainst(a, b);
    if (typeof want === 'string') {
      if (want.length <= maxLen) yield [i, want];
      if (s.length + want.length <= maxLen && s.length > 0) {
        yield [i, want + s];
        yield [i, s + want];
      }
    }
    for (const [n, r] of textReplacements(a, b, op)) {
      if (s.length - n.length + r.length > maxLen) continue;
      for (const p of occurrences(s, n)) yield [i, spliceString(s, p, n.length, r)];
    }
  } else if (isIntKind(kind.kind) || isBigIntKind(kind.kind)) {
    yield* typedInt(i, kind, v as number | bigint, a, b);
  } else if (kind.kind === 'float64' || kind.kind === 'float32') {
    yield* typedFloat(i, kind, v as number, a, b, op);
  }
}

/**
 * Integer arguments: when `a` is the argument's value (exactly, or after wrapping to the kind's
 * width, as `x >>> 0` or `x & 0xff` do), the argument := b, b + 1, b − 1 (wrapped the same way;
 * an exact match needs b in range). Non-integer b: its floor and ceiling.
 */
function* typedInt(i: number, kind: Kind, v: number | bigint, a: CmpValue, b: CmpValue): Generator<Cand> {
  const ia = intOf(a);
  if (ia === undefined) return;
  const big = typeof v === 'bigint';
  const range = big ? BIGINT_RANGE[kind.kind as BigIntKindName] : INT_RANGE[kind.kind as IntKindName];
  const lo = BigInt(range[0]);
  const hi = BigInt(range[1]);
  const bits = big ? 64 : Math.log2(Number(hi - lo + 1n));
  const wrap = (x: bigint) => (lo < 0n ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x));
  const cur = BigInt(v);
  const exact = ia === cur;
  if (!exact && wrap(ia) !== cur) return;
  let targets: bigint[];
  const ib = intOf(b);
  if (ib !== undefined) targets = [ib, ib + 1n, ib - 1n];
  else {
    const nb = numberOf(b);
    if (nb === undefined || !Number.isFinite(nb) || Math.abs(nb) >= 2 ** 64) return;
    targets = [BigInt(Math.floor(nb)), BigInt(Math.ceil(nb))];
  }
  for (const t of targets) {
    const x = exact ? t : wrap(t);
    if (x < lo || x > hi) continue;
    yield [i, big ? x : Number(x)];
  }
}

/** Float arguments: when `a` is the argument's value, the argument := b, b ± 1 (and b's neighbouring doubles for ordering ops). */
function* typedFloat(i: number, kind: Kind, v: number, a: CmpValue, b: CmpValue, op: number): Generator<Cand> {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na === undefined || nb === undefined || !(na === v)) return;
  const targets = [nb, nb + 1, nb - 1];
  if (isOrdering(op)) targets.push(nextAfter(nb, Infinity), nextAfter(nb, -Infinity));
  for (let t of targets) {
    if (kind.kind === 'float32') t = Math.fround(t);
    if (checkValue(kind, t) === undefined) yield [i, t];
  }
}

/**
 * startsWith/endsWith/includes/indexOf-like ops (left = receiver, right = needle): the needle
 * inserted (or written over) where the receiver occurs in the argument, then at its start and end.
 */
function* insertions(i: number, kind: Kind, v: Value, recv: CmpValue, needle: CmpValue, op: number, maxLen: number): Generator<Cand> {
  const ends = op === CMP.ENDS_WITH;
  const starts = op === CMP.STARTS_WITH;
  if (kind.kind === 'bytes') {
    const u = v as Uint8Array;
    const recvForms = byteTokens(recv, true);
    for (const w of byteTokens(needle, true)) {
      for (const r of recvForms) {
        for (const p of occurrences(u, r)) {
          const at = ends ? p + r.length : p;
          if (u.length + w.length <= maxLen) yield [i, spliceBytes(u, at, 0, w)];
          if (!starts && !ends && u.length + w.length <= maxLen) yield [i, spliceBytes(u, p + r.length, 0, w)];
          const o = ends ? at - w.length : at;
          if (o >= 0) yield* fit(i, spliceBytes(u, o, Math.min(w.length, u.length - o), w), maxLen);
        }
      }
      if (u.length + w.length <= maxLen) {
        yield [i, spliceBytes(u, ends ? u.length : 0, 0, w)];
        yield [i, spliceBytes(u, ends ? 0 : u.length, 0, w)];
      }
    }
  } else if (kind.kind === 'string') {
    const s = v as string;
    const recvForms = textForms(recv);
    for (const w of textForms(needle)) {
      if (w.length === 0) continue;
      for (const r of recvForms) {
        for (const p of occurrences(s, r)) {
          const at = ends ? p + r.length : p;
          if (s.length + w.length <= maxLen) yield [i, spliceString(s, at, 0, w)];
          if (!starts && !ends && s.length + w.length <= maxLen) yield [i, spliceString(s, p + r.length, 0, w)];
          const o = ends ? at - w.length : at;
          if (o >= 0) yield* fit(i, spliceString(s, o, Math.min(w.length, s.length - o), w), maxLen);
        }
      }
      if (s.length + w.length <= maxLen) {
        yield [i, ends ? s + w : w + s];
        yield [i, ends ? w + s : s + w];
      }
    }
  }
}

function* fit(i: number, v: Uint8Array | string, maxLen: number): Generator<Cand> {
  if (v.length <= maxLen) yield [i, v];
}
