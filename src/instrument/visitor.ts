/**
 * The single AST walk that places coverage sites and compare hooks (meriyah ESTree with ranges and
 * preserved parentheses) into an edit list (edits.ts, magic-string's insertion semantics), and
 * collects the module's literals (plus tokens of regular expressions, regex.ts) for the dictionary.
 * Called by transform.ts once per file.
 * Compare hooks: operators become `__tsfz_q<op>(l, r, site)`; a switch becomes
 * `{let __tsfz_d;switch(__tsfz_d=d){case __tsfz_q8(__tsfz_d,e,site):…}}`; a traced method call
 * `x.m(a, …)` keeps its callee and gets `x.m(__tsfz_q<op>(x, a, site), …)` (`x` re-read when it is
 * an identifier or `this`, else captured as `(__tsfz_v=x).m(__tsfz_q<op>(__tsfz_v, a, site), …)`),
 * so the method is looked up, and errors are thrown, exactly as before. No compare hooks inside `with`.
 * Insertion discipline: text that opens a construct uses `appendLeft` and text that closes one uses
 * `prependLeft`, both in pre-order, so nested wraps ending or starting at one offset nest correctly.
 * Rule: never re-evaluate or reorder user expressions (an identifier or `this` re-read is not an
 * evaluation with effects; under `with` it would be, and no hooks go there); every edit is an insertion
 * except the compare operator token, which `update` turns into a comma.
 */
import type { Editor } from './edits.js';
import { COMPARE_OP_INDEX, METHOD_HOOKS, NO_CODE, PREFIX, RECV_TEMP, SWITCH_TEMP, hitCode, siteCode, type SiteEmitter } from './emit.js';
import { regexTokens } from './regex.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- ESTree nodes are walked generically. */
type Node = any;

const MAX_LITERALS = 1000;
const LOOPS = new Set(['WhileStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement']);
const SKIP_KEYS = new Set(['range', 'loc', 'regex']);

export interface VisitOptions {
  compares: boolean;
}

export class Visitor {
  readonly literals = new Set<string>();
  /** > 0 while inside the parameters of an ESM hoisted function (module state may be unset). */
  private unsafe = 0;
  /** > 0 inside a `with` body: looking up an identifier may run a getter or Proxy trap there. */
  private withDepth = 0;
  private readonly hoisted = new Set<Node>();
  private readonly loopIds = new Map<Node, [number, number]>();

  constructor(
    private readonly src: string,
    private readonly ms: Editor,
    private readonly em: SiteEmitter,
    private readonly opts: VisitOptions,
  ) {}

  program(prog: Node): void {
    if (this.em.esm) {
      for (const s of prog.body) {
        const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
        if (d && d.type === 'FunctionDeclaration') this.hoisted.add(d);
      }
    }
    for (const s of prog.body) this.visit(s);
  }

  /**
   * Start of the expression statement being visited, until something is inserted there. A
   * statement that now starts with `(` could continue the line before it in code without
   * semicolons (`a = b` then `(__tsfz_v=x()).includes(y)` would call `b`), so such an insertion
   * gets a `;` in front (an empty statement: harmless in a statement list, and statements used as
   * branch bodies are inside the braces `branch` adds).
   */
  private stmtStart = -1;
  private guardAsi(pos: number, first: string): void {
    if (pos !== this.stmtStart) return;
    this.stmtStart = -1;
    if (first === '(') this.ms.appendLeft(pos, ';', NO_CODE, '');
  }

