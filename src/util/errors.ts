/**
 * UserError: a problem with what the user gave tsfuzz (a flag, a file, a target), reported as one
 * line naming the thing and the fix, never with a stack trace from our internals.
 * Front-ends print `tsfuzz: <message>` and exit 2 for these; anything else is a bug in tsfuzz.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

/** Message of any thrown value, for one-line reports. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return Object.prototype.toString.call(e);
  }
}
