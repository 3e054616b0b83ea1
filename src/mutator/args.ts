/**
 * Per-argument working state for the mutator: one class per value family, each able to reset
 * itself from the base value, apply one mutation, take splice donors and produce the target's copy.
 *
 * Created and driven by mutator.ts. Rule: `reset()` + the same draws always give the same values;
 * base values and donors are only read (bytes/strings bases are copied at `setBase`).
 */

import { BIGINT_RANGE, checkValue, INT_RANGE, type Kind, type KindName, type Value } from '../values/kinds.js';
import type { RandomSource } from '../util/rng.js';
import { bytesTable, type BytesMutator } from './bytes.js';
import {
  mutateWith, newBytesWork, newStringWork, withWords, type BytesWork, type StringWork, type Units, type Work,
} from './common.js';
import { boolFlip, BoolWork, FLOAT_MUTATORS, floatSplice, floatToken, FloatWork, type FloatMutator } from './floats.js';
import {
  BIGINT_MUTATORS, bigSplice, bigToken, BigIntWork, INT_MUTATORS, intSplice, intToken, IntWork,
  type BigIntMutator, type IntMutator,
} from './numbers.js';
import { bigCmp, cmpInsert, cmpReplace, floatCmp, intCmp, setCmpBase, type CmpTable } from './cmp.js';
import { copyBytesOut, LentBytes, StringMaker, unitsOfString } from './output.js';
import { stringsTable, type StringMutator } from './strings.js';
import { snapDownStr } from './unicode.js';

/** What mutator.ts needs from every argument state. */
export interface Arg {
  /** Relative odds of being the argument a step mutates (0: cannot change). */
  readonly weight: number;
  setBase(v: Value): void;
  /** Working value := base. */
  reset(): void;
  /** One mutation; false if nothing applied. */
  mutate(r: RandomSource): boolean;
  /** A copy of the working value of its own (for reports, the corpus, replays). */
  produce(): Value;
  /**
   * The working value for the fuzz loop's target: bytes in a LentBytes array (refilled by a
   * later input of the same length), other kinds as produce().
   */
  lend(): Value;
  /** This argument's values in the splice pool (validated here; unusable ones are skipped). */
  setDonors(values: readonly Value[]): void;
}

/** Dictionary material, derived once per Mutator. */
export interface Dictionary {
  bytes: readonly Uint8Array[];
  units: readonly Uint16Array[];
  ints: readonly bigint[];
  floats: readonly number[];
  /** Traced comparisons (MutatorOptions.comparisons), if any. */
  cmp?: CmpTable;
}

/**
 * `table` plus the comparison mutations when the work has material for them (replace twice,
 * insert once; only insert when growing an empty value).
 */
function withCmp<B extends Units, D>(
  table: readonly ((w: Work<B, D>, r: RandomSource) => boolean)[], w: Work<B, D>, grow: boolean,
): readonly ((w: Work<B, D>, r: RandomSource) => boolean)[] {
  const rep = !grow && w.cmpReplace.count > 0;
  const ins = w.cmpTokens.count > 0;
  if (!rep && !ins) return table;
  const t = table.slice();
  if (rep) t.push(cmpReplace, cmpReplace);
  if (ins) t.push(cmpInsert);
  return t;
}

export class BytesArg implements Arg {
  readonly weight: number;
  private readonly w: BytesWork;
  private baseWords: Int32Array = new Int32Array(0);
  private baseLen = 0;
  private table: readonly BytesMutator[] = [];
  private grow: readonly BytesMutator[] = [];

