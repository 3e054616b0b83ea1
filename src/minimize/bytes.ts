/**
 * Byte-slice shrinkers: the sequence shrinkers of sequence.ts over the bytes of a Uint8Array.
 * Called by minimize.ts in its size and simplify phases.
 * Rule: every candidate is a fresh Uint8Array (a Buffer input is copied first: its slice() is a
 * view), never longer than the value it came from.
 */

import { asciiTargets, shrinkUnits, simplifyUnits, type UnitSimplifier } from './sequence.js';
import type { Shrinker } from './search.js';

/** Candidates are fresh arrays already: no copy. */
const build = (units: Uint8Array): Uint8Array => units;

/** Bytes ≥ 0x80 bisect toward 0x80 after the ASCII targets fail. */
const BYTES: UnitSimplifier = {
  targets: asciiTargets,
  range: (b) => (b > 0x80 ? [0x80, b, (k) => k] : undefined),
};

/** Size phase: tail cut, head cut, '0' filler, chunk removal. */
export function shrinkBytes(v: Uint8Array): Shrinker<Uint8Array> {
  return shrinkUnits(Uint8Array.from(v), build);
}

/** Simplify phase: bytes toward '0', 'a', ' ', '1', 'A', NUL, lowercase, then smaller values. */
export function simplifyBytes(v: Uint8Array): Shrinker<Uint8Array> {
  return simplifyUnits(Uint8Array.from(v), build, BYTES);
}
