/**
 * Value profile (opt-in): the distance between the operands of a comparison, bucketed, becomes a
 * coverage feature, so an input that gets closer to satisfying a comparison is itself interesting.
 *
 * Feature ids live in their own space: feature = site * 65 + bucket (`valueProfileFeature`), so a
 * program with S compare sites has S * 65 possible features; `ValueProfileMap` collects the ones an
 * execution hit (a touched list, like CoverageRuntime's T). Stable names across processes are
 * `vp:<module key>#<site index>:<bucket>` (`valueProfileKey`). Rule: nothing here allocates per hit.
 */

import { isUint8Array } from 'node:util/types';
import { CMP } from './compare-ops.js';
import type { CompareHook, CoverageRuntime } from './runtime.js';

/** Buckets per site: 0 (equal) … 64. */
export const VALUE_PROFILE_BUCKETS = 65;

const f64 = new Float64Array(2);
const u32 = new Uint32Array(f64.buffer);
const TWO32 = 4294967296;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Differing bits of two doubles: integers (|x| ≤ 2^53) as 64-bit two's complement, else IEEE bits. */
function numberBits(a: number, b: number): number {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
    return popcount((a >>> 0) ^ (b >>> 0)) + popcount((Math.floor(a / TWO32) | 0) ^ (Math.floor(b / TWO32) | 0));
  }
  f64[0] = a;
  f64[1] = b;
  return popcount(u32[0] ^ u32[2]) + popcount(u32[1] ^ u32[3]);
}

function bigBits(a: bigint, b: bigint): number {
  const d = BigInt.asUintN(64, a ^ b);
  const n = popcount(Number(d & 0xffffffffn)) + popcount(Number(d >> 32n));
  return n === 0 ? 64 : n; // equal low 64 bits but a !== b: differ above bit 63
}

/** 1 + 2·min(common prefix, 31) + (same length ? 1 : 0), for unequal sequences: 1..64. */
function prefixBucket(a: ArrayLike<number> | string, b: ArrayLike<number> | string, str: boolean): number {
  const n = Math.min(a.length, b.length, 31);
  let p = 0;
  if (str) {
    const s = a as string;
    const t = b as string;
    while (p < n && s.charCodeAt(p) === t.charCodeAt(p)) p++;
  } else {
    const s = a as ArrayLike<number>;
    const t = b as ArrayLike<number>;
    while (p < n && s[p] === t[p]) p++;
  }
  return 1 + 2 * p + (a.length === b.length ? 1 : 0);
}

/**
 * Distance bucket of two compared operands, 0..64; 0 means equal. Numbers and bigints: the number
 * of differing bits of their 64-bit patterns (integers in two's complement, other doubles as IEEE
 * bits), at least 1 when unequal. Strings and byte arrays: 1 + 2·min(common prefix, 31) + 1 if the
 * lengths are equal (higher = closer). Anything else (mixed or other types): 64.
 */
export function distanceBucket(left: unknown, right: unknown): number {
  if (left === right) return 0;
  const tl = typeof left;
  const tr = typeof right;
  if (tl === 'number' && tr === 'number') return Math.max(1, numberBits(left as number, right as number));
  if (tl === 'string' && tr === 'string') return prefixBucket(left as string, right as string, true);
  if (tl === 'bigint' || tr === 'bigint') {
    const a = toBig(left);
    const b = toBig(right);
    if (a !== undefined && b !== undefined) return a === b ? 0 : bigBits(a, b);
    if (tl === 'number' || tr === 'number') return Math.max(1, numberBits(Number(left), Number(right)));
    return 64;
  }
  if (isBytes(left) && isBytes(right)) return sameBytes(left, right) ? 0 : prefixBucket(left, right, false);
  return 64;
}

function isBytes(v: unknown): v is Uint8Array {
  return typeof v === 'object' && v !== null && isUint8Array(v);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function toBig(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
}

/** Feature id of (compare site, bucket): site * 65 + bucket. */
export function valueProfileFeature(site: number, bucket: number): number {
  return site * VALUE_PROFILE_BUCKETS + bucket;
}

/**
 * The value-profile features one execution hit: `hit` marks a feature once (flag + touched list
 * `T`, T[0] = count); the worker walks T[1..T[0]] after the execution, then calls reset().
 * Features beyond `capacity` are ignored.
 */
export class ValueProfileMap {
  readonly flags: Uint8Array;
  readonly T: Uint32Array;

  constructor(readonly capacity = 1 << 22) {
    this.flags = new Uint8Array(capacity);
    this.T = new Uint32Array(capacity + 1);
  }

  hit(site: number, bucket: number): void {
    const f = site * VALUE_PROFILE_BUCKETS + bucket;
    if (f < this.capacity && this.flags[f] === 0) {
      this.flags[f] = 1;
      this.T[++this.T[0]] = f;
    }
  }

  /** Clears what the last execution hit (cost: what it touched). */
  reset(): void {
    const { flags, T } = this;
    for (let i = 1, n = T[0]; i <= n; i++) flags[T[i]] = 0;
    T[0] = 0;
  }

  /**
   * A compare hook that records the distance of scalar/byte operands (Map/Set probes excluded),
   * then calls `next` (the trace's record, or nothing): install as `runtime.cmp` when profiling.
   */
  hook(next?: CompareHook): CompareHook {
    return (site, left, right, op) => {
      if (left === right) this.hit(site, 0);
      else if (op < CMP.MAP_HAS || op > CMP.SET_HAS) {
        const t = typeof left;
        if (t === 'string' || t === 'number' || t === 'bigint' || isBytes(left)) {
          const u = typeof right;
          if (u === 'string' || u === 'number' || u === 'bigint' || isBytes(right)) this.hit(site, distanceBucket(left, right));
        }
      }
      if (next) next(site, left, right, op);
    };
  }
}

/** Stable name of a feature: `vp:<module key>#<site index in module>:<bucket>`; undefined if no module owns the site. */
export function valueProfileKey(rt: CoverageRuntime, feature: number): string | undefined {
  const site = Math.floor(feature / VALUE_PROFILE_BUCKETS);
  const bucket = feature - site * VALUE_PROFILE_BUCKETS;
  const mods = rt.compareModules;
  let lo = 0;
  let hi = mods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = mods[mid];
    if (site < m.base) hi = mid - 1;
    else if (site >= m.base + m.count) lo = mid + 1;
    else return `vp:${m.key}#${site - m.base}:${bucket}`;
  }
  return undefined;
}

/** Local feature id of a stable name, or undefined if that module is not loaded here (yet). */
export function localValueProfileFeature(rt: CoverageRuntime, key: string): number | undefined {
  const m = /^vp:(.*)#(\d+):(\d+)$/s.exec(key);
  if (!m) return undefined;
  const mod = rt.compareModules.find((c) => c.key === m[1]);
  const index = Number(m[2]);
  const bucket = Number(m[3]);
  if (!mod || index >= mod.count || bucket >= VALUE_PROFILE_BUCKETS) return undefined;
  return valueProfileFeature(mod.base + index, bucket);
}
