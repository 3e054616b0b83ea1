import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { firstDecorator } from './decorators.js';
import { compileTypeScript, moduleSyntaxAt } from './tsc.js';
import { stripTypes } from './strip.js';
import { compileCacheSalt, decoratorSettings } from './tsconfig.js';

/** This repository's TypeScript, to install in a test project as its own. */
const TYPESCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', 'typescript');

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-decorators-')));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('firstDecorator finds the @ of a decorator, not one in a comment, string, template or regex', () => {
  const noise = '/** @param x the input */\nconst a = "@x" + `@${1}` + /@/.source; // @todo\n';
  assert.equal(firstDecorator(noise + 'class P { m() {} }'), -1);
  assert.equal(firstDecorator(noise + 'class P { @log m() {} }'), noise.length + 10);
  assert.equal(firstDecorator('@Injectable() export class S {}'), 0);
  // A CommonJS script (top-level return) is read as a script.
  assert.equal(firstDecorator('if (x) return;\nclass P { @log m() {} }'), 25);
  // Not JavaScript meriyah reads, and it stops before any '@': left to Node's own error.
  assert.equal(firstDecorator('class P { m() { ) } }\nclass Q { @log m() {} }'), -1);
});

test('firstDecorator finds parameter decorators, which meriyah cannot parse, in a file with no other', () => {
  const noise = '/** @param id the id */\nconst a = "@x" + `@${1}` + /@/.source; // @todo\n';
  const find = (code: string, decorator: string) => {
    assert.equal(firstDecorator(noise + code), noise.length + code.indexOf(decorator), code);
  };
  find("class C { m(@Param('id') id) {} }", '@Param');
  find("class C { async m(a = '@', /* @x */ @Body() b) {} }", '@Body');
  find('const C = class { static *m(@A() @B() ...xs) {} }', '@A');
  // A constructor parameter property as amaro's transform mode leaves it.
  find('class C {\n    x;\n    constructor(\n    @Inject(T)\n    x){\n        this.x = x;\n    }\n}\n', '@Inject');
  // The first decorator is a class decorator; meriyah stops later, at a parameter decorator.
  find("@Controller('items') class C { m(@Param('id') id) {} }", '@Controller');
  // A CommonJS script (top-level return) that meriyah reads only as a script, up to the decorator.
  find("if (x) return;\nclass C { m(@Param('id') id) {} }", '@Param');
  // '@' in the parameter list, but in a string, a comment, a regex, a template: no decorator.
  assert.equal(firstDecorator(noise + 'class C { m(a = "@x", /* @y */ b = /@z/, c = `@${a}`) {} }'), -1);
});