  private open(pos: number, text: string): void {
    this.guardAsi(pos, text[0]);
    this.ms.appendLeft(pos, text, NO_CODE, '');
  }
  private close(pos: number, text: string): void {
    this.ms.prependLeft(pos, text, NO_CODE, '');
  }
  /** Opening `<head><increment of a new edge><tail>`. */
  private openHit(pos: number, head: string, tail: string): void {
    this.guardAsi(pos, head.length > 0 ? head[0] : '('); // a hit starts with `(`
    this.ms.appendLeft(pos, head, hitCode(this.em.edge(), this.u), tail);
  }
  /** Closing `<head><increment of a new edge><tail>`. */
  private closeHit(pos: number, head: string, tail: string): void {
    this.ms.prependLeft(pos, head, hitCode(this.em.edge(), this.u), tail);
  }
  /** Closing `<head><site>)` of a compare-helper call. */
  private closeSite(pos: number, head: string, site: number): void {
    this.ms.prependLeft(pos, head, siteCode(site), ')');
  }
  private get u(): boolean {
    return this.unsafe > 0;
  }
  /**
   * Whether to place compare hooks here. Not inside `with`: there every identifier we insert is
   * first looked up on the scope object (a Proxy's `has` trap would see it).
   */
  private get tracing(): boolean {
    return this.opts.compares && this.withDepth === 0;
  }

  /** `(<hit>, expr)` around an expression. */
  private wrapExpr(node: Node): void {
    this.openHit(node.start, '(', ',');
    this.close(node.end, ')');
  }

  /** Counter on entering a statement used as a branch body; blocks get it after `{`. */
  private branch(stmt: Node, k = this.em.edge()): void {
    const code = hitCode(k, this.u);
    if (stmt.type === 'BlockStatement') {
      this.ms.appendLeft(stmt.start + 1, '', code, ';');
    } else {
      this.ms.appendLeft(stmt.start, '{', code, ';');
      this.close(stmt.end, '}');
    }
    this.visit(stmt);
  }

  private visitAll(list: Node[]): void {
    for (const n of list) if (n) this.visit(n);
  }

