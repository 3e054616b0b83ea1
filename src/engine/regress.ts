/**
 * [coordinator] Regression mode (`tsfuzz test`): every selected target on its seeds and on every
 * file in testdata/fuzz/<Target>/, each input in the same isolated worker harness as fuzzing, so
 * hangs, memory blow-ups, process.exit and crashes reproduce exactly as they were found.
 * Failures are grouped by signature: one report per distinct failure, with the other inputs
 * that failed the same way listed under it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUZZ_FILE_RE, orphanTestdata, readTestdataDir, testdataDir } from '../corpus/store.js';
import { marshalCorpusFile } from '../corpus/encoding.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import type { Value } from '../values/kinds.js';
import { lateHangHeadline, renamed } from '../target/harness.js';
import { formatDuration } from '../util/limits.js';
import { outcomeOf } from './outcome.js';
import { rerunCommand } from './rerun.js';
import { WorkerPool, withPool } from './pool.js';
import { targetKey, type FailureInfo, type FromWorker, type TargetInfo, type WorkerConfig } from './protocol.js';

/**
 * `--run`: a pattern for target names, optionally `/` and a pattern for input ids. A pattern that
 * is exactly a name (or id) selects only that one, so the printed re-run command is exact even
 * when another target's name starts with the same letters.
 */
export interface RunFilter {
  target: string;
  input: string | undefined;
}

function matcher(pattern: string, names: readonly string[]): (s: string) => boolean {
  if (names.includes(pattern)) return (s) => s === pattern;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new UserError(`--run=${pattern}: not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
  return (s) => re.test(s);
}

export interface RegressOptions {
  worker: WorkerConfig;
  run: RunFilter | undefined;
  parallel: number;
  reporter: Reporter;
  command: string;
  signal: AbortSignal;
  /** Told of each failing input as it fails (the reports come at the end). */
  onFail?: (f: RegressFailure) => void;
}

/** An input that failed, as soon as it did. */
export interface RegressFailure {
  target: string;
  id: string;
  headline: string;
}

export interface RegressSummary {
  /** Inputs selected (seeds and testdata of the selected targets). */
  inputs: number;
  /** Targets selected (by --run, else all), with or without inputs. */
  targets: number;
  /** Inputs that ran and passed (skipped ones are counted apart; an interrupted run may leave some unrun). */
  passed: number;
  failed: number;
  distinct: number;
  skipped: number;
  interrupted: boolean;
}

interface Work {
  target: TargetInfo;
  id: string;
  values: Value[];
}

/** What a regression job said of its input (a late callback of it may still fail it). */
interface Judged {
  w: Work;
  verdict: 'passed' | 'skipped' | 'failed';
}

interface Group {
  work: Work;
  failure: FailureInfo;
  others: string[];
  /** Size of work's corpus file (the smallest input of the group stands for it). */
  size: number;
}

/**
 * How long each input of a regression run of `count` inputs waits for its timers (RunJob.timers):
 * at most TIMER_BUDGET_MS in a run over many (paid per input), the whole window for one input
 * named alone — a report's re-run command, which must reproduce an error thrown from a timer
 * however late the fuzzer waited for it.
 */
export function regressionTimers(count: number): 'budget' | 'window' {
  return count === 1 ? 'window' : 'budget';
}

/** Builds the list of inputs to run; malformed testdata is a UserError naming the file and line. */
export function regressionInputs(targets: TargetInfo[], run: RunFilter | undefined): Work[] {
  const work: Work[] = [];
  const targetOk = run ? matcher(run.target, targets.map((t) => t.name)) : () => true;
  for (const t of targets) {
    if (!targetOk(t.name)) continue;
    const inputs: Work[] = t.seeds.map((values, i) => ({ target: t, id: `seed#${i}`, values }));
    const fileName = (p: string) => path.basename(p);
    for (const e of readTestdataDir(testdataDir(path.dirname(t.file), t.name), t.kinds)) inputs.push({ target: t, id: fileName(e.path), values: e.values });
    const inputOk = run?.input !== undefined ? matcher(run.input, inputs.map((w) => w.id)) : () => true;
    for (const w of inputs) if (inputOk(w.id)) work.push(w);
  }
  return work;
}

