/**
 * The WebAssembly bytes chain: for a target whose only argument is bytes, each input's mutation
 * step (chain start, draw among kinds, the mutation) runs in one call into kernel/bytes-chain.ts, compiled to
 * bytes-chain.wasm beside this file. mutator.ts uses it whenever it loads; the sequence is the
 * same bit for bit as the JavaScript path (bytes.ts, common.ts, cmp.ts are its definition, and
 * kernel.test.ts compares whole sequences), so processes may mix the two freely.
 *
 * Why: the draw among ~28 kinds and the chain around it cost more in JavaScript than the mutations'
 * own work (calls V8 cannot inline, objects chased); here they are one call into one function.
 * Measured with `node bench/run.mjs speed` (trivial target, inputs ≤ 64 bytes, same machine, same
 * hour): the mutator loop went from 9.9M to 13.4M inputs a second (8.3M to 11.3M with a
 * comparison table and splice pool), tsfuzz with one worker from 5.2M to 5.8M executions a second
 * (6.3M to 7.6M with --no-cmp-trace).
 *
 * Memory: one instance per thread, its linear memory shared by every chain in the thread. Each
 * chain owns blocks (its header, tables, base and working value; its token and donor lists) from
 * a size-class allocator here; the kernel never allocates. Donor values and comparison operands
 * are copied in once per object and shared (the splice pool only grows from batch to batch).
 * Blocks go back when a Mutator is disposed or collected.
 *
 * The memory never grows in place. WebAssembly's memory.grow detaches the old ArrayBuffer, and the
 * first detach in a thread makes V8 add a "was it detached?" check to every typed-array access
 * that thread compiles from then on (it drops the ArrayBufferDetaching protector): the fuzzed
 * code's own Uint8Array reads, the coverage counters and the kernel's views alike. Measured: a
 * Uint8Array loop 1.7× slower after a detach; `tsfuzz fuzz bench/targets/trivial.fuzz.ts
 * --parallel=1 --max-len=64`, 3 alternating 5 s rounds, 5.56M executions a second with the memory
 * growing against 6.28M with one that never had to. So when a block does not fit, a
 * memory twice the size (at least) is made, the used part copied over, and the module
 * instantiated again over it (addresses stay the same; the kernel keeps no state between calls
 * outside the memory). Views are re-made when `generation` moved.
 */

import { readFileSync } from 'node:fs';
import type { Rng, RngState } from '../util/rng.js';
import {
  bytesArith16, bytesArith32, bytesArith64, bytesArith8, bytesAsciiCase, bytesAsciiDigit, bytesBitFlip, bytesCopy,
  bytesCrossover, bytesDuplicate, bytesInsertConstant, bytesInsertRandom, bytesInsertToken, bytesInteresting16,
  bytesInteresting32, bytesInteresting8, bytesOverwriteConstant, bytesOverwriteToken, bytesRemove, bytesShuffle,
  bytesSpliceInsert, bytesSwapByte, bytesSwapRanges, bytesTruncate, bytesXor, type BytesMutator,
} from './bytes.js';
import { cmpInsert, cmpReplace } from './cmp.js';
import type { BytesWork } from './common.js';
import { copyBytesOut, LentBytes } from './output.js';
import type { Packed } from './packed.js';

/** The kinds by kernel id (kernel/bytes-chain.ts `Kind`). */
const KINDS: readonly BytesMutator[] = [
  bytesRemove, bytesInsertRandom, bytesDuplicate, bytesCopy, bytesBitFlip, bytesXor, bytesSwapByte, bytesArith8,
  bytesArith16, bytesArith32, bytesArith64, bytesInteresting8, bytesInteresting16, bytesInteresting32,
  bytesInsertConstant, bytesOverwriteConstant, bytesShuffle, bytesSwapRanges, bytesAsciiDigit, bytesAsciiCase,
  bytesTruncate, bytesInsertToken, bytesOverwriteToken, bytesSpliceInsert, bytesCrossover, cmpInsert, cmpReplace,
];

/** Longest value a chain takes here (longer maxLen: the JavaScript path). */
const KERNEL_MAX_LEN = 1 << 24;

