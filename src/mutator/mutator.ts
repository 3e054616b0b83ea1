/**
 * The mutator: from a base corpus entry and a seed, a deterministic sequence of new inputs.
 *
 * The engine's fuzz loop calls `next()` once per execution; after a worker dies, another process
 * rebuilds an input with `replayInput`. Rule (hard): the same kinds, options, splice pool, base and
 * seed give a bit-identical sequence in every process; nothing depends on time, Math.random, buffer
 * capacities or anything the target did with its copies.
 */

import { checkValue, isKindName, type Kind, type Value } from '../values/kinds.js';
import { Rng } from '../util/rng.js';
import type { ComparePair } from '../coverage/trace.js';
import { BytesArg, makeArg, type Arg, type Dictionary } from './args.js';
import { CmpTable } from './cmp.js';
import { BytesKernel, KernelFull } from './kernel.js';
import { dictionaryNumbers } from './numbers.js';
import { unitsOfString } from './output.js';

export interface MutatorOptions {
  /**
   * Max length of each bytes argument (bytes) and each string argument (UTF-16 code units), an
   * integer ≥ 0. No produced value is longer: a longer base value is cut to its first maxLen
   * units when a chain starts (a string one unit shorter if the cut would split a surrogate pair),
   * so even the unmutated parts of a chain respect it. With maxLen 0 such arguments stay empty.
   */
  maxLen: number;
  /**
   * Dictionary tokens (raw bytes). Bytes arguments insert or overwrite them; string arguments use
   * them decoded as UTF-8; number arguments use tokens that read as numbers ("1234", "-5", "0x7f",
   * "1.5") and, for integers, 1/2/4/8-byte tokens read in both byte orders. Empty tokens and
   * tokens longer than maxLen are ignored. May be empty.
   */
  dictionary?: readonly Uint8Array[];
  /**
   * Traced comparisons (coverage/trace.ts pairs, e.g. kept by the engine from earlier batches; see
   * mergeComparisons). Bytes and string arguments replace an occurrence of one operand by the
   * other in any encoding a program uses (raw, UTF-8, Latin-1, LE/BE integers, decimal text,
   * IEEE floats) or insert an operand; numeric arguments are set to an operand or operand ± 1
   * (cmp.ts). Part of the sequence like the dictionary: the same table gives the same inputs, an
   * empty or absent table changes nothing. The first CMP_TABLE_MAX distinct pairs are used. Do
   * not modify the array after passing it (derived material is cached per array; see cmpTableOf).
   */
  comparisons?: readonly ComparePair[];
  /**
   * false: never the WebAssembly chain (kernel.ts), always the JavaScript path; the default uses
   * it for a single bytes argument when it loads. Both give the same sequence (kernel.test.ts
   * compares them with this option).
   */
  kernel?: boolean;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Derived tables by comparisons array: a batch's mutator, its shadow and its replays share one
 * (deriving takes milliseconds). A table array must not be modified once passed (build a new one,
 * as mergeComparisons does); a changed length is detected and re-derived.
 */
const cmpTables = new WeakMap<readonly ComparePair[], { n: number; table: CmpTable }>();
function cmpTableOf(pairs: readonly ComparePair[]): CmpTable {
  const hit = cmpTables.get(pairs);
  if (hit && hit.n === pairs.length) return hit.table;
  const table = new CmpTable(pairs);
  cmpTables.set(pairs, { n: pairs.length, table });
  return table;
}

/** See Mutator.checkpoint(). */
export interface ChainCheckpoint {
  rng: [number, number, number, number];
  steps: number;
}

/** The longest chain: each chain stacks 1..CHAIN_MAX mutations (uniformly drawn) on the base. */
export const CHAIN_MAX = 5;

/**
 * Generates inputs as chains of stacked mutations, Go style:
 *
 * - A chain starts from the base entry and has a length L drawn uniformly in 1..CHAIN_MAX. Each
 *   `next()` applies one more single mutation to the chain's working values and returns a copy, so
 *   a chain yields L inputs that are 1, 2, …, L mutations away from the base; then the next chain
 *   starts from the base again (only arguments the previous chain changed are reset).
 * - A single mutation picks one argument with odds by kind: bytes and strings 3, every other kind
 *   1, and 0 for bytes/strings with maxLen 0 (with one argument no draw is spent). Then it draws a
 *   mutation uniformly from that argument's table (bytes.ts, strings.ts, numbers.ts, floats.ts),
 *   redrawing while the drawn one does not apply (at most 64 draws). An empty bytes/string value
 *   draws only from the mutations that grow it.
 * - Splice and dictionary mutations join the tables only when the pool holds a usable value for
 *   that argument or the dictionary a usable token.
 *
 * Measured and rejected: keeping one mutation kind (or one pattern of kinds per chain step) for
 * runs of 64 inputs lets the processor predict the mutator's calls and branches, ~1.2–1.4×
 * executions per second on a trivial target, but the search got worse: 15–40% more executions to
 * find test/fixtures/deep12 without compare tracing (32 seeds), and homogeneous chains alone cost
 * 15–28%. Kinds are drawn anew for every single mutation.
 *
 * Where a bytes input's ~100 ns go (bench/mutator-loop.mjs, trivial target, inputs ≤ 64 bytes):
 * with one kind in the table (bit flip) an input costs ~42 ns, with four cheap kinds ~68 ns, with
 * the whole table ~103 ns; so the draw among kinds (calls V8 cannot inline, mispredicted jumps)
 * and the chain around it cost more than the mutations' own work. Measured and rejected: the 21
 * value-only byte mutations in a WebAssembly kernel (AssemblyScript, bit for bit the same
 * sequences), called per mutation: no gain in inputs per second (8.5–9.1M in JavaScript against
 * 9.3–9.6M; 7.6–8.1M against 7.1–7.8M with a comparison table). A prototype that ran the chain,
 * the draw and those 21 kinds all inside WebAssembly made an input in ~66 ns against ~120 ns.
 * Hence kernel.ts: for a single bytes argument the whole step runs in WebAssembly (its comment has
 * the numbers).
 *
 * A Mutator with the kernel holds memory outside the JavaScript heap until dispose() (or until it
 * is collected): call dispose() when done with it.
 */
export class Mutator {
  private readonly args: Arg[];
  /** pick[k] = argument index, each argument repeated `weight` times. */
  private readonly pick: number[] = [];
  private readonly dirty: boolean[];
  private rng = new Rng(0);
  private started = false;
  private step = 0;
  private chainLen = 0;
  private produced = 0;
  /** Generator state and input count at the start of the current chain (for rebuild()). */
  private readonly chainRng = new Rng(0);
  private chainProduced = 0;
  /** The WebAssembly chain of a single bytes argument, if it runs there (kernel.ts). */
  private kernel: BytesKernel | undefined;
  private disposed = false;

