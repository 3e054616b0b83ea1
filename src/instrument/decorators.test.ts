import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { compileDecorated, firstDecorator } from './decorators.js';
import { decoratorSettings } from './tsconfig.js';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-decorators-')));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

test('firstDecorator finds the @ of a decorator, not one in a comment, string, template or regex', () => {
  const noise = '/** @param x the input */\nconst a = "@x" + `@${1}` + /@/.source; // @todo\n';
  assert.equal(firstDecorator(noise + 'class P { m() {} }'), -1);
  assert.equal(firstDecorator(noise + 'class P { @log m() {} }'), noise.length + 10);
  assert.equal(firstDecorator('@Injectable() export class S {}'), 0);
  // A CommonJS script (top-level return) is read as a script.
  assert.equal(firstDecorator('if (x) return;\nclass P { @log m() {} }'), 25);
  assert.equal(firstDecorator('class P { @ }'), -1, 'not JavaScript: left to Node');
});

test("decorator settings follow the nearest tsconfig.json, with TypeScript's defaults", () => {
  const legacy = folder({ 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true, "target": "ES2021" } }' });
  assert.deepEqual(decoratorSettings(legacy), { experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false });
  const tc39 = folder({ 'tsconfig.json': '{ "compilerOptions": { "emitDecoratorMetadata": true, "target": "ESNext" } }' });
  assert.deepEqual(decoratorSettings(tc39), { experimentalDecorators: false, emitDecoratorMetadata: false, useDefineForClassFields: true });
  const explicit = folder({ 'tsconfig.json': '{ "compilerOptions": { "target": "es2023", "useDefineForClassFields": false } }' });
  assert.equal(decoratorSettings(explicit).useDefineForClassFields, false);
  const broken = folder({ 'tsconfig.json': '{ not json' });
  assert.equal(decoratorSettings(broken).experimentalDecorators, false);
});

test('without TypeScript in the project, the error names the file, the line and what to install', () => {
  const dir = folder({});
  const file = path.join(dir, 'x.ts');
  assert.throws(() => compileDecorated('class P {\n  @log m() {}\n}', file, 12), (e: Error) => {
    assert.ok(e instanceof SyntaxError);
    assert.equal(e.message, `${file}:2:3: decorators need TypeScript's compiler, which tsfuzz takes from your project: install it there (npm install --save-dev typescript)`);
    return true;
  });
});
