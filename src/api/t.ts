/**
 * `t`, the per-input context a fuzz function receives: fail, skip, log, cleanup.
 * Defined here (the public API) as an interface; the engine supplies the implementation.
 * Rule: `fail` and `skip` stop the input by throwing values the harness recognizes; user code
 * that catches everything can swallow them, so the harness also records the call itself.
 */

export interface T {
  /** Name of the running target. */
  readonly name: string;
  /** Fails this input with a message and stops it. */
  fail(message?: string): never;
  /** Fails this input if `condition` is falsy. */
  assert(condition: unknown, message?: string): asserts condition;
  /** Skips this input: it neither fails nor counts as interesting. */
  skip(reason?: string): never;
  /** Records a line shown only if this input fails. */
  log(...args: unknown[]): void;
  /** Registers a function run after this input, in reverse order of registration. */
  cleanup(fn: () => void | Promise<void>): void;
}
