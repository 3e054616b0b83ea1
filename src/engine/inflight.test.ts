/**
 * Unit tests of the candidate file (inflight.ts, CandidateFile): a record reads back exactly
 * (every kind of value), only for its own job, not once cleared, and not when a death tore it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Value } from '../values/kinds.js';
import { CandidateFile } from './inflight.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-inflight-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
function open(): { file: string; cf: CandidateFile } {
  const file = path.join(dir, `candidate-${files++}`);
  return { file, cf: new CandidateFile(fs.openSync(file, 'w')) };
}
const bits = (n: number) => new BigUint64Array(new Float64Array([n]).buffer)[0];

describe('CandidateFile', () => {
  it('reads back the candidate exactly, with the executions before it', () => {
    const { file, cf } = open();
    const nan = new Float64Array(new BigUint64Array([0x7ff8000000000123n]).buffer)[0];
    // A view into a larger buffer: only its own bytes are the value.
    const view = new Uint8Array(new ArrayBuffer(64), 5, 3).fill(7);
    const values: Value[] = [view, 'a\ud800b\u{1f600}', '', -0, nan, 1.5, -(2n ** 63n), 2n ** 64n - 1n, true, false];
    cf.write(7, 1234, values);
    const r = CandidateFile.read(file, 7);
    assert.ok(r);
    assert.equal(r.execs, 1234);
    assert.equal(r.values.length, values.length);
    assert.equal(Object.getPrototypeOf(r.values[0]), Uint8Array.prototype);
    assert.deepEqual([...(r.values[0] as Uint8Array)], [7, 7, 7]);
    for (let i = 1; i < values.length; i++) assert.ok(Object.is(r.values[i], values[i]) || bits(r.values[i] as number) === bits(values[i] as number), `value ${i}`);
    assert.equal(bits(r.values[4] as number), 0x7ff8000000000123n);
  });

  it('holds only the last candidate, of its own job', () => {
    const { file, cf } = open();
    cf.write(1, 0, [new Uint8Array(100_000).fill(1)]); // longer than the next: its tail stays in the file
    cf.write(2, 5, ['x']);
    assert.deepEqual(CandidateFile.read(file, 2)?.values, ['x']);
    assert.equal(CandidateFile.read(file, 1), undefined);
  });

  it('says nothing once the stage of candidates ended', () => {
    const { file, cf } = open();
    cf.write(3, 0, ['x']);
    cf.clear(3);
    assert.equal(CandidateFile.read(file, 3), undefined);
    assert.equal(CandidateFile.read(path.join(dir, 'none'), 3), undefined);
  });

  it('rejects a record torn by a death in the middle of its write', () => {
    const { file, cf } = open();
    cf.write(4, 0, [new Uint8Array(10_000).fill(2)]);
    const whole = fs.readFileSync(file);
    cf.write(4, 1, [new Uint8Array(10_000).fill(3)]);
    // The new record's first pages, the old one's last.
    const torn = Buffer.concat([fs.readFileSync(file).subarray(0, 8192), whole.subarray(8192)]);
    fs.writeFileSync(file, torn);
    assert.equal(CandidateFile.read(file, 4), undefined);
    fs.writeFileSync(file, torn.subarray(0, 8192)); // or nothing after them
    assert.equal(CandidateFile.read(file, 4), undefined);
  });
});
