/**
 * [coordinator] Fuzzing mode: owns the corpus, the cache, the coverage seen, the schedule and the
 * statistics, and drives one "lane" per worker. It never runs user code.
 *
 * Phases: start workers (they load the fuzz files and describe the targets) → load each target's
 * corpus (seeds, testdata, cache) → baseline (run every entry once, unmutated, to learn the
 * coverage it already has) → fuzz (each lane sends bounded batches and handles their events) →
 * stop (budget reached, first failure unless --keep-going, or an interrupt) → summary.
 * A batch that ends in a whole-process death is replayed in safe mode to name the input, unless
 * the process died running a candidate (outside the batch's sequence), which is re-checked alone.
 * A failure whose input is being named is held by Findings meanwhile (what is known of it is
 * written if the run ends first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { marshalCorpusFile } from '../corpus/encoding.js';
import {
  cacheDirFor, corpusFileId, describeInstrumentSettings, mergeInstrumentSettings, readCorpusDir, readInstrumentSettings, readRawSamples,
  readTestdataDir, sameInstrumentSettings, testdataDir, writeFileAtomic, writeInstrumentSettings,
} from '../corpus/store.js';
import { replayInput, replayInputs } from '../mutator/mutator.js';
import type { CmpValue, ComparePair } from '../coverage/trace.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import type { Budget } from '../util/limits.js';
import { formatElapsed } from '../util/limits.js';
import { Rng } from '../util/rng.js';
import { checkValue, zeroValue, type Kind, type Value } from '../values/kinds.js';
import { describeDeath } from './death.js';
import { Findings, describeUnnamed, type Finding, type Held, type Holding, type Known, type Unnamed } from './findings.js';
import { SafeFile, type RunningCandidate } from './inflight.js';
import { WorkerPool, assertTargetsValid, type JobEnd, type Slot } from './pool.js';
import type { WorkerDeath } from './worker-handle.js';
import { globMatcher } from '../instrument/filter.js';
import { ASYNC_SETTLE_MS, jobMutatorOptions, type FailureInfo, type FromWorker, type FuzzJob, type TargetInfo, type WorkerConfig } from './protocol.js';
import { rerunCommand } from './rerun.js';
import { batchSize, pickEntry, pickTarget, timedBatchSize } from './schedule.js';
import { TargetState, type CorpusEntry } from './target-state.js';

export interface FuzzOptions {
  worker: WorkerConfig;
  /** Regular expression selecting targets by name. */
  match: RegExp;
  parallel: number;
  budget: Budget | undefined;
  maxLen: number;
  seed: number;
  seedGiven: boolean;
  keepGoing: boolean;
  coverage: boolean;
  cacheRoot: string;
  /** Extra dictionary tokens (--dict). */
  dictionary: Uint8Array[];
  /** Folders of raw sample files (--corpus). */
  sampleDirs: string[];
  /** Budget for minimizing each failure; undefined = no minimization (--minimize-time=0). */
  minimize: Budget | undefined;
  reporter: Reporter;
  command: string;
  signal: AbortSignal;
}

export interface FuzzSummary {
  findings: Finding[];
  execs: number;
  elapsedMs: number;
  /** Dictionary tokens found in inputs that reached new coverage (see recommendDictionary). */
  recommended: Uint8Array[];
  /** Executions per second while fuzzing (after the baseline), or 0 if fuzzing never started. */
  fuzzExecsPerSec: number;
  interrupted: boolean;
  /** `file`: the target's fuzz file, relative to the current folder. */
  targets: Array<{ name: string; file: string; execs: number; corpus: number; newInteresting: number; edges: number }>;
}

const STATUS_INTERVAL_MS = 3000;
/** Loading that takes longer than this gets a progress line. */
const SLOW_LOAD_MS = 10_000;
const RECOMMENDED_MAX = 50;
/** Executions an Nx budget keeps for re-running the failures of its last batches (--keep-going). */
const RECHECK_RESERVE = 16;
const AUTO_DICTIONARY_MAX = 512;
const utf8 = new TextEncoder();

/**
 * The operands that look like the program's side of their comparisons: a value that a compare
 * site met in at least two different pairs (the input's side changes from input to input, the
 * program's side — a key, a command, a magic — stays). Sites seen once tell nothing and are skipped.
 */
