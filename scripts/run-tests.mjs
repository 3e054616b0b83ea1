// Runs the test suite with node's built-in runner: the unit tests compiled beside the code
// (dist/**/*.test.js) and the end-to-end stories (test/e2e/*.test.mjs). Files are listed here
// because node 20's --test takes no glob patterns. Extra arguments go to node --test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function find(dir, re, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) find(p, re, out);
    else if (re.test(e.name)) out.push(p);
  }
  return out;
}

const files = [
  ...find(path.join(root, 'dist'), /\.test\.js$/),
  ...find(path.join(root, 'test', 'e2e'), /\.test\.mjs$/),
].sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...process.argv.slice(2), ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
