/**
 * Public surface of the mutator: the deterministic input generator and its replay helper, and the
 * input-to-state pieces (the I2S candidate stage and the comparison-table merge).
 * Other folders (engine, worker) import from here. Rule: nothing exported here may make a
 * sequence depend on anything but (kinds, options, splice pool, base, seed).
 */

export { CHAIN_MAX, Mutator, replayInput, type MutatorOptions } from './mutator.js';
export { chooseLen } from './common.js';
export { CMP_TABLE_MAX, mergeComparisons } from './cmp.js';
export { i2sCandidates } from './i2s.js';
