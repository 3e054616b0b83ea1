// Story: every way an input can fail is found, reported with its kind and exact input, written to
// testdata/fuzz/<Target>/<sha256[:16]>, and reproduced by the re-run command the report prints.
// One target per failure kind (test/fixtures/bugs); each fires when the first byte is above 200.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, readTestdata, rerunArgs, runTsfuzz, sameValues, seedValues, sha16, show, testdataFiles,
} from '../helpers/run.mjs';

const bytesOver200 = (decoded) => decoded.length === 1 && decoded[0].kind === 'bytes' && decoded[0].value.length > 0 && decoded[0].value[0] > 200;

const CASES = [
  { target: 'Throws', kind: 'throw', headline: /^Error: boom at (2\d\d)$/, stack: /at bugs\.fuzz\.ts:9:\d+/ },
  { target: 'ThrowsNonError', kind: 'throw', headline: /^threw a non-Error value: \{ code: 42 \}$/ },
  { target: 'ThrowsProxy', kind: 'throw', headline: /^threw a non-Error value: Proxy \[ \{\}, \{/ },
  // A megabyte of message: the headline and the stack's message lines are cut, the frames kept.
  {
    target: 'HugeMessage', kind: 'throw', headline: /^Error: big x{400,}… \(\d+ more characters\)$/,
    stack: /^\s+Error: big x{3000,}\n\s+… \(\d+ more characters of the message\)\n\s+at bugs\.fuzz\.ts:95:\d+/m, maxText: 20000,
  },
  // An error that ends the execution thread (no handler left to catch it): cut like any headline.
  {
    target: 'UncaughtHuge', kind: 'throw', headline: /^uncaught Error: big x{400,}… \(\d+ more characters\)$/,
    stack: /^\s+Error: big x{3000,}\n\s+… \(\d+ more characters of the message\)\n\s+at Timeout\._onTimeout \(bugs\.fuzz\.ts:170:\d+\)/m, maxText: 20000,
  },
  { target: 'NameThrows', kind: 'throw', headline: /^Error: nameless$/, stack: /at bugs\.fuzz\.ts:105:\d+/ },
  { target: 'Rejects', kind: 'reject', headline: /^promise rejected: RangeError: async boom$/, stack: /at bugs\.fuzz\.ts:18:\d+/ },
  { target: 'Exits', kind: 'exit', headline: /process\.exit\(3\)/, stack: /^\s+at bugs\.fuzz\.ts:22:\d+$/m },
  // process.abort() inside try/catch: the target swallows everything, the engine still sees it.
  { target: 'Aborts', kind: 'abort', headline: /process\.abort\(\)/ },
  // A hang shows where it was spinning (sampled before the thread was stopped).
  { target: 'Hangs', kind: 'timeout', headline: /timeout/, stack: /^\s+at bugs\.fuzz\.ts:34:\d+$/m, flags: ['--timeout=2s'] },
  { target: 'Recurses', kind: 'stack-overflow', headline: /stack overflow/i, stack: /at recurse \(bugs\.fuzz\.ts:38:\d+\)/ },
  { target: 'BlowsMemory', kind: 'oom', headline: /memory/i, flags: ['--memory-limit=300'] },
  // A signal takes the whole worker process: the input is named by the safe-mode replay.
  { target: 'Segfaults', kind: 'crash', headline: /SIGSEGV/ },
  { target: 'SignalsSelf', kind: 'crash', headline: /^worker process was terminated by SIGTERM \(sent by the target/ },
  // process.exit() in a callback after the target returned: traced to the input that scheduled it.
  {
    target: 'ExitsLater', async: true, kind: 'exit', headline: /^the target called process\.exit\(0\) in a callback after it returned$/,
    stack: /at Timeout\._onTimeout \(bugs\.fuzz\.ts:113:\d+\)/,
  },
  { target: 'ExitsInPromise', async: true, kind: 'exit', headline: /^the target called process\.exit\(5\) in a callback after it returned$/, stack: /at bugs\.fuzz\.ts:119:\d+/ },
  // process.exit() while the input is still pending (after an await, in a timer it awaits, in an
  // asynchronous cleanup): the input's own exit, as in Exits, not a callback's after it returned.
  // (A fuzz batch cannot tell the awaited timer's exit from one an earlier input left: the
  // coordinator searches the batch for its input.)
  { target: 'ExitsAfterAwait', kind: 'exit', headline: /^the target called process\.exit\(3\)$/, stack: /^\s+at bugs\.fuzz\.ts:132:\d+$/m },
  { target: 'ExitsInAwaitedTimer', kind: 'exit', headline: /^the target called process\.exit\(4\)$/, stack: /at Timeout\._onTimeout \(bugs\.fuzz\.ts:139:\d+\)/ },
  { target: 'ExitsInAsyncCleanup', kind: 'exit', headline: /^the target called process\.exit\(6\)$/, stack: /^\s+at Array\.<anonymous> \(bugs\.fuzz\.ts:150:\d+\)$/m },
  // An f.expect predicate that accepts every error does not swallow an exit.
  {
    target: 'ExitsLaterExpectingAll', async: true, kind: 'exit', headline: /^the target called process\.exit\(7\) in a callback after it returned$/,
    stack: /at Timeout\._onTimeout \(bugs\.fuzz\.ts:158:\d+\)/,
  },
  {
    target: 'Fails', kind: 'throw', headline: /^x is too big: (2\d\d)$/, output: /^checking (2\d\d)$/m,
    triggers: (d) => d.length === 1 && d[0].kind === 'uint8' && d[0].value > 200,
  },
  // Raised after the target returned (found in a batch, traced back to its input by replaying it).
  { target: 'FloatingRejection', async: true, kind: 'reject', headline: /^unhandled promise rejection: Error: floating at (2\d\d)$/, stack: /at bugs\.fuzz\.ts:63:\d+/ },
  {
    target: 'TimerThrows', async: true, kind: 'throw', headline: /^uncaught Error: timer at (2\d\d) \(thrown after the target returned\)$/,
    stack: /at Timeout\._onTimeout \(bugs\.fuzz\.ts:70:\d+\)/,
  },
  {
    target: 'UnrefTimerThrows', async: true, kind: 'throw', headline: /^uncaught Error: unref timer at (2\d\d) \(thrown after the target returned\)$/,
    stack: /at Timeout\._onTimeout \(bugs\.fuzz\.ts:80:\d+\)/,
  },
];

describe('every failure kind is found, reported, written and reproduced', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(`${c.target} → ${c.kind}`, async () => {
      const dir = fixture('bugs');
      const flags = c.flags ?? [];
      const r = await runTsfuzz({
        cwd: dir,
        args: ['fuzz', `--fuzz=^${c.target}$`, '--fuzztime=20000x', '--parallel=1', '--seed=1', ...flags],
      });
      assert.equal(r.code, 1, show(r));

      // The report: kind line, headline, the exact input, where it went, how to re-run it.
      const reports = failureReports(r.stdout);
      assert.equal(reports.length, 1, show(r));
      const rep = reports[0];
      assert.equal(rep.target, c.target, show(r));
      assert.equal(rep.source, undefined, show(r));
      assert.equal(rep.kind, c.kind, show(r));
      assert.ok(r.stdout.includes(`--- FAIL: ${c.target} (${c.kind})\n`), show(r));
      assert.match(rep.headline, c.headline, show(r));
      if (c.stack) assert.match(rep.text, c.stack, show(r));
      if (c.maxText) assert.ok(r.stdout.length < c.maxText, `output of ${r.stdout.length} characters`);
      if (c.output) assert.match(rep.output ?? '', c.output, show(r));
      assert.ok(rep.input && !/could not be determined/.test(rep.text), `the input must be named\n${show(r)}`);

      // What was written: one file, named by the SHA-256 of its content, holding the failing input.
      const files = testdataFiles(dir, c.target);
      assert.equal(files.length, 1, `one file in testdata/fuzz/${c.target}\n${show(r)}`);
      const id = files[0];
      const text = readTestdata(dir, c.target, id);
      assert.equal(id, sha16(text));
      assert.ok(text.startsWith('tsfuzz corpus v1\n'), text);
      const decoded = decodeCorpus(text);
      assert.ok((c.triggers ?? bytesOver200)(decoded), `the written input must trigger the bug: ${text}`);
      assert.ok(sameValues(decoded, seedValues(rep.seedLine)), `the report shows the input that was written: ${rep.seedLine}\n${text}`);
      assert.equal(rep.writtenTo, `testdata/fuzz/${c.target}/${id}`, show(r));
      // The limits the verdict depends on (c.flags) are part of the command.
      assert.equal(rep.rerun, [`npx tsfuzz test bugs.fuzz.ts --run=${c.target}/${id}`, ...flags].join(' '), show(r));
      assert.ok(r.stdout.includes('(run with --seed=1)'), show(r));
      // The summary names it once, with the same headline and file.
      assert.match(r.stdout, /^FAIL {2}fuzzed 1 target: \d+ execs/m, show(r));
      // (A batch learns of failures raised after the call only at its end: it may count several.)
      const summary = c.async ? r.stdout.replace(/ \(\d+ failing inputs in all\)/, '').replace(/ \(×\d+\)/, '') : r.stdout;
      assert.ok(summary.includes(`\n1 distinct failure:\n  ${c.target}: ${rep.headline} → testdata/fuzz/${c.target}/${id}`), show(r));

      // Re-running what was written, exactly as printed, fails the same way.
      const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
      assert.equal(again.code, 1, show(again));
      const againReports = failureReports(again.stdout);
      assert.equal(againReports.length, 1, show(again));
      const mine = againReports[0];
      assert.equal(mine.target, c.target, show(again));
      assert.match(again.stdout, /^FAIL {2}1 target, 1 input: 0 passed, 1 failed \(1 distinct failure\)/m, show(again));
      assert.equal(mine.source, id, show(again));
      assert.equal(mine.kind, c.kind, show(again));
      assert.match(mine.headline, c.headline, show(again));
      assert.equal(mine.seedLine, rep.seedLine, show(again));

      // Once the file is gone, the target passes on its seeds again.
      fs.rmSync(path.join(dir, 'testdata', 'fuzz', c.target, id));
      const clean = await runTsfuzz({ cwd: dir, args: ['test', `--run=${c.target}`, ...flags] });
      assert.equal(clean.code, 0, show(clean));
      assert.match(clean.stdout, /^ok {2}/m, show(clean));
      assert.doesNotMatch(clean.stdout, /--- FAIL/, show(clean));
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }

  test('a failing input that cannot be re-checked (its fuzz file broke on disk) is still written', async () => {
    const dir = fixture('breaks');
    const file = path.join(dir, 'breaks.fuzz.ts');
    const good = fs.readFileSync(file, 'utf8');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'breaks.fuzz.ts', '--fuzztime=200000x', '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 2, show(r));
    const m = /^tsfuzz: warning: Breaks: an input failed \(Error: found B\) but could not be re-checked \(breaks\.fuzz\.ts: syntax error[^\n]*\); written as found, not minimized, to testdata\/fuzz\/Breaks\/([0-9a-f]{16})$/m.exec(r.stderr);
    assert.ok(m, show(r));
    assert.match(r.stderr, /^tsfuzz: breaks\.fuzz\.ts: syntax error/m, show(r));
    const [value] = decodeCorpus(readTestdata(dir, 'Breaks', m[1]));
    assert.equal(value.value[0], 0x42, show(r));
    // Once the file is mended, the written input reproduces the failure.
    fs.writeFileSync(file, good.replace("fs.appendFileSync(me, '\\nthis is not TypeScript (\\n');", ''));
    const again = await runTsfuzz({ cwd: dir, args: ['test', 'breaks.fuzz.ts', `--run=Breaks/${m[1]}`] });
    assert.equal(again.code, 1, show(again));
    assert.match(again.stdout, /Error: found B/, show(again));
  });
});
