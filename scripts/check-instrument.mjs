// Instruments every JavaScript and TypeScript file under the given folders (e.g. a node_modules
// full of popular packages) and checks that V8 compiles each output (for JavaScript: whenever it
// compiles the input; for TypeScript, whose input V8 cannot judge: whenever types strip). Prints
// each file that breaks, then a summary line; exits 1 if any broke. A developer's tool for
// transform changes, too slow for `npm test` on a large tree:
//   npm run build && node scripts/check-instrument.mjs /path/to/node_modules [more folders]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import vm from 'node:vm';

if (!vm.SourceTextModule) {
  // ES modules are compiled with vm.SourceTextModule, which needs this flag.
  const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const { transformSource } = await import('../dist/instrument/transform.js');
const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: node scripts/check-instrument.mjs <folder> [more folders]');
  process.exit(2);
}

function* jsFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* jsFiles(p);
    else if (e.isFile() && /\.(c|m)?[jt]s$/.test(e.name) && !/\.d\.(c|m)?ts$/.test(e.name)) yield p;
  }
}

const compileError = (code, format) => {
  try {
    if (format === 'module') new vm.SourceTextModule(code);
    else vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname']);
    return undefined;
  } catch (e) {
    return e;
  }
};

const n = { files: 0, instrumented: 0, uncompilable: 0, notInstrumented: 0, broken: 0 };
for (const root of roots) {
  for (const file of jsFiles(root)) {
    const source = fs.readFileSync(file, 'utf8');
    if (source.length > 20_000_000) continue;
    n.files++;
    const format = /\.m[jt]s$/.test(file) ? 'module' : /\.c[jt]s$/.test(file) ? 'commonjs' : undefined;
    const ts = /ts$/.test(file);
    let r;
    try {
      r = transformSource(source, file, { instrument: true, format });
    } catch (e) {
      n.uncompilable++; // JavaScript: a syntax error V8 agrees with (the transform checks that)
      if (ts) console.log(`types not stripped: ${file}: ${e.message.split('\n')[0]}`);
      continue;
    }
    if (r.warning) {
      n.notInstrumented++;
      console.log(`not instrumented: ${r.warning}`);
      continue;
    }
    if (!ts && compileError(source.replace(/^#!.*/, ''), r.format)) {
      n.uncompilable++;
      continue;
    }
    n.instrumented++;
    const e = compileError(r.code.replace(/^#!.*/, ''), r.format);
    if (e) {
      n.broken++;
      console.log(`BROKEN ${file} (${r.format}): ${e.message}`);
    }
  }
}
console.log(JSON.stringify(n));
process.exit(n.broken > 0 ? 1 : 0);
