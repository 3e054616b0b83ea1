// Story: loading user code is not running an input. A fuzz file that takes 2 s to load (as a big
// dependency instrumented for the first time does) never counts as a hang with --timeout=500ms:
// not when workers start, and not when an execution thread is replaced after a failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failureReports, fixture, plant, runTsfuzz, show } from '../helpers/run.mjs';

describe('slow start-up', { concurrency: 2 }, () => {
  test('tsfuzz fuzz: two workers loading for 2 s each, then fuzzing: no hang', async () => {
    const dir = fixture('slow-load');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=^SlowToLoad$', '--fuzztime=3000x', '--parallel=2', '--timeout=500ms'] });
    assert.equal(r.code, 0, show(r));
    assert.doesNotMatch(r.stdout + r.stderr, /timeout|hang/i, show(r));
  });

  test('tsfuzz test: the input after a thread-ending failure waits for the reload, not a timeout', async () => {
    const dir = fixture('slow-load');
    const exits = plant({ dir, target: 'ExitsOnX', values: [{ bytes: 'X' }] });
    const passes = plant({ dir, target: 'ExitsOnX', values: [{ bytes: 'ok' }] });
    assert.ok(exits < passes, 'fixture: files run in name order, so the passing one runs after the reload');
    const r = await runTsfuzz({ cwd: dir, args: ['test', '--run=^ExitsOnX$', '--timeout=500ms', '--parallel=1'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => x.kind), ['exit'], show(r));
    assert.match(r.stdout, /^FAIL {2}1 target, 3 inputs: 2 passed, 1 failed/m, show(r));
  });
});
