import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathFrequency, SAMPLE_EVERY } from './frequency.js';

/** A touched list and counters for one execution: [edge, hits] pairs. */
function exec(...pairs: [number, number][]): { T: Uint32Array; C: Uint32Array } {
  const C = new Uint32Array(64);
  for (const [e, n] of pairs) C[e] = n;
  return { T: Uint32Array.from([pairs.length, ...pairs.map(([e]) => e)]), C };
}

describe('PathFrequency', () => {
  it('scores a batch by how seldom its paths were taken before (1/count per sampled execution)', () => {
    const f = new PathFrequency();
    assert.equal(f.takeBatchNovelty(), undefined);
    const a = exec([1, 1], [2, 1]);
    for (let i = 0; i < 4; i++) f.observe(a.T, a.C); // counts 1, 2, 3, 4
    assert.equal(f.takeBatchNovelty(), (1 + 1 / 2 + 1 / 3 + 1 / 4) / 4);
    f.observe(a.T, a.C); // a common path now
    const b = exec([1, 1], [3, 1]);
    f.observe(b.T, b.C); // a new one
    assert.equal(f.takeBatchNovelty(), (1 / 5 + 1) / 2);
  });

  it('tells paths apart by hit-count bucket, not only by edges', () => {
    const f = new PathFrequency();
    const once = exec([1, 1]);
    const often = exec([1, 9]);
    const sameBucket = exec([1, 10]);
    f.observe(once.T, once.C);
    f.observe(often.T, often.C);
    f.observe(sameBucket.T, sameBucket.C);
    assert.equal(f.takeBatchNovelty(), (1 + 1 + 1 / 2) / 3);
  });

  it('samples one execution in SAMPLE_EVERY, by index', () => {
    const picked = Array.from({ length: 4 * SAMPLE_EVERY }, (_, i) => i).filter((i) => PathFrequency.sampled(i));
    assert.deepEqual(picked, [0, 1, 2, 3].map((k) => k * SAMPLE_EVERY));
  });
});
