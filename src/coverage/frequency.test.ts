import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_STRIDE, PathFrequency, SAMPLES_PER_BATCH } from './frequency.js';

/** A touched list and counters for one execution: [edge, hits] pairs. */
function exec(...pairs: [number, number][]): { T: Int32Array; C: Int32Array } {
  const C = new Int32Array(64);
  for (const [e, n] of pairs) C[e] = n;
  return { T: Int32Array.from([pairs.length, ...pairs.map(([e]) => e)]), C };
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

  it('samples every stride-th execution by index, the stride following the batch size', () => {
    const f = new PathFrequency();
    const picked = (limit: number) => {
      f.startBatch(limit);
      return Array.from({ length: limit }, (_, i) => i).filter((i) => f.sampled(i));
    };
    assert.equal(picked(100).length, 100); // small batches: every execution
    assert.equal(picked(SAMPLES_PER_BATCH * 2 - 1).length, SAMPLES_PER_BATCH * 2 - 1);
    assert.deepEqual(picked(SAMPLES_PER_BATCH * 2).slice(0, 3), [0, 2, 4]);
    assert.equal(picked(SAMPLES_PER_BATCH * 8).length, SAMPLES_PER_BATCH);
    const big = picked(SAMPLES_PER_BATCH * MAX_STRIDE * 4); // a long batch: one in MAX_STRIDE
    assert.equal(big.length, SAMPLES_PER_BATCH * 4);
    assert.deepEqual(big.slice(0, 2), [0, MAX_STRIDE]);
  });

  it('starts each batch with no novelty', () => {
    const f = new PathFrequency();
    const a = exec([1, 1]);
    f.observe(a.T, a.C);
    f.startBatch(10);
    assert.equal(f.takeBatchNovelty(), undefined);
  });
});
