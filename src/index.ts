/**
 * The public API of tsfuzz: what a `*.fuzz.ts` file imports. Re-exports only.
 * Nothing here loads the engine; registering a target only records it.
 */
export { fuzz, type FuzzTarget, type FuzzFunction, type FuzzOptions } from './api/fuzz.js';
export type { T } from './api/t.js';
export type { ExpectedError } from './api/registry.js';
export {
  bytes, string, bool, float64, float32, int8, int16, int32, uint8, uint16, uint32, int64, uint64,
  type Kind, type Value, type ValuesOf,
} from './values/kinds.js';
