/**
 * [coordinator] Failing inputs from the moment a worker reports one until it is on disk:
 * de-duplicate by signature (each distinct failure is written and reported once, repeats are
 * counted), re-run it once in a fresh worker (one that does not fail again is reported as flaky,
 * not dropped), write it atomically to testdata/fuzz/<Target>/, and print the report with the
 * command that re-runs exactly that input. Failures whose input the coordinator is still naming
 * are held here too (hold), so that a forced exit writes what is known of them.
 */
import * as path from 'node:path';
import { writeCorpusEntry, writeFileAtomic } from '../corpus/store.js';
import { marshalCorpusFile } from '../corpus/encoding.js';
import { corpusFileId } from '../corpus/store.js';
import type { Reporter } from '../report/reporter.js';
import type { Value } from '../values/kinds.js';
import type { Budget } from '../util/limits.js';
import { inputSize, minimizeFailure, type MinimizedFailure } from './minimize-failure.js';
import { outcomeOf } from './outcome.js';
import { rerunCommand } from './rerun.js';
import type { WorkerPool } from './pool.js';
import { timersFor, wantedAsync, type FailureInfo } from './protocol.js';
import { errorMessage } from '../util/errors.js';
import type { TargetState } from './target-state.js';

export interface Candidate {
  target: TargetState;
  /** The failing input, when it could be named. */
  values: Value[] | undefined;
  failure: FailureInfo;
  /** Where it came from: "fuzzing", "seed#1", a cache id. */
  source: string;
  /** The failure already comes from running this input alone in a fresh worker. */
  verified?: boolean;
  /** The execution budget was used up when it arrived: it is written without a re-run. */
  budgetSpent?: boolean;
  /** The input was not named: the inputs it may be, already written to the cache (writeCandidates). */
  unnamed?: Unnamed;
  /**
   * The signature the failure was first seen with, when `failure` comes from a re-run that gave
   * another (so that later repeats seen that way count as this finding's).
   */
  seenAs?: string;
}

/** What the coordinator knows of a failure whose input it is still naming (see Held). */
export type Known =
  /** The input (its index in its batch is known): written like any failure not yet re-checked. */
  | { values: Value[] }
  /** The inputs it may be (at most a few thousand of `of`): see writeCandidates. */
  | { candidates: Value[][]; of: number };

/**
 * A failure the coordinator has seen but not yet submitted, because its input is being named
 * (the safe-mode replay of a process death, the walk back to its killer, the search for the
 * input behind an asynchronous failure). Held from the moment it is seen so that a forced exit
 * (writeUnwritten) can write what is known by then; `failure` may be updated as it is learnt.
 */
export interface Held {
  target: TargetState;
  failure: FailureInfo;
  known: () => Known;
}

/** A held failure (Findings.hold): submitted once named, or released. */
export interface Holding {
  release(): void;
  /** Releases the failure, then submits what was found (Findings.submit). */
  submit(c: Candidate): Promise<void>;
}

/** The inputs a failure may be, written to its target's cache because its input was not named. */
export interface Unnamed {
  target: string;
  headline: string;
  /** The cache folder (relative to the current folder). */
  dir: string;
  written: number;
  /** How many inputs it may be in all (more than `written` when there were too many to write). */
  of: number;
  /**
   * The failure is asynchronous (FailureInfo.async): the next run's baseline runs the cached
   * inputs one after another without isolating their callbacks, so it may not trace it to one.
   */
  async?: boolean;
}

/** Says where the inputs an unnamed failure may be went, and how they will be named. */
export function describeUnnamed(u: Unnamed): string {
  const count = u.of > u.written ? `${u.written} of ${u.of}` : `${u.written}`;
  if (u.written === 0) return `its input is unknown (the inputs it may be (${u.of}) could not be written to ${u.dir}/)`;
  // An asynchronous failure's callback may fire while a later cached input runs at the next
  // run's start (its baseline does not isolate them), so naming the one that fails is promised
  // only for the others.
  if (u.async) return `the inputs it may be (${count}) were added to the cache, ${u.dir}/, which the next tsfuzz fuzz runs at its start and fuzzes from (an asynchronous failure may not be traced to one there)`;
  return `the inputs it may be (${count}) were added to the cache, ${u.dir}/, where the next tsfuzz fuzz runs each at its start and reports the one that fails`;
}

