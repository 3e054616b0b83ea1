// Story: a target that leaves long background timers behind every input (a cleanup that
// reschedules itself every 4 s, an unref'd expiry after 3 s) is judged without waiting for them:
// `tsfuzz test` runs input after input, and a synchronous bug is re-checked and minimized
// candidate after candidate, each next input starting before the timers of the one before could
// fire (they used to hold every input for the whole timer window, 10 s by default).
//
// Nothing here measures time: the fixture logs each call and each timer callback, and the tests
// check the order (a wait for an input's timers shows as its timers firing before the next call).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { decodeCorpus, failureReports, fixture, plantCache, readTestdata, rerunArgs, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const FILE = 'background.fuzz.ts';
const TARGET = 'Background';

/** Runs tsfuzz in `dir` with the fixture's log at `<dir>/timers.log`; returns the result and the log's lines. */
async function runLogged(dir, args) {
  const log = path.join(dir, 'timers.log');
  fs.rmSync(log, { force: true });
  const r = await runTsfuzz({ cwd: dir, args, env: { TIMER_LOG: log } });
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { r, lines };
}

/**
 * Checks that no call's timers fired before the next call of the same process started (that
 * would be a wait for them); returns the number of calls per process.
 */
function assertNoWait(lines, r) {
  const started = new Map(); // "pid n" → line number
  const calls = new Map(); // pid → calls
  lines.forEach((line, i) => {
    const [what, pid, n] = line.split(' ');
    if (what === 'start') {
      started.set(`${pid} ${n}`, i);
      calls.set(pid, Number(n));
    }
  });
  lines.forEach((line, i) => {
    const [what, pid, n] = line.split(' ');
    if (what !== 'fire') return;
    const next = started.get(`${pid} ${Number(n) + 1}`);
    assert.ok(next === undefined || next < i, `the timers of call ${n} fired before call ${Number(n) + 1} started: it was waited for\n${lines.join('\n')}\n${show(r)}`);
  });
  return calls;
}

describe('background timers', { concurrency: 1 }, () => {
  test('tsfuzz test runs each input without waiting for the long timers the one before left', async () => {
    const dir = fixture('background-timers');
    const { r, lines } = await runLogged(dir, ['test', FILE, '--parallel=1']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}1 target, 5 inputs: 5 passed, 0 failed/m, show(r));
    const calls = assertNoWait(lines, r);
    assert.deepEqual([...calls.values()], [5], show(r));
  });

  test('a synchronous bug is re-checked and minimized without waiting for those timers, and reproduced', async () => {
    const dir = fixture('background-timers');
    const filler = 'abcdefghijklmnopqrstuvwxyz0123456789 '.repeat(4);
    plantCache({ dir, file: FILE, target: TARGET, values: [{ bytes: filler.slice(0, 60) + 'BUG' + filler.slice(60) }] });
    const { r, lines } = await runLogged(dir, ['fuzz', FILE, '--fuzztime=200x', '--seed=1', '--parallel=1']);
    assert.equal(r.code, 1, show(r));
    const [rep, ...more] = failureReports(r.stdout);
    assert.equal(more.length, 0, show(r));
    assert.equal(rep?.kind, 'throw', show(r));
    assert.match(rep.headline, /^Error: marker at offset 0$/, show(r));
    const m = /^fuzz: minimized Background's failing input from \d+ to 3 bytes in (\d+) executions$/m.exec(r.stderr);
    assert.ok(m, show(r));
    const files = testdataFiles(dir, TARGET);
    assert.equal(files.length, 1, show(r));
    assert.equal(Buffer.from(decodeCorpus(readTestdata(dir, TARGET, files[0]))[0].value).toString('latin1'), 'BUG', show(r));
    // The fuzz worker ran the baseline (5 seeds and the planted input); the verifier the re-check
    // and every candidate, one after the other.
    const calls = [...assertNoWait(lines, r).values()].sort((a, b) => a - b);
    assert.equal(calls.length, 2, show(r));
    assert.ok(calls[1] >= Number(m[1]) + 1, `the verifier ran the re-check and every candidate\n${lines.join('\n')}\n${show(r)}`);

    // tsfuzz test over the seeds and the written file: it fails there, and waits for no timer either.
    const again = await runLogged(dir, ['test', FILE, '--parallel=1']);
    assert.equal(again.r.code, 1, show(again.r));
    assert.match(again.r.stdout, /^FAIL {2}1 target, 6 inputs: 5 passed, 1 failed/m, show(again.r));
    assertNoWait(again.lines, again.r);
    // So does its re-run command (one input named alone).
    const one = await runLogged(dir, rerunArgs(rep.rerun));
    assert.equal(one.r.code, 1, show(one.r));
    assert.equal(failureReports(one.r.stdout)[0]?.kind, 'throw', show(one.r));
  });
});
