// Story: Ctrl-C stops a run cleanly: the summary is printed, nothing found is lost (also a failure
// caught while it is being re-checked, or while the input behind a process death is still being
// named), the exit code says whether something was found (1) or not (130), and no worker process
// is left behind. A second Ctrl-C exits at once, still writing what is known of every failure
// (also during `tsfuzz test`). Killing the coordinator outright takes its workers with it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  cacheDirOf, decodeCorpus, failureReports, fixture, readTestdata, runTsfuzz, sha16, show, summaryExecs, testdataFiles, waitFor,
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

/**
 * A second interrupt while tsfuzz is still stopping from the first: SIGINT and SIGTERM, which
 * tsfuzz handles with the same handler (cli/main.ts interruptSignal: the second of either stops
 * at once), sent while the process is stopped (SIGSTOP), so that both are pending when it goes on
 * (SIGCONT) and it handles them in a row. Two SIGINTs would merge into one (a pending signal is
 * not queued twice); sending the second once the first was delivered let the stop finish first
 * on a loaded machine (the scheduler ran the woken tsfuzz through its whole stop before the
 * sender again: 3 failures in 8 runs with three busy processes on 2 cores).
 */
function interruptTwice(child) {
  child.kill('SIGSTOP');
  child.kill('SIGINT');
  child.kill('SIGTERM');
  child.kill('SIGCONT');
}

/**
 * Runs `attempt` (which makes its own fixture and returns { dir, r }) up to three times, until the
 * run shows the stop a second interrupt forces ("interrupted again"): a second interrupt that
 * reaches tsfuzz after the stop the first one started has ended finds nothing to force, and a
 * loaded machine can delay it that long (the signal waits for a thread of tsfuzz to run it).
 */
async function forcedStop(attempt) {
  let last;
  for (let i = 0; i < 3; i++) {
    last = await attempt();
    if (/interrupted again/.test(last.r.stdout + last.r.stderr)) return last;
  }
  return last;
}

/** The lines of a marker file the fixture's slow paths append their process id to ([] if none). */
function markerLines(dir, name) {
  const p = path.join(dir, name);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim().split('\n') : [];
}

/** Runs `args` in `dir`, calling `act(child)` once `name` has `n` lines (the nth slow path started). */
function runUntilMarker(dir, args, name, n, act) {
  return runTsfuzz({
    cwd: dir,
    args,
    onSpawn: (child) => {
      void waitFor(() => markerLines(dir, name).length >= n, { timeoutMs: 60_000 }).then((ok) => ok && act(child));
    },
  });
}

/** A fresh fixture run with `args`, interrupted twice once `marker` has `n` lines (forcedStop). */
function interruptedTwiceAt(args, marker, n) {
  return forcedStop(async () => {
    const dir = fixture('interrupt');
    return { dir, r: await runUntilMarker(dir, args, marker, n, interruptTwice) };
  });
}

/**
 * The line of an interrupted DiesSlowly run that says how many inputs its death may be and where
 * they went: [, count, cache folder]. The graceful stop the first SIGINT starts writes the same
 * inputs to the cache, and on a loaded machine it can end before the second SIGINT arrives, so
 * either stop's line is accepted.
 */
function whereDeathCandidatesWent(stdout) {
  const death = String.raw`worker process was killed by SIGKILL \(most likely the kernel's out-of-memory killer; the memory limit is 2048 MB\)`;
  return new RegExp(
    String.raw`(?:^FAIL {2}interrupted again: stopped at once without the full summary; 1 failure found; DiesSlowly \(${death}\): its input was not named yet|` +
      String.raw`^ {4}${death}; the run was interrupted before its input was named): ` +
      String.raw`the inputs it may be \((\d+)\) were added to the cache, (\S+)/, where the next tsfuzz fuzz runs each at its start and reports the one that fails$`,
    'm',
  ).exec(stdout);
}

