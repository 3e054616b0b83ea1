// Story: with --keep-going a run collects every distinct failure once (reported, written, counted
// with its repeats) until its budget; without it, the run stops at the first failure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, readTestdata, runTsfuzz, sha16, show, summaryExecs, testdataFiles,
} from '../helpers/run.mjs';

const BUDGET = 20000;
const HEADLINES = { RangeError: /^RangeError: too high: (\d+)$/, TypeError: /^TypeError: too low: (\d+)$/ };

/** `tsfuzz fuzz <file> --keep-going` on the fixture with the budget, 1 worker, seed 1: it fails; its reports. */
async function keepGoing(file) {
  const dir = fixture('keep-going');
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, '--keep-going', `--fuzztime=${BUDGET}x`, '--parallel=1', '--seed=1'] });
  assert.equal(r.code, 1, show(r));
  return { dir, r, reports: failureReports(r.stdout) };
}

describe('--keep-going', { concurrency: 2 }, () => {
  test('reports and writes each distinct failure once, and counts the repeats', async () => {
    const { dir, r, reports } = await keepGoing('two-bugs.fuzz.ts');
    assert.equal(reports.length, 2, show(r));
    const byName = {};
    for (const rep of reports) {
      assert.equal(rep.target, 'TwoBugs');
      assert.equal(rep.kind, 'throw');
      const name = rep.headline.split(':')[0];
      assert.ok(HEADLINES[name], `unexpected failure: ${rep.headline}`);
      assert.match(rep.headline, HEADLINES[name]);
      assert.equal(byName[name], undefined, `${name} reported twice\n${show(r)}`);
      byName[name] = rep;
    }
    assert.match(byName.RangeError.text, /at checkHigh \(two-bugs\.fuzz\.ts:5:\d+\)/);
    assert.match(byName.TypeError.text, /at checkLow \(two-bugs\.fuzz\.ts:8:\d+\)/);

    // Both written, each once, each holding an input that fails that way.
    const files = testdataFiles(dir, 'TwoBugs');
    assert.deepEqual(files, Object.values(byName).map((rep) => rep.writtenTo.split('/').pop()).sort(), show(r));
    for (const [name, rep] of Object.entries(byName)) {
      const id = rep.writtenTo.split('/').pop();
      const text = readTestdata(dir, 'TwoBugs', id);
      assert.equal(sha16(text), id);
      const first = decodeCorpus(text)[0].value[0];
      assert.ok(name === 'RangeError' ? first > 200 : first < 20, `${name}: ${text}`);
    }

    // The summary: the run used its budget (but for a few executions held back for re-runs that
    // turned out to be repeats), two distinct failures, each with its count of repeats.
    assert.equal(summaryExecs(r.stdout) >= BUDGET * 0.99 && summaryExecs(r.stdout) <= BUDGET, true, show(r));
    const m = /^2 distinct failures \((\d+) failing inputs in all\):$/m.exec(r.stdout);
    assert.ok(m, show(r));
    const total = Number(m[1]);
    const counts = [...r.stdout.matchAll(/^ {2}TwoBugs: .* \(×(\d+)\) → testdata\/fuzz\/TwoBugs\/[0-9a-f]{16}$/gm)].map((x) => Number(x[1]));
    assert.equal(counts.length, 2, show(r));
    assert.equal(counts[0] + counts[1], total, show(r));
    // About a quarter of the inputs fail: the count is of inputs, not of batches or workers.
    assert.ok(total >= 200, `only ${total} failing inputs counted in ${BUDGET} executions\n${show(r)}`);

    // Both reproduce.
    const again = await runTsfuzz({ cwd: dir, args: ['test', 'two-bugs.fuzz.ts'] });
    assert.equal(again.code, 1, show(again));
    assert.match(again.stdout, /^FAIL {2}1 target, 3 inputs: 1 passed, 2 failed \(2 distinct failures\)/m, show(again));
  });

  test('a frequent asynchronous failure, once known, does not hide a new one behind it', async () => {
    const { dir, r, reports } = await keepGoing('two-async.fuzz.ts');
    assert.deepEqual(reports.map((rep) => rep.headline).sort(), ['unhandled promise rejection: Error: frequent', 'unhandled promise rejection: Error: rare'], show(r));
    const rare = reports.find((rep) => rep.headline.endsWith('rare'));
    assert.match(rare.text, /at rare \(two-async\.fuzz\.ts:11:\d+\)/, show(r));
    // The input written for it is one that leaves that rejection.
    const text = readTestdata(dir, 'TwoAsync', rare.writtenTo.split('/').pop());
    assert.equal(decodeCorpus(text)[0].value[0], 0x42, text);
    // Both fail again; rare's input raises frequent first, which a plain run reports (until fixed).
    const again = await runTsfuzz({ cwd: dir, args: ['test', 'two-async.fuzz.ts'] });
    assert.match(again.stdout, /^FAIL {2}1 target, 3 inputs: 1 passed, 2 failed \(1 distinct failure\)/m, show(again));
  });

  test('without --keep-going the run stops after the first failure', async () => {
    const dir = fixture('keep-going');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', 'two-bugs.fuzz.ts', `--fuzztime=${BUDGET}x`, '--parallel=1', '--seed=1'],
    });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 1, show(r));
    assert.equal(testdataFiles(dir, 'TwoBugs').length, 1, show(r));
    assert.match(r.stdout, /^1 distinct failure:$/m, show(r));
    assert.ok(summaryExecs(r.stdout) < BUDGET, `the run must stop early\n${show(r)}`);
  });

  // The README: "--fuzztime=50000x: executions across all workers (baseline and re-runs count)".
  // Here the process that re-checks failures loads slowly, so its re-runs finish after the
  // workers have used the budget; they must still fit in it.
  test('an Nx budget is never exceeded, re-runs included', async () => {
    const dir = fixture('keep-going');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', 'budget', '--keep-going', '--fuzztime=5000x', '--parallel=1', '--seed=1'],
    });
    assert.equal(r.code, 1, show(r));
    assert.equal(failureReports(r.stdout).length, 3, show(r));
    assert.ok(summaryExecs(r.stdout) <= 5000, `--fuzztime=5000x ran ${summaryExecs(r.stdout)} executions\n${show(r)}`);
  });

  // What the re-run reserve kept back is fuzzed once no batch runs and no failure awaits a re-run.
  test('an Nx budget with nothing failing is used exactly', async () => {
    const dir = fixture('corpus-min');
    for (const n of [10, 100]) {
      const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'classify.fuzz.ts', '--keep-going', `--fuzztime=${n}x`, '--parallel=2', '--seed=1'] });
      assert.equal(r.code, 0, show(r));
      assert.equal(summaryExecs(r.stdout), n, show(r));
    }
  });
});
