/**
 * Path selection for both path dialects of valkey-json.
 *
 * A path starting with `$` is JSONPath ("v2"); anything else is the legacy syntax, where a leading `.` is
 * optional. Both share one grammar: `.name` / `name` (unquoted names end at any of `.[]()<>=!'" |&`),
 * `["name"]` / `['name']` (optionally with spaces, several names make a union), `*` / `[*]`, `..` (recursive
 * descent), `[3]`, `[-1]`, `[start:end:step]`, `[1,5,7]`, and filters `[?(expr)]` where `expr` compares `@`,
 * `@.member` or `@["member"]` with null, booleans, numbers, quoted strings or `$` paths using
 * `== != < <= > >=`, combined with `&&`, `||` and parentheses.
 *
 * Evaluation is breadth-first and lazy: the path text is read one element at a time while the current set of
 * matches is not empty, so the rest of a path is not examined once nothing matches (as valkey-json, which
 * answers `$a$b$c$d` with `[]`). Syntax errors abort the selection ({@link JsonError}); other problems
 * (index out of bounds, member of a non-object...) only end the branch that met them, and the last one is
 * kept in {@link Selection.error} so legacy-path commands can report it when nothing matched.
 *
 * No recursion depends on the input: loops over explicit arrays only (recursive descent walks the tree with
 * an explicit stack), so any path or document depth is safe.
 *
 * @module
 */

import { JNum, type JObj, type JValue, numValue } from "./document.ts";
import { K_ARRAY, K_OBJECT, type NodeOps, treeOps } from "./node.ts";
import { parseJson } from "./parser.ts";
import {
  E,
  JsonError,
  type JsonErrorMessage,
  MAX_QUERY_STRING_SIZE,
  MAX_RECURSIVE_DESCENT_TOKENS,
} from "./errors.ts";

/**
 * A selected node and where it lives (`parent` null = the document root). `N` is the node type of the
 * encoding walked (node.ts) and `P` the type of its containers: for the tree, objects and arrays.
 */
export interface Match<N = JValue, P = JObj | JValue[]> {
  parent: P | null;
  key: string | number;
  value: N;
  depth: number;
  /** The match this one was reached from (null for the root). */
  up: Match<N, P> | null;
}

/** A member that a SET would insert. */
export interface InsertPoint<P = JObj> {
  parent: P;
  key: string;
  depth: number;
  /** The parent's match (its way from the root). */
  from: Match<unknown, unknown>;
}

export type SelectMode = "read" | "set" | "delete";

export interface Selection<N = JValue, P = JObj | JValue[]> {
  /** JSONPath (`$`) syntax. */
  v2: boolean;
  matches: Match<N, P>[];
  inserts: InsertPoint<P extends JValue[] ? never : P>[];
  /** The last non-syntax error met by a branch (legacy commands report it when nothing matched). */
  error: JsonErrorMessage | null;
  /** The deepest path level visited (for json.max-path-limit). */
  maxDepth: number;
}

/** Whether a path is JSONPath (v2) syntax. */
export function isV2Path(path: string): boolean {
  return path.startsWith("$");
}

const TERMINATORS = new Set([..."." + "[]()<>=!'\" |&"]);
const SYNTAX_ERRORS: ReadonlySet<string> = new Set([
  E.INVALID_PATH,
  E.INVALID_MEMBER,
  E.INVALID_NUMBER,
  E.INVALID_IDENTIFIER,
  E.EMPTY_EXPR,
  E.INDEX_NOT_NUMBER,
  E.ZERO_STEP,
  E.PARENT_NOT_EXIST,
  E.PARSER_DEPTH_LIMIT,
  E.RD_TOKEN_LIMIT,
  E.QUERY_SIZE_LIMIT,
  E.INVALID_DOT,
]);

export function isSyntaxError(msg: string): boolean {
  return SYNTAX_ERRORS.has(msg);
}

// ---- filter expressions ----

