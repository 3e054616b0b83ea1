/**
 * [coordinator] What the coordinator knows about one target while fuzzing: its corpus entries
 * (seeds, testdata, cache, new finds), the coverage seen so far (stable edge → bucket bits, with an
 * append-only log so each worker can be sent only what it has not seen), its distinct failures,
 * and its execution count. Only the coordinator's event loop touches it.
 */
import type { ComparePair } from '../coverage/trace.js';
import { mergeComparisons } from '../mutator/cmp.js';
import { isComparePair, pairKey } from '../mutator/cmp-encode.js';
import type { Value } from '../values/kinds.js';
import type { StableCoverage, TargetInfo } from './protocol.js';
import { targetKey } from './protocol.js';

export type EntrySource = 'seed' | 'testdata' | 'cache' | 'new' | 'zero';

export interface CorpusEntry {
  /** "seed#0", a testdata/cache file id, or the id of a new find. */
  id: string;
  values: Value[];
  source: EntrySource;
  /** Size used by the schedule: total bytes/string length, plus 1 per scalar. */
  size: number;
  /** Edges this entry was first to reach (its claim to a place in the corpus). */
  newEdges: number;
  /** Times the schedule picked it. */
  picks: number;
  /** Mutation generations from a seed: 0 for seeds and files, parent's + 1 for new finds. */
  generation: number;
  /**
   * How rare the paths of inputs mutated from this entry are (coverage/frequency.ts; moving
   * average over its batches); undefined until a batch from it reported one.
   */
  novelty: number | undefined;
  /** Measured speed of batches from this entry (executions per millisecond); 0 = unknown. */
  execsPerMs: number;
}

export class TargetState {
  readonly key: string;
  readonly entries: CorpusEntry[] = [];
  private readonly ids = new Set<string>();
  /** Coverage seen: stable edge key → union of bucket bits. */
  readonly coverage = new Map<string, number>();
  /** Every (edge, new bits) in the order they were added; workers keep a cursor into it. */
  readonly coverageLog: StableCoverage = [];
  execs = 0;
  newInteresting = 0;
  /** Executions promised to batches in flight. */
  promised = 0;
  /** Signatures of the asynchronous failures seen (found or being traced): FuzzJob.knownAsync. */
  readonly asyncSignatures = new Set<string>();
  /** Compare operands seen so far (newest first), for the mutator's comparison mutations. */
  comparisons: ComparePair[] = [];
  /** Bumped whenever `comparisons` changes. */
  comparisonsVersion = 0;
  /** Operands reported since the table last changed (newest last), and batches that reported them. */
  private freshPairs: ComparePair[] = [];
  private freshBatches = 0;

  /**
   * Folds a batch's compare operands into the table. Every worker re-derives its mutation material
   * when the table changes (milliseconds), and a target whose operands never stop changing (a
   * length compared with a constant) would otherwise change it after every batch: while the table
   * has room it changes at once, once full at most every TABLE_REFRESH_BATCHES batches (counted,
   * so --seed runs stay reproducible).
   */
  foldComparisons(pairs: readonly ComparePair[]): void {
    for (const p of pairs) {
      if (isComparePair(p) && !this.tableKeys.has(pairKey(p))) this.freshPairs.push(p);
    }
    if (this.freshPairs.length === 0) return;
    if (this.freshPairs.length > FRESH_PAIRS_MAX) this.freshPairs.splice(0, this.freshPairs.length - FRESH_PAIRS_MAX);
    if (this.comparisons.length >= COMPARISON_TABLE_MAX && ++this.freshBatches < TABLE_REFRESH_BATCHES) return;
    this.comparisons = mergeComparisons(this.comparisons, this.freshPairs, COMPARISON_TABLE_MAX);
    this.tableKeys = new Set(this.comparisons.map(pairKey));
    this.freshPairs = [];
    this.freshBatches = 0;
    this.comparisonsVersion++;
  }
  private tableKeys = new Set<string>();
  /** Measured speed of fuzz batches' executions (per millisecond, setup excluded, moving average); 0 = unknown. */
  execsPerMs = 0;

  /** Folds a finished batch from `entry` (`execs` run in `ms` milliseconds, fractional, setup excluded) into the estimates of the target and the entry. */
  noteBatch(entry: CorpusEntry, execs: number, ms: number, novelty: number | undefined): void {
    this.execsPerMs = foldRate(this.execsPerMs, execs, ms);
    entry.execsPerMs = foldRate(entry.execsPerMs, execs, ms);
    if (novelty !== undefined) entry.novelty = entry.novelty === undefined ? novelty : 0.5 * entry.novelty + 0.5 * novelty;
  }

  /**
   * `edgesSeen`: edges covered by any target of the run (shared by all of them), so the progress
   * line counts an edge two targets reach once.
   */
  constructor(
    readonly info: TargetInfo,
    readonly testdataDir: string,
    readonly cacheDir: string,
    private readonly edgesSeen?: Set<string>,
  ) {
    this.key = targetKey(info.file, info.name);
  }

  get name(): string {
    return this.info.name;
  }

  addEntry(
    e: Pick<CorpusEntry, 'id' | 'values' | 'source'> & Partial<Pick<CorpusEntry, 'newEdges' | 'generation'>>,
  ): CorpusEntry | undefined {
    if (this.ids.has(e.id)) return undefined;
    this.ids.add(e.id);
    const entry: CorpusEntry = {
      ...e, size: entrySize(e.values), newEdges: e.newEdges ?? 0, picks: 0, generation: e.generation ?? 0,
      novelty: undefined, execsPerMs: 0,
    };
    this.entries.push(entry);
    return entry;
  }

  /**
   * Merges coverage; returns the number of (edge, bit) pairs that were new. With `commit` false
   * it only counts (used to decide whether an input is still interesting).
   */
  mergeCoverage(cov: StableCoverage, commit = true): number {
    let fresh = 0;
    for (const [edge, bits] of cov) {
      const old = this.coverage.get(edge) ?? 0;
      const add = bits & ~old;
      if (add === 0) continue;
      fresh++;
      if (commit) {
        if (old === 0 && !edge.startsWith('vp:')) {
          this.edges++;
          this.edgesSeen?.add(edge);
        }
        this.coverage.set(edge, old | add);
        this.coverageLog.push([edge, add]);
      }
    }
    return fresh;
  }

  private edges = 0;

  /** Edges reached at least once (value-profile features are not edges). */
  get edgesCovered(): number {
    return this.edges;
  }
}

/** A speed estimate (executions per ms, 0 = unknown) moved toward a batch's measured speed. */
function foldRate(prev: number, execs: number, ms: number): number {
  if (execs <= 0) return prev;
  const rate = execs / Math.max(0.05, ms);
  return prev === 0 ? rate : 0.7 * prev + 0.3 * rate;
}

export function entrySize(values: readonly Value[]): number {
  let n = 0;
  for (const v of values) n += v instanceof Uint8Array || typeof v === 'string' ? v.length : 1;
  return n;
}

/** Pairs in a target's comparison table at most (mergeComparisons keeps the newest first). */
const COMPARISON_TABLE_MAX = 256;
/** Batches between changes of a full comparison table. */
const TABLE_REFRESH_BATCHES = 8;
/** Operands kept between two changes of a full table. */
const FRESH_PAIRS_MAX = 1024;

