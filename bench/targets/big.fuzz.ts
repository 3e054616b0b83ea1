// The trivial target inside a big program: it also loads TypeScript's compiler (lib/typescript.js,
// ~9 MB, ~100,000 edges once instrumented with --include), which the target never calls.
import { fuzz, bytes } from 'tsfuzz';
import ts from 'typescript';
import { trivial } from './trivial.js';

export const loaded = typeof ts.createSourceFile === 'function';

fuzz('TrivialInBigProgram', [bytes()], (t, data) => {
  trivial(data);
}).add(new Uint8Array(16));