  constructor(readonly kinds: readonly Kind[], options: MutatorOptions) {
    const { maxLen } = options;
    if (!Number.isInteger(maxLen) || maxLen < 0) throw new RangeError(`maxLen must be an integer >= 0, got ${String(maxLen)}`);
    for (const k of kinds) {
      if (!k || !isKindName(k.kind)) throw new TypeError(`unknown argument kind ${JSON.stringify(k?.kind)}`);
    }
    const tokens = (options.dictionary ?? []).filter((t) => {
      if (!(t instanceof Uint8Array)) throw new TypeError('dictionary tokens must be Uint8Arrays');
      return t.length > 0;
    });
    const { ints, floats } = dictionaryNumbers(tokens);
    const dict: Dictionary = {
      bytes: tokens.map((t) => t.slice()),
      units: tokens.map((t) => unitsOfString(utf8.decode(t))),
      ints,
      floats,
    };
    const cmp = options.comparisons;
    if (cmp !== undefined && !Array.isArray(cmp)) throw new TypeError('comparisons must be an array');
    if (cmp && cmp.length > 0) dict.cmp = cmpTableOf(cmp);
    this.args = kinds.map((k) => makeArg(k, maxLen, dict));
    this.args.forEach((a, i) => {
      for (let w = 0; w < a.weight; w++) this.pick.push(i);
    });
    this.dirty = kinds.map(() => false);
    const only = this.args.length === 1 ? this.args[0] : undefined;
    if (options.kernel !== false && only instanceof BytesArg) {
      this.kernel = BytesKernel.create(only.forKernel.w);
      this.mirrorTables();
    }
  }

