/**
 * Unit tests of the schedule's energy (schedule.ts): each factor moves it the way the file
 * comment says, and picks follow energy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../util/rng.js';
import { entryEnergy, pickEntry } from './schedule.js';
import { TargetState, type CorpusEntry } from './target-state.js';

function entry(over: Partial<CorpusEntry> = {}): CorpusEntry {
  return {
    id: 'e', values: [new Uint8Array(8)], source: 'new', size: 8, newEdges: 1, picks: 0, generation: 1,
    novelty: 0.01, execsPerMs: 0, ...over,
  };
}

describe('entryEnergy', () => {
  const base = entryEnergy(entry(), 0);
  it('favours entries whose mutants take rare paths', () => {
    assert.ok(entryEnergy(entry({ novelty: 0.5 }), 0) > base);
    assert.ok(entryEnergy(entry({ novelty: 0.0001 }), 0) < base);
  });
  it('favours deeper, smaller, less picked entries, and those that reached more', () => {
    assert.ok(entryEnergy(entry({ generation: 5 }), 0) > base);
    assert.ok(entryEnergy(entry({ size: 4096 }), 0) < base);
    assert.ok(entryEnergy(entry({ picks: 40 }), 0) < base);
    assert.ok(entryEnergy(entry({ newEdges: 30 }), 0) > base);
  });
  it('favours fast entries only when the target speed is given, within ½–2×', () => {
    assert.equal(entryEnergy(entry({ execsPerMs: 100 }), 0), base);
    const fast = entryEnergy(entry({ execsPerMs: 100 }), 1);
    const slow = entryEnergy(entry({ execsPerMs: 0.01 }), 1);
    assert.equal(fast, 2 * base);
    assert.equal(slow, base / 2);
  });
  it('gives an unmeasured entry the benefit of the doubt', () => {
    assert.ok(entryEnergy(entry({ novelty: undefined }), 0) > entryEnergy(entry({ novelty: 0.001 }), 0));
  });
});

describe('pickEntry', () => {
  it('draws entries in proportion to their energy, reproducibly from the seed', () => {
    const t = new TargetState({ name: 'T', file: '/x.fuzz.ts', kinds: [{ kind: 'bytes' }], seeds: [], errors: [], dictionary: [] }, '/td', '/cache');
    const hot = t.addEntry({ id: 'hot', values: [new Uint8Array(1)], source: 'new', generation: 3 })!;
    const cold = t.addEntry({ id: 'cold', values: [new Uint8Array(1)], source: 'new', generation: 0 })!;
    hot.novelty = 0.5;
    cold.novelty = 0.0001;
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 2000 }, () => pickEntry(t, rng, false).id);
    };
    const picks = draw(7);
    assert.deepEqual(draw(7), picks);
    const share = picks.filter((id) => id === 'hot').length / picks.length;
    const expected = entryEnergy(hot, 0) / (entryEnergy(hot, 0) + entryEnergy(cold, 0));
    assert.ok(Math.abs(share - expected) < 0.05, `hot drawn ${share}, energy share ${expected}`);
    assert.ok(share > 0.9);
  });
});