function programSideOperands(pairs: readonly ComparePair[]): CmpValue[] {
  const bySite = new Map<number, Map<string, { value: CmpValue; n: number }>>();
  for (const p of pairs) {
    let m = bySite.get(p.site);
    if (!m) bySite.set(p.site, (m = new Map()));
    for (const v of [p.left, p.right]) {
      const key = v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`;
      const e = m.get(key);
      if (e) e.n++;
      else m.set(key, { value: v, n: 1 });
    }
  }
  const out: CmpValue[] = [];
  for (const m of bySite.values()) for (const e of m.values()) if (e.n >= 2) out.push(e.value);
  return out;
}

/** Dictionary tokens from the literals the instrumenter harvested (strings of 2–64 characters). */
function autoDictionary(literals: readonly string[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const lit of literals) {
    if (lit.length < 2 || lit.length > 64 || seen.has(lit)) continue;
    seen.add(lit);
    out.push(utf8.encode(lit));
    if (out.length >= AUTO_DICTIONARY_MAX) break;
  }
  return out;
}
/** How many inputs before the one a crash was recorded at are re-run to find the real cause. */
const KILLER_LOOKBACK = 256;
/** Inputs before the point an asynchronous failure surfaced that are searched first for its cause. */
const ASYNC_LOOKBACK = 4096;
/**
 * Inputs written at most for a failure whose input the run ended before naming (the inputs it may
 * be: Findings.writeCandidates). A batch holds up to 2^20 (timed batches of fast targets); the
 * writes must stay quick enough for a forced exit (~0.1 s for 4096), and the cache small.
 */
const MAX_UNNAMED = 4096;

export class Coordinator {
  private pool!: WorkerPool;
  private verifier!: WorkerPool;
  private findings!: Findings;
  private targets: TargetState[] = [];
  /** The re-check reserve of an execution budget is given to fuzzing (see lane()). */
  private reserveReleased = false;
  /** Asynchronous failures being traced to their input (target key and signature), so each is traced once. */
  private readonly asyncSearches = new Set<string>();
  /** The last batches each worker slot ran, newest last (where a late callback may come from). */
  private readonly recentBatches = new Map<number, BatchRecord[]>();
  private readonly rng: Rng;
  private execs = 0;
  private promised = 0;
  private stopping = false;
  private interrupted = false;
  private startedAt = Date.now();
  /** What each execution thread holds of each target (threadKey), so jobs carry only the rest. */
  private readonly sent = new Map<string, SentToThread>();
  private batchCount = new Map<string, number>();
  /** The last progress line: when, executions and new inputs by then. */
  private lastStatus = { at: Date.now(), execs: 0, fresh: 0 };
  /** Edges covered by any target (each counted once). */
  private readonly edgesSeen = new Set<string>();
  private phase: 'loading' | 'baseline' | 'fuzzing' = 'loading';
  private baseline = { done: 0, total: 0 };
  /** When fuzzing (after the baseline) began, and the executions done by then. */
  private fuzzStart = { at: 0, execs: 0 };
  private tmpDir: string | undefined;
  /** Tokens harvested from string and number literals of the instrumented code. */
  private autoDictionary: Uint8Array[] = [];

  constructor(private readonly o: FuzzOptions) {
    this.rng = new Rng(o.seed);
  }

  async run(): Promise<FuzzSummary> {
    const o = this.o;
    const onAbort = () => this.interrupt();
    o.signal.addEventListener('abort', onAbort);
    const parallel = o.budget?.kind === 'execs' ? Math.min(o.parallel, o.budget.n) : o.parallel;
    // Candidates (minimization of new inputs, input-to-state) run only with coverage.
    this.pool = new WorkerPool({ ...o.worker, instrument: o.coverage }, parallel, o.coverage ? this.tmp() : undefined);
    this.verifier = new WorkerPool({ ...o.worker, instrument: false }, 1);
    const status = setInterval(() => this.printStatus(), STATUS_INTERVAL_MS);
    try {
      const infos = await this.pool.start();
      if (this.stopping) return this.summary();
      this.targets = this.selectTargets(infos);
      this.autoDictionary = autoDictionary(this.pool.literals);
      this.findings = new Findings({
        verifier: this.verifier,
        reporter: o.reporter,
        memoryLimitMb: o.worker.memoryLimitMb,
        runSeed: o.seedGiven ? o.seed : undefined,
        command: o.command,
        countExec: (t) => this.count(t, 1),
        minimize: o.minimize,
        timeoutMs: o.worker.timeoutMs,
        stopped: () => this.interrupted,
        // With --keep-going, re-runs come out of the reserve the lanes leave unused. Without it,
        // the failing batch stops at its failure, leaving room for the one re-run (only a
        // failure on the budget's very last input makes the run one execution longer).
        canSpend: () => {
          const b = this.o.budget;
          if (!b || b.kind !== 'execs') return true;
          return this.o.keepGoing ? this.execs + this.promised < b.n : this.execs < b.n;
        },
      });
      this.findings.onNew = () => {
        if (!o.keepGoing) this.stop();
      };
      this.findings.onError = () => this.stop();
      if (o.sampleDirs.length > 0 && !this.targets.some((t) => takesSamples(t.info.kinds))) {
        o.reporter.info('fuzz: --corpus is not used: no selected target takes one bytes or string argument');
      }
      for (const t of this.targets) this.loadCorpus(t);
      // What this run measures coverage of, beside each cache it adds to (for corpus-min): the
      // union of what the runs that filled it instrumented, so that no input is measured without
      // the files it was kept for.
      if (o.coverage) {
        for (const t of this.targets) {
          const before = readInstrumentSettings(t.cacheDir);
          const merged = before ? mergeInstrumentSettings(before, o.worker) : o.worker;
          if (before && !sameInstrumentSettings(before, o.worker)) {
            o.reporter.info(`fuzz: note: ${t.name}'s cache was filled by runs with ${describeInstrumentSettings(before)}; corpus-min will measure it with ${describeInstrumentSettings(merged)}`);
          }
          writeInstrumentSettings(t.cacheDir, merged);
        }
      }
      this.phase = 'baseline';
      this.startedAt = Date.now();
      await this.runBaseline();
      if (!this.stopping) {
        this.phase = 'fuzzing';
        this.fuzzStart = { at: Date.now(), execs: this.execs };
        const edges = this.edgesSeen.size;
        this.lastStatus.fresh = this.targets.reduce((n, t) => n + t.newInteresting, 0);
        o.reporter.info(
          `fuzz: elapsed: ${formatElapsed(Date.now() - this.startedAt)}, gathering baseline coverage: ${this.baseline.done}/${this.baseline.total} completed, now fuzzing with ${parallel} worker${parallel === 1 ? '' : 's'}` +
            (o.coverage ? ` (${edges}/${this.pool.edges} edges covered)` : ''),
        );
        await Promise.all(this.pool.slots.map(() => this.lane()));
      }
      await this.findings.settled();
      if (this.findings.error) throw this.findings.error.e;
      this.warnUnusedIncludes();
      return this.summary();
    } finally {
      clearInterval(status);
      o.signal.removeEventListener('abort', onAbort);
      await Promise.all([this.pool.stop(), this.verifier.stop()]);
      if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }
  }

  private selectTargets(infos: TargetInfo[]): TargetState[] {
    assertTargetsValid(infos);
    const picked = infos.filter((t) => this.o.match.test(t.name));
    if (picked.length === 0) {
      const names = infos.map((t) => t.name).join(', ');
      throw new UserError(`--fuzz=${this.o.match.source} matches no fuzz target; the targets are: ${names}`);
    }
    return picked.map(
      (info) =>
        new TargetState(
          info,
          testdataDir(path.dirname(info.file), info.name),
          cacheDirFor(this.o.cacheRoot, `${path.relative(process.cwd(), info.file).split(path.sep).join('/')}#${info.name}`),
          this.edgesSeen,
        ),
    );
  }

  /** Seeds, testdata (malformed files are errors), raw samples and the cache (stale files are skipped). */
  private loadCorpus(t: TargetState): void {
    const kinds = t.info.kinds;
    t.info.seeds.forEach((values, i) => t.addEntry({ id: `seed#${i}`, values, source: 'seed' }));
    for (const e of readTestdataDir(t.testdataDir, kinds)) t.addEntry({ id: e.id, values: e.values, source: 'testdata' });
    for (const dir of this.o.sampleDirs) {
      if (!takesSamples(kinds)) continue;
      const lossy: string[] = [];
      const samples = readRawSamples(dir, kinds[0], (p) => lossy.push(p));
      for (const e of samples) t.addEntry({ id: e.id, values: e.values, source: 'cache' });
      if (lossy.length > 0) {
        const rel = (p: string) => path.relative(process.cwd(), p) || p;
        this.o.reporter.info(
          `fuzz: note: ${lossy.length} of ${samples.length} files in --corpus=${rel(dir)} are not valid UTF-8 (${rel(lossy[0])}${lossy.length > 1 ? ', …' : ''}); ${t.name} takes a string, so it gets them with U+FFFD in place of the invalid bytes`,
        );
      }
    }
    const cache = readCorpusDir(t.cacheDir, kinds, { strict: false });
    for (const e of cache.entries) t.addEntry({ id: e.id, values: e.values, source: 'cache' });
    if (cache.skipped > 0) {
      this.o.reporter.warn(`${t.name}: skipped ${cache.skipped} cached input(s) that no longer match the target's arguments`);
    }
    if (t.entries.length === 0) {
      t.addEntry({ id: 'zero', values: kinds.map((k) => zeroValue(k)), source: 'zero' });
    }
  }

  private async runBaseline(): Promise<void> {
    const work = this.targets.flatMap((t) => t.entries.filter((e) => e.source !== 'zero').map((e) => ({ t, e })));
    this.baseline.total = work.length;
    let next = 0;
    // The entries each worker slot ran, newest last, of every target (entries of several targets
    // share a worker): where a callback that hangs later comes from.
    const ranOn = new Map<number, Suspect[]>();
    const lane = async () => {
      while (!this.stopping && next < work.length) {
        const { t, e } = work[next++];
        if (this.budgetLeft() <= 0) return this.stop();
        this.promised++;
        let ran: Suspect[] = [];
        let pushed = false;
        // A callback an earlier entry left that hung before this one was taken up: the pool ran
        // this entry again (noVerdict), and the hang is traced to the entries before it.
        let before: FailureInfo | undefined;
        let suspects: Suspect[] = [];
        const end = await this.pool.exec((slot, jobId) => {
          // Built again when the job is resent (a stale or restarted thread): the entry is still
          // one suspect, not two.
          ranOn.set(slot.id, (ran = ranOn.get(slot.id) ?? []));
          if (!pushed && ran.push({ t, values: e.values }) > BASELINE_SUSPECTS) ran.shift();
          pushed = true;
          return { kind: 'run', jobId, target: t.key, values: e.values, coverage: this.o.coverage };
        }, (m) => {
          if (m.kind !== 'thread-lost' || !m.late || before) return;
          before = m.failure;
          suspects = ran.filter((r) => r.values !== e.values); // whatever their target, as below
        });
        this.promised--;
        if (end.kind === 'stopped') return;
        if (before) await this.onAsyncFailure(t, before, [], suspects);
        this.count(t, 1);
        this.baseline.done++;
        if (end.kind === 'run') {
          if (end.coverage) e.newEdges = t.mergeCoverage(end.coverage);
          if (end.failure) await this.baselineFailure(t, e.id, e.source, e.values, end.failure);
        } else if (end.kind === 'thread-lost' && end.late) {
          // A callback an entry left hung (not this entry's call): looked for among the entries
          // this worker ran, newest first, whatever their target (it may be another target's
          // entry's callback), as for an asynchronous failure.
          await this.onAsyncFailure(t, end.failure, [], [...ran]);
        } else if (end.kind === 'thread-lost') {
          await this.baselineFailure(t, e.id, e.source, e.values, end.failure);
        } else if (end.kind === 'died') {
          await this.baselineFailure(t, e.id, e.source, e.values, describeDeath(end.death, this.o.worker.memoryLimitMb));
        }
      }
    };
    await Promise.all(this.pool.slots.map(() => lane()));
  }

  private async baselineFailure(t: TargetState, id: string, source: string, values: Value[], failure: FailureInfo): Promise<void> {
    if (source === 'cache') {
      // A cached input that fails now is a new failure (the code changed).
      await this.findings.submit({ target: t, values, failure, source: `cache/${id}` });
      return;
    }
    // A seed or testdata input fails: that is a regression, not a find; report and stop.
    this.o.reporter.info(`failure while testing seed corpus entry: ${t.name}/${id}`);
    this.o.reporter.failure({
      target: t.name, file: t.info.file, kinds: t.info.kinds, values, failure, source: id,
      rerun: rerunCommand(this.o.command, t.info.file, t.name, id, this.o.worker),
    });
    this.findings.list.push({ target: t, values, failure, writtenTo: undefined, id, count: 1 });
    this.stop();
  }

  /** Remaining execution budget (Infinity for a time budget). */
  private budgetLeft(): number {
    const b = this.o.budget;
    if (!b) return Infinity;
    if (b.kind === 'time') return Date.now() - this.startedAt >= b.ms ? 0 : Infinity;
    return b.n - this.execs - this.promised;
  }

  private count(t: TargetState, n: number): void {
    t.execs += n;
    this.execs += n;
    const b = this.o.budget;
    if (b && b.kind === 'execs' && this.execs >= b.n) this.stop();
  }

  /** One worker's loop: pick, send a batch, handle what comes back, repeat. */
  private async lane(): Promise<void> {
    while (!this.stopping) {
      if (!this.o.keepGoing && this.findings.queued > 0) {
        // A failure is being re-checked; it will most likely end the run (as Go pauses to minimize).
        await this.findings.settled();
        continue;
      }
      const left = this.budgetLeft();
      if (left <= 0) {
        if (this.o.budget?.kind === 'time') this.stop();
        if (this.promised === 0) this.stop();
        return;
      }
      // With an execution budget and --keep-going, a few executions stay in reserve for re-running
      // failures while batches run; once none runs and every failure has been re-checked, the
      // last lane fuzzes what is left of it.
      const reserve = this.o.budget?.kind === 'execs' && this.o.keepGoing && !this.reserveReleased ? RECHECK_RESERVE : 0;
      if (left <= reserve) {
        if (this.promised > 0) return; // a running batch may still need the reserve
        await this.findings.settled();
        this.reserveReleased = true;
        continue;
      }
      const t = pickTarget(this.targets);
      const entry = pickEntry(t, this.rng, !this.o.seedGiven);
      entry.picks++;
      const n = this.batchCount.get(t.key) ?? 0;
      this.batchCount.set(t.key, n + 1);
      const limit = Math.min(this.o.seedGiven ? batchSize(n) : timedBatchSize(t.execsPerMs), left - reserve);
      const seed = this.rng.u32();
      this.promised += limit;
      t.promised += limit;
      let job: FuzzJob | undefined;
      let slotId = -1;
      const end = await this.pool.exec(
        (slot, jobId) => {
          slotId = slot.id;
          job = { ...this.makeJob(slot, jobId, t, entry, seed, limit), lastOfBudget: this.o.budget?.kind === 'execs' && limit >= left - reserve };
          return { ...job, comparisons: this.comparisonsFor(slot, t, job) };
        },
        (m) => this.onEvent(t, entry, m),
      );
      this.promised -= limit;
      t.promised -= limit;
      // The speed of the batch's executions, without its setup and round trip: early batches are
      // short and their setup (deriving mutation material, first compilations) long, so wall time
      // kept sizes small for a dozen batches (~2 s at two thirds speed on the trivial benchmark).
      if (end.kind === 'done') t.noteBatch(entry, end.execs, end.runMs, end.novelty);
      // This slot's batches before this one, newest first (where a late callback may come from).
      const recent = this.recentBatches.get(slotId) ?? [];
      const earlier = [...recent].reverse();
      // How far the batch got: a thread lost at input k ran none after it (-1: it ran none).
      recent.push({ t, job: job!, last: end.kind === 'thread-lost' ? end.index : job!.limit - 1 });
      if (recent.length > RECENT_BATCHES) recent.shift();
      this.recentBatches.set(slotId, recent);
      await this.onJobEnd(t, job!, end, earlier);
    }
  }

  /**
   * The splice pool of a job for the execution thread of `slot`: the target's first `size` entries,
   * of which only those the thread does not have yet travel (the thread keeps the rest).
   */
  private spliceFor(slot: Slot, t: TargetState, size: number): FuzzJob['splice'] {
    const held = this.sentTo(slot, t);
    const from = Math.min(held.entries, size);
    held.entries = size;
    return { from, add: t.entries.slice(from, size).map((e) => e.values), size };
  }

  private sentTo(slot: Slot, t: TargetState): SentToThread {
    const key = threadKey(slot, t);
    let held = this.sent.get(key);
    if (!held) this.sent.set(key, (held = { coverage: 0, entries: 0, table: -1 }));
    return held;
  }

  /**
   * The comparison table of `job` as it travels to the execution thread of `slot`: 'kept' when
   * that thread holds the job's version already (it keeps the last table each job carried).
   */
  private comparisonsFor(slot: Slot, t: TargetState, job: FuzzJob): FuzzJob['comparisons'] {
    const held = this.sentTo(slot, t);
    if (held.table === job.comparisonsVersion) return 'kept';
    held.table = job.comparisonsVersion;
    return job.comparisons;
  }

  private makeJob(slot: Slot, jobId: number, t: TargetState, entry: CorpusEntry, seed: number, limit: number): FuzzJob {
    const held = this.sentTo(slot, t);
    const from = held.coverage;
    held.coverage = t.coverageLog.length;
    return {
      kind: 'fuzz',
      jobId,
      target: t.key,
      base: entry.values,
      seed,
      limit,
      maxLen: this.o.maxLen,
      dictionary: [...t.info.dictionary, ...this.o.dictionary, ...this.autoDictionary],
      splice: this.spliceFor(slot, t, t.entries.length),
      comparisons: t.comparisons,
      comparisonsVersion: t.comparisonsVersion,
      maskDelta: t.coverageLog.slice(from),
      maskFrom: from,
      coverage: this.o.coverage,
      safeFile: undefined,
      minimizeNew: this.o.coverage && this.o.minimize !== undefined,
      // An entry's first batch starts by solving the comparisons it makes (seeds, cached inputs).
      solveBase: entry.picks === 1,
      stopOnFailure: !this.o.keepGoing,
      knownAsync: t.asyncSignatures.size > 0 ? [...t.asyncSignatures] : undefined,
    };
  }

  private onEvent(t: TargetState, parent: CorpusEntry, m: FromWorker): void {
    if (m.kind === 'interesting') {
      const fresh = t.mergeCoverage(m.coverage);
      if (fresh === 0) return; // another worker got there first
      const text = marshalCorpusFile(t.info.kinds, m.values);
      const id = corpusFileId(text);
      if (t.addEntry({ id, values: m.values, source: 'new', newEdges: fresh, generation: parent.generation + 1 })) {
        t.newInteresting++;
        writeFileAtomic(path.join(t.cacheDir, id), text);
      }
    } else if (m.kind === 'failure') {
      void this.findings.submit({ target: t, values: m.values, failure: m.failure, source: 'fuzzing' });
    }
  }

  private async onJobEnd(t: TargetState, job: FuzzJob, end: JobEnd, earlier: BatchRecord[] = []): Promise<void> {
    const suspects = (vs: readonly Value[][]): Suspect[] => vs.map((values) => ({ t, values }));
    switch (end.kind) {
      case 'done':
        this.count(t, end.execs);
        if (end.comparisons.length) t.foldComparisons(end.comparisons);
        for (const [sig, n] of Object.entries(end.repeats)) this.findings.addRepeats(t, sig, n);
        if (end.asyncFailure) await this.onAsyncFailure(t, end.asyncFailure, [{ t, job, last: job.limit - 1 }, ...earlier], suspects(end.asyncSuspects ?? []));
        return;
      case 'thread-lost': {
        this.count(t, end.index + 1);
        // A callback some input left hung (the thread was settling or between jobs), or an exit the
        // thread could not pin on an input (ExitPlace 'unknown'): not input `index`; which input
        // caused it is found as for an asynchronous failure, among the inputs that ran: those up
        // to `index` (none of this batch when the thread had not taken it up: -1).
        // (Candidates the thread ran, whose callback it may have been, then the input running.)
        const ran = (end.suspects ?? []).map((v) => candidateValues(t.info.kinds, v)).filter((v) => v !== undefined);
        const lateSuspects = suspects([...ran, ...(end.values ? [end.values] : [])]);
        if (end.late || end.failure.async) {
          return this.onAsyncFailure(t, end.failure, [{ t, job, last: end.index }, ...earlier], lateSuspects);
        }
        const values = end.values ?? this.replay(t, job, end.index);
        if (end.awaited && values && end.failure.kind === 'timeout') return this.onAwaitedHang(t, job, end.index, values, end.failure, earlier, lateSuspects);
        await this.findings.submit({ target: t, values, failure: end.failure, source: 'fuzzing' });
        return;
      }
      case 'died':
        await this.onProcessDeath(t, job, end);
        return;
      case 'stopped':
    }
  }

  /** Rebuilds input `index` of a batch from its checkpoint (the replay contract). */
  private replay(t: TargetState, job: FuzzJob, index: number): Value[] | undefined {
    if (index < 0) return undefined;
    return replayInput(t.info.kinds, jobMutatorOptions(job, tableOf(job)), splicePoolOf(t, job), job.base, job.seed, index);
  }

  /** Inputs `from`..`to` of a batch, rebuilt from its checkpoint without running them. */
  private batchInputs(t: TargetState, job: FuzzJob, from: number, to: number): Value[][] {
    return replayInputs(t.info.kinds, jobMutatorOptions(job, tableOf(job)), splicePoolOf(t, job), job.base, job.seed, from, to);
  }

  /**
   * The inputs `from`..`to` of a batch that a failure may be, as Findings writes them when the run
   * ends before naming it: at most MAX_UNNAMED, the first of the range or its last (`keep`).
   */
  private candidates(t: TargetState, job: FuzzJob, from: number, to: number, keep: 'first' | 'last'): Known {
    const of = to - from + 1;
    if (of > MAX_UNNAMED) {
      if (keep === 'first') to = from + MAX_UNNAMED - 1;
      else from = to - MAX_UNNAMED + 1;
    }
    return { candidates: this.batchInputs(t, job, from, to), of };
  }

  /**
   * Submits a failure the run ended (an interrupt, or a stop while a lane was still naming its
   * input) before naming: with its input when known, else with none, the inputs it may be having
   * been written to the cache (the headline says where).
   */
  private submitKnown(t: TargetState, failure: FailureInfo, known: Known): Promise<void> {
    if ('values' in known) return this.findings.submit({ target: t, values: known.values, failure, source: 'fuzzing' });
    const unnamed: Unnamed = this.findings.writeCandidates(t, failure, known.candidates, known.of);
    const why = this.interrupted ? 'the run was interrupted' : 'the run stopped';
    const headline = `${failure.headline}; ${why} before its input was named: ${describeUnnamed(unnamed)}`;
    return this.findings.submit({ target: t, values: undefined, failure: { ...failure, headline }, source: 'fuzzing', unnamed });
  }

  /**
   * The process died mid-batch: replay the batch in safe mode to learn which input killed it.
   * Until it is submitted the failure is held (Findings.hold): before the replay names the input,
   * what is known is the batch from the input the replay runs now on (those before it did not
   * kill the replay); after, the inputs nameKiller walks back through (the index can be a little
   * after the killer, so until one is confirmed none is written to testdata, where an innocent
   * input would stay as a regression input for good: they go to the cache).
   */
  private async onProcessDeath(t: TargetState, job: FuzzJob, end: { death: WorkerDeath; candidate?: RunningCandidate }): Promise<void> {
    const failure = describeDeath(end.death, this.o.worker.memoryLimitMb);
    if (end.candidate && (await this.nameCandidate(t, end.candidate, failure))) return;
    const safeFile = path.join(this.tmp(), `inflight-${job.jobId}`);
    let index = -1;
    const held: Held = {
      target: t,
      failure,
      known: () =>
        index >= 0
          ? this.candidates(t, job, Math.max(0, index - KILLER_LOOKBACK), index, 'last')
          : this.candidates(t, job, Math.max(0, SafeFile.read(safeFile) - 1), job.limit - 1, 'first'),
    };
    const holding = this.findings.hold(held);
    try {
      const replayEnd = await this.pool.exec((slot, jobId) => ({
        ...job, jobId, safeFile, stopOnFailure: false, maskDelta: [], coverage: false, minimizeNew: false, solveBase: false,
        splice: this.spliceFor(slot, t, job.splice.size), comparisons: this.comparisonsFor(slot, t, job),
      }));
      let finalFailure = failure;
      if (replayEnd.kind === 'died') {
        index = SafeFile.read(safeFile) - 1;
        finalFailure = describeDeath(replayEnd.death, this.o.worker.memoryLimitMb);
      } else if (replayEnd.kind === 'thread-lost') {
        index = replayEnd.index;
        finalFailure = replayEnd.failure;
      }
      held.failure = finalFailure;
      this.count(t, index >= 0 ? index + 1 : job.limit);
      if (replayEnd.kind === 'stopped') return await this.submitHeld(held, holding);
      if (index < 0) {
        finalFailure = { ...failure, headline: `${failure.headline}; replaying the batch did not reproduce it, so the input is unknown` };
        await holding.submit({ target: t, values: undefined, failure: finalFailure, source: 'fuzzing' });
        return;
      }
      const named = await this.nameKiller(t, job, index, finalFailure);
      if (!named) return await this.submitHeld(held, holding);
      await holding.submit({ target: t, values: named.values, failure: named.failure, source: 'fuzzing', verified: named.verified });
    } finally {
      holding.release();
    }
  }

  /**
   * The process died while its execution thread ran a candidate (an input outside the batch's
   * sequence: a new input's minimization, input-to-state), as its candidate file says. The
   * safe-mode replay runs only the batch's sequence, so it would never run that candidate again:
   * it is re-checked alone instead, and named if it fails again. Returns false when it does not
   * (the death came from elsewhere: a callback an earlier input left, memory the batch built up)
   * or the record does not fit the target: the batch is then replayed as for any process death.
   * Held meanwhile with the candidate as its input (what a forced exit writes).
   */
  private async nameCandidate(t: TargetState, running: RunningCandidate, failure: FailureInfo): Promise<boolean> {
    const values = candidateValues(t.info.kinds, running.values);
    if (!values) return false;
    const held: Held = { target: t, failure, known: () => ({ values }) };
    const holding = this.findings.hold(held);
    try {
      const again = await this.findings.recheck(t, values, failure);
      if (this.interrupted) {
        // Cut short: it confirmed nothing, but it is the best guess there is.
        this.count(t, running.execs + 1);
        await this.submitHeld(held, holding);
        return true;
      }
      if (again.kind === 'flaky') return false;
      // The batch's executions up to the candidate (a replay would have counted its own).
      this.count(t, running.execs + 1);
      await holding.submit({ target: t, values, failure: again, source: 'fuzzing', verified: true });
      return true;
    } finally {
      holding.release();
    }
  }

  /**
   * A batch reported an asynchronous failure (FailureInfo.async): an error raised after some
   * input's call had returned, so the input running when it surfaced is not its cause (or an exit
   * from a callback while an input was pending, which may or may not be its cause). The batch
   * is replayed on the verifier in async-check mode (FuzzJob.asyncCheck): inputs one at a time,
   * each in a context that names it, so the error names its input however late it fires. If it
   * surfaces without a name (code that loses the context), the inputs before that point are
   * bisected: replaying a tail of them and waiting fails exactly when the tail holds the culprit.
   * A callback that fired after its batch had ended surfaces in a later one: `batches` are the
   * batch it surfaced in, then the thread's earlier ones (newest first), searched in that order;
   * then the inputs run outside a batch's sequence (`suspects`, newest last: minimization,
   * input-to-state, the baseline, whose entries of several targets share a worker: each is
   * re-checked, and reported, as an input of its own target). The culprit is then re-checked and
   * reported like any failure. A callback that hangs instead of throwing (thread-lost's `late`)
   * is traced the same way. Only the inputs of a batch that ran (BatchRecord.last) are searched
   * and held: a thread lost at input k ran none after it.
   */
  private async onAsyncFailure(t: TargetState, failure: FailureInfo, batches: BatchRecord[], suspects: Suspect[]): Promise<void> {
    t.asyncSignatures.add(failure.signature); // later batches count it instead of holding it (FuzzJob.knownAsync)
    const key = `${t.key}\0${failure.signature}`;
    if (this.findings.knows(t, failure.signature) || this.asyncSearches.has(key)) {
      this.findings.addRepeats(t, failure.signature, 1);
      return;
    }
    this.asyncSearches.add(key);
    // Held until submitted (Findings.hold): the inputs it may be, narrowed as the search goes.
    // A late callback tends to come from the last inputs of the batch it surfaced in, so when
    // there are too many to write those are kept.
    const ran = batches.filter((b) => b.last >= 0);
    const first = ran[0];
    // The suspects of one target at a time (the held failure is written under one target).
    const ofTarget = (upTo: number): Known => {
      const st = suspects[upTo]?.t ?? t;
      const vs = suspects.slice(0, upTo + 1).filter((s) => s.t === st).map((s) => s.values);
      return { candidates: vs, of: vs.length };
    };
    let known = (): Known => (first ? this.candidates(first.t, first.job, 0, first.last, 'last') : ofTarget(suspects.length - 1));
    const held: Held = { target: first?.t ?? suspects[suspects.length - 1]?.t ?? t, failure, known: () => known() };
    const holding = this.findings.hold(held);
    try {
      for (const b of ran) {
        held.target = b.t;
        known = () => this.candidates(b.t, b.job, 0, b.last, 'last');
        const found = await this.findAsyncCulprit(b.t, b.job, b.last, failure, (lo, hi) => {
          known = () => this.candidates(b.t, b.job, lo, hi, 'last');
        });
        if (found === 'stopped') return await this.submitHeld(held, holding);
        if (found !== 'none') {
          await holding.submit({ target: b.t, values: found, failure, source: 'fuzzing' });
          return;
        }
      }
      for (let i = suspects.length - 1; i >= 0; i--) {
        const s = suspects[i];
        held.target = s.t;
        known = () => ofTarget(i);
        if (this.interrupted) return await this.submitHeld(held, holding);
        const again = await this.findings.recheck(s.t, s.values, failure, false);
        if (this.interrupted) return await this.submitHeld(held, holding); // cut short: it confirmed nothing
        if (again.kind !== 'flaky') {
          await holding.submit({ target: s.t, values: s.values, failure: again, source: 'fuzzing', verified: true });
          return;
        }
      }
      const headline = `${failure.headline}; replaying the batch did not reproduce it, so the input is unknown`;
      await holding.submit({ target: t, values: undefined, failure: { ...failure, headline }, source: 'fuzzing' });
    } finally {
      holding.release();
      this.asyncSearches.delete(key);
    }
  }

  /**
   * Input `index` of a batch hung while it awaited (thread-lost's `awaited`): what spun was a
   * callback, the input's own (code after an await) or one an earlier input left, and fuzz batches
   * do not record whose. The input runs again alone: if it hangs again it is the one (the usual
   * case, with no search); if not, the hang is traced like a late callback's (onAsyncFailure),
   * among the inputs that ran, instead of being written as a flaky failure of an input that did
   * nothing wrong. Held meanwhile: an interrupt writes the input as found.
   */
  private async onAwaitedHang(
    t: TargetState, job: FuzzJob, index: number, values: Value[], failure: FailureInfo, earlier: BatchRecord[], suspects: Suspect[],
  ): Promise<void> {
    // A repeat of a hang already found or being traced costs nothing more, as any repeat; with
    // the budget spent, the input is written as found, without a re-run (as any failure).
    if (this.asyncSearches.has(`${t.key}\0${failure.signature}`)) return this.findings.addRepeats(t, failure.signature, 1);
    if (this.findings.knows(t, failure.signature) || this.budgetLeft() <= 0) return this.findings.submit({ target: t, values, failure, source: 'fuzzing' });
    // Until confirmed, the input is only a candidate (a forced exit writes it to the cache).
    const held: Held = { target: t, failure, known: () => ({ candidates: [values], of: 1 }) };
    const holding = this.findings.hold(held);
    try {
      const again = await this.findings.recheck(t, values, failure);
      if (this.interrupted) return await this.submitHeld(held, holding); // cut short: it confirmed nothing
      if (again.kind !== 'flaky') {
        return await holding.submit({ target: t, values, failure: again, source: 'fuzzing', verified: true, seenAs: failure.signature });
      }
    } finally {
      holding.release();
    }
    await this.onAsyncFailure(t, { ...failure, async: true }, [{ t, job, last: index }, ...earlier], suspects);
  }

  /** Releases a held failure and submits what is known of it (the search was interrupted). */
  private submitHeld(held: Held, holding: Holding): Promise<void> {
    const known = held.known();
    holding.release();
    return this.submitKnown(held.target, held.failure, known);
  }

  /**
   * The input of batch `job`, among those it ran (0..`ranTo`), behind asynchronous `failure`:
   * 'none' if replaying them raises none, 'stopped' if the run was interrupted first. `narrow(lo, hi)`: the culprit is now looked for
   * among inputs lo..hi (what a forced exit writes meanwhile).
   */
  private async findAsyncCulprit(
    t: TargetState, job: FuzzJob, ranTo: number, failure: FailureInfo, narrow: (lo: number, hi: number) => void,
  ): Promise<Value[] | 'none' | 'stopped'> {
    // On the verifier (never stopped before the findings are settled), sent whole: its thread
    // holds nothing of this target's corpus or table.
    const surfaces = async (from: number, to: number): Promise<{ index: number; exact: boolean } | 'none' | 'stopped'> => {
      let found: { index: number; exact: boolean } | undefined;
      const end = await this.verifier.exec(
        (_slot, jobId) => ({
          ...job, jobId, limit: to + 1, asyncCheck: { from, endMs: ASYNC_SETTLE_MS, signature: failure.signature }, safeFile: undefined, stopOnFailure: true,
          maskDelta: [], maskFrom: 0, coverage: false, minimizeNew: false, solveBase: false, lastOfBudget: false,
          splice: { from: 0, add: splicePoolOf(t, job), size: job.splice.size }, comparisons: tableOf(job),
        }),
        (m) => {
          if (m.kind === 'failure') found ??= { index: m.index, exact: m.exact === true };
        },
      );
      // A callback that hung: named by the thread when it came from one of these inputs, else
      // (it lost its context) it surfaced after the last input that ran. Only when a hang is what
      // is searched for: another bug met on the way (a spinning timer while looking for an exit or
      // a throw) is not the one searched, and must not be mapped to its signature.
      if (!found && end.kind === 'thread-lost' && end.late && end.failure.kind === 'timeout' && failure.kind === 'timeout') {
        if (end.late.own && end.late.index !== undefined) found = { index: end.late.index, exact: true };
        else if (end.late.own === undefined && end.index >= from) found = { index: end.index, exact: false };
      }
      // A hang or an exit that ended the thread in the input in flight itself (its call, or its
      // own code after an await: in async-check every input runs in a context naming it, so
      // another input's callback would have been late; one that lost its context is taken as
      // the input's too, which the re-check of the culprit catches), with the signature searched
      // for (so of the same kind): that input, as the replay ran it (a hang that needs the state
      // the inputs before it built up is then named, not lost).
      if (end.kind === 'thread-lost' && !end.late && end.failure.signature === failure.signature && end.index >= from) {
        found ??= { index: end.index, exact: true };
      }
      return found ?? (end.kind === 'stopped' ? 'stopped' : 'none');
    };
    const whole = await surfaces(0, ranTo);
    if (whole === 'none' || whole === 'stopped') return whole;
    if (whole.exact) return this.replay(t, job, whole.index)!;
    const last = whole.index;
    let lo = Math.max(0, last - ASYNC_LOOKBACK);
    // It surfaced at `last`: its input is that one or an earlier one (most likely a recent one).
    narrow(lo, last);
    if (lo > 0) {
      const tail = await surfaces(lo, last);
      if (tail === 'stopped') return 'stopped';
      if (tail === 'none') lo = 0; // a late one: search the whole batch
    }
    let hi = last;
    while (lo < hi) {
      narrow(lo, hi);
      const mid = lo + Math.ceil((hi - lo) / 2);
      const r = await surfaces(mid, last);
      if (r === 'stopped') return 'stopped';
      if (r !== 'none') lo = mid;
      else hi = mid - 1;
    }
    return this.replay(t, job, lo)!;
  }

  /**
   * The safe-mode replay says the process died while input `index` was recorded, but a death
   * can land a little after the input that caused it (a signal delivered to another thread, an
   * asynchronous crash). Re-run that input alone; if it does not fail, walk back through the
   * inputs before it, one at a time, until one does. Returns the input and its failure, or
   * undefined if the run was interrupted before one was confirmed (what is known is then the
   * inputs it walks back through: onProcessDeath's held candidates).
   */
  private async nameKiller(t: TargetState, job: FuzzJob, index: number, failure: FailureInfo): Promise<{ values: Value[]; failure: FailureInfo; verified: boolean } | undefined> {
    const first = Math.max(0, index - KILLER_LOOKBACK);
    const inputs = this.batchInputs(t, job, first, index);
    for (let i = index; i >= first && !this.stopping; i--) {
      const values = inputs[i - first];
      const again = await this.findings.recheck(t, values, failure);
      if (this.interrupted) return undefined; // the re-check was cut short: it confirmed nothing
      if (again.kind !== 'flaky') return { values, failure: again, verified: true };
    }
    if (this.interrupted) return undefined;
    return { values: inputs[index - first], failure, verified: false };
  }

  /**
   * A second interrupt: the process is about to exit without waiting for anything. Writes the
   * failures still being re-checked or minimized as found, and those whose input is still being
   * named as far as it is known (Findings.writeUnwritten), and returns how many failures were
   * found, every file they were written to, and where the inputs of the unnamed ones may be.
   */
  forceStop(): { found: number; written: string[]; unnamed: Unnamed[] } {
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true }); // run()'s cleanup will not run
    if (!this.findings) return { found: 0, written: [], unnamed: [] };
    const done = this.findings.list;
    const rest = this.findings.writeUnwritten();
    const written = [...done.flatMap((f) => (f.writtenTo ? [f.writtenTo] : [])), ...rest.written];
    const unnamed = [...done.flatMap((f) => (f.unnamed ? [f.unnamed] : [])), ...rest.unnamed];
    return { found: done.length + rest.pending, written, unnamed };
  }

  /** The run's temporary folder (safe-mode index files, candidate files), made on first use. */
  private tmp(): string {
    return (this.tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-')));
  }

  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    void this.pool.stop();
  }

  private interrupt(): void {
    this.interrupted = true;
    this.stopping = true;
    this.pool.kill();
    this.verifier.kill();
  }

  private printStatus(): void {
    const now = Date.now();
    const dt = (now - this.lastStatus.at) / 1000;
    const rate = dt > 0 ? Math.round((this.execs - this.lastStatus.execs) / dt) : 0;
    const fresh = this.targets.reduce((n, t) => n + t.newInteresting, 0);
    const sinceLast = fresh - this.lastStatus.fresh;
    this.lastStatus = { at: now, execs: this.execs, fresh };
    const elapsed = formatElapsed(now - this.startedAt);
    if (this.phase === 'loading') {
      // Loading is silent when quick (a load error is then the only line); a slow one (a big
      // dependency instrumented for the first time) says what it is waiting for.
      if (now - this.startedAt >= SLOW_LOAD_MS) {
        this.o.reporter.info(`fuzz: elapsed: ${elapsed}, loading the fuzz files in ${this.pool.slots.length} worker${this.pool.slots.length === 1 ? '' : 's'} (instrumenting them the first time)`);
      }
      return;
    }
    if (this.phase === 'baseline') {
      this.o.reporter.info(`fuzz: elapsed: ${elapsed}, gathering baseline coverage: ${this.baseline.done}/${this.baseline.total} completed`);
      return;
    }
    const corpus = this.targets.reduce((n, t) => n + t.entries.length, 0);
    const edges = this.edgesSeen.size;
    const cov = this.o.coverage ? `, edges: ${edges}/${this.pool.edges}` : '';
    const fails = this.findings.list.length ? `, failures: ${this.findings.list.length}` : '';
    this.o.reporter.progress(
      {
        elapsedMs: now - this.startedAt, execs: this.execs, execsPerSec: rate, corpus, newInteresting: fresh, newSinceLast: sinceLast,
        edgesCovered: this.o.coverage ? edges : undefined, edgesTotal: this.o.coverage ? this.pool.edges : undefined,
        phase: 'fuzzing', failures: this.findings.list.length,
      },
      `fuzz: elapsed: ${elapsed}, execs: ${this.execs} (${rate}/sec), corpus: ${corpus} (+${sinceLast})${cov}${fails}`,
    );
  }

  /**
   * The recommended dictionary: tokens (from the fuzz files, --dict, the code's literals and the
   * compare operands seen) that occur in inputs found in this run but not in those it started
   * from, i.e. tokens that led to new coverage. Capped at RECOMMENDED_MAX, most used first.
   */
  private recommendDictionary(): Uint8Array[] {
    const pool = new Map<string, Uint8Array>();
    const add = (tok: Uint8Array) => {
      if (tok.length >= 2 && tok.length <= 64) pool.set(Buffer.from(tok).toString('latin1'), tok);
    };
    for (const tok of this.o.dictionary) add(tok);
    // Numbers among the code's literals (table sizes, character codes) end up in inputs by being
    // inserted, rarely because they matter; compared numbers come in below as operands.
    for (const tok of this.autoDictionary) if (!/^[-+]?[0-9.]+$/.test(Buffer.from(tok).toString('latin1'))) add(tok);
    for (const t of this.targets) {
      for (const tok of t.info.dictionary) add(tok);
      for (const v of programSideOperands(t.comparisons)) {
        if (typeof v === 'string') add(utf8.encode(v));
        else if (v instanceof Uint8Array) add(v);
      }
    }
    // Inputs this run found, and what it started from (seeds, testdata, cache, samples).
    const found: Buffer[] = [];
    const given: Buffer[] = [];
    for (const t of this.targets) {
      for (const e of t.entries) {
        for (const v of e.values) {
          const b = v instanceof Uint8Array ? Buffer.from(v) : typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
          if (b) (e.source === 'new' ? found : given).push(b);
        }
      }
    }
    // A token counts when inputs found in this run hold it and the inputs it started from do
    // not (those it had already); short runs of digits are left out: they turn up by chance in
    // any input with numbers. The tokens in most found inputs come first, longer ones on ties.
    const ranked: Array<{ tok: Uint8Array; n: number }> = [];
    for (const tok of pool.values()) {
      if (tok.length < 3 && /^[0-9]+$/.test(Buffer.from(tok).toString('latin1'))) continue;
      const needle = Buffer.from(tok);
      if (given.some((h) => h.includes(needle))) continue;
      const n = found.reduce((k, h) => k + (h.includes(needle) ? 1 : 0), 0);
      if (n > 0) ranked.push({ tok, n });
    }
    ranked.sort((a, b) => b.n - a.n || b.tok.length - a.tok.length);
    return ranked.slice(0, RECOMMENDED_MAX).map((r) => r.tok);
  }

  /**
   * An --include that matched no file the targets loaded is most likely a typo (the dependency
   * then runs uninstrumented and nothing says so): say it once the run has loaded what it loads.
   */
  private warnUnusedIncludes(): void {
    if (!this.o.coverage) return;
    const files = [...this.pool.instrumented].map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f));
    for (const glob of this.o.worker.include) {
      if (!files.some(globMatcher(glob))) {
        this.o.reporter.info(`fuzz: warning: --include=${glob} matched no file the fuzz targets loaded; check the pattern (e.g. --include='**/node_modules/my-parser/**')`);
      }
    }
  }

  private summary(): FuzzSummary {
    return {
      findings: this.findings?.list ?? [],
      execs: this.execs,
      recommended: this.recommendDictionary(),
      elapsedMs: Date.now() - this.startedAt,
      fuzzExecsPerSec: this.fuzzStart.at ? Math.round(((this.execs - this.fuzzStart.execs) * 1000) / Math.max(1, Date.now() - this.fuzzStart.at)) : 0,
      interrupted: this.interrupted,
      targets: this.targets.map((t) => ({
        name: t.name, file: path.relative(process.cwd(), t.info.file), execs: t.execs, corpus: t.entries.length, newInteresting: t.newInteresting, edges: t.edgesCovered,
      })),
    };
  }
}