type Operand =
  | { k: "self"; members: string[] } // @, @.a, @["a"]
  | { k: "lit"; v: JValue }
  | { k: "path"; path: string }; // $...

type Expr =
  | { k: "or"; a: Expr; b: Expr }
  | { k: "and"; a: Expr; b: Expr }
  | { k: "exists"; members: string[] }
  | { k: "cmp"; op: string; l: Operand; r: Operand };

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(o = 0): string {
    return this.s[this.pos + o] ?? "";
  }
  skipSpaces(): void {
    while (this.s[this.pos] === " ") this.pos++;
  }
  eat(c: string): boolean {
    if (this.s.startsWith(c, this.pos)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }
}

function syntax(msg: JsonErrorMessage): never {
  throw new JsonError(msg);
}

/** Reads a quoted member name at the cursor ('...' or "..."), unescaping JSON escapes. */
function quotedName(c: Cursor): string {
  const q = c.peek();
  const start = c.pos;
  c.pos++;
  let raw = "";
  while (!c.done && c.peek() !== q) {
    if (c.peek() === "\\") {
      raw += c.peek() + c.peek(1);
      c.pos += 2;
    } else {
      raw += c.peek();
      c.pos++;
    }
  }
  if (c.done) syntax(E.INVALID_PATH);
  c.pos++;
  if (q === "'") return unescapeSingleQuoted(raw);
  try {
    const v = parseJson('"' + raw + '"');
    return v as string;
  } catch {
    c.pos = start;
    return syntax(E.INVALID_MEMBER);
  }
}

const SINGLE_QUOTE_ESCAPES: Record<string, string> = {
  "'": "'",
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Single-quoted names: JSON escapes and `\'`; a backslash before any other character stays as written. */
function unescapeSingleQuoted(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== "\\" || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const e = raw[i + 1]!;
    const mapped = SINGLE_QUOTE_ESCAPES[e];
    if (mapped !== undefined) {
      out += mapped;
      i++;
    } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
      i += 5;
    } else out += ch;
  }
  return out;
}

function unquotedName(c: Cursor): string {
  const start = c.pos;
  if (c.done || TERMINATORS.has(c.peek())) syntax(E.INVALID_MEMBER);
  c.pos++;
  while (!c.done && !TERMINATORS.has(c.peek())) c.pos++;
  return c.s.slice(start, c.pos);
}

function scanInteger(c: Cursor): number {
  const start = c.pos;
  if (c.peek() === "+" || c.peek() === "-") c.pos++;
  const ds = c.pos;
  while (c.peek() >= "0" && c.peek() <= "9") c.pos++;
  if (c.pos === ds) {
    c.pos = start;
    syntax(E.INDEX_NOT_NUMBER);
  }
  const n = Number(c.s.slice(start, c.pos));
  return n;
}

function parseMembers(c: Cursor): string[] {
  const out: string[] = [];
  for (;;) {
    if (c.peek() === "." && c.peek(1) !== ".") {
      c.pos++;
      if (c.peek() === "[") {
        c.pos++;
        c.skipSpaces();
        if (c.peek() !== '"' && c.peek() !== "'") syntax(E.INVALID_PATH);
        out.push(quotedName(c));
        c.skipSpaces();
        if (!c.eat("]")) syntax(E.INVALID_PATH);
      } else out.push(unquotedName(c));
    } else if (c.peek() === "[" && (c.peek(1) === '"' || c.peek(1) === "'" || c.peek(1) === " ")) {
      c.pos++;
      c.skipSpaces();
      if (c.peek() !== '"' && c.peek() !== "'") syntax(E.INVALID_PATH);
      out.push(quotedName(c));
      c.skipSpaces();
      if (!c.eat("]")) syntax(E.INVALID_PATH);
    } else return out;
  }
}

function parseOp(c: Cursor): string | null {
  c.skipSpaces();
  for (const op of ["==", "!=", "<=", ">=", "<", ">"]) if (c.eat(op)) return op;
  return null;
}

