// Story: Ctrl-C stops a run cleanly: the summary is printed, nothing found is lost (also a failure
// caught while it is being re-checked), the exit code says whether something was found (1) or not
// (130), and no worker process is left behind. Killing the coordinator outright takes its workers
// with it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, readTestdata, runTsfuzz, sha16, show, summaryExecs, testdataFiles, waitFor,
  workerPids,
} from '../helpers/run.mjs';

const PROGRESS = /^fuzz: elapsed: \d+\S*, execs: \d+/m;

/** Sends `signal` to the child once `ready(stderr)` holds (at most once). */
function signalWhen(ready, signal = 'SIGINT') {
  let sent = false;
  return (stderr, child) => {
    if (sent || !ready(stderr)) return;
    sent = true;
    child.kill(signal);
  };
}

/** Whether `pid` has `signal` (a number) pending, for the process or one of its threads, per /proc. */
function signalPending(pid, signal) {
  const bit = 1n << BigInt(signal - 1);
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return ['SigPnd', 'ShdPnd'].some((k) => (BigInt('0x' + new RegExp(`^${k}:\\s*([0-9a-f]+)`, 'm').exec(status)[1]) & bit) !== 0n);
  } catch {
    return false; // gone
  }
}

/**
 * Ctrl-C twice: the second SIGINT is sent as soon as the first was delivered (no longer pending),
 * so the two are never merged into one and both reach tsfuzz while it is still stopping.
 */
function interruptTwice(child) {
  child.kill('SIGINT');
  const end = Date.now() + 2000;
  while (signalPending(child.pid, 2) && Date.now() < end);
  child.kill('SIGINT');
}

async function assertNoWorkers(dir, { withinMs = 1000 } = {}) {
  const left = await waitFor(() => workerPids(dir).length === 0, { timeoutMs: withinMs });
  assert.ok(left, `worker processes still running: ${workerPids(dir).join(', ')}`);
}

