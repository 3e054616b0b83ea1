// Story: the one-line re-run command printed with a failure reproduces its verdict. It carries
// the run's non-default --timeout and --memory-limit (an input that is only slow is a hang only
// under the shorter timeout), for a failure found while fuzzing, for a testdata input that fails
// in the baseline, and for `tsfuzz test` itself; with the defaults it carries no flag at all.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failureReports, fixture, plant, plantCache, rerunArgs, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const FILE = 'slow.fuzz.ts';
const LIMITS = ['--timeout=500ms', '--memory-limit=1000'];
const SLOW = [{ bytes: 'Slow input' }];

/** Runs the printed command, split into arguments: it must fail as a hang again. */
async function rerunFails(dir, rep) {
  const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
  assert.equal(again.code, 1, `the printed command passed: ${rep.rerun}\n${show(again)}`);
  const [back] = failureReports(again.stdout);
  assert.equal(back?.kind, 'timeout', show(again));
  assert.match(back.headline, /^input ran past the 500ms timeout$/, show(again));
  return back;
}

describe('the printed re-run command', { concurrency: 2 }, () => {
  test('a slow input found with --timeout=500ms: the command carries the limits and fails again', async () => {
    const dir = fixture('rerun');
    plantCache({ dir, file: FILE, target: 'SlowOnS', values: SLOW });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzztime=50x', '--seed=1', '--parallel=1', '--minimize-time=20x', ...LIMITS] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.kind, 'timeout', show(r));
    const [id] = testdataFiles(dir, 'SlowOnS');
    assert.equal(rep.rerun, `npx tsfuzz test ${FILE} --run=SlowOnS/${id} --timeout=500ms --memory-limit=1000`, show(r));
    // `tsfuzz test` prints the same command for it, which is what makes it a fixed point.
    const back = await rerunFails(dir, rep);
    assert.equal(back.rerun, rep.rerun);
  });

  test('a testdata input that fails in the baseline: the command carries the limits too', async () => {
    const dir = fixture('rerun');
    const id = plant({ dir, target: 'SlowOnS', values: SLOW });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzztime=50x', '--seed=1', '--parallel=1', ...LIMITS] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.source, id, show(r));
    assert.equal(rep.rerun, `npx tsfuzz test ${FILE} --run=SlowOnS/${id} --timeout=500ms --memory-limit=1000`, show(r));
    await rerunFails(dir, rep);
  });

  test('tsfuzz test prints the limits that differ from their defaults, and only those', async () => {
    const dir = fixture('rerun');
    const id = plant({ dir, target: 'SlowOnS', values: SLOW });
    const r = await runTsfuzz({ cwd: dir, args: ['test', FILE, '--timeout=500ms', '--memory-limit=2048'] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.rerun, `npx tsfuzz test ${FILE} --run=SlowOnS/${id} --timeout=500ms`, show(r));
    await rerunFails(dir, rep);
  });
});