/** A batch a worker slot ran, kept while it may still be searched for a late callback's input. */
interface BatchRecord {
  t: TargetState;
  job: FuzzJob;
  /** The index of the last input it ran (-1: none, the thread was lost before taking it up). */
  last: number;
}
/** An input run outside a batch's sequence (a baseline entry, a candidate), with its target. */
interface Suspect {
  t: TargetState;
  values: Value[];
}
/** Baseline entries kept per slot (searched when a callback one of them left hangs). */
const BASELINE_SUSPECTS = 32;
/** Batches kept per slot (searched after the one that reported a late callback). */
const RECENT_BATCHES = 2;

/** What one execution thread holds of a target: coverage log and corpus entries, table version (-1: none). */
interface SentToThread {
  coverage: number;
  entries: number;
  table: number;
}

/** Whether raw sample files (--corpus) can seed a target of these kinds: one bytes or string argument. */
function takesSamples(kinds: readonly Kind[]): boolean {
  return kinds.length === 1 && (kinds[0].kind === 'bytes' || kinds[0].kind === 'string');
}

/** Names one execution thread's view of a target: a new process or a replaced thread starts afresh. */
function threadKey(slot: Slot, t: TargetState): string {
  return `${slot.id}:${slot.generation}:${slot.thread}:${t.key}`;
}

/** A candidate file's values (read back unchecked) as an input of a target of `kinds`, or undefined if they are none. */
function candidateValues(kinds: readonly Kind[], values: readonly Value[]): Value[] | undefined {
  if (values.length !== kinds.length || kinds.some((k, i) => checkValue(k, values[i]) !== undefined)) return undefined;
  return [...values];
}

/** The whole comparison table of a job as the coordinator keeps it (never 'kept'). */
function tableOf(job: FuzzJob): ComparePair[] {
  if (job.comparisons === 'kept') throw new Error('internal: the coordinator keeps every job with its whole comparison table');
  return job.comparisons;
}

/** The splice pool a job used: the target's first entries (the corpus only grows). */
function splicePoolOf(t: TargetState, job: FuzzJob): Value[][] {
  return t.entries.slice(0, job.splice.size).map((e) => e.values);
}
