// Story: `tsfuzz corpus-min` distills a target's cache to the inputs that keep its coverage. After
// a fuzz run has cached what it found, redundant inputs (larger copies with the same coverage)
// planted in the cache are removed, the counts before and after are reported, and a baseline run
// on what is left covers exactly the edges it covered before.
//
// test/fixtures/corpus-min: Classify reads only the first two bytes of its input, so appending
// bytes to an input of two bytes or more never changes its coverage.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cacheDirOf, corpusText, decodeCorpus, fixture, runTsfuzz, sha16, show, summaryTargets } from '../helpers/run.mjs';

const FILE = 'classify.fuzz.ts';
const TARGET = 'Classify';

const cacheFiles = (dir) => {
  const d = cacheDirOf(dir, FILE, TARGET);
  return fs.readdirSync(d, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
};

/**
 * Runs only the baseline over seeds and cache (a budget of exactly that many executions: an Nx
 * budget counts baseline executions, so --fuzztime=1x would stop after the first input) and
 * returns the target's summary line: { execs, corpus, edges }.
 */
async function baseline(dir) {
  const entries = 1 + cacheFiles(dir).length; // one seed
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, `--fuzztime=${entries}x`, '--parallel=1', '--seed=1'] });
  assert.equal(r.code, 0, show(r));
  const s = summaryTargets(r.stdout)[TARGET];
  assert.ok(s && s.edges !== undefined, show(r));
  assert.equal(s.execs, entries, `the baseline must run every entry once\n${show(r)}`);
  assert.equal(s.corpus, entries, show(r));
  assert.equal(s.new, 0, `nothing fuzzed after the baseline\n${show(r)}`);
  return s;
}

describe('tsfuzz corpus-min', { concurrency: 2 }, () => {
  test('removes redundant cached inputs, reports the counts, and keeps the baseline coverage', async () => {
    const dir = fixture('corpus-min');
    const found = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzztime=5000x', '--parallel=1', '--seed=1'] });
    assert.equal(found.code, 0, show(found));
    const original = cacheFiles(dir);
    assert.ok(original.length >= 4, `the fuzz run should cache several inputs\n${show(found)}`);

    // Plant, for every cached input of two bytes or more, two larger copies with the same coverage.
    const cache = cacheDirOf(dir, FILE, TARGET);
    const redundant = [];
    for (const id of original) {
      const [{ kind, value }] = decodeCorpus(fs.readFileSync(path.join(cache, id), 'utf8'));
      assert.equal(kind, 'bytes');
      if (value.length < 2) continue;
      for (const tail of ['~~~~', ' and some more bytes that Classify never reads'.repeat(4)]) {
        const text = corpusText([{ bytes: [...value, ...Buffer.from(tail, 'latin1')] }]);
        fs.writeFileSync(path.join(cache, sha16(text)), text);
        redundant.push(sha16(text));
      }
    }
    assert.ok(redundant.length >= 4, 'at least two cached inputs of two bytes or more');
    const before = await baseline(dir);

    const r = await runTsfuzz({ cwd: dir, args: ['corpus-min', FILE] });
    assert.equal(r.code, 0, show(r));
    const total = original.length + redundant.length;
    const m = new RegExp(`^${TARGET}: ${total} → (\\d+) cached inputs \\((\\d+) removed, (\\d+) coverage features kept\\)$`, 'm').exec(r.stdout);
    assert.ok(m, show(r));
    const after = Number(m[1]);
    assert.equal(Number(m[2]), total - after, show(r));
    assert.match(r.stdout, /^ok {2}corpus-min$/m, show(r));

    // Every planted copy is gone; what remains is some of what the fuzz run cached, as counted.
    const left = cacheFiles(dir);
    assert.equal(left.length, after, show(r));
    assert.deepEqual(left.filter((id) => redundant.includes(id)), [], `redundant copies kept\n${show(r)}`);
    assert.ok(left.every((id) => original.includes(id)), show(r));
    assert.ok(after <= original.length, show(r));

    // Same coverage from what is left.
    const later = await baseline(dir);
    assert.equal(later.edges, before.edges, `edges before ${before.edges}, after ${later.edges}`);

    // Distilled already: a second pass removes nothing.
    const again = await runTsfuzz({ cwd: dir, args: ['corpus-min', FILE] });
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, new RegExp(`^${TARGET}: ${after} → ${after} cached inputs \\(0 removed, ${m[3]} coverage features kept\\)$`, 'm'), show(again));
    assert.deepEqual(cacheFiles(dir), left);
  });

  // An input whose run did not complete (a hang here) has no coverage to compare; it must not be
  // taken as adding nothing and deleted: a cached input that fails is a new failure for the next
  // fuzz run (coordinator: "a cached input that fails now is a new failure").
  test('keeps a cached input that fails (here: hangs), which the next fuzz run reports', async () => {
    const dir = fixture('corpus-min');
    const text = corpusText([{ bytes: 'spin on H' }]);
    const cache = cacheDirOf(dir, 'spin.fuzz.ts', 'Spin');
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, sha16(text)), text);
    const r = await runTsfuzz({ cwd: dir, args: ['corpus-min', 'spin.fuzz.ts', '--timeout=500ms'] });
    assert.equal(r.code, 0, show(r));
    assert.ok(fs.existsSync(path.join(cache, sha16(text))), `the hanging input was deleted\n${show(r)}`);
  });

  test('runs while a fuzz run uses the same cache: both succeed, and every cached file stays whole', async () => {
    const dir = fixture('corpus-min');
    const seeded = await runTsfuzz({ cwd: dir, args: ['fuzz', FILE, '--fuzztime=3000x', '--parallel=1', '--seed=1'] });
    assert.equal(seeded.code, 0, show(seeded));
    let distill;
    const fuzzing = runTsfuzz({
      cwd: dir,
      args: ['fuzz', FILE, '--fuzztime=4s', '--parallel=1', '--seed=2'],
      // Once the run is fuzzing (it has read the cache and keeps writing to it), distill that cache.
      onStderr: (text) => {
        if (!distill && /now fuzzing/.test(text)) distill = runTsfuzz({ cwd: dir, args: ['corpus-min', FILE] });
      },
    });
    const f = await fuzzing;
    assert.equal(f.code, 0, show(f));
    assert.ok(distill, `the fuzz run never started fuzzing\n${show(f)}`);
    const d = await distill;
    assert.equal(d.code, 0, show(d));
    assert.match(d.stdout, new RegExp(`^${TARGET}: \\d+ → \\d+ cached inputs`, 'm'), show(d));
    const cache = cacheDirOf(dir, FILE, TARGET);
    for (const id of cacheFiles(dir)) {
      const text = fs.readFileSync(path.join(cache, id), 'utf8');
      assert.equal(sha16(text), id, `a cached file is torn or misnamed: ${id}`);
      assert.equal(decodeCorpus(text).length, 1);
    }
    // A leftover temporary file would be a write cut short.
    assert.deepEqual(fs.readdirSync(cache).filter((n) => n.startsWith('.') && n.includes('.tmp-')), []);
  });

  test('--fuzz matching no target is a usage error of one line', async () => {
    const dir = fixture('corpus-min');
    const r = await runTsfuzz({ cwd: dir, args: ['corpus-min', FILE, '--fuzz=^Nothing$'] });
    assert.equal(r.code, 2, show(r));
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, show(r));
    assert.match(lines[0], /^tsfuzz: --fuzz=\^Nothing\$ matches no fuzz target; the targets are: Classify$/, show(r));
  });
});