function parseValue(c: Cursor): Operand {
  c.skipSpaces();
  const ch = c.peek();
  if (ch === "@") {
    c.pos++;
    return { k: "self", members: parseMembers(c) };
  }
  if (ch === "$") {
    // a path up to the next operator, space or closing parenthesis at depth 0
    const start = c.pos;
    let depth = 0;
    while (!c.done) {
      const x = c.peek();
      if (x === "[") depth++;
      else if (x === "]") depth--;
      else if (
        depth === 0 && (x === " " || x === ")" || x === "&" || x === "|" || x === "=" || x === "!" ||
          x === "<" || x === ">")
      ) break;
      else if (x === '"' || x === "'") {
        const q = x;
        c.pos++;
        while (!c.done && c.peek() !== q) c.pos += c.peek() === "\\" ? 2 : 1;
      }
      c.pos++;
    }
    return { k: "path", path: c.s.slice(start, c.pos) };
  }
  if (ch === '"' || ch === "'") return { k: "lit", v: quotedName(c) };
  if (c.s.startsWith("null", c.pos)) {
    c.pos += 4;
    return { k: "lit", v: null };
  }
  if (c.s.startsWith("true", c.pos)) {
    c.pos += 4;
    return { k: "lit", v: true };
  }
  if (c.s.startsWith("false", c.pos)) {
    c.pos += 5;
    return { k: "lit", v: false };
  }
  const start = c.pos;
  while (/[0-9+\-.eE]/.test(c.peek())) c.pos++;
  if (c.pos === start) {
    if (c.done || c.peek() === ")") syntax(E.EMPTY_EXPR);
    syntax(E.INVALID_IDENTIFIER);
  }
  const text = c.s.slice(start, c.pos);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(Number(text))) {
    syntax(E.INVALID_NUMBER);
  }
  return { k: "lit", v: Number(text) };
}

function parseFactor(c: Cursor, depth: number): Expr {
  if (depth > 200) syntax(E.PARSER_DEPTH_LIMIT);
  c.skipSpaces();
  if (c.peek() === "(") {
    c.pos++;
    const e = parseOr(c, depth + 1);
    c.skipSpaces();
    if (!c.eat(")")) syntax(E.INVALID_PATH);
    return e;
  }
  if (c.done || c.peek() === ")") syntax(E.EMPTY_EXPR);
  const l = parseValue(c);
  const op = parseOp(c);
  if (op === null) {
    if (l.k === "self") return { k: "exists", members: l.members };
    syntax(E.INVALID_PATH);
  }
  const r = parseValue(c);
  if (l.k !== "self" && r.k !== "self") syntax(E.INVALID_PATH);
  return { k: "cmp", op, l, r };
}

function parseAnd(c: Cursor, depth: number): Expr {
  let e = parseFactor(c, depth);
  for (;;) {
    c.skipSpaces();
    if (!c.eat("&&")) return e;
    e = { k: "and", a: e, b: parseFactor(c, depth) };
  }
}

function parseOr(c: Cursor, depth: number): Expr {
  let e = parseAnd(c, depth);
  for (;;) {
    c.skipSpaces();
    if (!c.eat("||")) return e;
    e = { k: "or", a: e, b: parseAnd(c, depth) };
  }
}

