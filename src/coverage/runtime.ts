/**
 * The coverage map that instrumented code writes, in the execution thread of a worker.
 *
 * Instrumented modules claim a range of edge ids at load time (`alloc`), then each site runs
 * `C[b+k]++ || (T[++T[0]] = b+k)`: a 32-bit hit counter per edge plus a "touched list" T of the
 * edges hit since the last reset, so that reading and resetting coverage after an execution
 * (`take`) costs only what the input touched, never the size of the program. Both are Int32Arrays:
 * V8 keeps their elements as machine integers, where a Uint32Array's may not fit one and cost
 * conversions to and from doubles on every site and in `take`. A counter past 2^31 − 1 hits reads
 * negative (128+); one can wrap within one execution (2^32 hits of one edge, seconds of a tight
 * loop): the edge is then listed once more after each wrap, or its counter reads 0 from the list;
 * `take` counts it as 128+. Edge ids are local to one process; `stableEdge` turns them into
 * `file#index` keys that every process agrees on (modules may load in different orders).
 * Rule: nothing here allocates per execution.
 */

/** Name of the global through which instrumented code finds the runtime. */
export const COVERAGE_GLOBAL = '__tsfuzzCov';

/** Most edges one process can hold (8 MiB of counters, committed lazily by the OS). */
export const DEFAULT_EDGE_CAPACITY = 1 << 21;

export interface CoverageModule {
  /** Stable key of the module (its file path or URL). */
  readonly key: string;
  readonly base: number;
  readonly count: number;
}

/** Compare-site hook signature used by instrumented code (wired by the input-to-state issue). */
export type CompareHook = (site: number, left: unknown, right: unknown, op: number) => void;

export class CoverageRuntime {
  /** Hit counters, one per edge (modulo 2^32: a count past 2^31 − 1 reads negative). */
  readonly C: Int32Array;
  /** Touched list: T[0] is the count, T[1..T[0]] the edges hit since the last reset. */
  readonly T: Int32Array;
  readonly modules: CoverageModule[] = [];
  private next = 1; // edge 0 is never used, so a zero in T is never a real edge
  private byKey = new Map<string, CoverageModule>();
  /** Called when a module claims edges; the worker uses it to learn the total. */
  onAlloc: ((m: CoverageModule) => void) | undefined;

  constructor(readonly capacity = DEFAULT_EDGE_CAPACITY) {
    this.C = new Int32Array(capacity);
    this.T = new Int32Array(capacity + 1);
  }

  /**
   * Claims `count` consecutive edge ids for the module `key` and returns the first. A module
   * loaded twice (ESM and CJS copies, or a re-evaluated file) gets the same range back.
   */
  alloc(key: string, count: number): number {
    const known = this.byKey.get(key);
    if (known && known.count === count) return known.base;
    if (this.next + count > this.capacity) {
      // Out of room: share the last block. Coverage there is approximate; say so once.
      if (!this.warned) {
        this.warned = true;
        process.emitWarning(`tsfuzz: more than ${this.capacity} instrumented edges; coverage of ${key} and later modules is approximate`);
      }
      return Math.max(1, this.capacity - count);
    }
    const m: CoverageModule = { key, base: this.next, count };
    this.next += count;
    this.modules.push(m);
    this.byKey.set(key, m);
    this.onAlloc?.(m);
    return m.base;
  }
  private warned = false;

  /** Edges claimed so far by all loaded modules. */
  get totalEdges(): number {
    return this.next - 1;
  }

  /**
   * Reads and clears the counters of the edges touched since the last reset, and empties the
   * touched list. Returns the (edge, bucket bit) pairs whose bit `mask[edge]` does not have yet,
   * or null when there are none (the common case, which allocates nothing). A zero read from the
   * list means the counter wrapped: that edge counts as 128+ only (see wrappedEdge).
   */
  take(mask: Uint8Array): number[] | null {
    const { C, T } = this;
    const n = T[0];
    let found: number[] | null = null;
    for (let i = 1; i <= n; i++) {
      const k = T[i];
      const c = C[k];
      C[k] = 0;
      if (c === 0) {
        found = wrappedEdge(k, found, mask);
        continue;
      }
      const b = bucketBit(c);
      if ((b & ~mask[k]) !== 0) (found ??= []).push(k, b);
    }
    T[0] = 0;
    return found;
  }

  /** As take(), for every touched edge (one pair each), whatever was seen before. */
  takeAll(): number[] {
    const { C, T } = this;
    const n = T[0];
    let found: number[] | null = [];
    for (let i = 1; i <= n; i++) {
      const k = T[i];
      const c = C[k];
      C[k] = 0;
      if (c === 0) found = wrappedEdge(k, found, null);
      else found!.push(k, bucketBit(c));
    }
    T[0] = 0;
    return found!;
  }