export interface Finding {
  target: TargetState;
  values: Value[] | undefined;
  failure: FailureInfo;
  writtenTo: string | undefined;
  /** The input as found, before minimization (kept in the cache, not in testdata). */
  originalAt?: string;
  id: string | undefined;
  count: number;
  /** Its input was not named: where the inputs it may be were written. */
  unnamed?: Unnamed;
}

export interface FindingsOptions {
  verifier: WorkerPool;
  reporter: Reporter;
  memoryLimitMb: number;
  runSeed: number | undefined;
  /** How the user invoked tsfuzz, for the re-run line (`npx tsfuzz`). */
  command: string;
  /** Counts an execution spent re-running. */
  countExec: (target: TargetState) => void;
  /** Whether the execution budget still allows a re-run. */
  canSpend: () => boolean;
  /** Budget for minimizing each failure (undefined = do not minimize). */
  minimize: Budget | undefined;
  timeoutMs: number;
  /** Whether the run is being interrupted (minimization stops and keeps what it has). */
  stopped: () => boolean;
}

export class Findings {
  /** Distinct findings by signature (original and re-run signatures both map here). */
  private readonly bySignature = new Map<string, Finding>();
  readonly list: Finding[] = [];
  private pending: Promise<void> = Promise.resolve();
  /** Candidates queued and not yet handled. */
  queued = 0;
  /** Repeats counted before their finding exists (it is still being re-checked). */
  private readonly earlyRepeats = new Map<string, number>();
  /** Set once the first distinct failure has been written. */
  onNew: (f: Finding) => void = () => {};
  /** The first error that stopped a candidate from being handled (the run should end with it). */
  error: { e: unknown } | undefined;
  onError: (e: unknown) => void = () => {};

  constructor(private readonly opts: FindingsOptions) {}

  private sigKey(t: TargetState, sig: string): string {
    return `${t.key}\0${sig}`;
  }

  /** Signatures submitted and not yet processed (so repeats are recognized at once). */
  private readonly pendingSigs = new Set<string>();
  /** Candidates submitted and not yet written (what a forced exit must still put on disk). */
  private readonly unwritten = new Set<Candidate>();
  /** Failures seen and not yet submitted (their input is being named): see hold. */
  private readonly held = new Set<Held>();

  /**
   * Holds a failure whose input the coordinator is still naming, until it is submitted through
   * the returned handle (which releases it first: submit registers synchronously, so nothing
   * falls between the two) or released. Release it in a `finally` too: releasing twice is fine.
   */
  hold(h: Held): Holding {
    this.held.add(h);
    const release = () => void this.held.delete(h);
    return {
      release,
      submit: (c) => {
        release();
        return this.submit(c);
      },
    };
  }

  /**
   * Queues a candidate; candidates are processed one at a time, in arrival order. Everything
   * that affects the execution count is decided here, synchronously, in the order events arrive
   * (repeat or new; the re-run's execution is counted now), so a run with --seed and one worker
   * counts the same way every time, however long the re-runs take.
   */
  submit(c: Candidate): Promise<void> {
    const key = this.sigKey(c.target, c.failure.signature);
    if (this.bySignature.has(key) || this.pendingSigs.has(key)) {
      this.addRepeats(c.target, c.failure.signature, 1);
      return this.pending;
    }
    this.pendingSigs.add(key);
    if (c.values && !c.verified) {
      if (this.opts.canSpend()) this.opts.countExec(c.target);
      else c = { ...c, budgetSpent: true };
    }
    this.queued++;
    this.unwritten.add(c);
    // A failure of the handling itself (the verifier cannot start: a fuzz file broke on disk)
    // stops the run with that error (error, onError) instead of escaping as an unhandled rejection,
    // and the input is written as it was found (nothing found is lost).
    this.pending = this.pending
      .then(() => this.process(c))
      .catch((e: unknown) => {
        if (this.error === undefined) {
          this.error = { e };
          this.onError(e);
        }
        this.saveUnchecked(c, e);
      })
      .finally(() => {
        this.queued--;
        this.pendingSigs.delete(key);
        this.unwritten.delete(c);
      });
    return this.pending;
  }