  constructor(max: number, dict: Dictionary) {
    this.w = newBytesWork(max);
    this.w.tokens = dict.bytes.filter((t) => t.length <= max);
    const c = dict.cmp?.bytes(max);
    if (c) [this.w.cmpReplace, this.w.cmpTokens] = [c.packedReplace, c.packedTokens];
    this.weight = max > 0 ? 3 : 0;
    this.setDonors([]);
  }
  setBase(v: Value): void {
    const b = v as Uint8Array;
    this.baseLen = Math.min(b.length, this.w.max);
    const { units, words } = withWords(b.subarray(0, this.baseLen), (n) => new Uint8Array(n));
    this.baseWords = words;
    if (this.w.cmpReplace.count > 0) setCmpBase(this.w, units, words, this.baseLen);
  }
  reset(): void {
    this.w.load(this.baseWords, this.baseLen);
    this.w.pristine = true;
  }
  mutate(r: RandomSource): boolean {
    const done = mutateWith(this.w, r, this.w.len === 0 ? this.grow : this.table);
    if (done) this.w.pristine = false;
    return done;
  }
  produce(): Value {
    return copyBytesOut(this.w.buf, this.w.len);
  }
  private readonly lent = new LentBytes();
  lend(): Value {
    return this.lent.lend(this.w.buf, this.w.words, this.w.len);
  }
  /**
   * What mutator.ts's WebAssembly chain (kernel.ts) mirrors: the work (whose buffer it then
   * points at its own value), the kind tables (for a value, for an empty one) and the base.
   */
  get forKernel(): { w: BytesWork; table: readonly BytesMutator[]; grow: readonly BytesMutator[]; base: Uint8Array; baseLen: number } {
    return { w: this.w, table: this.table, grow: this.grow, base: new Uint8Array(this.baseWords.buffer, 0, this.baseLen), baseLen: this.baseLen };
  }
  setDonors(values: readonly Value[]): void {
    this.w.donors = values.filter((v): v is Uint8Array => v instanceof Uint8Array && v.length > 0);
    const t = this.w.tokens.length > 0;
    const d = this.w.donors.length > 0;
    this.table = withCmp(bytesTable(t, d, false), this.w, false);
    this.grow = withCmp(bytesTable(t, d, true), this.w, true);
  }
}

export class StringArg implements Arg {
  readonly weight: number;
  private readonly w: StringWork;
  private readonly maker = new StringMaker();
  private baseWords: Int32Array = new Int32Array(0);
  private baseLen = 0;
  private baseStr = '';
  private cached: string | undefined = '';
  private table: readonly StringMutator[] = [];
  private grow: readonly StringMutator[] = [];

  constructor(max: number, dict: Dictionary) {
    this.w = newStringWork(max);
    this.w.tokens = dict.units.filter((t) => t.length <= max);
    const c = dict.cmp?.units(max);
    if (c) [this.w.cmpReplace, this.w.cmpTokens] = [c.packedReplace, c.packedTokens];
    this.weight = max > 0 ? 3 : 0;
    this.setDonors([]);
  }
  /**
   * A base longer than max is cut to its first max units, one less if that would split a surrogate
   * pair.
   */
  setBase(v: Value): void {
    const s = v as string;
    this.baseLen = s.length <= this.w.max ? s.length : snapDownStr(s, this.w.max);
    this.baseStr = s.length === this.baseLen ? s : s.slice(0, this.baseLen);
    const { units, words } = withWords(unitsOfString(this.baseStr), (n) => new Uint16Array(n));
    this.baseWords = words;
    if (this.w.cmpReplace.count > 0) setCmpBase(this.w, units, words, this.baseLen);
  }
  reset(): void {
    this.w.load(this.baseWords, this.baseLen);
    this.w.pristine = true;
    this.cached = this.baseStr;
  }
  mutate(r: RandomSource): boolean {
    const done = mutateWith(this.w, r, this.w.len === 0 ? this.grow : this.table);
    if (done) {
      this.cached = undefined;
      this.w.pristine = false;
    }
    return done;
  }
  produce(): Value {
    return (this.cached ??= this.maker.make(this.w.buf, this.w.len));
  }
  lend(): Value {
    return this.produce();
  }
  setDonors(values: readonly Value[]): void {
    this.w.donors = values.filter((v): v is string => typeof v === 'string' && v.length > 0);
    const t = this.w.tokens.length > 0;
    const d = this.w.donors.length > 0;
    this.table = withCmp(stringsTable(t, d, false), this.w, false);
    this.grow = withCmp(stringsTable(t, d, true), this.w, true);
  }
}

/**
 * The kind's table plus its splice/dictionary mutation when there is material for it, and its
 * comparison mutation (twice) when there are traced operands.
 */
function scalarTable<M>(
  table: readonly M[], splice: M, donors: readonly unknown[], token: M, tokens: readonly unknown[], cmp: M, cmpValues: readonly unknown[],
): M[] {
  const t = table.slice();
  if (donors.length > 0) t.push(splice);
  if (tokens.length > 0) t.push(token);
  if (cmpValues.length > 0) t.push(cmp, cmp);
  return t;
}

/** Keeps the donors that are valid values of the argument (so a bad pool entry can never leak out). */
function validDonors<T extends Value>(values: readonly Value[], ok: (v: Value) => boolean): T[] {
  return values.filter(ok) as T[];
}

export class IntArg implements Arg {
  readonly weight = 1;
  private readonly w: IntWork;
  private base = 0;
  private table: IntMutator[] = [];

