/**
 * Compare tracing in the execution thread: `CompareTrace.record` is installed as the coverage
 * runtime's `cmp` hook and keeps the operands of comparisons — strings, numbers, bigints, byte
 * arrays — that are new or changed at their site, for the input-to-state mutations (mutator/i2s.ts,
 * mutator/cmp.ts). Rules: equal operands cost a couple of checks, and so do the calls a full site
 * skips (63 in 64) and scalar operands a site saw last time; the work per execution is capped
 * (TRACE_LIMITS); user code is never called (no valueOf/toString, no getters or
 * methods of the operands: only intrinsics captured at load, so Proxies and subclasses are inert).
 */

import { isMap, isSet, isUint8Array } from 'node:util/types';
import { CMP } from './compare-ops.js';

/** A recorded operand: strings (≤ maxString units), numbers (never NaN), bigints, byte copies. */
export type CmpValue = string | number | bigint | Uint8Array;

/** One traced comparison: `op` is a CMP code; for Map/Set ops `left` is the probe, `right` a key. */
export interface ComparePair {
  site: number;
  op: number;
  left: CmpValue;
  right: CmpValue;
}

export const TRACE_LIMITS = {
  /** Pairs recorded per execution (startExec/reset refill it). */
  perExec: 64,
  /** Records per site per execution (a compare in a loop cannot eat the whole budget). */
  perSiteExec: 4,
  /** Records per site after which only 1 call in 64 is looked at, until the next reset(). */
  perSiteFull: 64,
  /** Keys looked at (and offered) per Map/Set probe. */
  memberKeys: 16,
  /** Bytes kept of a Uint8Array operand. */
  maxBytes: 64,
  /** UTF-16 units kept of a string operand (a prefix; a suffix for endsWith). */
  maxString: 256,
  /** Pairs kept between takeNew() calls; later ones are dropped (counted in `dropped`). */
  maxPending: 4096,
} as const;

