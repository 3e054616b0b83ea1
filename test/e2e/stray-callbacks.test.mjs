// Story: in `tsfuzz test`, a callback an input left throws, rejects or calls process.exit after
// that input was judged (later than the run waits for an input's timers), while a later input is
// judged. The run fails, and the failure is charged to the input that left the callback (which
// reproduces it when it runs again alone, waiting for its timers up to the timeout), not to the
// later one, and never passes unnoticed: also when it surfaces while another input that failed
// late runs again alone, when no later input runs on that worker (the run waits for it at the
// end), and when the later input ends its thread or its process before its own result. Such an error is judged by its own input's target (an error that target expects is no
// failure), not by the target of the input running.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chargedToFirstSeed, failureReports, fixture, onlyReport, runTsfuzz, show } from '../helpers/run.mjs';

const CASES = [
  ['StrayThrow', 'throw', /^uncaught Error: stray throw \(thrown after the target returned\)$/],
  ['StrayReject', 'reject', /^unhandled promise rejection: Error: stray rejection$/],
  ['StrayExit', 'exit', /^the target called process\.exit\(3\) in a callback after it returned$/],
];

describe('callbacks that fail while a later input is judged', { concurrency: 1 }, () => {
  for (const [target, kind, headline] of CASES) {
    test(`${target}: tsfuzz test fails the input that left the callback`, async () => {
      const { r, rep } = await chargedToFirstSeed({ dir: fixture('stray-callbacks'), file: 'stray.fuzz.ts', target, kind, headline });
      assert.match(rep.text, /stray\.fuzz\.ts:\d+:\d+/, show(r));
    });
  }

  test("one that surfaces while an input that failed late runs again alone fails its own input too", async () => {
    const dir = fixture('stray-callbacks');
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'two.fuzz.ts', '--parallel=1'] });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^FAIL {2}1 target, 6 inputs: 4 passed, 2 failed \(2 distinct failures\)/m, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => x.source).sort(), ['seed#0', 'seed#1'], show(r));
    for (const rep of reports) assert.match(rep.headline, new RegExp(`^uncaught Error: stray of ${rep.source.replace('#', ' ')} `), show(r));
  });

  /** `tsfuzz test last.fuzz.ts` with `args`: fails with the summary `summary` and one report, returned. */
  async function lastReport(args, summary) {
    const r = await runTsfuzz({ cwd: fixture('stray-callbacks'), args: ['test', 'last.fuzz.ts', ...args] });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, summary, show(r));
    return { r, rep: onlyReport(r) };
  }

  test('one left by the last input a worker runs fails that input too (the run waits for it at the end)', async () => {
    const { r, rep } = await lastReport(['--run=LastThrow', '--parallel=1'], /^FAIL {2}1 target, 3 inputs: 2 passed, 1 failed \(1 distinct failure\)/m);
    assert.equal(rep.source, 'seed#2', show(r));
    assert.match(rep.headline, /^uncaught Error: last throw \(thrown after the target returned\)$/, show(r));
  });

  test("with two workers, each one's last input is waited for", async () => {
    // The same throw (one signature): one report, naming the other input as failing the same way.
    const { r, rep } = await lastReport(['--run=LastTwo', '--parallel=2'], /^FAIL {2}1 target, 2 inputs: 0 passed, 2 failed \(1 distinct failure\)/m);
    assert.match(rep.headline, /^uncaught Error: last of worker [12] \(thrown after the target returned\)$/, show(r));
    assert.match(r.stdout, /also fails the same way: LastTwo\/seed#[01]$/m, show(r));
  });

  for (const [target, what, stray, death] of [
    ['DiesAfter', 'ends its thread', 'stray before a death', /^the target called process\.exit\(3\)$/],
    ['KilledAfter', 'kills its whole worker process', 'stray before a kill', /killed by SIGKILL/],
  ]) {
    test(`one seen while a later input runs is not lost when that input ${what}`, async () => {
      const r = await runTsfuzz({ cwd: fixture('stray-callbacks'), args: ['test', 'dies.fuzz.ts', `--run=${target}`, '--parallel=1'] });
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /^FAIL {2}1 target, 2 inputs: 0 passed, 2 failed \(2 distinct failures\)/m, show(r));
      const bySource = Object.fromEntries(failureReports(r.stdout).map((x) => [x.source, x]));
      assert.equal(bySource['seed#0']?.headline, `uncaught Error: ${stray} (thrown after the target returned)`, show(r));
      assert.match(bySource['seed#1']?.headline ?? '', death, show(r));
    });
  }

  test("an error the callback's own target expects is judged by that target, not by the one running", async () => {
    const dir = fixture('stray-callbacks');
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'expect.fuzz.ts', '--parallel=1'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}2 targets, 4 inputs: 4 passed, 0 failed/m, show(r));
  });
});