  /**
   * Gives back the memory the WebAssembly chain holds (a Mutator collected gives it back too,
   * later). The Mutator must not be used afterwards.
   */
  dispose(): void {
    this.kernel?.dispose();
    this.kernel = undefined;
    this.disposed = true;
    this.started = false;
  }

  /**
   * Sets the other corpus entries available for splicing (each an array of values of `kinds`).
   * The arrays are copied but the values are kept by reference: do not modify the Uint8Arrays
   * (never hand these very objects to a target). Values that are not valid for their kind are
   * skipped, as are empty bytes/strings. Changing the pool changes the sequence.
   */
  setSplicePool(entries: readonly (readonly Value[])[]): void {
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== this.kinds.length) {
        throw new TypeError(`splice pool entries must be arrays of ${this.kinds.length} values`);
      }
    }
    this.args.forEach((a, i) => a.setDonors(entries.map((e) => e[i])));
    this.mirrorTables();
  }

  /** The argument's kind tables and donors, into the WebAssembly chain (if there is one). */
  private mirrorTables(): void {
    this.toKernel((kernel, k) => kernel.setTables(k.table, k.grow));
  }

  /**
   * Runs `f` on the WebAssembly chain, if there is one, with the argument's parts; when the
   * chain's memory cannot take them (KernelFull), goes on in JavaScript instead (leaveKernel).
   */
  private toKernel(f: (kernel: BytesKernel, parts: BytesArg['forKernel']) => void): void {
    if (!this.kernel) return;
    try {
      f(this.kernel, (this.args[0] as BytesArg).forKernel);
    } catch (e) {
      if (!(e instanceof KernelFull)) throw e;
      this.leaveKernel();
    }
  }

  /**
   * Goes on in JavaScript from where the WebAssembly chain is (its memory cannot take a new splice
   * pool or base): the same sequence, from the same state.
   */
  private leaveKernel(): void {
    const kernel = this.kernel!;
    this.kernel = undefined;
    const s = kernel.detach();
    kernel.dispose();
    if (!this.started) return;
    this.rng.setState(s.rng);
    if (s.chainRng) this.chainRng.setState(s.chainRng);
    this.step = s.step;
    this.chainLen = s.chainLen;
    this.dirty[0] = s.dirty;
  }

  /**
   * Starts a new deterministic sequence from `base` (validated, copied) with `seed` (integer
   * 0..2^53).
   */
  start(base: readonly Value[], seed: number): void {
    if (this.disposed) throw new Error('Mutator.start() called after dispose()');
    if (!Array.isArray(base) || base.length !== this.kinds.length) {
      throw new TypeError(`base must be an array of ${this.kinds.length} values`);
    }
    this.kinds.forEach((k, i) => {
      const why = checkValue(k, base[i]);
      if (why !== undefined) throw new TypeError(`base value ${i}: ${why}`);
    });
    this.rng = new Rng(seed);
    this.started = false; // (if the chain leaves the kernel here, nothing is carried over: the sequence starts now)
    this.args.forEach((a, i) => a.setBase(base[i]));
    this.toKernel((kernel, k) => kernel.setBase(k.base, k.baseLen));
    if (this.kernel) {
      this.kernel.restart(this.rng);
      this.dirty[0] = false;
    } else {
      this.args.forEach((a, i) => {
        a.reset();
        this.dirty[i] = false;
      });
    }
    this.step = 0;
    this.produced = 0;
    this.started = true;
  }

  /** Number of inputs produced (or skipped) since start(). */
  get count(): number {
    return this.produced;
  }

  /** Applies the mutation step of the next input without producing it. */
  private advance(): void {
    if (!this.started) throw new Error('Mutator.next() called before start()');
    if (this.kernel) {
      this.kernelStep(this.kernel);
      return;
    }
    const args = this.args;
    const rng = this.rng;
    if (this.step === 0) {
      rng.copyTo(this.chainRng);
      this.chainProduced = this.produced;
      const dirty = this.dirty;
      for (let i = 0; i < args.length; i++) {
        if (dirty[i]) {
          args[i].reset();
          dirty[i] = false;
        }
      }
      this.chainLen = 1 + rng.below(CHAIN_MAX);
    }
    const pick = this.pick;
    if (pick.length > 0) {
      const i = args.length === 1 ? 0 : pick[rng.below(pick.length)];
      if (args[i].mutate(rng)) this.dirty[i] = true;
    }
    if (++this.step === this.chainLen) this.step = 0;
    this.produced++;
  }

  /**
   * The next input: a fresh array of values of their own (bytes in new Uint8Arrays the mutator
   * never writes again), for anything that outlives the execution (reports, replays).
   */
  next(): Value[] {
    this.advance();
    if (this.kernel) return [this.kernel.produce()];
    const args = this.args;
    if (args.length === 1) return [args[0].produce()];
    const out = new Array<Value>(args.length);
    for (let i = 0; i < args.length; i++) out[i] = args[i].produce();
    return out;
  }

  private readonly lent: Value[] = [];

  /**
   * The same next input as next() (the sequence is shared), for the fuzz loop: the returned array
   * is reused by the next call and bytes values are lent arrays (output.ts LentBytes) that a later
   * input of the same length refills. Valid until the target returns; allocates nothing.
   */
  nextLent(): readonly Value[] {
    const kernel = this.kernel;
    if (kernel === undefined || !this.started) return this.nextLentArgs();
    this.kernelStep(kernel);
    const out = this.lent;
    out[0] = kernel.lend();
    return out;
  }

  /** advance() with the kernel: its step, and the count (and where its chain started). */
  private kernelStep(kernel: BytesKernel): void {
    if (kernel.advance()) this.chainProduced = this.produced;
    this.produced++;
  }

  // (nextLent's path without the kernel, apart so that nextLent stays small enough for V8 to
  // inline it into the fuzz loop and still inline the target there: the inlining budget is shared.)
  private nextLentArgs(): readonly Value[] {
    this.advance();
    const args = this.args;
    const out = this.lent;
    for (let i = 0; i < args.length; i++) out[i] = args[i].lend();
    return out;
  }

  /**
   * Where the input last returned by next() can be rebuilt from: the state at the start of its
   * chain and how many steps into the chain it is. Cheap; allocates one small object.
   */
  checkpoint(): ChainCheckpoint {
    const rng = this.kernel ? this.kernel.chainState() : this.chainRng.getState();
    return { rng, steps: this.produced - this.chainProduced };
  }

  /**
   * Rebuilds the input of `cp` (taken from a mutator with the same kinds, options, pool and base)
   * in at most CHAIN_MAX steps, instead of replaying the whole sequence. Afterwards this mutator's
   * sequence position is meaningless: use a separate instance for rebuilding.
   */
  rebuild(cp: ChainCheckpoint): Value[] {
    if (this.disposed) throw new Error('Mutator.rebuild() called after dispose()');
    this.rng.setState(cp.rng);
    if (this.kernel) {
      this.kernel.restart(this.rng);
    } else {
      const args = this.args;
      for (let i = 0; i < args.length; i++) {
        args[i].reset();
        this.dirty[i] = false;
      }
    }
    this.step = 0;
    this.started = true;
    for (let k = 1; k < cp.steps; k++) this.advance();
    return this.next();
  }

  /** Advances by n inputs without producing them: afterwards next() returns input number count. */
  skip(n: number): void {
    for (let k = 0; k < n; k++) this.advance();
  }
}

/**
 * Rebuilds input number `index` (0-based) of the sequence (kinds, options, pool, base, seed):
 * the same as new Mutator + setSplicePool + start + next() index+1 times, without the copies.
 */
export function replayInput(
  kinds: readonly Kind[],
  options: MutatorOptions,
  pool: readonly (readonly Value[])[],
  base: readonly Value[],
  seed: number,
  index: number,
): Value[] {
  return replayInputs(kinds, options, pool, base, seed, index, index)[0];
}

/** As replayInput, inputs `from`..`to` (inclusive) of the sequence. */
export function replayInputs(
  kinds: readonly Kind[],
  options: MutatorOptions,
  pool: readonly (readonly Value[])[],
  base: readonly Value[],
  seed: number,
  from: number,
  to: number,
): Value[][] {
  if (!Number.isInteger(from) || from < 0) throw new RangeError(`index must be an integer >= 0, got ${String(from)}`);
  const m = new Mutator(kinds, options);
  try {
    m.setSplicePool(pool);
    m.start(base, seed);
    m.skip(from);
    const inputs: Value[][] = [];
    for (let i = from; i <= to; i++) inputs.push(m.next());
    return inputs;
  } finally {
    m.dispose();
  }
}
