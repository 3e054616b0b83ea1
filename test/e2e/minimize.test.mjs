// Story: every failing input is minimized before it is written, whatever the argument types, and
// only toward inputs that fail the same way (same signature): testdata gets the smallest readable
// input, the input as found is kept in the cache's originals/, and `tsfuzz test --run=Target/ID`
// fails on the written file the same way. `--minimize-time` bounds or turns off minimization;
// `tsfuzz minimize --run=Target/ID` shrinks a file already in testdata.
//
// Most fixtures (test/fixtures/minimize) start from a large failing input planted in the target's
// cache: the baseline runs it, and a cached input that fails is a new finding (re-checked, then
// minimized). A failing seed would instead be reported as a regression and never minimized.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  cacheDirOf, decodeCorpus, failureReports, fixture, plant, plantCache, readTestdata, rerunArgs, runTsfuzz, sha16, show,
  testdataFiles, waitFor,
} from '../helpers/run.mjs';

const FUZZ = ['--seed=1', '--parallel=1'];
const MINIMIZED = (target) => new RegExp(`^fuzz: minimized ${target}'s failing input from (\\d+) to (\\d+) bytes in (\\d+) executions$`, 'm');
/** Minimized without getting smaller (numbers keep their width): the line says so, with the size. */
const SIMPLIFIED = (target) => new RegExp(`^fuzz: simplified ${target}'s failing input \\((\\d+) bytes\\) in (\\d+) executions$`, 'm');
const WIDTH = { bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8, int64: 8, uint64: 8 };
/**
 * The size minimization reports for decoded corpus values: bytes by length, strings in UTF-8,
 * numbers by their width (not the size of the corpus file).
 */
const inputSize = (decoded) =>
  decoded.reduce((n, { kind, value }) => n + (kind === 'bytes' ? value.length : kind === 'string' ? Buffer.byteLength(value) : WIDTH[kind]), 0);
const latin1 = (b) => Buffer.from(b).toString('latin1');
/** A 4 KB input with the marker "BUG" at offset 2500. */
const MARKER_4K = [{ bytes: around('BUG', 2500, 4096) }];

/** The first `at …` line of a report (its throw site), or undefined (hangs, memory). */
const site = (rep) => /^ {4,}at .*$/m.exec(rep.text)?.[0].trim();

/** `n` bytes of filler text with `marker` at `at`. */
function around(marker, at, n, fill = 'abcdefghijklmnopqrstuvwxyz0123456789 ') {
  let s = '';
  while (s.length < n - marker.length) s += fill;
  s = s.slice(0, n - marker.length);
  return s.slice(0, at) + marker + s.slice(at);
}

/**
 * Plants `values` (one input) in the cache of `file#target`, runs `tsfuzz fuzz file --fuzz=^target$`,
 * and checks the common story: one failure of `kind`, written to testdata, minimized (the report
 * says so and names the original, kept byte for byte in originals/), and `tsfuzz test --run`
 * on the written file fails the same way. Returns what the tests check further.
 */