// Header fields, as Int32Array indices (kernel/bytes-chain.ts gives byte offsets, 4× these).
const H_RNG = 0;
const H_CHAIN_RNG = 4;
const H_LEN = 8;
const H_MAX = 9;
const H_BASE_LEN = 10;
const H_STEP = 11;
const H_CHAIN_LEN = 12;
const H_PRISTINE = 13;
const H_DIRTY = 14;
const H_WORK = 16;
const H_BASE = 17;
const H_TABLE = 18;
const H_TABLE_N = 19;
const H_GROW = 20;
const H_GROW_N = 21;
const H_TOK_N = 22;
const H_TOK = 23;
const H_DON_N = 24;
const H_DON = 25;
const H_CTOK_N = 26;
const H_CTOK = 27;
const H_CREP_N = 28;
const H_CREP_UNITS = 29;
const H_CREP_SPANS = 30;
const H_CMETA = 31;
const H_HOT = 32;
const H_HOT_N = 33;
const H_CBASE_WHOLE = 34;
/** Header bytes, then the two kind tables (64 ids each). */
const HEADER = 192;
const TABLES = 128;

// The few WebAssembly names used here (the project's lib has no DOM types, where they live).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
};

interface Exports {
  heapBase(): number;
  reset(ctx: number): void;
  advance(ctx: number): number;
}

let wasm: Exports | null | undefined;
let module: object;
let memory: WasmMemory;
let advanceIn: (ctx: number) => number;
/** Bumped whenever the memory is replaced by a larger one (views over the old one are stale). */
let generation = 0;
let top = 0;
const freeLists: number[][] = [];
const PAGE = 65536;
/**
 * The first memory's size in pages: 32 MiB, so that most runs never replace it. Pages the kernel
 * never touches cost nothing (a worker's RSS was the same, ~131 MB, with 1 MiB and with 32 MiB),
 * and each replacement costs more than its copy: calls into a second instance make the fuzz loop's
 * call site polymorphic, 3.1 against 6.8 ns a call (measured in a micro-benchmark).
 */
const FIRST_PAGES = 512;

/** Instantiates the module over `mem` (the memory it imports) and makes it the thread's kernel. */
function instantiate(mem: WasmMemory): Exports {
  const exports = new WebAssembly.Instance(module, { env: { memory: mem } }).exports as unknown as Exports;
  wasm = exports;
  memory = mem;
  advanceIn = exports.advance;
  return exports;
}

function instance(): Exports | null {
  if (wasm !== undefined) return wasm;
  try {
    module = new WebAssembly.Module(readFileSync(new URL('./bytes-chain.wasm', import.meta.url)));
    const exports = instantiate(new WebAssembly.Memory({ initial: FIRST_PAGES }));
    top = (exports.heapBase() + 15) & ~15;
    return exports;
  } catch {
    return (wasm = null); // no WebAssembly (node --jitless) or no bytes-chain.wasm: the JavaScript path
  }
}

/**
 * Moves the kernel to a new memory of at least `bytes` (and at least twice the old size): the used
 * part is copied, the module instantiated over it. The old memory is left to the collector, never
 * detached (see the top comment). Throws KernelFull when no such memory can be had.
 */
function enlarge(bytes: number): void {
  const old = memory.buffer;
  const pages = Math.max(Math.ceil(bytes / PAGE), 2 * (old.byteLength / PAGE));
  try {
    const next = new WebAssembly.Memory({ initial: pages });
    new Uint8Array(next.buffer).set(new Uint8Array(old, 0, top));
    instantiate(next); // (changes nothing unless it succeeds)
  } catch {
    throw new KernelFull('tsfuzz: the WebAssembly mutator\'s memory cannot grow');
  }
  generation++;
}

/** Bytes of the kernel's memory in this thread (0 before it loads); for tests. */
export function kernelMemoryBytes(): number {
  return wasm ? memory.buffer.byteLength : 0;
}

/** Whether chains can run in WebAssembly in this thread. */
export function kernelAvailable(): boolean {
  return instance() !== null;
}

const sizeClass = (size: number): number => (size <= 256 ? 8 : 32 - Math.clz32(size - 1));
/** The bytes a block of `size` really takes (its size class). */
const blockBytes = (size: number): number => 2 ** sizeClass(size);

/** A block of at least `size` bytes (16-byte aligned); throws KernelFull when no larger memory can be had. */
function alloc(size: number): number {
  const c = sizeClass(size);
  const reused = (freeLists[c] ??= []).pop();
  if (reused !== undefined) return reused;
  const end = top + 2 ** c;
  if (end > memory.buffer.byteLength) enlarge(end);
  const p = top;
  top = end;
  return p;
}

