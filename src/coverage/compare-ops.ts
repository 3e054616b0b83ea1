/**
 * Operation codes of the compare hook `cmp(site, left, right, op)`, shared by the instrumenter
 * (which emits them) and the runtime (which records operands). Codes 0–7 are the binary
 * operators in instrument/emit.ts's COMPARE_OPS order; the rest are traced calls and switch cases.
 * For method calls `left` is the receiver and `right` the (first) argument; for switch cases
 * `left` is the discriminant and `right` the case value; for Map/Set membership `left` is the
 * probe and `right` one key of the collection.
 * Rule: append new codes at the end; never renumber (cached instrumented code embeds them).
 */
export const CMP = {
  EQ3: 0, // ===
  NE3: 1, // !==
  EQ: 2, // ==
  NE: 3, // !=
  LT: 4, // <
  LE: 5, // <=
  GT: 6, // >
  GE: 7, // >=
  SWITCH_CASE: 8,
  STARTS_WITH: 9,
  ENDS_WITH: 10,
  INCLUDES: 11,
  INDEX_OF: 12,
  LAST_INDEX_OF: 13,
  LOCALE_COMPARE: 14,
  BYTES_EQUALS: 15, // Buffer/Uint8Array equals
  BYTES_COMPARE: 16, // Buffer.compare / buf.compare
  BYTES_INDEX_OF: 17, // Buffer/Uint8Array indexOf/includes with a bytes or string needle
  MAP_HAS: 18,
  MAP_GET: 19,
  SET_HAS: 20,
  REGEXP_TEST: 21, // regex literal tokens are harvested at instrumentation time; reserved
} as const;

export type CmpOp = (typeof CMP)[keyof typeof CMP];