  /**
   * Writes a candidate whose handling failed to its target's testdata as found (not re-checked,
   * not minimized; `tsfuzz test` judges it again) and says so in a warning.
   */
  private saveUnchecked(c: Candidate, e: unknown): void {
    if (!c.values) return;
    const t = c.target;
    let where: string;
    try {
      where = path.relative(process.cwd(), writeCorpusEntry(t.testdataDir, t.info.kinds, c.values).path);
    } catch (w) {
      where = `nowhere: ${errorMessage(w)}`;
    }
    this.opts.reporter.warn(
      `${t.name}: an input failed (${c.failure.headline}) but could not be re-checked (${errorMessage(e).split('\n')[0]}); written as found, not minimized, to ${where}`,
    );
  }

  /**
   * A forced exit (a second Ctrl-C) cannot wait for re-checks, minimization or the naming of an
   * input: writes, synchronously, every candidate not yet on disk to its target's testdata as
   * found (not re-checked, not minimized; `tsfuzz test` judges it again), and every held failure
   * as far as it is known: its input likewise, or the inputs it may be to the cache
   * (writeCandidates). A held failure with the signature of one already in hand is a repeat, not
   * written. Returns how many failures were still being handled and what was written for them.
   */
  writeUnwritten(): { pending: number; written: string[]; unnamed: Unnamed[] } {
    const written: string[] = [];
    const unnamed: Unnamed[] = [];
    const write = (c: { target: TargetState; values: Value[] }) => {
      try {
        written.push(writeCorpusEntry(c.target.testdataDir, c.target.info.kinds, c.values).path);
      } catch {
        // the disk refused it: nothing more can be done while exiting at once
      }
    };
    for (const c of this.unwritten) {
      if (c.unnamed) unnamed.push(c.unnamed);
      if (c.values) write({ target: c.target, values: c.values });
    }
    let pending = this.unwritten.size;
    const seen = new Set<string>();
    for (const h of this.held) {
      const key = this.sigKey(h.target, h.failure.signature);
      if (this.knows(h.target, h.failure.signature) || seen.has(key)) continue;
      seen.add(key);
      pending++;
      let k: Known;
      try {
        k = h.known();
      } catch {
        continue; // it could not be rebuilt: counted as found, nothing more while exiting at once
      }
      if ('values' in k) write({ target: h.target, values: k.values });
      else unnamed.push(this.writeCandidates(h.target, h.failure, k.candidates, k.of));
    }
    this.unwritten.clear();
    this.held.clear();
    return { pending, written, unnamed };
  }

  /**
   * Writes the inputs a failure may be (its input could not be named before the run ended) to its
   * target's cache, as ordinary cache entries. Why there: the next `tsfuzz fuzz` runs every cached
   * input once at its start (the baseline) and reports a cached input that fails as a new failure,
   * with its exact input, re-checked and minimized — the same guarantee as libFuzzer writing
   * crash-<sha> at once, given that only the batch is known (a process death takes the in-flight
   * index with it). testdata would keep the innocent ones as regression inputs for good; the
   * cache is pruned by corpus-min. Never throws (a file the disk refuses is not counted).
   */
  writeCandidates(t: TargetState, failure: FailureInfo, candidates: readonly Value[][], of: number): Unnamed {
    // A batch can hold the same input twice: each is one file, and counted once.
    const ids = new Set<string>();
    let failed = 0;
    for (const values of candidates) {
      try {
        ids.add(writeCorpusEntry(t.cacheDir, t.info.kinds, values).id);
      } catch {
        failed++; // counted as not written; the line says how many were
      }
    }
    const twice = candidates.length - failed - ids.size;
    return {
      target: t.name, headline: failure.headline, dir: path.relative(process.cwd(), t.cacheDir) || t.cacheDir, written: ids.size, of: of - twice,
      async: failure.async === true,
    };
  }