async function findMinimized({ file, target, values, kind, headline, flags = [], testFlags = [] }) {
  const dir = fixture('minimize');
  const planted = plantCache({ dir, file, target, values });
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, `--fuzz=^${target}$`, '--fuzztime=200x', ...FUZZ, ...flags] });
  assert.equal(r.code, 1, show(r));
  const reports = failureReports(r.stdout);
  assert.equal(reports.length, 1, show(r));
  const rep = reports[0];
  assert.equal(rep.target, target, show(r));
  assert.equal(rep.source, `cache/${planted.id}`, show(r));
  assert.equal(rep.kind, kind, show(r));
  assert.match(rep.headline, headline, show(r));

  // Minimized: said on stderr (with its executions), and the original kept out of testdata.
  const m = MINIMIZED(target).exec(r.stderr);
  assert.ok(m, `no "minimized" line\n${show(r)}`);
  assert.equal(Number(m[1]), inputSize(decodeCorpus(planted.text)), `the size of the input, not of its file\n${show(r)}`);
  const originalAt = path.join(path.relative(dir, cacheDirOf(dir, file, target)), 'originals', planted.id);
  assert.match(rep.text, new RegExp(`^ {4}\\(minimized; the input as found is kept at ${originalAt.replace(/[.]/g, '\\.')}\\)$`, 'm'), show(r));
  assert.equal(fs.readFileSync(path.join(dir, originalAt), 'utf8'), planted.text);

  // Written: one file, its name the hash of its text, smaller than the original, reported.
  const files = testdataFiles(dir, target);
  assert.equal(files.length, 1, show(r));
  const id = files[0];
  const text = readTestdata(dir, target, id);
  assert.equal(sha16(text), id);
  assert.equal(inputSize(decodeCorpus(text)), Number(m[2]), show(r));
  assert.ok(text.length < planted.text.length, show(r));
  assert.equal(rep.writtenTo, `testdata/fuzz/${target}/${id}`, show(r));
  // The printed command carries the limits the failure depends on (testFlags), and only those.
  assert.equal(rep.rerun, [`npx tsfuzz test ${file} --run=${target}/${id}`, ...testFlags].join(' '), show(r));

  // Re-run alone, exactly as printed: fails the same way (kind, headline, throw site).
  const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
  assert.equal(again.code, 1, show(again));
  const [back] = failureReports(again.stdout);
  assert.ok(back, show(again));
  assert.equal(back.source, id, show(again));
  assert.equal(back.kind, kind, show(again));
  assert.equal(back.headline, rep.headline, show(again));
  assert.equal(site(back), site(rep), show(again));

  return { dir, r, rep, id, text, decoded: decodeCorpus(text), execs: Number(m[3]), planted };
}

