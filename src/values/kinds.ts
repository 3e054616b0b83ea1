/**
 * Argument kinds: the vocabulary every part of tsfuzz shares for "what a fuzz target takes".
 *
 * A kind is a plain, serializable descriptor (`{ kind: 'uint8' }`) so it can cross process
 * boundaries and be written next to a corpus. Composite kinds (arrays, records, unions, ...) are
 * meant to be added as new `kind` names with extra fields, without changing this shape.
 * Rule: a kind never holds functions or classes; everything about it is data.
 */

/** Names of the scalar kinds (Go's full set, with 64-bit integers as bigint). */
export type ScalarKindName =
  | 'bytes'
  | 'string'
  | 'bool'
  | 'float64'
  | 'float32'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'int64'
  | 'uint64';

export type KindName = ScalarKindName;

/** A runtime value of any kind. */
export type Value = Uint8Array | string | boolean | number | bigint;

/**
 * A descriptor of one argument. `T` is a phantom type used only for TypeScript inference of the
 * fuzz function's parameters; it never exists at run time.
 */
export interface Kind<T extends Value = Value> {
  readonly kind: KindName;
  /** @internal phantom marker for inference; always undefined. */
  readonly __value?: T;
}

export type IntKindName = 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32';
export type BigIntKindName = 'int64' | 'uint64';
export type FloatKindName = 'float64' | 'float32';

/** The TypeScript values a tuple of kinds describes: `[bytes(), uint8()]` → `[Uint8Array, number]`. */
export type ValuesOf<A extends readonly Kind[]> = {
  -readonly [K in keyof A]: A[K] extends Kind<infer T> ? T : never;
};

function make<T extends Value>(kind: KindName): Kind<T> {
  return Object.freeze({ kind }) as Kind<T>;
}

/**
 * A byte array (`Uint8Array`) over an ArrayBuffer of exactly its length. The target may write into
 * it but must not keep it after it returns: while fuzzing, the array is reused for a later input.
 */
export const bytes = (): Kind<Uint8Array> => make('bytes');
/** A JavaScript string, any UTF-16 code units (lone surrogates included). */
export const string = (): Kind<string> => make('string');
export const bool = (): Kind<boolean> => make('bool');
/** A double: every bit pattern, NaN, ±Infinity and -0 included. */
export const float64 = (): Kind<number> => make('float64');
/** A number exactly representable as an IEEE single (`Math.fround(x) === x`, or NaN). */
export const float32 = (): Kind<number> => make('float32');
export const int8 = (): Kind<number> => make('int8');
export const int16 = (): Kind<number> => make('int16');
export const int32 = (): Kind<number> => make('int32');
export const uint8 = (): Kind<number> => make('uint8');
export const uint16 = (): Kind<number> => make('uint16');
export const uint32 = (): Kind<number> => make('uint32');
/** A signed 64-bit integer, as a bigint. */
export const int64 = (): Kind<bigint> => make('int64');
/** An unsigned 64-bit integer, as a bigint. */
export const uint64 = (): Kind<bigint> => make('uint64');

export const SCALAR_KIND_NAMES: readonly ScalarKindName[] = [
  'bytes', 'string', 'bool', 'float64', 'float32',
  'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'int64', 'uint64',
];

/** Inclusive ranges of the number-valued integer kinds. */
export const INT_RANGE: Readonly<Record<IntKindName, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

/** Inclusive ranges of the bigint kinds. */
export const BIGINT_RANGE: Readonly<Record<BigIntKindName, readonly [bigint, bigint]>> = {
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
};

export function isKindName(s: string): s is KindName {
  return (SCALAR_KIND_NAMES as readonly string[]).includes(s);
}

export function isIntKind(k: KindName): k is IntKindName {
  return k in INT_RANGE;
}

export function isBigIntKind(k: KindName): k is BigIntKindName {
  return k === 'int64' || k === 'uint64';
}

export function isFloatKind(k: KindName): k is FloatKindName {
  return k === 'float64' || k === 'float32';
}

/** Describes a value for error messages: `300 (number)`, `"abc" (string)`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} (string)`;
  if (typeof v === 'bigint') return `${v}n (bigint)`;
  if (typeof v === 'number') return `${Object.is(v, -0) ? '-0' : String(v)} (number)`;
  if (ArrayBuffer.isView(v)) {
    // Uint8Array, Buffer, the other typed arrays, DataView: by name, never by their contents.
    const name = Object.getPrototypeOf(v)?.constructor?.name ?? 'ArrayBufferView';
    return 'length' in v ? `${name}(${(v as { length: number }).length})` : `${name}(${v.byteLength} bytes)`;
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'object') {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name} object` : 'an object';
  }
  return `${String(v)} (${typeof v})`;
}

/**
 * Checks that `v` is a value of `kind` exactly, with no coercion. Returns undefined when it is, or
 * a short reason ("300 (number) is out of range for uint8 (0..255)") when it is not.
 */
export function checkValue(kind: Kind, v: unknown): string | undefined {
  const k = kind.kind;
  const bad = (why: string) => `${describeValue(v)} ${why}`;
  switch (k) {
    case 'bytes':
      return v instanceof Uint8Array ? undefined : bad('is not a Uint8Array (bytes)');
    case 'string':
      return typeof v === 'string' ? undefined : bad('is not a string');
    case 'bool':
      return typeof v === 'boolean' ? undefined : bad('is not a boolean (bool)');
    case 'float64':
      return typeof v === 'number' ? undefined : bad('is not a number (float64)');
    case 'float32':
      if (typeof v !== 'number') return bad('is not a number (float32)');
      return Number.isNaN(v) || Math.fround(v) === v ? undefined : bad('is not exactly representable as a float32 (use Math.fround)');
    case 'int64':
    case 'uint64': {
      if (typeof v !== 'bigint') return bad(`is not a bigint (${k} takes bigint values such as 5n)`);
      const [lo, hi] = BIGINT_RANGE[k];
      return v >= lo && v <= hi ? undefined : bad(`is out of range for ${k} (${lo}..${hi})`);
    }
    default: {
      if (typeof v !== 'number') return bad(`is not a number (${k})`);
      if (!Number.isInteger(v)) return bad(`is not an integer (${k})`);
      const [lo, hi] = INT_RANGE[k];
      if (Object.is(v, -0)) return bad(`is -0, not an integer value of ${k}; use 0`);
      return v >= lo && v <= hi ? undefined : bad(`is out of range for ${k} (${lo}..${hi})`);
    }
  }
}

/** The zero value of a kind: empty bytes, "", false, 0, 0n. */
export function zeroValue(kind: Kind): Value {
  switch (kind.kind) {
    case 'bytes': return new Uint8Array(0);
    case 'string': return '';
    case 'bool': return false;
    case 'int64':
    case 'uint64': return 0n;
    default: return 0;
  }
}

/** Copies a value so the receiver may modify it freely (only bytes are mutable). */
export function copyValue(v: Value): Value {
  return v instanceof Uint8Array ? v.slice() : v;
}

/** Exact equality of two values of one kind (bit-exact for floats: -0 ≠ 0, NaN = NaN). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return Object.is(a, b);
}

/** Size of a value for scheduling and minimization: bytes length, string length, else 1. */
export function valueSize(v: Value): number {
  if (v instanceof Uint8Array || typeof v === 'string') return v.length;
  return 1;
}