test('a file whose only decorators are parameter decorators is compiled by TypeScript, in either amaro mode', () => {
  const dir = folder({ 'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true, "emitDecoratorMetadata": true } }' });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(TYPESCRIPT, path.join(dir, 'node_modules', 'typescript'), 'dir');
  const file = path.join(dir, 'items.controller.ts');
  const sources = {
    // Type stripping alone (strip-only mode).
    stripOnly: "export class Items {\n  find(@Param('id') id: number): string { return String(id); }\n}\n",
    // A parameter property: amaro's transform mode.
    parameterProperty: 'export class Items {\n  constructor(@Inject(Repo) private readonly repo: Repo) {}\n}\n',
  };
  for (const [name, source] of Object.entries(sources)) {
    const out = stripTypes(source, file);
    assert.match(out.code, /__param\(0, (Param\('id'\)|Inject\(Repo\))\)/, `${name}:\n${out.code}`);
    assert.match(out.code, /__metadata\("design:paramtypes", \[/, `${name}:\n${out.code}`);
    assert.ok(out.map, name);
  }
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

test("the cache salt of a file that may have decorators names the version of the project's TypeScript", () => {
  const settings = '{ "compilerOptions": { "experimentalDecorators": true } }';
  const fakeTypescript = (version: string) => ({
    'tsconfig.json': settings,
    'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version, main: './lib/typescript.js' }),
    'node_modules/typescript/lib/typescript.js': 'module.exports = {};\n',
  });
  const salt = (dir: string, source = '@dec class C {}') => compileCacheSalt(source, path.join(dir, 'src', 'x.ts'), 'module');
  const older = salt(folder(fakeTypescript('5.4.5')));
  const newer = salt(folder(fakeTypescript('5.9.3')));
  const none = salt(folder({ 'tsconfig.json': settings }));
  assert.equal(JSON.parse(older).typescript, '5.4.5');
  assert.equal(JSON.parse(newer).typescript, '5.9.3');
  assert.equal(JSON.parse(none).typescript, null);
  assert.deepEqual({ ...JSON.parse(older), typescript: 0 }, { ...JSON.parse(newer), typescript: 0 }, 'the same settings');
  assert.equal(salt(folder(fakeTypescript('5.4.5')), 'class C {}'), '', 'no @: no decorators, no lookup');
});

test('without TypeScript in the project, the error names the file, the line and what to install', () => {
  const dir = folder({});
  const file = path.join(dir, 'x.ts');
  assert.throws(() => compileTypeScript('class P {\n  @log m() {}\n}', file, { at: 12, commonjs: false }), (e: Error) => {
    assert.ok(e instanceof SyntaxError);
    assert.equal(e.message, `${file}:2:3: decorators need TypeScript's compiler, which tsfuzz takes from your project: install it there (npm install --save-dev typescript)`);
    return true;
  });
});

test('import and export in a file loaded as CommonJS: without TypeScript, the error says the three ways out', () => {
  const dir = folder({});
  const file = path.join(dir, 'x.ts');
  assert.throws(() => compileTypeScript("const x = 1;\nimport { a } from './a';\nexport const b = a;\n", file, { at: 13, commonjs: true }), (e: Error) => {
    assert.ok(e instanceof SyntaxError);
    assert.ok(e.message.startsWith(`${file}:2:1: `), e.message);
    assert.match(e.message, /: import and export in a file Node loads as CommonJS \(package\.json "type"\) need .*\(npm install --save-dev typescript\), or add "type": "module" to package.json, or rename the file to \.mts$/);
    return true;
  });
});

test('moduleSyntaxAt: the first import or export declaration, not the words, nor dynamic import()', () => {
  assert.equal(moduleSyntaxAt("// x\nimport { a } from './a';"), 5);
  assert.equal(moduleSyntaxAt('const y = 2;\nexport const x = 1;'), 13);
  assert.equal(moduleSyntaxAt("const m = await import('./a');"), -1); // top-level await alone: Node's error stands
  assert.equal(moduleSyntaxAt("const s = 'import x from y'; // export"), -1);
  assert.equal(moduleSyntaxAt("module.exports = () => import('./a');"), -1);
  assert.equal(moduleSyntaxAt('const important = 1; exports.exported = important;'), -1);
});

test('the compile salt of a file loaded as CommonJS with imports names esModuleInterop and the compiler', () => {
  const dir = folder({
    'node_modules/typescript/package.json': JSON.stringify({ name: 'typescript', version: '5.9.3', main: './lib/typescript.js' }),
    'node_modules/typescript/lib/typescript.js': 'module.exports = {};\n',
  });
  const file = path.join(dir, 'src', 'x.ts');
  const cjs = JSON.parse(compileCacheSalt("import a from 'a';", file, 'commonjs'));
  assert.deepEqual(cjs, { esModuleInterop: true, typescript: '5.9.3' });
  assert.equal(compileCacheSalt("import a from 'a';", file, 'module'), '', 'an ES module needs no compiler');
  assert.equal(compileCacheSalt('const a = 1;', file, 'commonjs'), '', 'no import or export: nothing to convert');
});
