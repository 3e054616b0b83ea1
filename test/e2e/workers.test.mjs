// Story: a run spreads over worker processes. With --parallel=2 both workers execute inputs and the
// bug is still found, written and counted once; several targets matched by --fuzz share the
// workers and each gets its share of executions.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeCorpus, failureReports, fixture, readTestdata, runTsfuzz, show, summaryExecs, summaryTargets, testdataFiles } from '../helpers/run.mjs';

/** { target: Set of pids } from the fixture's executed.log. */
function executedBy(dir) {
  const out = {};
  const log = path.join(dir, 'executed.log');
  if (!fs.existsSync(log)) return out;
  for (const line of fs.readFileSync(log, 'utf8').trim().split('\n')) {
    const [target, pid] = line.split(' ');
    (out[target] ??= new Set()).add(pid);
  }
  return out;
}

describe('workers', { concurrency: 2 }, () => {
  test('--parallel=2: both workers run inputs, the bug is found once, the summary counts all executions', async () => {
    const dir = fixture('workers');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=^Rare$', '--fuzztime=2000000x', '--parallel=2', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /now fuzzing with 2 workers/, show(r));
    // Two fuzz workers, plus the verifier that re-runs and minimizes the failure alone.
    assert.ok(executedBy(dir).Rare?.size >= 2, `inputs ran in two worker processes\n${show(r)}`);
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 1, show(r));
    assert.equal(reports[0].headline, 'Error: rare bug');
    const files = testdataFiles(dir, 'Rare');
    assert.equal(files.length, 1);
    const input = decodeCorpus(readTestdata(dir, 'Rare', files[0]))[0].value;
    assert.deepEqual([input[0], input[1]], [0xff, 0xfe]);
    const execs = summaryExecs(r.stdout);
    assert.ok(execs > 2, `the workers ran inputs: ${execs}\n${show(r)}`);
    assert.equal(summaryTargets(r.stdout).Rare.execs, execs);
  });

  test('--fuzz matching two targets: both get executions, in about equal shares', async () => {
    const dir = fixture('workers');
    const budget = 100000;
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=^(First|Second)$', `--fuzztime=${budget}x`, '--parallel=2', '--seed=1'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}fuzzed 2 targets: 100000 execs/m, show(r));
    const t = summaryTargets(r.stdout);
    assert.deepEqual(Object.keys(t).sort(), ['First', 'Second'], show(r));
    assert.equal(t.First.execs + t.Second.execs, budget, show(r));
    for (const name of ['First', 'Second']) {
      assert.ok(t[name].execs >= budget / 4, `${name} got ${t[name].execs} of ${budget}\n${show(r)}`);
    }
    const by = executedBy(dir);
    assert.ok(by.First?.size >= 1 && by.Second?.size >= 1, JSON.stringify(by));
    assert.equal(summaryTargets(r.stdout).Rare, undefined, 'the target not matched is not fuzzed');
    assert.equal(by.Rare, undefined);
  });
});

describe('targets of the same name in different files', () => {
  test('the summary names each with its file', async () => {
    const dir = fixture('samename');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'a', 'b', '--fuzztime=20000x', '--parallel=1', '--seed=1', '--keep-going'] });
    assert.equal(r.code, 1, show(r));
    for (const d of ['a', 'b']) {
      assert.match(r.stdout, new RegExp(`^  Same \\(${d}/s\\.fuzz\\.ts\\): \\d+ execs`, 'm'), show(r));
      assert.match(r.stdout, new RegExp(`^  Same \\(${d}/s\\.fuzz\\.ts\\): Error: ${d}\\b`, 'm'), show(r));
    }
  });
});

