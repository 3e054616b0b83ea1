// Story: a callback that never returns, run after its input returned (a timer that spins), hangs
// while no input is running: the worker is settling after a batch, or waiting for its next job.
// That hang is not charged to the input in flight: it is traced to the input that left the
// callback like an asynchronous failure, written, and reproduced by `tsfuzz test`; and when
// `tsfuzz test` meets it while a later input is judged, the input that left it fails, not the
// later one. In the baseline, where entries of several targets share a worker, it is traced to
// the entry that left it, under that entry's target.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chargedToFirstSeed, decodeCorpus, failureReports, fixture, onlyReport, plantCache, readTestdata, rerunArgs, runTsfuzz, show, testdataFiles,
} from '../helpers/run.mjs';

const TIMEOUT = '--timeout=500ms';
const OWN = /^a callback the input left ran past the 500ms timeout \(after the target returned\)$/;
const SPIN = /^\s+at .*\bspin\b.* \(spin\.fuzz\.ts:10:\d+\)$/m;

/**
 * `tsfuzz test` of spin.fuzz.ts's `target` (4 seeds; seed#0 leaves a callback that spins while a
 * later seed is judged): the hang is charged to seed#0 alone, with `headline`; returns the run.
 */
async function strayBlamedOnItsInput(target, timeout, headline) {
  const { r, rep } = await chargedToFirstSeed({ dir: fixture('late-spin'), file: 'spin.fuzz.ts', target, flags: [timeout], kind: 'timeout', headline });
  assert.match(rep.text, SPIN, show(r));
  return r;
}

/**
 * Fuzzes spin.fuzz.ts's async `target`, whose input starting with "ST" leaves a timer that spins
 * while later inputs or candidates await: that input is written, with the own-callback headline,
 * and its re-run command reproduces the hang.
 */
async function awaitedSpinTraced(target) {
  const dir = fixture('late-spin');
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'spin.fuzz.ts', `--fuzz=^${target}$`, '--fuzztime=20000x', '--seed=1', '--parallel=1', '--timeout=1s'] });
  assert.equal(r.code, 1, show(r));
  const rep = onlyReport(r);
  assert.equal(rep.kind, 'timeout', show(r));
  assert.match(rep.headline, /^a callback the input left ran past the 1s timeout \(after the target returned\)$/, show(r));
  assert.match(rep.text, SPIN, show(r));
  assert.doesNotMatch(r.stdout, /flaky|input is unknown/, show(r));
  const files = testdataFiles(dir, target);
  assert.equal(files.length, 1, show(r));
  const [value] = decodeCorpus(readTestdata(dir, target, files[0]));
  assert.ok(value.value.length >= 2 && value.value[0] === 0x53 && value.value[1] === 0x54, `the written input must leave the spinning timer\n${show(r)}`);
  const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
  assert.equal(again.code, 1, show(again));
  assert.equal(failureReports(again.stdout)[0]?.kind, 'timeout', show(again));
}

describe('late callbacks that hang', { concurrency: 1 }, () => {
  test('a timer that spins after its input returned is traced to that input, written and reproduced', async () => {
    const dir = fixture('late-spin');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'spin.fuzz.ts', '--fuzz=^LateSpin$', '--fuzztime=300000x', '--seed=1', '--parallel=1', TIMEOUT] });
    assert.equal(r.code, 1, show(r));
    const rep = onlyReport(r);
    assert.equal(rep.kind, 'timeout', show(r));
    assert.match(rep.headline, OWN, show(r));
    assert.match(rep.text, SPIN, show(r));
    assert.doesNotMatch(r.stdout, /flaky|input ran past/, show(r));
    const files = testdataFiles(dir, 'LateSpin');
    assert.equal(files.length, 1, show(r));
    const [value] = decodeCorpus(readTestdata(dir, 'LateSpin', files[0]));
    assert.ok(value.value.length > 3 && value.value[0] === 0x53, `the written input must leave the spinning timer\n${show(r)}`);

    const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
    assert.equal(again.code, 1, show(again));
    const [mine] = failureReports(again.stdout);
    assert.equal(mine?.kind, 'timeout', show(again));
    assert.match(mine.headline, OWN, show(again));
    assert.match(mine.text, SPIN, show(again));
  });

  test('a timer that spins while a later input awaits is traced to the input that left it, not the one awaiting', async () => {
    await awaitedSpinTraced('AwaitSpin');
  });

  test('a timer that an input-to-state candidate left, spinning while the next candidates await, is traced to that candidate', async () => {
    await awaitedSpinTraced('SuspectSpin');
  });

  test('tsfuzz test charges a callback that hangs while a later input runs to the input that left it', async () => {
    // seed#0 leaves a timer that spins 1.5 s later (tsfuzz test waits for none due that late);
    // each later seed holds the run for a second, so it spins while one of them is judged.
    await strayBlamedOnItsInput('StraySpin', TIMEOUT, /^a callback the input left ran past the 500ms timeout while a later input ran \(not when it ran again alone\)$/);
  });

  test("in the baseline, a callback one target's cached entry left that hangs during another's is reported under the first, with its input", async () => {
    // SpinA's cached [0x53, 0x21] leaves a timer that spins once PollB's entries run on the same
    // worker: the hang surfaces on a PollB job, but is SpinA's.
    const dir = fixture('late-spin');
    plantCache({ dir, file: 'two.fuzz.ts', target: 'SpinA', values: [{ bytes: [0x53, 0x21] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'two.fuzz.ts', '--fuzztime=1000x', '--seed=1', '--parallel=1', '--minimize-time=0', TIMEOUT] });
    assert.equal(r.code, 1, show(r));
    const rep = onlyReport(r);
    assert.equal(rep.target, 'SpinA', show(r));
    assert.equal(rep.kind, 'timeout', show(r));
    assert.match(rep.headline, OWN, show(r));
    assert.doesNotMatch(r.stdout, /input is unknown|flaky/, show(r));
    assert.deepEqual(testdataFiles(dir, 'PollB'), [], show(r));
    const files = testdataFiles(dir, 'SpinA');
    assert.equal(files.length, 1, show(r));
    const [value] = decodeCorpus(readTestdata(dir, 'SpinA', files[0]));
    assert.deepEqual([...value.value], [0x53, 0x21], show(r));
  });

  test('tsfuzz test charges a callback that hangs while a later input awaits to the input that left it', async () => {
    // seed#0 leaves a timer that spins 1.5 s later; seed#1 and seed#2 await 0.8 s each, so it
    // spins while seed#2's promise is pending: an input running, but the callback is seed#0's.
    const r = await strayBlamedOnItsInput('StrayAwait', '--timeout=2s', /^a callback the input left ran past the 2s timeout/);
    assert.doesNotMatch(r.stdout, /input ran past/, show(r));
  });
});
