// Story: with --json, stdout carries only JSON lines (progress, failure and summary events with
// the same content as the text output), whatever the targets print, so tools can consume it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeCorpus, fixture, jsonLines, plant, runTsfuzz, sameValues, seedValues, sha16, show, testdataFiles,
} from '../helpers/run.mjs';

describe('--json', { concurrency: 2 }, () => {
  test('tsfuzz fuzz: failure and summary events carry the fields; nothing else on stdout', async () => {
    const dir = fixture('json');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=^JsonBug$', '--fuzztime=20000x', '--parallel=1', '--seed=1', '--json'] });
    assert.equal(r.code, 1, show(r));
    const events = jsonLines(r.stdout);
    assert.equal(r.stderr, '', 'in --json mode everything goes to stdout as JSON');
    assert.ok(events.every((e) => typeof e.event === 'string'), show(r));
    assert.doesNotMatch(r.stdout, /^printed by the target/m);

    const failures = events.filter((e) => e.event === 'failure');
    assert.equal(failures.length, 1, show(r));
    const f = failures[0];
    const [id] = testdataFiles(dir, 'JsonBug');
    assert.ok(id, show(r));
    assert.equal(f.target, 'JsonBug');
    assert.equal(f.file, path.join(dir, 'json.fuzz.ts'));
    assert.equal(f.kind, 'throw');
    assert.match(f.headline, /^RangeError: bad first byte 2\d\d$/);
    assert.match(f.detail, /json\.fuzz\.ts:8:\d+/);
    assert.equal(typeof f.signature, 'string');
    assert.match(f.output, /logged by the target/);
    assert.match(f.output, /printed by the target/);
    assert.ok(Array.isArray(f.input) && /^bytes\[\d+\] "\\x(c[9a-f]|[d-f][0-9a-f])/.test(f.input[0]), JSON.stringify(f.input));
    assert.ok(sameValues(decodeCorpus(fs.readFileSync(f.writtenTo, 'utf8')), seedValues(f.seedLine)), f.seedLine);
    assert.equal(f.writtenTo, path.join(dir, 'testdata', 'fuzz', 'JsonBug', id));
    assert.equal(sha16(fs.readFileSync(f.writtenTo, 'utf8')), id);
    assert.equal(f.rerun, `npx tsfuzz test json.fuzz.ts --run=JsonBug/${id}`);
    assert.equal(f.runSeed, 1);

    const last = events[events.length - 1];
    assert.equal(last.event, 'summary', 'the summary is the last event');
    assert.equal(last.status, 'FAIL');
    assert.equal(last.seed, 1);
    assert.equal(last.interrupted, false);
    assert.ok(Number.isInteger(last.execs) && last.execs > 0);
    assert.ok(Number.isFinite(last.elapsedMs));
    assert.deepEqual(Object.keys(last.targets[0]).sort(), ['corpus', 'edges', 'execs', 'file', 'name', 'newInteresting']);
    assert.equal(last.targets[0].name, 'JsonBug');
    assert.equal(last.targets[0].execs, last.execs);
    assert.deepEqual(last.failures, [{ target: 'JsonBug', kind: 'throw', headline: f.headline, count: 1, writtenTo: f.writtenTo }]);
  });

  test('tsfuzz fuzz: progress events, and a clean summary when nothing fails', async () => {
    const dir = fixture('json');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=^JsonQuiet$', '--fuzztime=4s', '--parallel=1', '--seed=1', '--json'] });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr, '', show(r));
    const events = jsonLines(r.stdout);
    const progress = events.filter((e) => e.event === 'progress');
    assert.ok(progress.length >= 1, show(r));
    for (const p of progress) {
      for (const k of ['elapsedMs', 'execs', 'execsPerSec', 'corpus', 'newInteresting', 'failures']) assert.equal(typeof p[k], 'number', `${k}: ${JSON.stringify(p)}`);
      assert.equal(typeof p.edgesCovered, 'number', JSON.stringify(p));
      assert.ok(p.edgesCovered <= p.edgesTotal, JSON.stringify(p));
    }
    // "+N" on a progress line counts the inputs added since the line before.
    for (let i = 1; i < progress.length; i++) {
      assert.equal(progress[i].newSinceLast, progress[i].newInteresting - progress[i - 1].newInteresting, JSON.stringify(progress.slice(i - 1, i + 1)));
    }
    const summary = events.at(-1);
    assert.equal(summary.event, 'summary');
    assert.equal(summary.status, 'ok');
    assert.deepEqual(summary.failures, []);
    assert.ok(summary.execs >= progress.at(-1).execs, show(r));
  });

  test('tsfuzz test: failure and summary events', async () => {
    const dir = fixture('json');
    const id = plant({ dir, target: 'JsonBug', values: [{ bytes: '\xf0x' }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', '--json'] });
    assert.equal(r.code, 1, show(r));
    assert.equal(r.stderr, '', show(r));
    const events = jsonLines(r.stdout);
    const failures = events.filter((e) => e.event === 'failure');
    assert.equal(failures.length, 1, show(r));
    assert.equal(failures[0].target, 'JsonBug');
    assert.equal(failures[0].source, id);
    assert.equal(failures[0].headline, 'RangeError: bad first byte 240');
    assert.deepEqual(failures[0].input, ['bytes[2] "\\xf0x"']);
    assert.equal(failures[0].rerun, `npx tsfuzz test json.fuzz.ts --run=JsonBug/${id}`);
    const summary = events.at(-1);
    assert.equal(summary.event, 'summary');
    assert.equal(summary.status, 'FAIL');
    assert.equal(summary.inputs, 3);
    assert.equal(summary.failed, 1);
    assert.equal(summary.distinct, 1);
  });

  // A program reading the JSON lines learns of it from one error event; people, from stderr.
  test('a usage error is one error event on stdout and one line on stderr', async () => {
    const dir = fixture('json');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzz=Nope', '--json', '--fuzztime=10x'] });
    assert.equal(r.code, 2, show(r));
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, show(r));
    const ev = JSON.parse(lines[0]);
    assert.equal(ev.event, 'error', show(r));
    assert.equal(ev.exitCode, 2, show(r));
    assert.match(ev.message, /^--fuzz=Nope matches no fuzz target/, show(r));
    assert.match(r.stderr, /^tsfuzz: --fuzz=Nope matches no fuzz target/, show(r));
  });
});
