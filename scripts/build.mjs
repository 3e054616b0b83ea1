// Builds dist/: the ES modules (tsc -p tsconfig.json), a CommonJS copy of the public API only
// (dist/cjs, for `require('tsfuzz')` on Node versions that cannot require ES modules; both copies
// share one target registry through a global symbol, so either may be loaded), and the mutator's
// WebAssembly chain (kernel/bytes-chain.ts, AssemblyScript, to dist/mutator/bytes-chain.wasm).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const config of ['tsconfig.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, config)], { stdio: 'inherit', cwd: root });
}
fs.writeFileSync(path.join(root, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
execFileSync(process.execPath, [
  asc, 'kernel/bytes-chain.ts', '-O3', '--runtime', 'stub', '--noAssert', '--use', 'abort=', '--importMemory',
  '-o', path.join('dist', 'mutator', 'bytes-chain.wasm'),
], { stdio: 'inherit', cwd: root });