  constructor(kind: Kind, dict: Dictionary) {
    this.w = new IntWork(kind.kind as keyof typeof INT_RANGE);
    this.w.tokens = dict.ints.filter((v) => v >= BigInt(this.w.lo) && v <= BigInt(this.w.hi)).map(Number);
    const c = dict.cmp?.ints(this.w.kind);
    if (c) [this.w.cmpValues, this.w.cmpPairs] = [c.values, c.pairs];
    this.setDonors([]);
  }
  setBase(v: Value): void {
    this.base = v as number;
  }
  reset(): void {
    this.w.value = this.base;
  }
  mutate(r: RandomSource): boolean {
    return mutateWith(this.w, r, this.table);
  }
  produce(): Value {
    return this.w.value;
  }
  lend(): Value {
    return this.produce();
  }
  setDonors(values: readonly Value[]): void {
    const { lo, hi } = this.w;
    this.w.donors = validDonors<number>(
      values,
      (v) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi && !Object.is(v, -0),
    );
    this.table = scalarTable(INT_MUTATORS, intSplice, this.w.donors, intToken, this.w.tokens, intCmp, this.w.cmpValues);
  }
}

export class BigIntArg implements Arg {
  readonly weight = 1;
  private readonly w: BigIntWork;
  private base = 0n;
  private table: BigIntMutator[] = [];

  constructor(kind: Kind, dict: Dictionary) {
    this.w = new BigIntWork(kind.kind as 'int64' | 'uint64');
    this.w.tokens = dict.ints.filter((v) => checkValue(kind, v) === undefined);
    const c = dict.cmp?.bigints(this.w.kind);
    if (c) [this.w.cmpValues, this.w.cmpPairs] = [c.values, c.pairs];
    this.setDonors([]);
  }
  setBase(v: Value): void {
    this.base = v as bigint;
  }
  reset(): void {
    this.w.value = this.base;
  }
  mutate(r: RandomSource): boolean {
    return mutateWith(this.w, r, this.table);
  }
  produce(): Value {
    return this.w.value;
  }
  lend(): Value {
    return this.produce();
  }
  setDonors(values: readonly Value[]): void {
    const [lo, hi] = BIGINT_RANGE[this.w.kind];
    this.w.donors = validDonors<bigint>(values, (v) => typeof v === 'bigint' && v >= lo && v <= hi);
    this.table = scalarTable(BIGINT_MUTATORS, bigSplice, this.w.donors, bigToken, this.w.tokens, bigCmp, this.w.cmpValues);
  }
}

export class FloatArg implements Arg {
  readonly weight = 1;
  private readonly w: FloatWork;
  private base = 0;
  private table: FloatMutator[] = [];

  constructor(kind: Kind, dict: Dictionary) {
    this.w = new FloatWork(kind.kind === 'float32');
    this.w.tokens = this.w.f32 ? dict.floats.map(Math.fround) : dict.floats;
    const c = dict.cmp?.floats();
    if (c) [this.w.cmpValues, this.w.cmpPairs] = [c.values, c.pairs];
    this.setDonors([]);
  }
  setBase(v: Value): void {
    this.base = v as number;
  }
  reset(): void {
    this.w.value = this.base;
  }
  mutate(r: RandomSource): boolean {
    return mutateWith(this.w, r, this.table);
  }
  produce(): Value {
    return this.w.value;
  }
  lend(): Value {
    return this.produce();
  }
  setDonors(values: readonly Value[]): void {
    const f32 = this.w.f32;
    this.w.donors = validDonors<number>(
      values,
      (v) => typeof v === 'number' && (!f32 || v !== v || Math.fround(v) === v),
    );
    this.table = scalarTable(FLOAT_MUTATORS, floatSplice, this.w.donors, floatToken, this.w.tokens, floatCmp, this.w.cmpValues);
  }
}

export class BoolArg implements Arg {
  readonly weight = 1;
  private readonly w = new BoolWork();
  private base = false;

  setBase(v: Value): void {
    this.base = v as boolean;
  }
  reset(): void {
    this.w.value = this.base;
  }
  mutate(r: RandomSource): boolean {
    return boolFlip(this.w, r);
  }
  produce(): Value {
    return this.w.value;
  }
  lend(): Value {
    return this.produce();
  }
  setDonors(): void {}
}

/** The state class for a kind. */
export function makeArg(kind: Kind, maxLen: number, dict: Dictionary): Arg {
  const k: KindName = kind.kind;
  switch (k) {
    case 'bytes': return new BytesArg(maxLen, dict);
    case 'string': return new StringArg(maxLen, dict);
    case 'bool': return new BoolArg();
    case 'float32': case 'float64': return new FloatArg(kind, dict);
    case 'int64': case 'uint64': return new BigIntArg(kind, dict);
    default: return new IntArg(kind, dict);
  }
}