function release(ptr: number, size: number): void {
  freeLists[sizeClass(size)].push(ptr);
}

/** A kernel list at `at`: `items` as (pointer, length) pairs of 32-bit words. */
function writeList(at: number, items: readonly { ptr: number; len: number }[]): void {
  const a = new Int32Array(memory.buffer, at, 2 * items.length);
  items.forEach((it, i) => {
    a[2 * i] = it.ptr;
    a[2 * i + 1] = it.len;
  });
}

/** A block holding the kernel list of `items`. */
function listBlock(items: readonly { ptr: number; len: number }[]): { ptr: number; size: number } {
  const size = Math.max(8, 8 * items.length);
  const ptr = alloc(size);
  writeList(ptr, items);
  return { ptr, size };
}

/** Copies of shared objects (splice donors, comparison operand tables), freed with their object. */
const copies = new WeakMap<object, { ptr: number; size: number }>();
const copiesGone = new FinalizationRegistry<{ ptr: number; size: number }>((b) => {
  release(b.ptr, b.size);
  copied -= blockBytes(b.size);
});
/**
 * Bytes of copies held at most (a corpus of large entries is a large splice pool): past it a chain
 * is not made, or a running one hands over to JavaScript (Mutator, KernelFull).
 */
let copiesMax = 256 << 20;
let copied = 0;

/** For tests: lowers (or restores) the budget of copies. */
export function setKernelCopiesMax(bytes: number): void {
  copiesMax = bytes;
}

/** Thrown when the kernel cannot take a chain's material: its memory cannot grow, or the copies budget is spent. */
export class KernelFull extends RangeError {}

/** The block made for `key` (`size` bytes, filled by `write`) once, shared, and freed with `key`. */
function sharedBlock(key: object, size: number, write: (ptr: number) => void): number {
  const known = copies.get(key);
  if (known) return known.ptr;
  const b = { ptr: 0, size: Math.max(1, size) };
  if (copied + blockBytes(b.size) > copiesMax) throw new KernelFull('tsfuzz: the WebAssembly mutator\'s copies are full');
  b.ptr = alloc(b.size);
  write(b.ptr);
  copied += blockBytes(b.size);
  copies.set(key, b);
  copiesGone.register(key, b);
  return b.ptr;
}

/** A shared copy of `data`'s bytes (see sharedBlock). */
function copyOf(key: object, data: Uint8Array | Int32Array): number {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return sharedBlock(key, bytes.length, (ptr) => new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes));
}

/** The comparison operands to insert, as a kernel list (shared by every chain of the same table). */
function cmpTokensOf(p: Packed<Uint8Array>): number {
  if (p.count === 0) return 0;
  const data = copyOf(p.units, p.units);
  return sharedBlock(p, 8 * p.count, (ptr) => {
    const items: { ptr: number; len: number }[] = [];
    for (let i = 0; i < p.count; i++) items.push({ ptr: data + p.spans[2 * i], len: p.spans[2 * i + 1] });
    writeList(ptr, items);
  });
}

/** A generator state from four header words. */
function stateAt(h: Int32Array, i: number): RngState {
  return [h[i] >>> 0, h[i + 1] >>> 0, h[i + 2] >>> 0, h[i + 3] >>> 0];
}

/** The blocks a chain owns, given back when its Mutator is disposed or collected. */
interface Owned {
  blocks: { ptr: number; size: number }[];
  /** The donor list (replaced by each setTables). */
  donors: { ptr: number; size: number } | undefined;
  /** cmpMeta and cmpHot for the current base (replaced by each setBase). */
  meta: { ptr: number; size: number } | undefined;
}
function releaseOwned(o: Owned): void {
  for (const b of o.blocks) release(b.ptr, b.size);
  o.blocks.length = 0;
  if (o.donors) release(o.donors.ptr, o.donors.size);
  o.donors = undefined;
  if (o.meta) release(o.meta.ptr, o.meta.size);
  o.meta = undefined;
}
const chainsGone = new FinalizationRegistry<Owned>(releaseOwned);

function kindIds(table: readonly BytesMutator[]): number[] {
  return table.map((f) => {
    const id = KINDS.indexOf(f);
    if (id < 0) throw new Error(`internal: the WebAssembly chain has no kind ${f.name}`);
    return id;
  });
}

