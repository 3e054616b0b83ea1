// Story: cleanups registered with t.cleanup run after every input — passed, skipped, thrown or
// rejected — in regression runs and while fuzzing; a cleanup that throws fails an input that had
// passed, and one that throws after the input failed neither replaces that failure nor derails
// the run. test/fixtures/cleanup logs each call and each cleanup when CLEANUP_LOG is set.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { failureReports, fixture, plant, runTsfuzz, show, summaryTargets } from '../helpers/run.mjs';

const FILE = 'cleanup.fuzz.ts';

function logOf(file) {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  return { calls: lines.filter((l) => l.startsWith('call ')), cleanups: lines.filter((l) => l.startsWith('cleanup ')) };
}

describe('t.cleanup', { concurrency: 2 }, () => {
  for (const target of ['Sync', 'Async']) {
    test(`${target}: tsfuzz test runs the cleanup of every input (passed, skipped, failed)`, async () => {
      const dir = fixture('cleanup');
      const log = path.join(dir, 'log');
      plant({ dir, target, values: [{ uint8: 9 }] }); // a failing input beside the seeds
      const r = await runTsfuzz({ cwd: dir, args: ['test', FILE, `--run=${target}`], env: { CLEANUP_LOG: log } });
      assert.equal(r.code, 1, show(r));
      const { calls, cleanups } = logOf(log);
      assert.ok(calls.includes('call 9'), show(r));
      assert.deepEqual(cleanups.map((l) => l.slice(8)).sort(), calls.map((l) => l.slice(5)).sort(), `${calls}\n${cleanups}\n${show(r)}`);
      // The summary counts each input once: a skipped one is not also a passed one.
      const counts = target === 'Sync' ? '3 inputs: 1 passed, 1 failed, 1 skipped' : '2 inputs: 1 passed, 1 failed';
      assert.match(r.stdout, new RegExp(`^FAIL {2}1 target, ${counts} \\(1 distinct failure\\)`, 'm'), show(r));
    });

    test(`${target}: while fuzzing, every call is followed by its cleanup, failing inputs included`, async () => {
      const dir = fixture('cleanup');
      const log = path.join(dir, 'log');
      const r = await runTsfuzz({
        cwd: dir, args: ['fuzz', FILE, `--fuzz=^${target}$`, '--fuzztime=3000x', '--parallel=1', '--seed=1', '--keep-going', '--minimize-time=0'],
        env: { CLEANUP_LOG: log },
      });
      // (it finds n = 9 or n > 250, reports it, and goes on with --keep-going)
      assert.equal(r.code, 1, show(r));
      const { calls, cleanups } = logOf(log);
      assert.ok(calls.length >= 2900, `${calls.length} calls\n${show(r)}`);
      assert.equal(cleanups.length, calls.length, show(r));
    });
  }

  test('a cleanup throwing after the body threw: the body\'s failure is reported and the run keeps its speed', async () => {
    const dir = fixture('cleanup');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzz=^BothThrow$', '--fuzztime=20000x', '--parallel=1', '--seed=1', '--keep-going', '--minimize-time=0'], timeoutMs: 60_000 });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 1, show(r));
    assert.equal(reports[0].headline, 'Error: body broke', show(r));
    assert.ok(summaryTargets(r.stdout).BothThrow.execs >= 19000, show(r));
  });

  test('tsfuzz test counts every selected target, with or without inputs', async () => {
    const dir = fixture('cleanup');
    const r = await runTsfuzz({ cwd: dir, args: ['test', FILE] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}4 targets, 3 inputs: 2 passed, 0 failed, 1 skipped \(0 distinct failures\)/m, show(r));
  });

  test('a cleanup that throws fails an input that passed', async () => {
    const dir = fixture('cleanup');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzz=^CleanupFails$', '--fuzztime=20000x', '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.match(rep?.headline ?? '', /^Error: cleanup broke at (2\d\d)$/, show(r));
    assert.equal(rep.kind, 'throw', show(r));
  });
});
