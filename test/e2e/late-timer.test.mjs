// Story: an error thrown from a timer that fires long after its input returned (500 ms here) is
// traced back to the input that scheduled it, written, and reproduced by `tsfuzz test`; waiting
// for such timers is not mistaken for an input running past the timeout. A re-run command names
// one input, and waits for its timers up to the timeout: it reproduces an error thrown later
// than a run over many inputs waits for (1.5 s here).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, onlyReport, plant, readTestdata, rerunArgs, runTsfuzz, show, testdataFiles,
} from '../helpers/run.mjs';

const HEADLINE = /^uncaught Error: late \(thrown after the target returned\)$/;

/** Fuzzes LateTimer with `flags`; checks the one report and the file written; returns its re-run command. */
async function findsLateTimer(flags) {
  const dir = fixture('late-timer');
  // The budget only bounds the run, which stops at the failure: it must outlast the timer (due
  // 500 ms after its input), and 300,000 executions took 0.5 s on a fast run.
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=3000000x', '--seed=1', ...flags] });
  assert.equal(r.code, 1, show(r));
  const rep = onlyReport(r);
  assert.equal(rep.kind, 'throw', show(r));
  assert.match(rep.headline, HEADLINE, show(r));
  // (The re-run command carries a non-default --timeout: that is no report of one.)
  assert.doesNotMatch(r.stdout.replace(/ --timeout=\S+/g, ''), /flaky|timeout/, show(r));
  const files = testdataFiles(dir, 'LateTimer');
  assert.equal(files.length, 1, show(r));
  const [value] = decodeCorpus(readTestdata(dir, 'LateTimer', files[0]));
  assert.ok(value.value.length > 3 && value.value[0] === 0x41, `the written input must schedule the timer\n${show(r)}`);
  assert.equal(rep.writtenTo, `testdata/fuzz/LateTimer/${files[0]}`, show(r));
  return { dir, rerun: rep.rerun };
}

describe('late timers', { concurrency: 1 }, () => {
  test('a timer error due after 500 ms is written for its input and reproduced by tsfuzz test', async () => {
    const { dir, rerun } = await findsLateTimer(['--parallel=1']);
    const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rerun) });
    assert.equal(again.code, 1, show(again));
    const [mine] = failureReports(again.stdout);
    assert.equal(mine?.kind, 'throw', show(again));
    assert.match(mine.headline, HEADLINE, show(again));
  });

  test('with a short timeout, waiting for late timers blames no innocent input', async () => {
    await findsLateTimer(['--parallel=2', '--timeout=200ms']);
  });

  test('the re-run command of one input reproduces an error thrown 1.5 s after it returned', async () => {
    const dir = fixture('later-timer');
    const id = plant({ dir, target: 'LaterTimer', values: [{ bytes: [0x41, 1, 2, 3] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'later.fuzz.ts', `--run=LaterTimer/${id}`] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.kind, 'throw', show(r));
    assert.match(rep.headline, /^uncaught Error: later \(thrown after the target returned\)$/, show(r));
  });
});
