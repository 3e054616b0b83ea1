/**
 * Unit tests of a worker process's environment (worker-env.ts): the huge-page tunable is added,
 * a user's own tunables are kept, and one the user set is never overridden.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkerConfig } from './protocol.js';
import { withWorkerTunables, workerEnv } from './worker-env.js';

describe('worker environment', () => {
  it('adds the huge-page malloc tunable when none is set', () => {
    assert.equal(withWorkerTunables(undefined), 'glibc.malloc.hugetlb=1');
    assert.equal(withWorkerTunables(''), 'glibc.malloc.hugetlb=1');
  });

  it("keeps the user's other tunables and appends ours", () => {
    assert.equal(withWorkerTunables('glibc.malloc.check=3'), 'glibc.malloc.check=3:glibc.malloc.hugetlb=1');
  });

  it('never overrides a value the user chose for the same tunable', () => {
    assert.equal(withWorkerTunables('glibc.malloc.hugetlb=0'), 'glibc.malloc.hugetlb=0');
    assert.equal(withWorkerTunables('glibc.malloc.hugetlb=2:glibc.malloc.check=3'), 'glibc.malloc.hugetlb=2:glibc.malloc.check=3');
  });

  it("carries the caller's variables and the worker's configuration", () => {
    const config = { files: ['a.fuzz.ts'] } as unknown as WorkerConfig;
    const env = workerEnv(config, { PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.check=3' });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.GLIBC_TUNABLES, 'glibc.malloc.check=3:glibc.malloc.hugetlb=1');
    assert.deepEqual(JSON.parse(env.TSFUZZ_WORKER_CONFIG!), config);
  });
});