  private children(node: Node): void {
    for (const key in node) {
      if (SKIP_KEYS.has(key)) continue;
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (const el of v) if (el !== null && typeof el === 'object' && typeof el.type === 'string') this.visit(el);
      } else if (typeof v.type === 'string') {
        this.visit(v);
      }
    }
  }

  visit(node: Node): void {
    // Cases are tested in order: the most frequent node kinds first (on typescript.js 43% of
    // all nodes are identifiers, then member expressions, literals and calls).
    switch (node.type) {
      case 'Identifier':
        return;
      case 'MemberExpression':
        return this.member(node);
      case 'Literal':
        return this.literal(node);
      case 'CallExpression':
        return this.call(node);
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.fn(node);
      case 'StaticBlock': {
        const pos = node.body.length ? node.body[0].start : node.end - 1;
        this.openHit(pos, '', ';');
        return this.visitAll(node.body);
      }
      case 'IfStatement':
        return this.ifStmt(node);
      case 'ConditionalExpression':
        this.visit(node.test);
        this.wrapExpr(node.consequent);
        this.visit(node.consequent);
        this.wrapExpr(node.alternate);
        return this.visit(node.alternate);
      case 'LogicalExpression':
        this.visit(node.left);
        this.wrapExpr(node.right);
        return this.visit(node.right);
      case 'AssignmentExpression':
        this.visit(node.left);
        if ((node.operator === '&&=' || node.operator === '||=' || node.operator === '??=') && !isAnonymousFunction(node.right)) {
          this.wrapExpr(node.right);
        }
        return this.visit(node.right);
      case 'AssignmentPattern':
        this.visit(node.left);
        if (!isAnonymousFunction(node.right)) this.wrapExpr(node.right);
        return this.visit(node.right);
      case 'SwitchStatement':
        return this.switchStmt(node);
      case 'WhileStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.loop(node);
      case 'DoWhileStatement':
        this.branch(node.body);
        return this.visit(node.test);
      case 'LabeledStatement':
        return this.labeled(node);
      case 'TryStatement':
        this.visit(node.block);
        if (node.handler) {
          if (node.handler.param) this.visit(node.handler.param);
          this.branch(node.handler.body);
        }
        if (node.finalizer) this.branch(node.finalizer);
        return;
      case 'NewExpression':
        this.regexpCall(node);
        return this.children(node);
      case 'WithStatement':
        this.visit(node.object);
        this.withDepth++;
        this.visit(node.body);
        this.withDepth--;
        return;
      case 'BinaryExpression':
        return this.binary(node);
      case 'TemplateElement': {
        const s = node.value && node.value.cooked;
        if (typeof s === 'string' && s.length >= 2 && s.length <= 64) this.addLiteral(s);
        return;
      }
      case 'ExpressionStatement': {
        const saved = this.stmtStart;
        this.stmtStart = node.start;
        this.visit(node.expression);
        this.stmtStart = saved;
        return;
      }
      case 'PrivateIdentifier':
      case 'ThisExpression':
      case 'Super':
      case 'EmptyStatement':
      case 'DebuggerStatement':
        return;
      default:
        return this.children(node);
    }
  }

  private fn(node: Node): void {
    const top = this.hoisted.has(node);
    const entry = this.em.edge();
    const saved = this.unsafe;
    if (top) this.unsafe++;
    this.visitAll(node.params);
    this.unsafe = saved;
    const body = node.body;
    if (body.type === 'BlockStatement') {
      let pos = body.start + 1;
      let sep = '';
      for (const s of body.body) {
        if (s.type !== 'ExpressionStatement' || typeof s.directive !== 'string') break;
        pos = s.end;
        sep = ';'; // a directive may lack its semicolon: `'use strict'(x)` would be a call
      }
      this.ms.appendLeft(pos, top ? sep + this.em.guard() : sep, hitCode(entry, this.u), ';');
      this.visitAll(body.body);
    } else {
      this.ms.appendLeft(body.start, '(', hitCode(entry, this.u), ',');
      this.close(body.end, ')');
      this.visit(body);
    }
  }

  private ifStmt(node: Node): void {
    this.visit(node.test);
    if (!node.alternate) {
      // Implicit else: its own edge. Inserted before the consequent's closing brace is prepended.
      this.closeHit(node.consequent.end, ' else{', ';}');
      this.branch(node.consequent);
    } else {
      this.branch(node.consequent);
      // `else if`: the nested if's own outcomes already tell which way it went.
      if (node.alternate.type === 'IfStatement') this.visit(node.alternate);
      else this.branch(node.alternate);
    }
  }

  private switchStmt(node: Node): void {
    // Compare tracing: the discriminant goes into a block-scoped temporary (a fresh binding per
    // execution, so recursion, generators and nested switches each see their own), and every
    // case test `e` becomes `__tsfz_q8(__tsfz_d, e, site)`, which reports and yields e: the
    // tests still run lazily, in order, each once.
    const trace = this.tracing && node.cases.some((c: Node) => c.test);
    if (trace) {
      this.open(node.start, `{let ${SWITCH_TEMP};`);
      this.close(node.end, '}');
      this.wrapOperand(node.discriminant, `${SWITCH_TEMP}=`, '', -1);
    }
    this.visit(node.discriminant);
    let hasDefault = false;
    for (const c of node.cases) {
      if (c.test) {
        if (trace) {
          const { open, site } = this.em.switchCase();
          this.wrapOperand(c.test, open, ',', site);
        }
        this.visit(c.test);
      } else {
        hasDefault = true;
      }
      const pos = c.consequent.length ? c.consequent[0].start : c.end;
      this.openHit(pos, '', ';');
      this.visitAll(c.consequent);
    }
    if (!hasDefault) {
      // "No case matched": appended after the last case's own insertions at the same offset.
      this.openHit(node.end - 1, node.cases.length ? ';break;default:' : 'default:', ';');
    }
  }

  /** Wraps `target` (the loop or its outermost label) to count "loop body never entered". */
  private loopWrap(target: Node, ids: [number, number]): void {
    const [body, skip] = ids;
    const m = `${PREFIX}m`;
    this.open(target.start, `{${this.u ? this.em.guard() : ''}const ${m}=${this.em.count(body)};`);
    this.close(target.end, `;${m}===${this.em.count(body)}&&${this.em.hit(skip)};}`);
  }

  private loop(node: Node): void {
    let ids = this.loopIds.get(node);
    if (!ids) {
      ids = [this.em.edge(), this.em.edge()];
      this.loopWrap(node, ids);
    }
    if (node.type === 'ForStatement') {
      if (node.init) this.visit(node.init);
      if (node.test) this.visit(node.test);
      if (node.update) this.visit(node.update);
    } else if (node.type === 'WhileStatement') {
      this.visit(node.test);
    } else {
      this.visit(node.left);
      this.visit(node.right);
    }
    this.branch(node.body, ids[0]);
  }

  private labeled(node: Node): void {
    let inner = node.body;
    while (inner.type === 'LabeledStatement') inner = inner.body;
    if (LOOPS.has(inner.type) && !this.loopIds.has(inner)) {
      // `continue label` must name the loop itself, so the wrapper goes around the labels.
      const ids: [number, number] = [this.em.edge(), this.em.edge()];
      this.loopIds.set(inner, ids);
      this.loopWrap(node, ids);
    }
    this.visit(node.body);
  }

  private member(node: Node): void {
    this.visit(node.object);
    const p = node.property;
    if (node.optional) {
      if (node.computed) {
        this.wrapExpr(p);
      } else if (p.type === 'Identifier') {
        // a?.b -> a?.[(<hit>,"b")]: the key is evaluated only on the non-nullish path.
        this.openHit(p.start, '[(', ',"');
        this.close(p.end, '")]');
      }
    }
    if (node.computed) this.visit(p);
  }

  /**
   * `<open>expr<close>` where expr becomes one operand (a bare comma expression gets parentheses);
   * with a `site` (>= 0), `<close>` is followed by the site id and `)`.
   */
  private wrapOperand(expr: Node, open: string, close: string, site: number): void {
    const seq = expr.type === 'SequenceExpression';
    this.open(expr.start, seq ? open + '(' : open);
    const head = seq ? ')' + close : close;
    if (site >= 0) this.closeSite(expr.end, head, site);
    else this.close(expr.end, head);
  }

  private call(node: Node): void {
    if (this.tracing) this.tracedCall(node);
    this.regexpCall(node);
    this.visit(node.callee);
    if (node.optional) {
      const first = node.arguments[0];
      if (!first) this.openHit(node.end - 1, '...(', ',[])');
      else this.wrapExpr(first.type === 'SpreadElement' ? first.argument : first);
    }
    this.visitAll(node.arguments);
  }

  /**
   * `x.startsWith(a, …)` and the other METHOD_HOOKS: the first argument is wrapped by a helper
   * that gets the receiver and reports; `Buffer.compare(a, b)` reports (a, b). Skipped: computed
   * or private names, optional calls (`x.m?.(a)`), a spread or missing first argument, and a
   * receiver inside an optional chain that the call does not itself short-circuit (`a?.b.m(c)`).
   */
  private tracedCall(node: Node): void {
    const callee = node.callee;
    if (node.optional || callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
    const name: string = callee.property.name;
    if (!METHOD_HOOKS.has(name)) return;
    const args = node.arguments;
    if (args.length === 0 || args[0].type === 'SpreadElement') return;
    const obj = callee.object;
    if (name === 'compare' && obj.type === 'Identifier' && obj.name === 'Buffer') {
      if (args.length < 2 || args[1].type === 'SpreadElement') return;
      const h = this.em.bufferCompare();
      this.open(args[0].start, h.openA);
      this.close(args[0].end, h.closeA);
      this.open(args[1].start, h.openB);
      this.closeSite(args[1].end, ',', h.site);
      return;
    }
    let recv: string;
    if (obj.type === 'Identifier') {
      recv = this.src.slice(obj.start, obj.end);
    } else if (obj.type === 'ThisExpression' || obj.type === 'Super') {
      recv = 'this'; // the receiver of super.m(…) is this
    } else {
      if (!callee.optional && inOptionalChain(obj)) return;
      recv = RECV_TEMP;
      this.open(obj.start, `(${RECV_TEMP}=`);
      this.close(obj.end, ')');
    }
    const { open, site } = this.em.methodArg(name, recv);
    this.open(args[0].start, open);
    this.closeSite(args[0].end, ',', site);
  }

  /** `RegExp('lit')` / `new RegExp('lit', 'flags')`: tokens of the pattern go to the literals. */
  private regexpCall(node: Node): void {
    if (!this.opts.compares || node.callee.type !== 'Identifier' || node.callee.name !== 'RegExp') return;
    const pattern = staticString(node.arguments[0]);
    if (pattern === undefined) return;
    const flags = node.arguments.length > 1 ? staticString(node.arguments[1]) : '';
    this.addRegex(pattern, flags ?? '');
  }

  private addRegex(pattern: string, flags: string): void {
    if (this.literals.size >= MAX_LITERALS) return;
    for (const t of regexTokens(pattern, flags)) this.addLiteral(t);
  }

  private binary(node: Node): void {
    const op: string = node.operator;
    if (this.tracing && COMPARE_OP_INDEX[op] !== undefined && node.left.type !== 'PrivateIdentifier') {
      const at = findOperator(this.src, node.left.end, node.right.start, op);
      if (at >= 0) {
        const { open, site } = this.em.compare(op);
        this.open(node.start, open);
        this.ms.update(at, at + op.length, ',');
        this.closeSite(node.end, ',', site);
      }
    }
    this.visit(node.left);
    this.visit(node.right);
  }

  private literal(node: Node): void {
    if (this.literals.size >= MAX_LITERALS) return; // full: skip building the strings
    const v = node.value;
    if (node.regex) {
      if (this.opts.compares) this.addRegex(node.regex.pattern, node.regex.flags);
    } else if (typeof v === 'string') {
      if (v.length >= 2 && v.length <= 64) this.addLiteral(v);
    } else if (typeof v === 'number') {
      this.addLiteral(this.src.slice(node.start, node.end));
      this.addLiteral(String(v));
    } else if (typeof node.bigint === 'string') {
      this.addLiteral(node.bigint);
    }
  }

  private addLiteral(s: string): void {
    if (this.literals.size < MAX_LITERALS) this.literals.add(s);
  }
}

