/**
 * Node's rule for which goal a file without a declared format is read in: a CommonJS script unless
 * only the module goal parses it. Used by transform.ts (a file's format when no loader said it)
 * and tsc.ts (whether a file loaded as CommonJS has import or export declarations to convert).
 */
import { parseModule, parseScript, type ESTree } from 'meriyah';

const SCRIPT = { globalReturn: true, webcompat: true, next: true, validateRegex: false } as const;
const MODULE = { next: true, validateRegex: false } as const;

/**
 * `code` parsed as a module when it reads as a module and not as a CommonJS script (with node
 * positions when `ranges`); undefined when it reads as a script, or as neither.
 */
export function moduleOnly(code: string, ranges = false): ESTree.Program | undefined {
  try {
    parseScript(code, SCRIPT);
    return undefined;
  } catch {
    try {
      return parseModule(code, { ...MODULE, ranges });
    } catch {
      return undefined;
    }
  }
}