  /** Forgets everything hit so far (used after module loading and between batches). */
  reset(): void {
    const { C, T } = this;
    const n = Math.min(T[0], T.length - 1);
    for (let i = 1; i <= n; i++) C[T[i]] = 0;
    T[0] = 0;
  }

  /** `file#index` key of a local edge id, or undefined if no module owns it. */
  stableEdge(edge: number): string | undefined {
    const mods = this.modules;
    let lo = 0;
    let hi = mods.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = mods[mid];
      if (edge < m.base) hi = mid - 1;
      else if (edge >= m.base + m.count) lo = mid + 1;
      else return `${m.key}#${edge - m.base}`;
    }
    return undefined;
  }

  /** Local edge id of a stable key, or undefined if that module is not loaded here (yet). */
  localEdge(stable: string): number | undefined {
    const i = stable.lastIndexOf('#');
    const m = this.byKey.get(stable.slice(0, i));
    if (!m) return undefined;
    const k = Number(stable.slice(i + 1));
    return k < m.count ? m.base + k : undefined;
  }

  readonly compareModules: CoverageModule[] = [];
  private nextCompare = 0;
  private compareByKey = new Map<string, CoverageModule>();

  /**
   * Claims `count` compare-site ids for module `key`, in an id space of their own (compare sites
   * have no counters); the same key and count get the same base back. Ids are unique across the
   * whole program, never a small modulo table.
   */
  allocCompare(key: string, count: number): number {
    const known = this.compareByKey.get(key);
    if (known && known.count === count) return known.base;
    const m: CoverageModule = { key, base: this.nextCompare, count };
    this.nextCompare += count;
    this.compareModules.push(m);
    this.compareByKey.set(key, m);
    return m.base;
  }

  /** Literals of each instrumented module (strings of 2–64 chars, numbers as text), for the dictionary. */
  readonly literals = new Map<string, readonly string[]>();

  addLiterals(key: string, values: string[]): void {
    this.literals.set(key, values);
  }

  /** Compare hook; a no-op until compare tracing is enabled. */
  cmp: CompareHook = () => {};
}

/** Installs (or returns the already installed) runtime on `globalThis`. */
export function installCoverageRuntime(capacity?: number): CoverageRuntime {
  const g = globalThis as Record<string, unknown>;
  const existing = g[COVERAGE_GLOBAL];
  if (existing instanceof CoverageRuntime) return existing;
  const rt = new CoverageRuntime(capacity);
  Object.defineProperty(g, COVERAGE_GLOBAL, { value: rt, enumerable: false, configurable: true, writable: false });
  return rt;
}

/** The bucket bit of 128+ hits, also that of a counter that wrapped. */
export const BUCKET_MAX = 128;

/**
 * The rare path of take(): edge k read 0 from the touched list, so its counter wrapped past 2^32
 * during the execution (the list holds it once more per wrap, or the count stopped at a multiple
 * of 2^32). Its class is 128+: the pair its first listing gave (from the count left after the
 * wrap) is replaced, and 128+ is added if `mask` (null: nothing seen) does not have it.
 */
function wrappedEdge(k: number, found: number[] | null, mask: Uint8Array | null): number[] | null {
  if (found !== null) {
    for (let j = 0; j < found.length; j += 2) {
      if (found[j] === k) {
        found.splice(j, 2);
        break;
      }
    }
  }
  if (mask === null || (BUCKET_MAX & ~mask[k]) !== 0) (found ??= []).push(k, BUCKET_MAX);
  return found !== null && found.length === 0 && mask !== null ? null : found;
}

/**
 * AFL hit-count classes as one bit each: 1, 2, 3, 4–7, 8–15, 16–31, 32–127, 128+.
 * `bucketBit(n)` is 0 for n = 0; a negative n is a counter past 2^31 − 1 (128+).
 */
export function bucketBit(n: number): number {
  return n >= 0 && n < 128 ? BUCKET_LUT[n] : BUCKET_MAX; // (128, not BUCKET_LUT.length: a constant bound)
}

const BUCKET_LUT = (() => {
  const lut = new Uint8Array(128);
  for (let n = 1; n < 128; n++) {
    lut[n] = n === 1 ? 1 : n === 2 ? 2 : n === 3 ? 4 : n < 8 ? 8 : n < 16 ? 16 : n < 32 ? 32 : 64;
  }
  return lut;
})();