function memberOf<N>(ops: NodeOps<N>, v: N, members: string[]): N | undefined {
  let cur: N | undefined = v;
  for (const m of members) {
    if (ops.kind(cur) !== K_OBJECT) return undefined;
    cur = ops.get(cur, m);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** `x op y` for two numbers or two strings (`op` one of == != < <= > >=). */
function ordered<T extends number | string>(op: string, x: T, y: T): boolean {
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    default:
      return x >= y;
  }
}

function compare(op: string, a: JValue, b: JValue): boolean {
  const an = typeof a === "number" || a instanceof JNum;
  const bn = typeof b === "number" || b instanceof JNum;
  if (an && bn) return ordered(op, numValue(a as number | JNum), numValue(b as number | JNum));
  if (typeof a === "string" && typeof b === "string") return ordered(op, a, b);
  const same = (a === null && b === null) || (typeof a === "boolean" && a === b);
  if (op === "==") return same;
  if (op === "!=") return !same;
  return false;
}

/** What a filter reads: the encoding's operations and the document root (for `$` operands). */
interface FilterEnv<N> {
  ops: NodeOps<N>;
  root: N;
}

/**
 * The positions of `arr` a filter selects, in valkey-json's order: `a || b` lists a's positions then b's
 * others (so `@ > 7 || @ < 3` over 1..9 gives 8,9,1,2); `a && b` keeps a's positions that b also selects.
 */
function filterIndices<N>(e: Expr, arr: N[], env: FilterEnv<N>): number[] {
  switch (e.k) {
    case "or": {
      const a = filterIndices(e.a, arr, env);
      const seen = new Set(a);
      for (const i of filterIndices(e.b, arr, env)) if (!seen.has(i)) a.push(i);
      return a;
    }
    case "and": {
      const b = new Set(filterIndices(e.b, arr, env));
      return filterIndices(e.a, arr, env).filter((i) => b.has(i));
    }
    default: {
      const out: number[] = [];
      for (let i = 0; i < arr.length; i++) if (evalExpr(e, arr[i]!, env)) out.push(i);
      return out;
    }
  }
}

function evalExpr<N>(e: Expr, at: N, env: FilterEnv<N>): boolean {
  switch (e.k) {
    case "or":
      return evalExpr(e.a, at, env) || evalExpr(e.b, at, env);
    case "and":
      return evalExpr(e.a, at, env) && evalExpr(e.b, at, env);
    case "exists":
      return memberOf(env.ops, at, e.members) !== undefined;
    case "cmp": {
      const l = operandValue(e.l, at, env);
      const r = operandValue(e.r, at, env);
      if (l === undefined || r === undefined) return false;
      return compare(e.op, l, r);
    }
  }
}

function operandValue<N>(o: Operand, at: N, env: FilterEnv<N>): JValue | undefined {
  if (o.k === "lit") return o.v;
  let n: N | undefined;
  if (o.k === "self") n = memberOf(env.ops, at, o.members);
  else {
    const sel = selectIn(env.ops, env.root, o.path, "read");
    n = sel.matches.length === 1 ? sel.matches[0]!.value : undefined;
  }
  return n === undefined ? undefined : env.ops.value(n);
}

// ---- the selector ----

class Selector<N, P> {
  readonly c: Cursor;
  v2 = false;
  error: JsonErrorMessage | null = null;
  rdTokens = 0;
  recursive = false;
  /** A step that can select several values was taken (errors then end only their branch). */
  branched = false;
  inserts: InsertPoint<P>[] = [];
  maxDepth = 0;
  set: Match<N, P>[];

  constructor(readonly ops: NodeOps<N>, readonly root: N, path: string, readonly mode: SelectMode) {
    if (path.length > MAX_QUERY_STRING_SIZE) syntax(E.QUERY_SIZE_LIMIT);
    this.c = new Cursor(path);
    this.set = [{ parent: null, key: "", value: root, depth: 0, up: null }];
  }

  fail(msg: JsonErrorMessage): void {
    if (isSyntaxError(msg)) syntax(msg);
    if (!this.branched) this.error = msg;
  }

  run(): void {
    const c = this.c;
    // SupportedPath ::= ["$" | "."] RelativePath
    if (c.eat("$")) this.v2 = true;
    else if (c.peek() === "." && c.peek(1) !== ".") c.pos++;
    this.relative();
  }

  relative(): void {
    const c = this.c;
    while (!c.done && this.set.length > 0) {
      if (c.peek() === "." && c.peek(1) === ".") this.descend();
      else if (c.peek() === ".") {
        c.pos++;
        this.qualified();
      } else this.qualified();
      for (const m of this.set) if (m.depth > this.maxDepth) this.maxDepth = m.depth;
    }
  }

  /** The matches of every child of container match `m`, in order. */
  childMatches(m: Match<N, P>, out: Match<N, P>[]): void {
    const { keys, vals } = this.ops.children(m.value);
    const parent = m.value as unknown as P;
    for (let i = 0; i < vals.length; i++) {
      out.push({ parent, key: keys === null ? i : keys[i]!, value: vals[i]!, depth: m.depth + 1, up: m });
    }
  }

  isContainer(v: N): boolean {
    const k = this.ops.kind(v);
    return k === K_OBJECT || k === K_ARRAY;
  }

  descend(): void {
    const c = this.c;
    c.pos += 2;
    this.recursive = true;
    this.branched = true;
    if (++this.rdTokens > MAX_RECURSIVE_DESCENT_TOKENS) syntax(E.RD_TOKEN_LIMIT);
    if (c.peek() === ".") syntax(E.INVALID_DOT);
    const out: Match<N, P>[] = [];
    const seen = new Set<N>();
    const kids: Match<N, P>[] = [];
    for (const start of this.set) {
      // pre-order walk over containers
      const stack: Match<N, P>[] = [start];
      while (stack.length > 0) {
        const m = stack.pop()!;
        const v = m.value;
        if (!this.isContainer(v) || seen.has(v)) continue;
        seen.add(v);
        out.push(m);
        kids.length = 0;
        this.childMatches(m, kids);
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    }
    this.set = out;
    for (const m of out) if (m.depth > this.maxDepth) this.maxDepth = m.depth;
    if (c.peek() === "$") {
      c.pos++;
      this.v2 = true;
      this.set = out.filter((m) => m.parent === null);
    }
  }

  qualified(): void {
    const c = this.c;
    if (c.peek() === "[") return this.bracket();
    if (c.peek() === "*") {
      c.pos++;
      if (c.peek() === "." && c.peek(1) === "[" && c.peek(2) === "?") c.pos++;
      if (c.peek() === "[" && c.peek(1) === "?") {
        for (const m of this.set) if (this.ops.kind(m.value) !== K_ARRAY) syntax(E.INVALID_PATH);
        c.pos++;
        return this.filter();
      }
      return this.wildcard();
    }
    const name = unquotedName(c);
    this.member(name);
  }

  wildcard(): void {
    const out: Match<N, P>[] = [];
    this.branched = true;
    for (const m of this.set) {
      if (this.isContainer(m.value)) this.childMatches(m, out);
      else if (this.v2) this.fail(E.WILDCARD);
      else syntax(E.INVALID_PATH);
    }
    this.set = out;
  }

  member(memberName: string): void {
    const c = this.c;
    const ops = this.ops;
    const out: Match<N, P>[] = [];
    for (const m of this.set) {
      let name = memberName;
      const v = m.value;
      if (ops.kind(v) !== K_OBJECT) {
        if (this.mode === "set") this.fail(E.INSERT_INTO_NON_OBJECT);
        continue;
      }
      let child = ops.get(v, name);
      if (child === undefined && this.mode === "set" && c.done && name.includes("~")) {
        // valkey-json inserts through a JSON Pointer built from the raw name, so "~1"/"~0" address "/"/"~"
        const pointer = name.replace(/~1/g, "/").replace(/~0/g, "~");
        child = ops.get(v, pointer);
        if (child !== undefined) name = pointer;
      }
      if (child === undefined) {
        if (this.mode === "set" && !this.recursive) {
          if (c.done) {
            this.inserts.push({ parent: v as unknown as P, key: name, depth: m.depth + 1, from: m });
            if (m.depth + 1 > this.maxDepth) this.maxDepth = m.depth + 1;
          } else this.fail(E.PATH_NOT_EXIST);
        }
        continue;
      }
      out.push({ parent: v as unknown as P, key: name, value: child, depth: m.depth + 1, up: m });
    }
    this.set = out;
  }

  /** The match of element `i` of array match `m` (caller checks bounds). */
  element(m: Match<N, P>, i: number): Match<N, P> {
    const v = m.value;
    return { parent: v as unknown as P, key: i, value: this.ops.at(v, i)!, depth: m.depth + 1, up: m };
  }

  bracket(): void {
    const c = this.c;
    const ops = this.ops;
    c.pos++; // [
    c.skipSpaces();
    const ch = c.peek();
    if (ch === "*") {
      c.pos++;
      c.skipSpaces();
      if (!c.eat("]")) syntax(E.INVALID_PATH);
      if (c.peek() === "[" && c.s.slice(c.pos + 1).trimStart().startsWith("?")) {
        c.pos++;
        c.skipSpaces();
        return this.filter();
      }
      return this.wildcard();
    }
    if (ch === '"' || ch === "'") {
      const names = [quotedName(c)];
      c.skipSpaces();
      while (c.eat(",")) {
        c.skipSpaces();
        if (c.peek() !== '"' && c.peek() !== "'") syntax(E.INVALID_PATH);
        names.push(quotedName(c));
        c.skipSpaces();
      }
      if (!c.eat("]")) syntax(E.INVALID_PATH);
      c.skipSpaces();
      if (names.length === 1) return this.member(names[0]!);
      this.branched = true;
      const out: Match<N, P>[] = [];
      for (const m of this.set) {
        const v = m.value;
        if (ops.kind(v) !== K_OBJECT) continue;
        for (const n of names) {
          const child = ops.get(v, n);
          if (child !== undefined) {
            out.push({ parent: v as unknown as P, key: n, value: child, depth: m.depth + 1, up: m });
          }
        }
      }
      this.set = out;
      return;
    }
    if (ch === "?") return this.filter();
    if (c.done) syntax(E.EMPTY_EXPR);
    if (ch === "]") syntax(E.EMPTY_EXPR);
    // index, slice or union
    let start: number | null = null;
    if (ch !== ":") start = scanInteger(c);
    c.skipSpaces();
    if (c.peek() === ":") {
      c.pos++;
      c.skipSpaces();
      let end: number | null = null;
      let step = 1;
      if (c.peek() !== ":" && c.peek() !== "]") end = scanInteger(c);
      c.skipSpaces();
      if (c.eat(":")) {
        c.skipSpaces();
        if (c.peek() !== "]") step = scanInteger(c);
        c.skipSpaces();
      }
      if (!c.eat("]")) syntax(E.INVALID_PATH);
      c.skipSpaces();
      return this.slice(start, end, step);
    }
    if (c.peek() === ",") {
      this.branched = true;
      const idx = [start!];
      while (c.eat(",")) {
        c.skipSpaces();
        idx.push(scanInteger(c));
        c.skipSpaces();
      }
      if (!c.eat("]")) syntax(E.INVALID_PATH);
      c.skipSpaces();
      const out: Match<N, P>[] = [];
      for (const m of this.set) {
        if (ops.kind(m.value) !== K_ARRAY) {
          this.fail(E.NOT_ARRAY);
          continue;
        }
        const n = ops.length(m.value);
        for (let i of idx) {
          if (i < 0) i += n;
          if (i >= 0 && i < n) out.push(this.element(m, i));
        }
      }
      this.set = out;
      return;
    }
    if (!c.eat("]")) syntax(E.INVALID_PATH);
    c.skipSpaces();
    const out: Match<N, P>[] = [];
    for (const m of this.set) {
      if (ops.kind(m.value) !== K_ARRAY) {
        this.fail(E.NOT_ARRAY);
        continue;
      }
      const n = ops.length(m.value);
      let i = start!;
      if (i < 0) i += n;
      if (i < 0 || i >= n) {
        this.fail(E.OUT_OF_BOUNDS);
        continue;
      }
      out.push(this.element(m, i));
    }
    this.set = out;
  }

  slice(s: number | null, e: number | null, step: number): void {
    const out: Match<N, P>[] = [];
    const ops = this.ops;
    this.branched = true;
    for (const m of this.set) {
      if (ops.kind(m.value) !== K_ARRAY) {
        this.fail(E.NOT_ARRAY);
        continue;
      }
      if (step === 0) syntax(E.ZERO_STEP);
      const vals = ops.children(m.value).vals;
      const n = vals.length;
      const parent = m.value as unknown as P;
      let start = s ?? 0, end = e ?? n;
      if (start < 0) start += n;
      if (end < 0) end += n;
      start = Math.min(Math.max(start, 0), n);
      end = Math.min(Math.max(end, 0), n);
      if (step > 0) {
        for (let i = start; i < end; i += step) {
          out.push({ parent, key: i, value: vals[i]!, depth: m.depth + 1, up: m });
        }
      } else {
        for (let i = start; i > end; i += step) {
          if (i < n) out.push({ parent, key: i, value: vals[i]!, depth: m.depth + 1, up: m });
        }
      }
    }
    this.set = out;
  }

  filter(): void {
    const c = this.c;
    // at "?"
    c.pos++;
    if (!c.eat("(")) syntax(E.INVALID_PATH);
    const expr = parseOr(c, 0);
    c.skipSpaces();
    if (!c.eat(")")) syntax(E.INVALID_PATH);
    c.skipSpaces();
    if (!c.eat("]")) syntax(E.INVALID_PATH);
    this.branched = true;
    const env: FilterEnv<N> = { ops: this.ops, root: this.root };
    const out: Match<N, P>[] = [];
    for (const m of this.set) {
      const v = m.value;
      if (this.ops.kind(v) === K_ARRAY) {
        const vals = this.ops.children(v).vals;
        const parent = v as unknown as P;
        for (const i of filterIndices(expr, vals, env)) {
          out.push({ parent, key: i, value: vals[i]!, depth: m.depth + 1, up: m });
        }
      } else if (filterIndices(expr, [v], env).length > 0) out.push(m);
    }
    this.set = out;
  }
}

/**
 * Selects the nodes a path designates in a document of any encoding (node.ts). Throws {@link JsonError} on
 * a syntax error.
 */
export function selectIn<N, P = N>(
  ops: NodeOps<N>,
  root: N,
  path: string,
  mode: SelectMode,
): Selection<N, P> {
  const s = new Selector<N, P>(ops, root, path, mode);
  s.run();
  let matches = s.set;
  if (s.recursive) matches = unique(matches);
  return {
    v2: s.v2 || isV2Path(path),
    matches,
    inserts: s.inserts as Selection<N, P>["inserts"],
    error: s.error,
    maxDepth: s.maxDepth,
  };
}

/** Selects the values a path designates in a tree document. Throws {@link JsonError} on a syntax error. */
export function select(root: JValue, path: string, mode: SelectMode): Selection {
  return selectIn<JValue, JObj | JValue[]>(treeOps, root, path, mode);
}

/** The keys leading from the root to a match. */
export function keysOf<N, P>(m: Match<N, P>): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let x: Match<N, P> | null = m; x !== null && x.parent !== null; x = x.up) keys.push(x.key);
  return keys.reverse();
}

/** Drops repeated locations (same parent and key), keeping the first. */
export function unique<N, P>(ms: Match<N, P>[]): Match<N, P>[] {
  if (ms.length < 2) return ms;
  const seen = new Map<unknown, Set<string | number>>();
  const out: Match<N, P>[] = [];
  for (const m of ms) {
    const p = m.parent ?? seen;
    let keys = seen.get(p);
    if (keys === undefined) seen.set(p, keys = new Set());
    if (keys.has(m.key)) continue;
    keys.add(m.key);
    out.push(m);
  }
  return out;
}
