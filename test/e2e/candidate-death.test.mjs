// Story: a candidate — an input run outside a batch's sequence (input-to-state, the minimization of
// a new input) — that takes the whole worker process with it (here a SIGKILL the target sends
// itself, which reads as the kernel's out-of-memory killer) is named with its exact input, written,
// and reproduced by the printed re-run command. (A safe-mode replay of the batch runs only its
// sequence: before the candidate file, such a failure was "unknown".)
// test/fixtures/candidate-death: KilledByI2S dies on 'BOOM', which input-to-state proposes from
// the seed's first batch; KilledByShrink on the single byte 0xAA, which minimizing the first input
// holding a 0xAA proposes (run without input-to-state, so that candidates come from minimization).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, readTestdata, rerunArgs, runTsfuzz, sameValues, seedValues, show, testdataFiles,
} from '../helpers/run.mjs';

const HEADLINE = /^worker process was killed by SIGKILL \(most likely the kernel's out-of-memory killer; the memory limit is 2048 MB\)$/;

const CASES = [
  { target: 'KilledByI2S', flags: [], values: ['BOOM'] },
  { target: 'KilledByShrink', flags: ['--no-cmp-trace'], values: [new Uint8Array([0xaa])] },
];

describe('a candidate that kills the worker process', { concurrency: 2 }, () => {
  for (const c of CASES) {
    test(`${c.target}: is named with its exact input and reproduced`, async () => {
      const dir = fixture('candidate-death');
      const r = await runTsfuzz({
        cwd: dir, args: ['fuzz', `--fuzz=^${c.target}$`, '--fuzztime=20000x', '--parallel=1', '--seed=1', ...c.flags],
      });
      assert.equal(r.code, 1, show(r));
      const reports = failureReports(r.stdout);
      assert.equal(reports.length, 1, show(r));
      const rep = reports[0];
      assert.equal(rep.target, c.target, show(r));
      assert.equal(rep.kind, 'oom', show(r));
      assert.match(rep.headline, HEADLINE, show(r));

      // Written: one file, holding exactly the candidate that killed the process.
      const files = testdataFiles(dir, c.target);
      assert.equal(files.length, 1, show(r));
      const decoded = decodeCorpus(readTestdata(dir, c.target, files[0]));
      assert.ok(sameValues(decoded, c.values), `written: ${JSON.stringify(decoded)}\n${show(r)}`);
      assert.ok(sameValues(decoded, seedValues(rep.seedLine)), show(r));
      assert.equal(rep.writtenTo, `testdata/fuzz/${c.target}/${files[0]}`, show(r));
      assert.equal(rep.rerun, `npx tsfuzz test targets.fuzz.ts --run=${c.target}/${files[0]}`, show(r));
      assert.ok(r.stdout.includes(`\n1 distinct failure:\n  ${c.target}: ${rep.headline} → testdata/fuzz/${c.target}/${files[0]}`), show(r));

      // The re-run command, exactly as printed, fails the same way.
      const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
      assert.equal(again.code, 1, show(again));
      const againReports = failureReports(again.stdout);
      assert.equal(againReports.length, 1, show(again));
      assert.equal(againReports[0].source, files[0], show(again));
      assert.equal(againReports[0].kind, 'oom', show(again));
      assert.match(againReports[0].headline, HEADLINE, show(again));
      assert.equal(againReports[0].seedLine, rep.seedLine, show(again));
    });
  }
});