  /** Whether a failure of `t` with `signature` is already known or being handled. */
  knows(t: TargetState, signature: string): boolean {
    const key = this.sigKey(t, signature);
    return this.bySignature.has(key) || this.pendingSigs.has(key);
  }

  /** Counts `n` more inputs of `t` that failed with `signature` (not sent one by one). */
  addRepeats(t: TargetState, signature: string, n: number): void {
    const key = this.sigKey(t, signature);
    const f = this.bySignature.get(key);
    if (f) f.count += n;
    else this.earlyRepeats.set(key, (this.earlyRepeats.get(key) ?? 0) + n);
  }

  /** Resolves when every queued candidate has been handled. */
  settled(): Promise<void> {
    return this.pending;
  }

  get total(): number {
    return this.list.reduce((n, f) => n + f.count, 0);
  }

  private async process(c: Candidate): Promise<void> {
    const t = c.target;
    const first = this.bySignature.get(this.sigKey(t, c.failure.signature));
    if (first) {
      first.count++;
      return;
    }
    let failure = c.failure;
    if (c.values && !c.verified) {
      failure = c.budgetSpent
        ? { ...c.failure, detail: `${c.failure.detail}\n(not re-run alone: the execution budget was used up)` }
        : await this.recheck(t, c.values, c.failure, false);
    }
    const again = this.bySignature.get(this.sigKey(t, failure.signature));
    if (again) {
      again.count++;
      this.bySignature.set(this.sigKey(t, c.failure.signature), again);
      return;
    }
    const f: Finding = { target: t, values: c.values, failure, writtenTo: undefined, id: undefined, count: 1, unnamed: c.unnamed };
    let m: MinimizedFailure | undefined;
    if (c.values && failure.kind !== 'flaky' && this.opts.minimize) {
      m = await this.minimize(t, c.values, failure);
      if (m.changed) {
        const text = marshalCorpusFile(t.info.kinds, c.values);
        f.originalAt = path.join(t.cacheDir, 'originals', corpusFileId(text));
        writeFileAtomic(f.originalAt, text);
        f.values = m.values;
        f.failure = m.failure;
      }
    }
    if (f.values) {
      if (failure.kind === 'flaky') {
        const text = marshalCorpusFile(t.info.kinds, f.values);
        f.id = corpusFileId(text);
        f.writtenTo = path.join(t.cacheDir, 'flaky', f.id);
        writeFileAtomic(f.writtenTo, text);
      } else {
        const w = writeCorpusEntry(t.testdataDir, t.info.kinds, f.values);
        f.id = w.id;
        f.writtenTo = w.path;
      }
    }
    const keys = [c.failure.signature, failure.signature, ...(c.seenAs !== undefined ? [c.seenAs] : [])].map((s) => this.sigKey(t, s));
    for (const key of new Set(keys)) {
      this.bySignature.set(key, f);
      f.count += this.earlyRepeats.get(key) ?? 0;
      this.earlyRepeats.delete(key);
    }
    this.list.push(f);
    if (m?.interrupted && c.values) this.opts.reporter.info(this.interruptedLine(f, c.values, m));
    this.opts.reporter.failure({
      target: t.name,
      file: t.info.file,
      kinds: t.info.kinds,
      values: f.values,
      failure: f.failure,
      writtenTo: f.writtenTo,
      originalAt: f.originalAt,
      minimizeInterrupted: m?.interrupted,
      rerun: f.id && f.failure.kind !== 'flaky' ? rerunCommand(this.opts.command, t.info.file, t.name, f.id, this.opts) : undefined,
      runSeed: this.opts.runSeed,
      source: c.source === 'fuzzing' ? undefined : c.source,
    });
    this.onNew(f);
  }