export function runRegression(o: RegressOptions): Promise<RegressSummary> {
  return withPool({ ...o.worker, instrument: false }, 1, o.signal, async (pool, targets, isInterrupted) => {
    const targetOk = o.run ? matcher(o.run.target, targets.map((t) => t.name)) : () => true;
    const selected = targets.filter((t) => targetOk(t.name));
    if (o.run && selected.length === 0) {
      throw new UserError(`--run=${o.run.target} matches no fuzz target; the targets are: ${targets.map((t) => t.name).join(', ')}`);
    }
    const work = regressionInputs(targets, o.run);
    if (o.run?.input && work.length === 0) {
      throw new UserError(`--run matches no input of the selected targets; inputs are named seed#N or by their testdata file name`);
    }
    // Add workers once we know how much there is to do.
    const extra = Math.max(0, Math.min(o.parallel, work.length) - 1);
    const more = new WorkerPool({ ...o.worker, instrument: false }, extra);
    if (extra > 0) await more.start();
    const groups = new Map<string, Group>();
    let failed = 0;
    let skipped = 0;
    let passed = 0;
    let next = 0;
    const timers = regressionTimers(work.length);
    /**
     * What each job judged, per pool and job id: a callback an input left that hangs while a
     * later one runs on the same thread names its job (LateCallback), and is charged to it.
     */
    const judged = new Map<WorkerPool, Map<number, Judged>>();
    const fail = (w: Work, failure: FailureInfo) => {
      failed++;
      o.onFail?.({ target: w.target.name, id: w.id, headline: failure.headline });
      const key = `${w.target.file}#${w.target.name}\0${failure.signature}`;
      const g = groups.get(key);
      const size = marshalCorpusFile(w.target.kinds, w.values).length;
      if (!g) groups.set(key, { work: w, failure, others: [], size });
      else if (size < g.size) {
        // The smallest failing input stands for its group (the others are listed).
        g.others.push(g.work.id);
        Object.assign(g, { work: w, failure, size });
      } else g.others.push(w.id);
    };
    /**
     * Runs `w`; returns how it ended, its job's id, and the failures of callbacks earlier jobs'
     * inputs left that surfaced meanwhile: hangs that cut it short (the pool ran it again:
     * LateCallback) and throws, rejections and exits (StrayFailure).
     */
    const exec = async (p: WorkerPool, w: Work, wait = timers) => {
      let id = 0;
      const strays: Stray[] = [];
      const end = await p.exec(
        (_s, jobId) => {
          id = jobId;
          return { kind: 'run', jobId, target: targetKey(w.target.file, w.target.name), values: w.values, coverage: false, isolate: true, timers: wait };
        },
        strayOf(strays),
      );
      return { end, id, strays };
    };
    /**
     * A callback that an input judged earlier left failed later (`seen`: it hung, threw, or
     * exited): that input fails after all. It runs again alone with the whole timer window, so
     * that its report is its own failure; else the failure as seen, said to be its callback's
     * while a later input ran. Returns the failures of other earlier inputs' callbacks that
     * surfaced during that run.
     */
    const failLate = async (p: WorkerPool, earlier: Judged, seen: FailureInfo, atEnd: boolean) => {
      if (earlier.verdict === 'passed') passed--;
      else skipped--;
      earlier.verdict = 'failed';
      const ran = await exec(p, earlier.w, 'window');
      const again = outcomeOf(ran.end, o.worker.memoryLimitMb);
      fail(earlier.w, again.kind === 'fail' ? again.failure : seenLater(seen, formatDuration(o.worker.timeoutMs), atEnd));
      return ran.strays;
    };
    /**
     * Fails the earlier inputs of pool `p` whose callbacks failed (each runs again, and more may
     * surface meanwhile); whether it failed any (a second failure of one that failed is nothing).
     */
    const charge = async (p: WorkerPool, found: readonly Stray[]): Promise<boolean> => {
      const mine = judged.get(p)!;
      let failedAny = false;
      for (const strays = [...found]; strays.length > 0; ) {
        const stray = strays.shift()!;
        const earlier = mine.get(stray.jobId);
        if (!earlier || earlier.verdict === 'failed') continue;
        failedAny = true;
        strays.push(...(await failLate(p, earlier, stray.failure, stray.atEnd === true)));
      }
      return failedAny;
    };
    const lane = async (p: WorkerPool) => {
      const mine = judged.get(p) ?? new Map<number, Judged>();
      judged.set(p, mine);
      while (!isInterrupted() && next < work.length) {
        const w = work[next++];
        const ran = await exec(p, w);
        const r = outcomeOf(ran.end, o.worker.memoryLimitMb);
        if (r.kind === 'stopped') return;
        // No verdict (cut short twice by callbacks other inputs left): neither passed nor failed.
        const verdict = r.kind === 'fail' ? 'failed' : r.kind === 'no-verdict' || r.skipped ? 'skipped' : 'passed';
        mine.set(ran.id, { w, verdict });
        if (r.kind === 'fail') fail(w, r.failure);
        else if (verdict === 'skipped') skipped++;
        else passed++;
        await charge(p, ran.strays);
      }
    };
    /**
     * The callbacks each worker's last inputs left get their time too (DrainJob): no later input
     * runs there for them to surface during. (Inputs failed late meanwhile run again: on a
     * worker of their pool, which is drained again after.)
     */
    const drain = async (p: WorkerPool): Promise<void> => {
      for (let found = true; found && !isInterrupted(); ) {
        const strays: Stray[] = [];
        await p.execOnEach((_s, jobId) => ({ kind: 'drain', jobId }), strayOf(strays));
        for (const s of strays) s.atEnd = true;
        // Again only when an input judged earlier failed now (its re-run may leave callbacks too):
        // each round fails one more input at least, so the rounds end.
        found = await charge(p, strays);
      }
    };
    o.signal.addEventListener('abort', () => more.kill(), { once: true });
    await Promise.all([lane(pool), ...more.slots.map(() => lane(more))]);
    await Promise.all([drain(pool), drain(more)]);
    await more.stop();
    for (const g of [...groups.values()].sort((a, b) => work.indexOf(a.work) - work.indexOf(b.work))) {
      const t = g.work.target;
      o.reporter.failure({
        target: t.name, file: t.file, kinds: t.kinds, values: g.work.values, failure: g.failure, source: g.work.id,
        rerun: rerunCommand(o.command, t.file, t.name, g.work.id, o.worker), alsoFails: g.others.map((id) => `${t.name}/${id}`),
      });
    }
    if (!o.run && !isInterrupted()) for (const line of orphanWarnings(targets, o.worker.files)) o.reporter.warn(line);
    // With an input pattern, the targets that have a matching input; else every selected one.
    const counted = o.run?.input !== undefined ? new Set(work.map((w) => w.target)).size : selected.length;
    return { inputs: work.length, targets: counted, passed, failed, distinct: groups.size, skipped, interrupted: isInterrupted() };
  });
}