// Intrinsics, captured before user code can patch them.
const typedLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')!.get!;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;
const mapKeys = Map.prototype.keys;
const setValues = Set.prototype.values;
const mapIterNext = Object.getPrototypeOf(new Map().keys()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;
const setIterNext = Object.getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;

/** A value no operand is (in the quick arrays: nothing remembered). */
const NONE: unknown = Object.freeze({});

const SAME = 0;
const THROTTLED = 1;
const RECORD = 2;

const SCALAR = 1;
const BYTES = 2;
/** SCALAR for strings, numbers (not NaN) and bigints; BYTES for Uint8Arrays (Buffers); else 0. */
function classOf(v: unknown): number {
  const t = typeof v;
  if (t === 'string' || t === 'bigint') return SCALAR;
  if (t === 'number') return v === v ? SCALAR : 0;
  return t === 'object' && v !== null && isUint8Array(v) ? BYTES : 0;
}

function copyBytes(v: Uint8Array): Uint8Array {
  const n = Math.min(typedLength.call(v) as number, TRACE_LIMITS.maxBytes);
  const c = new Uint8Array(n);
  for (let i = 0; i < n; i++) c[i] = v[i];
  return c;
}

/** Whether the live array `v` starts with the same bytes as the recorded copy `c` (and is as long, up to the cap). */
function sameBytes(c: unknown, v: Uint8Array): boolean {
  if (!(c instanceof Uint8Array)) return false;
  const n = Math.min(typedLength.call(v) as number, TRACE_LIMITS.maxBytes);
  if (c.length !== n) return false;
  for (let i = 0; i < n; i++) if (c[i] !== v[i]) return false;
  return true;
}

export class CompareTrace {
  private pending: ComparePair[] = [];
  private budget: number = TRACE_LIMITS.perExec;
  private epoch = 1;
  private execId = 1;
  private cap = 0;
  /** Per site: epoch of the remembered operands, records in this epoch, exec id and records in it. */
  private siteEpoch = new Uint32Array(0);
  private siteRecords = new Uint32Array(0);
  /**
   * Per site: calls seen while the site is full (1 in 64 is looked at), counting in advance the
   * ones `gate` lets record() skip.
   */
  private siteCalls = new Uint32Array(0);
  /**
   * Per site: calls record() still skips without calling note(): a full site's next 63 calls after
   * a throttled one (so a full site costs a decrement per call, not the slow path). Cleared by reset().
   */
  private gate = new Int32Array(0);
  private siteExec = new Uint32Array(0);
  private siteExecRecords = new Uint8Array(0);
  private prevL: unknown[] = [];
  private prevR: unknown[] = [];
  /**
   * Per site: the scalar operands remembered while the site is in this epoch and not full, so that
   * record() skips note() for a repeat (whose outcome, SAME, changes nothing); NONE otherwise.
   */
  private quickL: unknown[] = [];
  private quickR: unknown[] = [];
  /** Live iterators of big Maps/Sets, so successive probes offer successive keys. */
  private iters = new WeakMap<object, Iterator<unknown>>();
  /** Pairs dropped because takeNew() was not called for a long time. */
  dropped = 0;

  /**
   * The hook: `runtime.cmp = trace.record` (a bound arrow function: instrumented code calls it
   * as a method of the runtime).
   */
  readonly record = (site: number, left: unknown, right: unknown, op: number): void => {
    if (left !== right && this.budget > 0) {
      const gate = this.gate;
      if (gate[site] > 0) gate[site]--; // a full site, between the calls it looks at
      else if (this.quickL[site] !== left || this.quickR[site] !== right) this.note(site, left, right, op);
    }
  };

  /**
   * The slow path of record() (operands differ, budget left). Scalars are handled here in one
   * deliberately large function (it repeats fresh() and push()): V8 then never inlines it into
   * record(), which stays tiny, so the instrumented helpers that call record() still fit in their
   * callers' inlining budget (measured: executions of a trivial target were 2–3× slower when the
   * slow path got inlined).
   */
  private note(site: number, left: unknown, right: unknown, op: number): void {
    const tl = typeof left;
    if (tl === 'object' || typeof right === 'object') {
      this.objects(site, left, right, op);
      return;
    }
    if (!(tl === 'string' || tl === 'number' || tl === 'bigint')) return;
    const tr = typeof right;
    if (!(tr === 'string' || tr === 'bigint' || (tr === 'number' && right === right)) || left !== left) return;
    if (site >= this.cap) this.grow(site);
    const prevL = this.prevL;
    const prevR = this.prevR;
    if (this.siteEpoch[site] !== this.epoch) {
      this.siteEpoch[site] = this.epoch;
      this.siteRecords[site] = 0;
    } else if (this.siteRecords[site] >= TRACE_LIMITS.perSiteFull && this.throttled(site)) {
      return; // a full site: 1 call in 64 goes on (checked first: the common case in a long batch)
    } else if (prevL[site] === left && prevR[site] === right) {
      return;
    }
    prevL[site] = left;
    prevR[site] = right;
    const full = TRACE_LIMITS.perSiteFull;
    if (this.siteRecords[site] < full) {
      this.quickL[site] = left;
      this.quickR[site] = right;
    }
    if (this.siteExec[site] !== this.execId) {
      this.siteExec[site] = this.execId;
      this.siteExecRecords[site] = 0;
    }
    if (this.siteExecRecords[site] >= TRACE_LIMITS.perSiteExec) return;
    this.siteExecRecords[site]++;
    if (++this.siteRecords[site] >= full) this.quickL[site] = NONE;
    this.budget--;
    if (this.pending.length >= TRACE_LIMITS.maxPending) {
      this.dropped++;
      return;
    }
    const max = TRACE_LIMITS.maxString;
    let l = left as CmpValue;
    let r = right as CmpValue;
    if (typeof l === 'string' && l.length > max) l = op === CMP.ENDS_WITH ? l.slice(l.length - max) : l.slice(0, max);
    if (typeof r === 'string' && r.length > max) r = op === CMP.ENDS_WITH ? r.slice(r.length - max) : r.slice(0, max);
    this.pending.push({ site, op, left: l, right: r });
  }

  /**
   * Counts a call to a full site: true unless it is the 1 in 64 that is looked at. A throttled call
   * also lets record() skip the calls up to the next one looked at (they are counted now).
   */
  private throttled(site: number): boolean {
    const c = ++this.siteCalls[site];
    if ((c & 63) === 0) return false;
    const skip = 63 - (c & 63);
    this.gate[site] = skip;
    this.siteCalls[site] = c + skip;
    return true;
  }

  /** Starts a new execution: refills the per-execution budget. O(1); call before every input. */
  startExec(): void {
    this.budget = TRACE_LIMITS.perExec;
    this.execId = (this.execId + 1) >>> 0 || 1;
  }

  /**
   * Forgets the operands remembered per site and the pairs not taken yet, and starts a new
   * execution: the next input records every comparison it makes (up to the caps). O(sites): the
   * calls full sites were still to skip are given back.
   */
  reset(): void {
    const { gate, siteCalls, quickL } = this;
    for (let i = 0; i < this.cap; i++) {
      if (gate[i] !== 0) {
        siteCalls[i] -= gate[i];
        gate[i] = 0;
      }
      quickL[i] = NONE;
    }
    this.pending = [];
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    this.startExec();
  }

  /** Pairs recorded since the last takeNew() (or reset()), oldest first. */
  takeNew(): ComparePair[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private objects(site: number, left: unknown, right: unknown, op: number): void {
    if (op === CMP.MAP_HAS || op === CMP.MAP_GET || op === CMP.SET_HAS) {
      this.member(site, left, right, op);
      return;
    }
    const cl = classOf(left);
    if (cl === 0) return;
    let cr = classOf(right);
    if (cr === 0 || (cl === SCALAR && cr === SCALAR)) return;
    if (op === CMP.BYTES_INDEX_OF && typeof right === 'number') {
      // buf.indexOf(byte): the needle is one byte
      if (!(right >= 0 && right <= 255 && Number.isInteger(right))) return;
      right = Uint8Array.of(right);
      cr = BYTES;
    }
    // Bytes are remembered as copies and compared by content (targets often make new views).
    const f = this.fresh(site, left, right);
    if (f === SAME) return;
    const l = cl === BYTES ? copyBytes(left as Uint8Array) : clipString(left as CmpValue, op);
    const r = cr === BYTES ? copyBytes(right as Uint8Array) : clipString(right as CmpValue, op);
    if (cl === BYTES) this.prevL[site] = l;
    if (cr === BYTES) this.prevR[site] = r;
    if (f === RECORD) this.push(site, op, l, r);
  }

  /** `probe` against a Map/Set: offers up to memberKeys keys of the probe's type, rotating. */
  private member(site: number, probe: unknown, coll: unknown, op: number): void {
    const tp = typeof probe;
    if (!(tp === 'string' || tp === 'number' || tp === 'bigint') || probe !== probe) return;
    if (typeof coll !== 'object' || coll === null) return;
    const map = isMap(coll);
    if (!map && !isSet(coll)) return;
    if (this.fresh(site, probe, coll) !== RECORD) return;
    const size = (map ? mapSize : setSize).call(coll) as number;
    const next = map ? mapIterNext : setIterNext;
    const fresh = () => (map ? mapKeys : setValues).call(coll as Map<unknown, unknown> & Set<unknown>) as Iterator<unknown>;
    const small = size <= TRACE_LIMITS.memberKeys;
    let it = small ? fresh() : this.iters.get(coll) ?? fresh();
    const p = clipString(probe as CmpValue, op);
    for (let k = 0, n = Math.min(size, TRACE_LIMITS.memberKeys); k < n && this.budget > 0; k++) {
      let r = next.call(it);
      if (r.done) {
        it = fresh();
        r = next.call(it);
        if (r.done) break;
      }
      const key = r.value;
      if (typeof key === tp && key !== probe) this.push(site, op, p, clipString(key as CmpValue, op));
    }
    if (!small) this.iters.set(coll, it);
  }

  /**
   * SAME if (left, right) are the operands remembered for `site`; else remembers them and says
   * RECORD, or THROTTLED when the site used its budget. Bytes: the caller then stores copies.
   */
  private fresh(site: number, left: unknown, right: unknown): number {
    if (site >= this.cap) this.grow(site);
    const prevL = this.prevL;
    const prevR = this.prevR;
    if (this.siteEpoch[site] !== this.epoch) {
      this.siteEpoch[site] = this.epoch;
      this.siteRecords[site] = 0;
    } else if (this.siteRecords[site] >= TRACE_LIMITS.perSiteFull && this.throttled(site)) {
      return THROTTLED;
    } else if (same(prevL[site], left) && same(prevR[site], right)) {
      return SAME;
    }
    prevL[site] = left;
    prevR[site] = right;
    if (this.siteExec[site] !== this.execId) {
      this.siteExec[site] = this.execId;
      this.siteExecRecords[site] = 0;
    }
    if (this.siteExecRecords[site] >= TRACE_LIMITS.perSiteExec) return THROTTLED;
    this.siteExecRecords[site]++;
    this.siteRecords[site]++;
    return RECORD;
  }

  private push(site: number, op: number, left: CmpValue, right: CmpValue): void {
    this.budget--;
    if (this.pending.length >= TRACE_LIMITS.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push({ site, op, left, right });
  }

  private grow(site: number): void {
    const cap = Math.max(site + 1, this.cap * 2, 256);
    const u32 = (a: Uint32Array) => {
      const b = new Uint32Array(cap);
      b.set(a);
      return b;
    };
    this.siteEpoch = u32(this.siteEpoch);
    this.siteRecords = u32(this.siteRecords);
    this.siteCalls = u32(this.siteCalls);
    this.siteExec = u32(this.siteExec);
    const g = new Int32Array(cap);
    g.set(this.gate);
    this.gate = g;
    const e = new Uint8Array(cap);
    e.set(this.siteExecRecords);
    this.siteExecRecords = e;
    for (let i = this.cap; i < cap; i++) {
      this.prevL.push(undefined);
      this.prevR.push(undefined);
      this.quickL.push(NONE);
      this.quickR.push(NONE);
    }
    this.cap = cap;
  }
}

function same(prev: unknown, v: unknown): boolean {
  return prev === v || (prev instanceof Uint8Array && typeof v === 'object' && v !== null && isUint8Array(v) && sameBytes(prev, v));
}

function clipString(v: CmpValue, op: number): CmpValue {
  const max = TRACE_LIMITS.maxString;
  if (typeof v !== 'string' || v.length <= max) return v;
  return op === CMP.ENDS_WITH ? v.slice(v.length - max) : v.slice(0, max);
}
