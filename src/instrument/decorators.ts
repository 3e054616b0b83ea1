/**
 * Finds TypeScript decorators (`@Injectable()`, class-validator's `@IsEmail()`, …), which Node
 * cannot run and type stripping leaves in place: a .ts file that has them is compiled instead by
 * the project's own TypeScript (tsc.ts), with the decorator settings of its tsconfig.json.
 * Used by strip.ts.
 * Rule: a file without decorators never reaches TypeScript, and never pays more than a scan for '@'.
 */
import { isParseError, parseModule, parseScript } from 'meriyah';

/**
 * The offset of the first decorator's `@` in `js` (JavaScript, types stripped), or -1.
 * `js` is what amaro made of a file swc parsed as TypeScript, so it is valid TypeScript; meriyah
 * reads it all unless it has decorators meriyah does not know: parameter decorators
 * (`m(@Param('id') id)`, `constructor(@Inject(T) private x)`), where it stops at that `@`.
 */
export function firstDecorator(js: string): number {
  if (!js.includes('@')) return -1;
  const module = scanForDecorator(js, parseModule, {});
  if (module.complete) return module.at;
  const script = scanForDecorator(js, parseScript, { globalReturn: true }); // CommonJS: top-level return
  if (script.complete) return script.at;
  // Neither goal reads all of it: a decorator either reached counts (a file with parameter
  // decorators may have no other); none reached is a file left to Node's own error.
  return module.at < 0 || script.at < 0 ? Math.max(module.at, script.at) : Math.min(module.at, script.at);
}

type Parse = typeof parseModule;

/**
 * Parses `js` until it ends or meriyah stops: the offset of the first `@` token it reached (-1:
 * none) and whether it read all of `js`.
 * '@' is a token of its own only in a decorator (strings, comments, regexes and templates hold
 * theirs inside their own tokens), and only the parser knows which tokens those are (a `/` starts
 * a regex or divides, by what came before), so tokens are taken from a parse, never from a scan
 * of the text. When meriyah stops, it throws at the token it could not take (its ParseError's
 * start and end are that token's), after every token before it was read in its right context: a
 * `@` there is a decorator it does not know, as exact as one it reported. (Scanning on past the
 * error instead would have to guess that context, and a wrong guess finds the '@' of a regex.)
 */
function scanForDecorator(js: string, parse: Parse, options: Parameters<Parse>[1]): { at: number; complete: boolean } {
  let at = -1;
  const isAt = (start: number, end: number) => end - start === 1 && js.charCodeAt(start) === 0x40;
  const onToken = (type: string, start: number, end: number) => {
    if (at < 0 && type === 'Punctuator' && isAt(start, end)) at = start;
  };
  try {
    parse(js, { ...options, next: true, webcompat: true, onToken });
    return { at, complete: true };
  } catch (e) {
    // meriyah reports each token when it reads the next one, so the tokens reported come
    // before the one it stopped at.
    if (at < 0 && isParseError(e) && isAt(e.start, e.end)) at = e.start;
    return { at, complete: false };
  }
}