/**
 * One chain of one bytes argument in the kernel. `w` is the argument's JavaScript work
 * (args.ts BytesArg): its tokens, donors and comparison tables are mirrored here, and its buffer
 * is pointed at this chain's value.
 */
export class BytesKernel {
  private readonly owned: Owned = { blocks: [], donors: undefined, meta: undefined };
  private readonly ctx: number;
  private readonly cap: number;
  private gen = -1;
  private hdr!: Int32Array;
  private work!: Uint8Array;
  private words!: Int32Array;
  private readonly lent = new LentBytes();
  private len = 0;

  /**
   * A chain for `w` (max ≥ 1), or undefined when WebAssembly is unavailable or out of memory.
   * (Comparison needles are never empty: cmp-encode.ts bytesReplacements skips them.)
   */
  static create(w: BytesWork): BytesKernel | undefined {
    if (w.max < 1 || w.max > KERNEL_MAX_LEN || instance() === null) return undefined;
    try {
      return new BytesKernel(w);
    } catch (e) {
      if (e instanceof KernelFull) return undefined;
      throw e;
    }
  }

  private constructor(private readonly w: BytesWork) {
    this.cap = (w.max + 15) & ~7;
    const size = HEADER + TABLES + 2 * this.cap;
    this.ctx = this.own(size);
    chainsGone.register(this, this.owned, this);
    try {
      this.init(w);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  private init(w: BytesWork): void {
    // The dictionary tokens (this Mutator's own copies): their list, then their bytes, in one block.
    const tokBytes = w.tokens.reduce((n, t) => n + t.length, 0);
    const tokPtr = this.own(8 * w.tokens.length + tokBytes + 8);
    let at = tokPtr + 8 * w.tokens.length;
    const items = w.tokens.map((t) => {
      new Uint8Array(memory.buffer, at, t.length).set(t);
      at += t.length;
      return { ptr: at - t.length, len: t.length };
    });
    writeList(tokPtr, items);
    const ctok = cmpTokensOf(w.cmpTokens);
    const reps = w.cmpReplace;
    const repUnits = reps.count > 0 ? copyOf(reps.units, reps.units) : 0;
    const repSpans = reps.count > 0 ? copyOf(reps.spans, reps.spans) : 0;
    this.views();
    const h = this.hdr;
    new Uint8Array(memory.buffer, this.ctx, HEADER + TABLES).fill(0); // (a reused block holds an old chain's fields)
    h[H_MAX] = w.max;
    h[H_WORK] = this.ctx + HEADER + TABLES + this.cap;
    h[H_BASE] = this.ctx + HEADER + TABLES;
    h[H_TABLE] = this.ctx + HEADER;
    h[H_GROW] = this.ctx + HEADER + 64;
    h[H_TOK] = tokPtr;
    h[H_TOK_N] = items.length;
    h[H_CTOK] = ctok;
    h[H_CTOK_N] = w.cmpTokens.count;
    h[H_CREP_N] = reps.count >> 1;
    h[H_CREP_UNITS] = repUnits;
    h[H_CREP_SPANS] = repSpans;
  }

  private own(size: number): number {
    const ptr = alloc(size);
    this.owned.blocks.push({ ptr, size });
    return ptr;
  }

  /** (Re)makes the views over the memory if it was replaced since (enlarge). */
  private views(): void {
    if (this.gen === generation) return;
    const buffer = memory.buffer;
    this.hdr = new Int32Array(buffer, this.ctx, HEADER >> 2);
    const work = this.ctx + HEADER + TABLES + this.cap;
    this.work = new Uint8Array(buffer, work, this.cap);
    this.words = new Int32Array(buffer, work, this.cap >> 2);
    this.w.buf = this.work;
    this.w.words = this.words;
    this.gen = generation;
  }

  /** Mirrors the argument's kind tables and donors (after BytesArg.setDonors). */
  setTables(table: readonly BytesMutator[], grow: readonly BytesMutator[]): void {
    const donors = this.w.donors.map((d) => ({ ptr: copyOf(d, d), len: d.length }));
    const list = listBlock(donors);
    if (this.owned.donors) release(this.owned.donors.ptr, this.owned.donors.size);
    this.owned.donors = list;
    this.views();
    const h = this.hdr;
    const t = kindIds(table);
    const g = kindIds(grow);
    const bytes = new Uint8Array(memory.buffer, this.ctx + HEADER, TABLES);
    bytes.set(t, 0);
    bytes.set(g, 64);
    h[H_TABLE_N] = t.length;
    h[H_GROW_N] = g.length;
    h[H_DON] = list.ptr;
    h[H_DON_N] = donors.length;
  }

  /** The base value, its first `len` bytes (len ≤ max), after BytesArg.setBase (cmp.ts setCmpBase) ran. */
  setBase(base: Uint8Array, len: number): void {
    const w = this.w;
    let meta = 0;
    let hot = 0;
    if (w.cmpReplace.count > 0) {
      const size = 4 * (w.cmpMeta.length + w.cmpHot.length) + 8;
      const old = this.owned.meta;
      if (old === undefined || sizeClass(old.size) !== sizeClass(size)) {
        if (old) release(old.ptr, old.size);
        this.owned.meta = undefined; // (released: not to be released again if alloc throws)
        this.owned.meta = { ptr: alloc(size), size };
      }
      meta = this.owned.meta!.ptr;
      hot = meta + 4 * w.cmpMeta.length;
      new Int32Array(memory.buffer, meta, w.cmpMeta.length).set(w.cmpMeta);
      new Int32Array(memory.buffer, hot, w.cmpHot.length).set(w.cmpHot);
    }
    this.views();
    const h = this.hdr;
    // (From ctx, not read back from the header: an Int32Array gives addresses past 2 GiB negative.)
    new Uint8Array(memory.buffer, this.ctx + HEADER + TABLES, len).set(base.subarray(0, len));
    h[H_BASE_LEN] = len;
    h[H_CMETA] = meta;
    h[H_HOT] = hot;
    h[H_HOT_N] = w.cmpHot.length;
    h[H_CBASE_WHOLE] = w.cmpBase !== undefined ? 1 : 0;
  }

  /** Starts over from the base with the generator in `rng`'s state (start(), rebuild()). */
  restart(rng: Rng): void {
    this.views();
    rng.writeTo(this.hdr, H_RNG);
    this.hdr[H_STEP] = 0;
    wasm!.reset(this.ctx);
  }

  /** The generator's state at the start of the current chain. */
  chainState(): RngState {
    this.views();
    return stateAt(this.hdr, H_CHAIN_RNG);
  }

  /** One step (Mutator.advance); whether it started a chain. */
  advance(): boolean {
    if (this.gen !== generation) this.views();
    const r = advanceIn(this.ctx);
    this.len = r >>> 2;
    return (r & 1) !== 0;
  }

  /** The current value as a lent array (output.ts LentBytes). */
  lend(): Uint8Array {
    return this.lent.lend(this.work, this.words, this.len);
  }

  /** The current value in a fresh array of its own. */
  produce(): Uint8Array {
    return copyBytesOut(this.work, this.len);
  }

  /**
   * The chain's state, for the JavaScript path to go on from it (Mutator, after KernelFull): the
   * value goes back into the work's own JavaScript arrays; the generator's states (now, and at the
   * chain's start), the step, the chain's length and whether the value changed since the base.
   */
  detach(): { rng: RngState; chainRng: RngState | undefined; step: number; chainLen: number; dirty: boolean } {
    this.views();
    const h = this.hdr;
    const w = this.w;
    const len = h[H_LEN];
    const buf = new Uint8Array((Math.min(w.max, Math.max(len, 64)) + 7) & ~7);
    buf.set(this.work.subarray(0, len));
    w.buf = buf;
    w.words = new Int32Array(buf.buffer);
    w.len = len;
    w.pristine = h[H_PRISTINE] !== 0;
    // The chain's start (also at a chain boundary: a checkpoint of the last input needs it); all
    // zero only before the first chain of the chain's life, where nothing reads it.
    const chainRng = stateAt(h, H_CHAIN_RNG);
    return {
      rng: stateAt(h, H_RNG), chainRng: chainRng.some((x) => x !== 0) ? chainRng : undefined,
      step: h[H_STEP], chainLen: h[H_CHAIN_LEN], dirty: h[H_DIRTY] !== 0,
    };
  }

  /** Gives the chain's blocks back (the kernel must not be used afterwards). */
  dispose(): void {
    chainsGone.unregister(this);
    releaseOwned(this.owned);
  }
}
