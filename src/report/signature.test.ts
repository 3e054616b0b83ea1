/**
 * Unit tests of failure signatures: what makes two failures "the same bug" (signature.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanStack, failureSignature, hangSignature } from './signature.js';

const CWD = '/proj';
const stack = (...frames: string[]) => ['Error: sample', ...frames.map((f) => `    at ${f}`)].join('\n');

describe('failureSignature', () => {
  it('keys by kind, error class and the top three user frames, never the message', () => {
    const a = ['Error: bad byte 17', '    at parse (/proj/src/p.ts:10:5)', '    at node:internal/x:1:1', '    at run (/proj/src/r.ts:3:9)', '    at main (/proj/m.ts:1:1)', '    at deeper (/proj/d.ts:1:1)'].join('\n');
    const b = a.replace('bad byte 17', 'bad byte 99').replace(':10:5', ':10:22');
    assert.equal(failureSignature('throw', 'Error', a, CWD), 'throw|Error|parse@src/p.ts:10;run@src/r.ts:3;main@m.ts:1');
    assert.equal(failureSignature('throw', 'Error', b, CWD), failureSignature('throw', 'Error', a, CWD));
    assert.notEqual(failureSignature('throw', 'TypeError', a, CWD), failureSignature('throw', 'Error', a, CWD));
  });

  it('skips frames of Node internals and of files without a path', () => {
    const s = stack('<anonymous>:1:1', 'JSON.parse (<anonymous>)', 'node:internal/modules/run:5:5', 'f (/proj/a.ts:2:3)');
    assert.equal(failureSignature('throw', 'SyntaxError', s, CWD), 'throw|SyntaxError|f@a.ts:2');
  });
});

describe('stack overflow signature', () => {
  it('is the recursion cycle, wherever in it the overflow struck', () => {
    const a = 'a (/proj/r.ts:5:3)';
    const b = 'b (/proj/r.ts:9:3)';
    const one = stack('helper (/proj/h.ts:2:1)', a, b, a, b, a, b, a, b, a);
    const two = stack(b, a, b, a, b, a, b, a, b, a);
    const sig = failureSignature('stack-overflow', 'RangeError', one, CWD);
    assert.equal(sig, 'stack-overflow|RangeError|a@r.ts:5;b@r.ts:9');
    assert.equal(failureSignature('stack-overflow', 'RangeError', two, CWD), sig);
  });
});

describe('hangSignature', () => {
  it('is the same wherever in the spinning function a sample lands', () => {
    const at = (line: number) => stack('<anonymous>:4:23', `spin (/proj/loop.ts:${line}:7)`, 'target (/proj/t.fuzz.ts:9:3)', 'caller (/proj/t.fuzz.ts:20:1)');
    const one = hangSignature([at(5), at(5), at(6)], CWD);
    assert.equal(one, 'timeout|hang|spin@loop.ts;target@t.fuzz.ts:9;caller@t.fuzz.ts:20');
    assert.equal(hangSignature([at(7)], CWD), one);
  });

  it('starts at the innermost function every sample shares (a loop calling helpers)', () => {
    const inHelper = stack('step (/proj/loop.ts:2:3)', 'crawl (/proj/loop.ts:8:9)', 'target (/proj/t.fuzz.ts:9:3)');
    const inLoop = stack('crawl (/proj/loop.ts:10:5)', 'target (/proj/t.fuzz.ts:9:3)');
    assert.equal(hangSignature([inHelper, inLoop, inHelper], CWD), 'timeout|hang|crawl@loop.ts;target@t.fuzz.ts:9');
  });

  it('tells loops in different functions, or reached from different call sites, apart', () => {
    const a = stack('spinA (/proj/l.ts:3:3)', 't (/proj/t.fuzz.ts:9:3)');
    const b = stack('spinB (/proj/l.ts:7:3)', 't (/proj/t.fuzz.ts:10:3)');
    const a2 = stack('spinA (/proj/l.ts:3:3)', 't (/proj/t.fuzz.ts:11:3)');
    const sigs = new Set([a, b, a2].map((s) => hangSignature([s], CWD)));
    assert.equal(sigs.size, 3);
  });

  it('is undefined when no sample has a user frame (the thread was idle)', () => {
    assert.equal(hangSignature([stack('<anonymous>:4:23', '<anonymous>:5:3')], CWD), undefined);
    assert.equal(hangSignature([], CWD), undefined);
  });
});

describe('cleanStack', () => {
  it('keeps message lines, drops internal frames and folds repeated frames', () => {
    const s = ['RangeError: deep', '    at r (/proj/a.ts:1:1)', '    at r (/proj/a.ts:1:1)', '    at r (/proj/a.ts:1:1)', '    at node:internal/x:1:1'].join('\n');
    assert.equal(cleanStack(s, CWD), ['RangeError: deep', '    at r (a.ts:1:1)', '    … the frame above repeated 2 more times'].join('\n'));
  });
});