// Without input-to-state (and with --minimize-time=0, no minimization of new inputs): the death
// comes from an input of a batch's sequence, which a safe-mode replay names. (With it, the first
// input to die is an input-to-state candidate, re-checked alone instead: DIES_CANDIDATE.)
const DIES = ['fuzz', '--fuzz=^DiesSlowly$', '--parallel=1', '--seed=1', '--minimize-time=0', '--no-cmp-trace'];
const DIES_CANDIDATE = DIES.filter((a) => a !== '--no-cmp-trace');
const DIES_CACHE = (dir) => cacheDirOf(dir, 'targets.fuzz.ts', 'DiesSlowly');

/** Ids of `target`'s cached inputs whose first byte is above 200 (the fixture's failing ones). */
function cachedAbove200(dir, target) {
  const d = cacheDirOf(dir, 'targets.fuzz.ts', target);
  const files = fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')) : [];
  return files.map((e) => e.name).filter((id) => {
    const [v] = decodeCorpus(fs.readFileSync(path.join(d, id), 'utf8'));
    return v.value.length > 0 && v.value[0] > 200;
  });
}

/** Ids of DiesSlowly's cached inputs that kill the process. */
const cachedKillers = (dir) => cachedAbove200(dir, 'DiesSlowly');

async function assertNoWorkers(dir, { withinMs = 1000 } = {}) {
  const left = await waitFor(() => workerPids(dir).length === 0, { timeoutMs: withinMs });
  assert.ok(left, `worker processes still running: ${workerPids(dir).join(', ')}`);
}

/**
 * An interrupted DiesSlowly run (`r`, in `dir`) ended with its death's possible inputs (1 to 256:
 * at most the first batch) in the cache, killers among them, nothing in testdata and no worker
 * left; returns the ids of the cached killers.
 */
async function assertDeathCandidatesInCache(dir, r) {
  assert.equal(r.code, 1, show(r));
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
  const m = whereDeathCandidatesWent(r.stdout);
  assert.ok(m, `no line saying where the inputs went\n${show(r)}`);
  assert.equal(m[2], path.relative(dir, DIES_CACHE(dir)), show(r));
  assert.ok(Number(m[1]) >= 1 && Number(m[1]) <= 256, show(r));
  const killers = cachedKillers(dir);
  assert.ok(killers.length >= 1, `no input with a first byte above 200 in ${m[2]}\n${show(r)}`);
  assert.deepEqual(testdataFiles(dir, 'DiesSlowly'), [], 'nothing unconfirmed is written to testdata');
  await assertNoWorkers(dir, { withinMs: 3000 });
  return killers;
}

/**
 * Runs `args` (fuzzing `target`) until `marker` has two lines (its asynchronous failure's culprit
 * search has started in another process), then interrupts twice. Checks the one line that says
 * the failure (`headline`, a regex) was found and the inputs it may be went to the cache, and that
 * nothing went to testdata; returns how many there were and the ids of those that fail.
 */