/**
 * A failure of a callback an earlier job's input left (StrayFailure, or a thread lost in it);
 * `atEnd`: it surfaced in a drain, after its worker's last input.
 */
type Stray = { jobId: number; failure: FailureInfo; atEnd?: boolean };

/**
 * The event handler of a job that collects, in `into`, the failures of earlier inputs' callbacks
 * seen while it ran: strays (kept even if its thread or process then dies), and callbacks that
 * cut it short.
 */
function strayOf(into: Stray[]): (m: FromWorker) => void {
  return (m) => {
    if (m.kind === 'stray') into.push(m.stray);
    else if (m.kind === 'thread-lost' && m.late?.jobId !== undefined) into.push({ jobId: m.late.jobId, failure: m.failure });
  };
}

/**
 * A failure of a callback an input left, seen while a later input ran (or, `atEnd`, after its
 * worker's last input) and not when the input ran again alone: a hang says so in its headline;
 * another failure keeps its own (it already says it came after the target returned) and its
 * detail says when it surfaced.
 */
function seenLater(seen: FailureInfo, limit: string, atEnd: boolean): FailureInfo {
  if (seen.kind === 'timeout') return renamed(seen, lateHangHeadline(limit, atEnd ? 'end' : 'later'));
  const when = atEnd ? 'after its worker ran its last input' : 'while a later input ran';
  return { ...seen, detail: `${seen.detail}\n(it surfaced ${when}, not when this input ran again alone)` };
}

/**
 * Testdata folders no target owns (a renamed or deleted target: its inputs silently stopped
 * running), in each folder whose fuzz files were all loaded (with only some loaded, the others'
 * targets are unknown). One line each, saying how to fix it.
 */
function orphanWarnings(targets: readonly TargetInfo[], files: readonly string[]): string[] {
  const loaded = new Set(files);
  const names = new Map<string, string[]>();
  for (const t of targets) {
    const d = path.dirname(t.file);
    names.set(d, [...(names.get(d) ?? []), t.name]);
  }
  const out: string[] = [];
  for (const [dir, owned] of names) {
    let all: string[];
    try {
      all = fs.readdirSync(dir).filter((n) => FUZZ_FILE_RE.test(n)).map((n) => path.join(dir, n));
    } catch {
      continue;
    }
    if (!all.every((f) => loaded.has(f))) continue;
    for (const o of orphanTestdata(dir, owned)) {
      const rel = path.relative(process.cwd(), o.dir) || o.dir;
      const inputs = `${o.files} input${o.files === 1 ? '' : 's'}`;
      out.push(`${rel}/ holds ${inputs} that no target runs: no fuzz target in ${path.relative(process.cwd(), dir) || '.'} is named ${path.basename(o.dir)} (renamed?); rename the folder after the target, or delete it`);
    }
  }
  return out;
}