/** Anonymous function/class definitions get their `.name` from the binding; keep them bare. */
function isAnonymousFunction(n: Node): boolean {
  while (n.type === 'ParenthesizedExpression') n = n.expression;
  return n.type === 'ArrowFunctionExpression' || ((n.type === 'FunctionExpression' || n.type === 'ClassExpression') && !n.id);
}

/** Whether `n` (the object of a member call) is part of an optional chain that can short-circuit. */
function inOptionalChain(n: Node): boolean {
  for (;;) {
    if (n.type === 'MemberExpression') {
      if (n.optional) return true;
      n = n.object;
    } else if (n.type === 'CallExpression') {
      if (n.optional) return true;
      n = n.callee;
    } else {
      return false;
    }
  }
}

/** Value of a string literal or of a template literal without substitutions. */
function staticString(n: Node): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) {
    const s = n.quasis[0]?.value?.cooked;
    return typeof s === 'string' ? s : undefined;
  }
  return undefined;
}

/** Offset of the operator token between two operands, skipping whitespace and comments. */
export function findOperator(src: string, from: number, to: number, op: string): number {
  let i = from;
  while (i < to) {
    const c = src.charCodeAt(i);
    if (c === 47 /* / */ && src.charCodeAt(i + 1) === 42 /* * */) {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) return -1;
      i = e + 2;
    } else if (c === 47 && src.charCodeAt(i + 1) === 47) {
      while (i < to && !isLineBreak(src.charCodeAt(i))) i++;
    } else if (src.startsWith(op, i)) {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}
