/**
 * [coordinator] `tsfuzz minimize --run=Target/ID`: shrinks an input already in
 * testdata/fuzz/<Target>/ while it fails the same way, writes the result under its new hash,
 * and replaces the old file (which is kept in the cache's originals/ folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { marshalCorpusFile } from '../corpus/encoding.js';
import { cacheDirFor, corpusFileId, testdataDir, writeCorpusEntry, writeFileAtomic } from '../corpus/store.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import type { Budget } from '../util/limits.js';
import { minimizeFailure } from './minimize-failure.js';
import { outcomeOf } from './outcome.js';
import { withPool } from './pool.js';
import { targetKey, type WorkerConfig } from './protocol.js';
import { regressionInputs, regressionTimers, type RunFilter } from './regress.js';
import { TargetState } from './target-state.js';

export interface MinimizeCommandOptions {
  worker: WorkerConfig;
  run: RunFilter;
  budget: Budget;
  cacheRoot: string;
  reporter: Reporter;
  command: string;
  signal: AbortSignal;
}

export interface MinimizeCommandResult {
  /** `exhausted`: the budget ran out first (running again with more may shrink it further). */
  minimized: Array<{ target: string; from: string; to: string; fromBytes: number; toBytes: number; execs: number; exhausted: boolean }>;
  /** Nothing smaller fails the same way. */
  unchanged: string[];
  /** Nothing smaller was found before the budget ran out (it may not be minimal). */
  outOfBudget: Array<{ name: string; execs: number }>;
  /** Selected inputs that do not fail (left alone). */
  passing: string[];
}

export function runMinimize(o: MinimizeCommandOptions): Promise<MinimizeCommandResult> {
  return withPool({ ...o.worker, instrument: false }, 1, o.signal, async (pool, targets, stopped) => {
    const work = regressionInputs(targets, o.run).filter((w) => !w.id.startsWith('seed#'));
    if (work.length === 0) {
      throw new UserError(`--run=${o.run.target}${o.run.input !== undefined ? `/${o.run.input}` : ''} matches no testdata input; use --run=Target/ID with a file in testdata/fuzz/<Target>/`);
    }
    const result: MinimizeCommandResult = { minimized: [], unchanged: [], outOfBudget: [], passing: [] };
    for (const w of work) {
      if (stopped()) break;
      const t = w.target;
      const name = `${t.name}/${w.id}`;
      const first = outcomeOf(
        await pool.exec((_s, jobId) => ({
          kind: 'run', jobId, target: targetKey(t.file, t.name), values: w.values, coverage: false, isolate: true, timers: regressionTimers(work.length),
        })),
        o.worker.memoryLimitMb,
      );
      if (first.kind === 'stopped') break;
      if (first.kind !== 'fail') {
        if (work.length === 1) throw new UserError(`${name} does not fail, so there is nothing to minimize`);
        result.passing.push(name);
        continue;
      }
      const rel = path.relative(process.cwd(), t.file).split(path.sep).join('/');
      const state = new TargetState(t, testdataDir(path.dirname(t.file), t.name), cacheDirFor(o.cacheRoot, `${rel}#${t.name}`));
      o.reporter.info(`minimizing ${name} (${first.failure.headline})`);
      const m = await minimizeFailure({
        verifier: pool, target: state, values: w.values, failure: first.failure, budget: o.budget,
        timeoutMs: o.worker.timeoutMs, memoryLimitMb: o.worker.memoryLimitMb, stopped,
      });
      if (!m.changed) {
        if (m.exhausted) result.outOfBudget.push({ name, execs: m.execs });
        else result.unchanged.push(name);
        continue;
      }
      const oldPath = path.join(state.testdataDir, w.id);
      const oldText = fs.readFileSync(oldPath, 'utf8');
      const written = writeCorpusEntry(state.testdataDir, t.kinds, m.values);
      writeFileAtomic(path.join(state.cacheDir, 'originals', corpusFileId(oldText)), oldText);
      if (written.id !== w.id) fs.rmSync(oldPath, { force: true });
      result.minimized.push({
        target: t.name, from: w.id, to: written.id, execs: m.execs, exhausted: m.exhausted,
        fromBytes: oldText.length, toBytes: marshalCorpusFile(t.kinds, m.values).length,
      });
    }
    return result;
  });
}