describe('minimization of failing inputs', { concurrency: 2 }, () => {
  // The two slow cases first, so that the quick ones share the other lane with them.
  // Each hanging candidate waits for its own short timeout (max(250 ms, timeout/10)), then the
  // result is confirmed with the full one: the written input must still hang under --timeout=1s.
  test('a hang: a 1 KB input with an "H" → "H", still hanging', async () => {
    const { decoded, rep } = await findMinimized({
      file: 'hang.fuzz.ts', target: 'HangsOnH', kind: 'timeout', headline: /^input ran past the 1s timeout$/,
      values: [{ bytes: around('H', 500, 1024, 'abcdefg ') }], flags: ['--timeout=1s', '--minimize-time=200x'], testFlags: ['--timeout=1s'],
    });
    assert.equal(latin1(decoded[0].value), 'H');
    assert.equal(rep.input, 'bytes[1] "H"');
  });

  test('out of memory: a 1 KB input with an "M" → "M", still exhausting memory', async () => {
    const { decoded } = await findMinimized({
      file: 'oom.fuzz.ts', target: 'EatsMemoryOnM', kind: 'oom', headline: /memory/i,
      // An execution budget, not the default 60 s: each candidate that exhausts memory takes ~1 s (more
      // on a loaded machine), and the result must not depend on the machine's speed.
      values: [{ bytes: around('M', 500, 1024, 'abcdefg ') }], flags: ['--memory-limit=300', '--minimize-time=200x'], testFlags: ['--memory-limit=300'],
    });
    assert.equal(latin1(decoded[0].value), 'M');
  });

  // Every hang is keyed by where it was spinning (sampled before the thread is stopped), so "A"
  // (spinOnA) is never accepted to shrink to "0", which hangs in spinOnZero — another bug.
  test('two hangs in one target: minimizing one never slides into the other', async () => {
    const dir = fixture('minimize');
    const file = 'two-hangs.fuzz.ts';
    plantCache({ dir, file, target: 'TwoHangs', values: [{ bytes: around('A', 60, 120, 'qrstu') }] });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, '--timeout=500ms', '--fuzztime=200x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.kind, 'timeout', show(r));
    const [id] = testdataFiles(dir, 'TwoHangs');
    const value = latin1(decodeCorpus(readTestdata(dir, 'TwoHangs', id))[0].value);
    // It hangs in spinOnA only if it has an "A" and no "0".
    assert.ok(value.includes('A') && !value.includes('0'), `the spinOnA hang was written as ${JSON.stringify(value)}, which hangs in spinOnZero\n${show(r)}`);
  });

  // A hang's minimized input is confirmed once with the full timeout; that run counts in the
  // --minimize-time=Nx budget too.
  test('--minimize-time=5x bounds the minimization of a hang too, its confirmation included', async () => {
    const dir = fixture('minimize');
    plantCache({ dir, file: 'hang.fuzz.ts', target: 'HangsOnH', values: [{ bytes: around('H', 100, 200, 'abcdefg ') }] });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'hang.fuzz.ts', '--timeout=500ms', '--fuzztime=200x', '--minimize-time=5x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const m = MINIMIZED('HangsOnH').exec(r.stderr);
    assert.ok(m, show(r));
    assert.ok(Number(m[3]) <= 5, `${m[3]} executions with --minimize-time=5x\n${show(r)}`);
  });

  test('bytes: a 4 KB input with the marker "BUG" inside → exactly "BUG"', async () => {
    const { decoded, rep } = await findMinimized({
      file: 'marker.fuzz.ts', target: 'Marker', kind: 'throw', headline: /^Error: marker at offset 0$/,
      values: MARKER_4K,
    });
    assert.equal(decoded.length, 1);
    assert.equal(decoded[0].kind, 'bytes');
    assert.equal(latin1(decoded[0].value), 'BUG');
    assert.equal(rep.input, 'bytes[3] "BUG"');
    assert.match(site(rep), /^at scan \(marker\.fuzz\.ts:7:\d+\)$/);
  });

  test('string: a long text (non-ASCII included) with "<script" inside → "<script"', async () => {
    const text = around('<script>alert(1)</script>', 700, 1500, 'Grüße, ünïcødé ✓ 🎉 and some prose. ');
    const { decoded } = await findMinimized({
      file: 'script.fuzz.ts', target: 'Script', kind: 'throw', headline: /^Error: unsafe markup in a 7-character text$/,
      values: [{ string: text }],
    });
    assert.deepEqual(decoded, [{ kind: 'string', value: '<script' }]);
  });

  // Three targets in one run (--keep-going: each planted input is its own finding), and one
  // `tsfuzz test` re-running the three written files.
  test('numbers: int32 x > 1000 → 1001; float64 1.5 < x < 2 → a short decimal; int64 x > 10n**12n → 10n**12n + 1n', async () => {
    const dir = fixture('minimize');
    const file = 'numbers.fuzz.ts';
    const cases = {
      IntAbove: { values: [{ int32: 123456789 }], headline: /^RangeError: too large: 1001$/ },
      FloatBetween: { values: [{ float64: 1.7234567891234 }], headline: /^RangeError: in the gap: 1\.\d$/ },
      BigAbove: { values: [{ int64: 9000000000000000000n }], headline: /^RangeError: too large: 1000000000001$/ },
    };
    for (const [target, c] of Object.entries(cases)) c.planted = plantCache({ dir, file, target, values: c.values });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, '--keep-going', '--fuzztime=300x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 3, show(r));
    for (const [target, c] of Object.entries(cases)) {
      const rep = reports.find((x) => x.target === target);
      assert.ok(rep, `${target} not reported\n${show(r)}`);
      assert.equal(rep.source, `cache/${c.planted.id}`, show(r));
      assert.equal(rep.kind, 'throw', show(r));
      assert.match(rep.headline, c.headline, show(r));
      assert.match(rep.text, /^ {4}\(minimized; the input as found is kept at /m, show(r));
      assert.equal(SIMPLIFIED(target).exec(r.stderr)?.[1], String(inputSize(decodeCorpus(c.planted.text))), show(r));
      const files = testdataFiles(dir, target);
      assert.equal(files.length, 1, show(r));
      assert.equal(rep.writtenTo, `testdata/fuzz/${target}/${files[0]}`, show(r));
      c.id = files[0];
      c.rep = rep;
      c.decoded = decodeCorpus(readTestdata(dir, target, files[0]));
    }
    assert.deepEqual(cases.IntAbove.decoded, [{ kind: 'int32', value: 1001 }]);
    assert.deepEqual(cases.BigAbove.decoded, [{ kind: 'int64', value: 10n ** 12n + 1n }]);
    assert.equal(cases.BigAbove.rep.input, 'int64 1000000000001n');
    const [{ kind, value: x }] = cases.FloatBetween.decoded;
    assert.equal(kind, 'float64');
    assert.ok(x > 1.5 && x < 2, String(x));
    assert.ok(String(x).length <= 3, `not a short decimal: ${x}`); // one digit after the point: 1.6, 1.7 …

    // The three written files fail again, each the way it was reported.
    const again = await runTsfuzz({ cwd: dir, args: ['test', file] });
    assert.equal(again.code, 1, show(again));
    const back = failureReports(again.stdout);
    assert.equal(back.length, 3, show(again));
    for (const [target, c] of Object.entries(cases)) {
      const b = back.find((x) => x.target === target);
      assert.equal(b?.source, c.id, show(again));
      assert.equal(b.kind, 'throw', show(again));
      assert.equal(b.headline, c.rep.headline, show(again));
      assert.equal(site(b), site(c.rep), show(again));
    }
  });

  test('two arguments, only the second matters: the first becomes its zero value', async () => {
    const { decoded } = await findMinimized({
      file: 'two-args.fuzz.ts', target: 'SecondArg', kind: 'throw', headline: /^RangeError: port out of range: 50001 \(0\)$/,
      values: [{ string: 'a-very-long-host-name.example.com:'.repeat(20) }, { uint16: 65000 }],
    });
    assert.deepEqual(decoded, [{ kind: 'string', value: '' }, { kind: 'uint16', value: 50001 }]);
  });

  // Bug B ("ends with X") is checked first; bug A needs "XY". Every prefix of an A input that ends
  // right after its X is a smaller B input, so accepting any failure would turn A into B. Each
  // written input must keep its own bug, site and class.
  test('two bugs in one target: minimizing one never slides into the other', async () => {
    const dir = fixture('minimize');
    const file = 'slide.fuzz.ts';
    const a = plantCache({ dir, file, target: 'Slide', values: [{ bytes: around('XY', 1000, 2000, 'qrstu') }] });
    const b = plantCache({ dir, file, target: 'Slide', values: [{ bytes: around('XY', 500, 1600, 'qrstu') + 'X' }] });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, '--keep-going', '--fuzztime=300x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 2, show(r));
    const repA = reports.find((x) => x.source === `cache/${a.id}`);
    const repB = reports.find((x) => x.source === `cache/${b.id}`);
    assert.ok(repA && repB, show(r));
    assert.match(repA.headline, /^RangeError: bug A: XY at offset 0$/, show(r));
    assert.match(site(repA), /^at pairXY \(slide\.fuzz\.ts:12:\d+\)$/, show(r));
    assert.match(repB.headline, /^TypeError: bug B: trailing X after 0 bytes$/, show(r));
    assert.match(site(repB), /^at trailingX \(slide\.fuzz\.ts:7:\d+\)$/, show(r));
    assert.equal([...r.stderr.matchAll(new RegExp(MINIMIZED('Slide').source, 'gm'))].length, 2, show(r));

    const idOf = (rep) => rep.writtenTo.split('/').pop();
    assert.deepEqual(testdataFiles(dir, 'Slide'), [idOf(repA), idOf(repB)].sort(), show(r));
    assert.equal(latin1(decodeCorpus(readTestdata(dir, 'Slide', idOf(repA)))[0].value), 'XY');
    assert.equal(latin1(decodeCorpus(readTestdata(dir, 'Slide', idOf(repB)))[0].value), 'X');

    // Each file alone fails with its own bug.
    for (const [rep, headline, where] of [[repA, /^RangeError: bug A/, /at pairXY /], [repB, /^TypeError: bug B/, /at trailingX /]]) {
      const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
      assert.equal(again.code, 1, show(again));
      const back = failureReports(again.stdout);
      assert.equal(back.length, 1, show(again));
      assert.equal(back[0].source, idOf(rep), show(again));
      assert.match(back[0].headline, headline, show(again));
      assert.match(site(back[0]), where, show(again));
    }
  });

  test('--keep-going: one throw site hit by thousands of inputs is reported once with its count', async () => {
    const dir = fixture('minimize');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'many.fuzz.ts', '--keep-going', '--fuzztime=20000x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 2, show(r));
    const parity = reports.find((x) => /^Error: even first byte: \d+$/.test(x.headline));
    const range = reports.find((x) => /^RangeError: first byte out of range: \d+$/.test(x.headline));
    assert.ok(parity && range, show(r));
    assert.match(site(parity), /^at checkParity \(many\.fuzz\.ts:6:\d+\)$/);
    assert.match(site(range), /^at checkRange \(many\.fuzz\.ts:10:\d+\)$/);

    // Both minimized to one byte that still fails its own way (an even byte; an odd one above 0xf0).
    const one = (rep) => decodeCorpus(readTestdata(dir, 'Many', rep.writtenTo.split('/').pop()))[0].value;
    assert.equal(one(parity).length, 1, show(r));
    assert.equal(one(parity)[0] % 2, 0, show(r));
    assert.equal(one(range).length, 1, show(r));
    assert.ok(one(range)[0] > 0xf0 && one(range)[0] % 2 === 1, show(r));
    assert.equal(testdataFiles(dir, 'Many').length, 2, show(r));

    // The summary: two distinct failures; the common one counted in the thousands, not per message.
    const m = /^2 distinct failures \((\d+) failing inputs in all\):$/m.exec(r.stdout);
    assert.ok(m, show(r));
    const count = (rep) => {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`  Many: ${rep.headline} `) && l.endsWith(rep.writtenTo));
      assert.ok(line, `no summary line for ${rep.headline}\n${show(r)}`);
      return Number(/ \(×(\d+)\) → /.exec(line)?.[1] ?? 1);
    };
    assert.ok(count(parity) >= 1000, `the common failure was counted ${count(parity)} times\n${show(r)}`);
    assert.ok(count(range) >= 1, show(r));
    assert.equal(count(parity) + count(range), Number(m[1]), show(r));
  });

  test('--minimize-time=0 writes the input as found', async () => {
    const dir = fixture('minimize');
    const p = plantCache({ dir, file: 'marker.fuzz.ts', target: 'Marker', values: MARKER_4K });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'marker.fuzz.ts', '--fuzztime=200x', '--minimize-time=0', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.ok(rep, show(r));
    assert.match(rep.headline, /^Error: marker at offset 2500$/, show(r));
    assert.doesNotMatch(r.stderr, /minimiz/, show(r));
    assert.doesNotMatch(rep.text, /minimized/, show(r));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [p.id], show(r));
    assert.equal(readTestdata(dir, 'Marker', p.id), p.text);
    assert.equal(fs.existsSync(path.join(cacheDirOf(dir, 'marker.fuzz.ts', 'Marker'), 'originals')), false);
  });

  test('--minimize-time=5x bounds minimization to 5 executions (a smaller input that still fails)', async () => {
    const dir = fixture('minimize');
    const p = plantCache({ dir, file: 'marker.fuzz.ts', target: 'Marker', values: MARKER_4K });
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'marker.fuzz.ts', '--fuzztime=200x', '--minimize-time=5x', ...FUZZ] });
    assert.equal(r.code, 1, show(r));
    const m = MINIMIZED('Marker').exec(r.stderr);
    assert.ok(m, show(r));
    assert.ok(Number(m[3]) <= 5, `${m[3]} executions with --minimize-time=5x\n${show(r)}`);
    const [id] = testdataFiles(dir, 'Marker');
    const text = readTestdata(dir, 'Marker', id);
    assert.ok(text.length < p.text.length, show(r));
    const value = latin1(decodeCorpus(text)[0].value);
    assert.ok(value.includes('BUG') && value.length > 3, `5 executions cannot reach the marker alone: ${value.length} bytes\n${show(r)}`);
    const again = await runTsfuzz({ cwd: dir, args: ['test', 'marker.fuzz.ts', `--run=Marker/${id}`] });
    assert.equal(again.code, 1, show(again));
    assert.match(failureReports(again.stdout)[0]?.headline ?? '', /^Error: marker at offset \d+$/, show(again));
  });

  // Each execution of SlowMarker takes 300 ms and logs "<length> <fails>" to runs: the test sends
  // SIGINT once a smaller failing candidate was run and the next candidate started, so the
  // coordinator has accepted the smaller one and the interrupt lands in the middle of the next.
  test('Ctrl-C during minimization: the smaller verified input is written, the output says minimization was interrupted, the original is kept', async () => {
    const dir = fixture('minimize');
    const file = 'slow-marker.fuzz.ts';
    const planted = plantCache({ dir, file, target: 'SlowMarker', values: MARKER_4K });
    const runs = () => (fs.existsSync(path.join(dir, 'runs')) ? fs.readFileSync(path.join(dir, 'runs'), 'utf8').trim().split('\n') : []);
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', file, '--fuzztime=200x', ...FUZZ],
      onSpawn: (child) => {
        const ready = () => {
          const lines = runs();
          const smaller = lines.findIndex((l) => /^(\d+) 1$/.test(l) && Number(l.split(' ')[0]) < 4096);
          return smaller >= 0 && lines.length > smaller + 1;
        };
        void waitFor(ready, { timeoutMs: 60_000, intervalMs: 20 }).then((ok) => ok && child.kill('SIGINT'));
      },
    });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.ok(rep, show(r));
    assert.equal(rep.headline, 'Error: marker found', show(r));
    // One line says so, with both sizes (of the input, not of its file), and no "minimized" line.
    const m = /^fuzz: minimization of SlowMarker's failing input interrupted after (\d+) executions: kept a (\d+)-byte input that fails the same way; the original was 4096 bytes \(kept at (\S+)\); npx tsfuzz minimize slow-marker\.fuzz\.ts --run=SlowMarker\/([0-9a-f]{16}) shrinks it further$/m.exec(r.stderr);
    assert.ok(m, `no "minimization interrupted" line\n${show(r)}`);
    assert.doesNotMatch(r.stderr, MINIMIZED('SlowMarker'), show(r));
    assert.match(rep.text, /^ {4}\(minimization interrupted; the input as found is kept at /m, show(r));
    // The original is kept, byte for byte.
    assert.equal(fs.readFileSync(path.join(dir, m[3]), 'utf8'), planted.text, show(r));
    // What was written is the smaller input, and it fails the same way when re-run.
    const [id] = testdataFiles(dir, 'SlowMarker');
    assert.equal(m[4], id, show(r));
    const [written] = decodeCorpus(readTestdata(dir, 'SlowMarker', id));
    assert.equal(written.value.length, Number(m[2]), show(r));
    assert.ok(written.value.length < 4096 && latin1(written.value).includes('BUG'), show(r));
    const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
    assert.equal(again.code, 1, show(again));
    assert.equal(failureReports(again.stdout)[0]?.headline, 'Error: marker found', show(again));
  });

  test('tsfuzz minimize --run=Target/ID replaces an unminimized testdata file by its minimized version, which fails the same way', async () => {
    const dir = fixture('minimize');
    const p = plantCache({ dir, file: 'marker.fuzz.ts', target: 'Marker', values: MARKER_4K });
    const found = await runTsfuzz({ cwd: dir, args: ['fuzz', 'marker.fuzz.ts', '--fuzztime=200x', '--minimize-time=0', ...FUZZ] });
    assert.equal(found.code, 1, show(found));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [p.id], show(found));
    const [before] = failureReports(found.stdout);

    const r = await runTsfuzz({ cwd: dir, args: ['minimize', 'marker.fuzz.ts', `--run=Marker/${p.id}`] });
    assert.equal(r.code, 0, show(r));
    const m = new RegExp(`^Marker/${p.id} → Marker/([0-9a-f]{16}): (\\d+) → (\\d+) bytes in (\\d+) executions\\b`, 'm').exec(r.stdout);
    assert.ok(m, show(r));
    const id = m[1];
    assert.equal(Number(m[2]), p.text.length, show(r));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [id], `the old file is replaced by the new one\n${show(r)}`);
    const text = readTestdata(dir, 'Marker', id);
    assert.equal(sha16(text), id);
    assert.equal(Number(m[3]), text.length, show(r));
    assert.equal(latin1(decodeCorpus(text)[0].value), 'BUG');
    // The old file is kept in the cache.
    assert.equal(fs.readFileSync(path.join(cacheDirOf(dir, 'marker.fuzz.ts', 'Marker'), 'originals', p.id), 'utf8'), p.text);

    const again = await runTsfuzz({ cwd: dir, args: ['test', 'marker.fuzz.ts', `--run=Marker/${id}`] });
    assert.equal(again.code, 1, show(again));
    const [back] = failureReports(again.stdout);
    assert.equal(back?.kind, before.kind, show(again));
    assert.equal(back.headline, 'Error: marker at offset 0', show(again));
    assert.equal(site(back), site(before), show(again));

    // Minimizing it again finds nothing smaller and leaves the file alone.
    const twice = await runTsfuzz({ cwd: dir, args: ['minimize', 'marker.fuzz.ts', `--run=Marker/${id}`] });
    assert.equal(twice.code, 0, show(twice));
    assert.match(twice.stdout, new RegExp(`^Marker/${id}: already minimal`, 'm'), show(twice));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [id], show(twice));
  });

  test('tsfuzz minimize with too small a budget says so (it does not call the input minimal)', async () => {
    const dir = fixture('minimize');
    const id = plant({ dir, target: 'Marker', values: MARKER_4K });
    const r = await runTsfuzz({ cwd: dir, args: ['minimize', 'marker.fuzz.ts', `--run=Marker/${id}`, '--minimize-time=1x'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, new RegExp(`^Marker/${id}: not minimized: the budget ran out after 1 execution \\(try a larger --minimize-time\\)$`, 'm'), show(r));
    assert.doesNotMatch(r.stdout, /already minimal/, show(r));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [id]);
  });

  test('tsfuzz minimize on an input that does not fail: exit 2 with one line, the file left alone', async () => {
    const dir = fixture('minimize');
    const id = plant({ dir, target: 'Marker', values: [{ bytes: 'no marker here' }] });
    const r = await runTsfuzz({ cwd: dir, args: ['minimize', 'marker.fuzz.ts', `--run=Marker/${id}`] });
    assert.equal(r.code, 2, show(r));
    assert.equal(r.stdout, '', show(r));
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, show(r));
    assert.match(lines[0], new RegExp(`^tsfuzz: Marker/${id} does not fail\\b`), show(r));
    assert.deepEqual(testdataFiles(dir, 'Marker'), [id]);
  });

  // With --run=Marker (every file of the target) the failing files are minimized and replaced
  // one by one; a file that passes is named and left alone, and does not hide the replacements.
  test('tsfuzz minimize over several files: every file it replaces is reported, even if another one passes', async () => {
    const dir = fixture('minimize');
    // By name, the passing file comes last (names are content hashes: these are fixed).
    const failing = ['aaaaBUGaaaa', 'zzzzBUGzzzz'].map((b) => plant({ dir, target: 'Marker', values: [{ bytes: b }] }));
    const passing = plant({ dir, target: 'Marker', values: [{ bytes: 'no marker' }] });
    assert.deepEqual([...failing, passing].sort(), [...failing, passing], 'fixture: the passing file sorts last');
    const r = await runTsfuzz({ cwd: dir, args: ['minimize', 'marker.fuzz.ts', '--run=Marker'] });
    const left = testdataFiles(dir, 'Marker');
    assert.ok(left.includes(passing), show(r));
    for (const id of failing) {
      assert.ok(!left.includes(id), `Marker/${id} was not replaced\n${show(r)}`);
      assert.match(r.stdout, new RegExp(`^Marker/${id} → Marker/[0-9a-f]{16}: `, 'm'), `Marker/${id} was replaced without a word\n${show(r)}`);
    }
  });
});