async function interruptAsyncSearch(target, args, marker, headline) {
  const { dir, r } = await interruptedTwiceAt(args, marker, 2);
  const pids = markerLines(dir, marker);
  assert.equal(pids.length, 2, `interrupted during the search\n${show(r)}`);
  assert.notEqual(pids[0], pids[1], 'the search runs in another process');
  assert.equal(r.code, 1, show(r));
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
  const m = new RegExp(
    String.raw`^FAIL {2}interrupted again: stopped at once without the full summary; 1 failure found; ${target} \(${headline}\): ` +
      String.raw`its input was not named yet: the inputs it may be \((\d+)\) were added to the cache, (\S+)/, which the next tsfuzz fuzz runs at its start and fuzzes from \(an asynchronous failure may not be traced to one there\)$`,
    'm',
  ).exec(r.stdout);
  assert.ok(m, `no line saying where the inputs went\n${show(r)}`);
  assert.equal(m[2], path.relative(dir, cacheDirOf(dir, 'targets.fuzz.ts', target)), show(r));
  assert.deepEqual(testdataFiles(dir, target), [], show(r));
  await assertNoWorkers(dir, { withinMs: 3000 });
  return { r, count: Number(m[1]), failing: cachedAbove200(dir, target) };
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
    const { dir, r } = await forcedStop(async () => {
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
      return { dir, r };
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
    const { dir, r } = await forcedStop(async () => {
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
      return { dir, r };
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

  // A process death is known only as its batch until a replay in safe mode names the input.
  // Interrupted then, the inputs it may be (from the one the replay was running on) go to the
  // cache, never to testdata, and the next run's baseline names the killer among them.
  test('Ctrl-C twice while a process death is replayed: the inputs it may be go to the cache, and the next run names it', async () => {
    const { dir, r } = await interruptedTwiceAt(DIES, 'death-marker', 2);
    const pids = markerLines(dir, 'death-marker');
    assert.equal(pids.length, 2, `interrupted during the replay\n${show(r)}`);
    assert.notEqual(pids[0], pids[1], 'the replay runs in a fresh process');
    // At most the first batch (256 inputs), from the input the replay had reached: the killer.
    const killers = await assertDeathCandidatesInCache(dir, r);

    const next = await runTsfuzz({ cwd: dir, args: [...DIES, '--fuzztime=100000x'] });
    assert.equal(next.code, 1, show(next));
    const [rep] = failureReports(next.stdout);
    assert.ok(rep, show(next));
    assert.match(rep.headline, /^worker process was killed by SIGKILL/, show(next));
    assert.match(rep.source ?? '', /^cache\/[0-9a-f]{16}$/, `named by the baseline, among the cached inputs\n${show(next)}`);
    const id = rep.source.slice('cache/'.length);
    assert.ok(killers.includes(id), show(next));
    assert.deepEqual(testdataFiles(dir, 'DiesSlowly'), [id], show(next));
  });

  // The replay names the input the process died at, but a death can land a little after its
  // cause, so that input is re-checked (and those before it, walking back) before it is written.
  // Interrupted then, nothing is confirmed: the inputs walked back through go to the cache, not
  // to testdata, where an innocent input would stay as a regression input for good.
  test('Ctrl-C twice while the input a process died at is re-checked: the inputs it may be go to the cache', async () => {
    const { dir, r } = await interruptedTwiceAt(DIES, 'death-marker', 3);
    const pids = markerLines(dir, 'death-marker');
    assert.equal(pids.length, 3, `interrupted during the re-check\n${show(r)}`);
    assert.equal(new Set(pids).size, 3, `the batch, its replay and the re-check ran in three processes: ${pids}\n${show(r)}`);
    // The input the replay died at and those before it in the first batch (256 inputs).
    await assertDeathCandidatesInCache(dir, r);
  });

  // An exit from a callback while an input of a fuzz batch is pending cannot be pinned on an
  // input there: the batch is searched for it, but only as far as it ran (the exit ended the
  // thread at input k: none after k ran, and none of them is written as what it may be).
  test('Ctrl-C twice while an exit some input left is traced: only the inputs the batch ran go to the cache', async () => {
    const args = ['fuzz', '--fuzz=^ExitsLaterSlowly$', '--parallel=1', '--seed=1', '--minimize-time=0', '--no-coverage'];
    const exit = String.raw`the target called process\.exit\(7\) in a callback while an input was pending`;
    const { r, count, failing } = await interruptAsyncSearch('ExitsLaterSlowly', args, 'exit-marker', exit);
    // The first batch holds 256 inputs; with this seed the exit comes near its 110th (~0.6 s in;
    // where exactly depends on how many inputs were pending then): those after it never ran.
    assert.ok(count >= 1 && count < 256, show(r));
    assert.equal(failing.length, 1, `the input that left the exit, and no later one\n${show(r)}`);
  });

  // A process death while an input-to-state candidate ran ('hello' with its first byte made 201,
  // from the seed's comparison with 200): the candidate is known at once, from the process's
  // candidate file, and re-checked alone.
  test('Ctrl-C twice while the candidate a process died running is re-checked: it is written to testdata', async () => {
    const dir = fixture('interrupt');
    const r = await runUntilMarker(dir, DIES_CANDIDATE, 'death-marker', 2, interruptTwice);
    const pids = markerLines(dir, 'death-marker');
    assert.equal(pids.length, 2, `interrupted during the re-check\n${show(r)}`);
    assert.notEqual(pids[0], pids[1], 'the re-check runs in a fresh process');
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
    // The line of the second SIGINT names the file; the graceful stop the first starts can end
    // before the second arrives on a loaded machine, and then reports the failure in full.
    const m = /^FAIL {2}interrupted again: stopped at once without the full summary; 1 failure found; written to (testdata\/fuzz\/DiesSlowly\/[0-9a-f]{16})$/m.exec(r.stdout);
    if (!m) assert.match(failureReports(r.stdout)[0]?.headline ?? '', /^worker process was killed by SIGKILL/, `no line naming the file written\n${show(r)}`);
    const files = testdataFiles(dir, 'DiesSlowly');
    assert.equal(files.length, 1, show(r));
    if (m) assert.equal(files[0], path.basename(m[1]), show(r));
    assert.deepEqual([...decodeCorpus(readTestdata(dir, 'DiesSlowly', files[0]))[0].value], [201, ...Buffer.from('ello')]);
    await assertNoWorkers(dir, { withinMs: 3000 });
  });

  test('SIGINT while a process death is replayed: it is reported, with the inputs it may be in the cache', async () => {
    const dir = fixture('interrupt');
    const r = await runUntilMarker(dir, DIES, 'death-marker', 2, (child) => child.kill('SIGINT'));
    assert.equal(markerLines(dir, 'death-marker').length, 2, `interrupted during the replay\n${show(r)}`);
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.ok(rep, show(r));
    const cache = path.relative(dir, DIES_CACHE(dir));
    assert.equal(
      rep.headline.replace(/\(\d+\)/, '(N)'),
      `worker process was killed by SIGKILL (most likely the kernel's out-of-memory killer; the memory limit is 2048 MB); the run was interrupted before its input was named: the inputs it may be (N) were added to the cache, ${cache}/, where the next tsfuzz fuzz runs each at its start and reports the one that fails`,
      show(r),
    );
    assert.match(r.stdout, /^FAIL {2}fuzzed 1 target: \d+ execs/m, show(r));
    assert.ok(cachedKillers(dir).length >= 1, show(r));
    assert.deepEqual(testdataFiles(dir, 'DiesSlowly'), [], show(r));
    await assertNoWorkers(dir);
  });

  test('Ctrl-C twice while the input behind an asynchronous failure is searched for: the inputs it may be go to the cache', async () => {
    const args = ['fuzz', '--fuzz=^FailsLaterSlowly$', '--parallel=1', '--seed=1', '--minimize-time=0'];
    const late = String.raw`uncaught Error: late failure \d+ \(thrown after the target returned\)`;
    const { r, failing } = await interruptAsyncSearch('FailsLaterSlowly', args, 'async-marker', late);
    assert.ok(failing.length >= 1, show(r));
  });

  test('tsfuzz test, Ctrl-C twice after an input failed: exit 1 at once, one line naming it', async () => {
    const { dir, r } = await interruptedTwiceAt(['test', '--run=FailsThenBlocks', '--parallel=1'], 'block-marker', 1);
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, show(r));
    assert.match(
      r.stdout,
      /^FAIL {2}interrupted again: stopped at once without the full summary; 1 input failed so far: FailsThenBlocks\/seed#0 \(Error: the first seed fails\) \(re-run one with --run=Target\/ID\)$/m,
      show(r),
    );
    await assertNoWorkers(dir, { withinMs: 3000 });
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
