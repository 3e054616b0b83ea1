// Type-level tests of the public API, checked by `tsc -p test/types` in `npm test`:
// the fuzz function's parameters are inferred from the declared kinds, and misuse does not compile.
import {
  fuzz, bytes, string, bool, float64, float32, int8, int16, int32, uint8, uint16, uint32, int64, uint64,
  type T,
} from 'tsfuzz';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
const assertType = <Cond extends true>(_c?: Cond) => {};

fuzz('AllKinds', [bytes(), string(), bool(), float64(), float32(), int8(), int16(), int32(), uint8(), uint16(), uint32(), int64(), uint64()],
  (t, a, b, c, d, e, f, g, h, i, j, k, l, m) => {
    assertType<Equal<typeof t, T>>();
    assertType<Equal<typeof a, Uint8Array>>();
    assertType<Equal<typeof b, string>>();
    assertType<Equal<typeof c, boolean>>();
    assertType<Equal<typeof d, number>>();
    assertType<Equal<typeof e, number>>();
    assertType<Equal<typeof f | typeof g | typeof h | typeof i | typeof j | typeof k, number>>();
    assertType<Equal<typeof l | typeof m, bigint>>();
  });

const f = fuzz('Seeds', [bytes(), uint8(), int64()], async (t, data, n, big) => {
  t.log(data.length, n, big);
  await Promise.resolve();
});
f.add(new Uint8Array([1]), 2, 3n);
// @ts-expect-error a number is not a bigint (int64 takes bigint values)
f.add(new Uint8Array([1]), 2, 3);
// @ts-expect-error a string is not bytes
f.add('x', 2, 3n);
// @ts-expect-error too few values
f.add(new Uint8Array([1]), 2);
f.expect(SyntaxError).expect((e) => e instanceof RangeError, /bad/).dict('GIF89a', new Uint8Array([0]));

// @ts-expect-error the function may not take more arguments than the kinds declare
fuzz('TooMany', [bytes()], (t, a: Uint8Array, b: string) => {});

// @ts-expect-error a fuzz function returns void or a promise of void
fuzz('Returns', [string()], (t, s) => s.length);
