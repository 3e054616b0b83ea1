import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { aliasTargets, isBareSpecifier } from './paths.js';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-paths-')));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('bare specifiers are the ones aliases may apply to', () => {
  for (const s of ['@/x', '@codec', 'lodash', 'a/b', '~/lib']) assert.ok(isBareSpecifier(s), s);
  for (const s of ['./x', '../x', '.', '..', '/abs/x', 'file:///x', 'node:fs', '#internal', 'C:\\x']) assert.ok(!isBareSpecifier(s), s);
});

test('paths and baseUrl map to existing files, TypeScript twins and folder indexes first', () => {
  const dir = project({
    'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*', 'gen/*'], '@one': ['src/one/index.ts'] } } }),
    'src/a.ts': '',
    'src/b.js': '',
    'src/c.cts': '',
    'gen/d.ts': '',
    'src/dir/index.ts': '',
    'src/one/index.ts': '',
    'lib/plain.ts': '',
    'src/main.ts': '',
  });
  const from = path.join(dir, 'src', 'main.ts');
  const at = (...p: string[]) => path.join(dir, ...p);
  assert.deepEqual(aliasTargets('@/a', from), [at('src', 'a.ts')]);
  assert.deepEqual(aliasTargets('@/a.js', from), [at('src', 'a.ts')]);
  assert.deepEqual(aliasTargets('@/b', from), [at('src', 'b.js')]);
  assert.deepEqual(aliasTargets('@/c.cjs', from), [at('src', 'c.cts')]);
  assert.deepEqual(aliasTargets('@/d', from), [at('gen', 'd.ts')], 'the second pattern of an alias');
  assert.deepEqual(aliasTargets('@/dir', from), [at('src', 'dir', 'index.ts')]);
  assert.deepEqual(aliasTargets('@one', from), [at('src', 'one', 'index.ts')]);
  assert.deepEqual(aliasTargets('lib/plain', from), [at('lib', 'plain.ts')], 'baseUrl alone');
  assert.deepEqual(aliasTargets('@/missing', from), []);
  assert.deepEqual(aliasTargets('./a', from), [], 'relative specifiers are not aliases');
});

test('no tsconfig, a broken one, or an importer inside node_modules: no aliases, no error', () => {
  const none = project({ 'src/a.ts': '' });
  assert.deepEqual(aliasTargets('@/a', path.join(none, 'src', 'main.ts')), []);
  const broken = project({ 'tsconfig.json': '{ "compilerOptions": { "paths": ', 'src/a.ts': '' });
  assert.deepEqual(aliasTargets('@/a', path.join(broken, 'src', 'main.ts')), []);
  const dep = project({
    'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'node_modules/dep/src/a.ts': '',
  });
  assert.deepEqual(aliasTargets('@/a', path.join(dep, 'node_modules', 'dep', 'index.js')), []);
});