describe('interrupting a run', { concurrency: 2 }, () => {
  test('SIGINT with nothing found: exit 130, summary printed, no worker left', async () => {
    const dir = fixture('interrupt');
    let workersSeen = 0;
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^NeverFails$', '--parallel=2', '--seed=1'],
      onStderr: signalWhen((e) => {
        if (!PROGRESS.test(e)) return false;
        workersSeen = workerPids(dir).length;
        return true;
      }),
    });
    assert.equal(workersSeen, 2, 'two workers were running when the signal was sent');
    assert.equal(r.code, 130, show(r));
    assert.match(r.stdout, /^INTERRUPTED {2}fuzzed 1 target: \d+ execs/m, show(r));
    assert.ok(summaryExecs(r.stdout) > 0, show(r));
    assert.doesNotMatch(r.stdout, /--- FAIL/, show(r));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
    assert.deepEqual(testdataFiles(dir, 'NeverFails'), []);
    await assertNoWorkers(dir);
  });

  test('SIGINT after failures were found (--keep-going): exit 1, every one of them on disk', async () => {
    const dir = fixture('interrupt');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^OftenFails$', '--keep-going', '--parallel=2', '--seed=1'],
      onStderr: signalWhen((e) => /^fuzz: elapsed: .*failures: [1-9]/m.test(e)),
    });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.ok(reports.length >= 1, show(r));
    const m = /^(\d+) distinct failures?/m.exec(r.stdout);
    assert.ok(m, `the summary is printed\n${show(r)}`);
    assert.equal(Number(m[1]), reports.length, show(r));
    assert.match(r.stdout, /^FAIL {2}fuzzed 1 target: \d+ execs/m, show(r));
    // Each reported input is on disk, and only those.
    const written = reports.map((rep) => rep.writtenTo);
    assert.ok(written.every(Boolean), show(r));
    assert.deepEqual(testdataFiles(dir, 'OftenFails'), written.map((w) => path.basename(w)).sort(), show(r));
    for (const id of testdataFiles(dir, 'OftenFails')) {
      const text = readTestdata(dir, 'OftenFails', id);
      assert.equal(sha16(text), id);
      const [d] = decodeCorpus(text);
      assert.ok(d.value[0] > 200 || d.value[0] < 50 || d.value[1] < 50, text);
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, 'testdata', 'fuzz', 'OftenFails')).filter((f) => f.startsWith('.')), [], 'no temp files left');
    await assertNoWorkers(dir);
  });

  // The README promises exit 1 whenever something was found, interrupted or not: a second Ctrl-C
  // still exits at once, but with 1, and one line says where the failures went.
  test('Ctrl-C twice after failures were found: exit 1 at once, with one line naming the files written', async () => {
    const dir = fixture('interrupt');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^OftenFails$', '--keep-going', '--parallel=2', '--seed=1'],
      onStderr: (() => {
        let sent = false;
        return (e, child) => {
          if (sent || !/^fuzz: elapsed: .*failures: [1-9]/m.test(e)) return;
          sent = true;
          interruptTwice(child);
        };
      })(),
    });
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
    const m = /^FAIL {2}interrupted again: stopped at once without the full summary; (\d+) failures? found; written to (.+)$/m.exec(r.stdout);
    assert.ok(m, `no summary line for the forced exit\n${show(r)}`);
    // Every file it names is on disk, and every file on disk is named (nothing found is lost).
    const named = m[2].split(', ');
    assert.ok(Number(m[1]) >= 1 && named.length >= 1, show(r));
    assert.deepEqual([...new Set(named.map((w) => path.basename(w)))].sort(), testdataFiles(dir, 'OftenFails'), show(r));
    for (const w of named) {
      assert.match(w, /^testdata\/fuzz\/OftenFails\/[0-9a-f]{16}$/, show(r));
      assert.equal(sha16(fs.readFileSync(path.join(dir, w), 'utf8')), path.basename(w));
    }
    await assertNoWorkers(dir, { withinMs: 3000 });
  });

  test('Ctrl-C twice with nothing found: exit 130 at once, saying so', async () => {
    const dir = fixture('interrupt');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^NeverFails$', '--parallel=2', '--seed=1'],
      onStderr: (() => {
        let sent = false;
        return (e, child) => {
          if (sent || !PROGRESS.test(e)) return;
          sent = true;
          interruptTwice(child);
        };
      })(),
    });
    assert.equal(r.code, 130, show(r));
    assert.match(r.stdout, /^INTERRUPTED {2}interrupted again: stopped at once without the full summary; nothing found$/m, show(r));
    await assertNoWorkers(dir, { withinMs: 3000 });
  });

  test('SIGINT while a failure is being re-checked: it is still reported and written', async () => {
    const dir = fixture('interrupt');
    const marker = path.join(dir, 'slow-marker');
    const markers = () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim().split('\n').length : 0);
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^SlowFail$', '--parallel=1', '--seed=1'],
      onSpawn: (child) => {
        // The second time the slow path starts is the re-check (in another process).
        void waitFor(() => markers() >= 2, { timeoutMs: 60_000 }).then((ok) => ok && child.kill('SIGINT'));
      },
    });
    const pids = fs.readFileSync(marker, 'utf8').trim().split('\n');
    assert.equal(pids.length, 2, 'interrupted during the re-check');
    assert.notEqual(pids[0], pids[1], 'the re-check runs in another process');
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.ok(rep, show(r));
    assert.match(rep.headline, /^Error: slow failure 2\d\d$/, show(r));
    const files = testdataFiles(dir, 'SlowFail');
    assert.equal(files.length, 1, show(r));
    assert.equal(rep.writtenTo, `testdata/fuzz/SlowFail/${files[0]}`);
    assert.ok(decodeCorpus(readTestdata(dir, 'SlowFail', files[0]))[0].value[0] > 200);
    await assertNoWorkers(dir);
  });

  test('SIGKILL of the coordinator: its workers are gone within a couple of seconds', async () => {
    const dir = fixture('interrupt');
    let pids = [];
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^NeverFails$', '--parallel=2', '--seed=1'],
      onStderr: signalWhen((e) => {
        if (!/now fuzzing/.test(e)) return false;
        pids = workerPids(dir);
        return true;
      }, 'SIGKILL'),
    });
    assert.equal(r.signal, 'SIGKILL', show(r));
    assert.equal(pids.length, 2, `two workers were running: ${pids}`);
    await assertNoWorkers(dir, { withinMs: 3000 });
  });
});