  /** Shrinks a confirmed failure (not at all once the run is being interrupted). */
  private async minimize(t: TargetState, values: Value[], failure: FailureInfo): Promise<MinimizedFailure> {
    if (this.opts.stopped()) return { values, failure, execs: 0, changed: false, exhausted: true, interrupted: true };
    const size = inputSize(t.info.kinds, values);
    this.opts.reporter.info(`fuzz: minimizing ${t.name}'s ${size}-byte failing input`);
    const m = await minimizeFailure({
      verifier: this.opts.verifier, target: t, values, failure, budget: this.opts.minimize!,
      timeoutMs: this.opts.timeoutMs, memoryLimitMb: this.opts.memoryLimitMb, stopped: this.opts.stopped,
    });
    if (!m.changed || m.interrupted) return m; // an interrupted one is told by interruptedLine
    const after = inputSize(t.info.kinds, m.values);
    // Simpler values can be as large (bool false, a lower code point, an integer nearer 0).
    const how = after < size ? `minimized ${t.name}'s failing input from ${size} to ${after} bytes` : `simplified ${t.name}'s failing input (${size} bytes)`;
    this.opts.reporter.info(`fuzz: ${how} in ${m.execs} executions`);
    return m;
  }

  /** The one line saying that minimization was interrupted, what was kept and how to go on. */
  private interruptedLine(f: Finding, found: Value[], m: MinimizedFailure): string {
    const t = f.target;
    const kinds = t.info.kinds;
    const before = inputSize(kinds, found);
    const more = f.id ? `; ${rerunCommand(this.opts.command, t.info.file, t.name, f.id, this.opts, 'minimize')} shrinks it further` : '';
    if (m.execs === 0) return `fuzz: ${t.name}'s failing input was not minimized (the run was interrupted): written as found (${before} bytes)${more}`;
    const head = `fuzz: minimization of ${t.name}'s failing input interrupted after ${m.execs} executions`;
    if (m.changed) {
      const kept = f.originalAt ? ` (kept at ${path.relative(process.cwd(), f.originalAt)})` : '';
      return `${head}: kept a ${inputSize(kinds, m.values)}-byte input that fails the same way; the original was ${before} bytes${kept}${more}`;
    }
    const why = m.unconfirmed
      ? `a ${inputSize(kinds, m.unconfirmed)}-byte candidate hung, but its confirmation with the full timeout could not run`
      : 'no smaller input had failed the same way yet';
    return `${head}: ${why}, so the input is written as found (${before} bytes)${more}`;
  }

  /**
   * Runs the input once more in a fresh worker; returns the failure it gives now, or a flaky one.
   * An asynchronous failure gets the whole timer window, as in the search that found it.
   */
  async recheck(t: TargetState, values: Value[], original: FailureInfo, count = true): Promise<FailureInfo> {
    const end = await this.opts.verifier.exec((_slot, jobId) => ({
      kind: 'run', jobId, target: t.key, values, coverage: false, isolate: true, timers: timersFor(original), wantAsync: wantedAsync(original),
    }));
    if (count) this.opts.countExec(t);
    const r = outcomeOf(end, this.opts.memoryLimitMb);
    if (r.kind === 'fail') return r.failure;
    if (r.kind === 'stopped') return original; // interrupted: keep what the worker saw
    // Cut short again by callbacks other inputs left: it did not run, so it did not pass either.
    if (r.kind === 'no-verdict') return original;
    return {
      ...original,
      kind: 'flaky',
      headline: `flaky: ${original.headline} (it did not fail again when re-run alone)`,
      signature: `flaky|${original.signature}`,
    };
  }
}
