/**
 * The JSON module's write commands: JSON.SET, JSON.MSET, JSON.DEL, JSON.FORGET, JSON.NUMINCRBY,
 * JSON.NUMMULTBY, JSON.STRAPPEND, JSON.TOGGLE, JSON.ARRAPPEND, JSON.ARRPOP, JSON.ARRINSERT, JSON.ARRTRIM and
 * JSON.CLEAR.
 *
 * Every write keeps the document's tracked size exact by adding the size difference of what it changed.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { eqIgnoreCase } from "../../../core/module_api/mod.ts";
import {
  addedMemberCost,
  deepCopy,
  depthOf,
  fmt17g,
  isInteger,
  isNumber,
  JObj,
  type JValue,
  numFromText,
  numValue,
  removedMemberCost,
  sizeOf,
} from "../document.ts";
import { JsonDoc } from "../doc.ts";
import { MAX_DOCUMENT_SIZE } from "../configs.ts";
import { appendMember, encode, nodeEnd, spliceTape, TAPE_MAX, TapeOps, unitBytes } from "../tape.ts";
import { E, JsonError } from "../errors.ts";
import { parseJson } from "../parser.ts";
import { keysOf, type Match, select, selectIn, type Selection, unique } from "../path.ts";
import { serialize } from "../serializer.ts";
import {
  checkPathLimit,
  checkSizeLimit,
  cmd,
  getDoc,
  isRootPath,
  legacyMissing,
  lookupDoc,
  needDoc,
  oneKey,
  parseIntArg,
  RW_INSERT,
  RW_UPDATE,
  settleDocs,
  storeDoc,
  str,
  utf8Length,
  written,
} from "./common.ts";

const WRITE_FAST: ModuleCommandSpec["flags"] = ["WRITE", "FAST"];
/** Module commands carry exactly the categories they declare (valkey-json: "json write fast|slow"). */
const FAST_ACL = ["write", "fast"];
const SLOW_ACL = ["write", "slow"];
const WRITE_FAST_DENYOOM: ModuleCommandSpec["flags"] = ["WRITE", "DENYOOM", "FAST"];

/** Puts `v` where `m` points (the root when `m.parent` is null). */
function place(doc: JsonDoc, m: Match, v: JValue): void {
  if (m.parent === null) doc.root = v;
  else if (m.parent instanceof JObj) m.parent.set(m.key as string, v);
  else m.parent[m.key as number] = v;
}

/** The location a key path designates in the current document, or null when it no longer exists. */
function relocate(root: JValue, keys: (string | number)[]): Match | null {
  let m: Match = { parent: null, key: "", value: root, depth: 0, up: null };
  for (const k of keys) {
    const v = m.value;
    let next: JValue | undefined;
    if (v instanceof JObj && typeof k === "string") next = v.get(k);
    else if (Array.isArray(v) && typeof k === "number") next = v[k];
    if (next === undefined) return null;
    m = { parent: v as JObj | JValue[], key: k, value: next, depth: m.depth + 1, up: m };
  }
  return m;
}

// ---- JSON.SET / JSON.MSET ----

interface SetPlan {
  doc: JsonDoc | null; // null: a new key
  sel: Selection | null;
  value: JValue;
}

/**
 * Checks one `key path json` triple and returns what to do, or null when NX/XX is not satisfied. Throws on
 * syntax, type, root-path, limit and parse errors. Changes nothing.
 */
function planSet(
  ctx: CommandContext,
  key: Uint8Array,
  path: string,
  json: Uint8Array,
  cond: "nx" | "xx" | null,
  parsed?: JValue,
): SetPlan | null {
  const value = parsed !== undefined ? parsed : parseJson(json);
  const doc = getDoc(ctx, key, "write");
  const vdepth = depthOf(value);
  if (doc === null) {
    if (!isRootPath(path)) {
      // a path that is not even valid is a syntax error first
      select(null, path, "read");
      throw new JsonError(E.NEW_KEY_NOT_ROOT);
    }
    if (cond === "xx") return null;
    checkPathLimit(ctx, vdepth);
    checkSizeLimit(ctx, sizeOf(value));
    return { doc: null, sel: null, value };
  }
  const sel = select(doc.root, path, "set");
  const targets = unique(sel.matches);
  if (cond === "nx" && (targets.length > 0 || sel.inserts.length === 0)) return null;
  if (cond === "xx" && targets.length === 0) return null;
  if (targets.length === 0 && sel.inserts.length === 0) {
    if (sel.error !== null) throw new JsonError(sel.error);
    if (!sel.v2) throw new JsonError(E.PATH_NOT_EXIST);
  }
  checkPathLimit(ctx, sel.maxDepth + vdepth);
  const vsize = sizeOf(value);
  let newSize = doc.size;
  for (const m of targets) newSize += vsize - sizeOf(m.value);
  for (const p of sel.inserts) newSize += vsize + 40 + p.key.length;
  checkSizeLimit(ctx, newSize);
  sel.matches = targets;
  return { doc, sel, value };
}

function applySet(ctx: CommandContext, key: Uint8Array, plan: SetPlan): void {
  if (plan.doc === null) {
    storeDoc(ctx, key, new JsonDoc(plan.value));
    return;
  }
  const { doc, sel } = plan;
  // every location gets its own copy; the parsed value itself goes to the last one (copies are taken from
  // it before it is placed anywhere)
  let left = sel!.matches.length + sel!.inserts.length;
  const next = (): JValue => --left === 0 ? plan.value : deepCopy(plan.value);
  const vsize = sizeOf(plan.value);
  let delta = 0;
  // Each location is found again from the root, in match order: with recursive descent an earlier
  // replacement may have changed what a later (deeper) location designates, as in valkey-json.
  for (const m of sel!.matches) {
    const at = relocate(doc.root, keysOf(m));
    if (at === null) continue;
    delta += vsize - sizeOf(at.value);
    place(doc, at, next());
  }
  for (const p of sel!.inserts) {
    const v = next();
    if (p.parent.set(p.key, v)) delta += addedMemberCost(p.parent, p.key, v);
  }
  doc.grow(delta);
}

function parseCond(ctx: CommandContext): "nx" | "xx" | null | undefined {
  const a = ctx.argv[4];
  if (a === undefined) return null;
  if (eqIgnoreCase(a, "nx")) return "nx";
  if (eqIgnoreCase(a, "xx")) return "xx";
  return undefined;
}

/**
 * JSON.SET on a tape document whose path designates exactly one existing value or one new member: the new
 * value's tape is spliced in without decoding the document (tape.ts). False when the general path must run
 * instead (several or no locations, a tree document, a result too big for a tape); nothing has changed then.
 */
function setOnTape(
  ctx: CommandContext,
  key: Uint8Array,
  path: string,
  value: JValue,
  cond: "nx" | "xx" | null,
): boolean {
  // json.max-document-size is checked against a document's size as a tree (the general path), so that
  // a write is accepted or refused the same way whatever the document's encoding
  if (Number(ctx.config(MAX_DOCUMENT_SIZE)) > 0) return false;
  const doc = lookupDoc(ctx, key, "write");
  if (doc === null || doc.tape === null) return false;
  const tape = doc.tape;
  const sel = selectIn<number, number>(new TapeOps(tape), 0, path, "set");
  const targets = unique(sel.matches);
  const insert = sel.inserts[0];
  // one value replaced, or one member added (the NX/XX rules of planSet)
  if (targets.length + sel.inserts.length !== 1) return false;
  if (cond === (insert === undefined ? "nx" : "xx")) {
    ctx.reply.nullBulk();
    return true;
  }
  checkPathLimit(ctx, sel.maxDepth + depthOf(value));
  const fragment = encode(value, TAPE_MAX);
  if (fragment === null) return false;
  const chain: number[] = [];
  for (let x = insert === undefined ? targets[0]!.up : insert.from; x !== null; x = x.up) {
    chain.push(x.value as number);
  }
  chain.reverse();
  let next: string;
  if (insert === undefined) {
    const at = targets[0]!.value;
    next = spliceTape(tape, chain, at, nodeEnd(tape, at), fragment);
  } else next = appendMember(tape, chain, insert.key, fragment);
  if (next.length > TAPE_MAX) return false; // the general path handles the switch to a tree
  doc.setTape(next, unitBytes(fragment) === 1 && (insert === undefined || unitBytes(insert.key) === 1));
  written(ctx, "json.set", key);
  ctx.reply.ok();
  return true;
}

function jsonSet(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 5) return ctx.wrongArity();
  const cond = parseCond(ctx);
  if (cond === undefined) throw new JsonError(E.SYNTAX);
  const key = argv[1]!;
  const path = str(argv[2]!);
  const value = parseJson(argv[3]!);
  if (setOnTape(ctx, key, path, value, cond)) return;
  const plan = planSet(ctx, key, path, argv[3]!, cond, value);
  if (plan === null) return ctx.reply.nullBulk();
  applySet(ctx, key, plan);
  written(ctx, "json.set", key);
  ctx.reply.ok();
}

function jsonMset(ctx: CommandContext): void {
  const argv = ctx.argv;
  if ((argv.length - 1) % 3 !== 0) return ctx.wrongArity();
  // validate everything first: nothing is written when any triple is invalid
  for (let i = 1; i < argv.length; i += 3) planSet(ctx, argv[i]!, str(argv[i + 1]!), argv[i + 2]!, null);
  for (let i = 1; i < argv.length; i += 3) {
    const key = argv[i]!;
    let plan: SetPlan | null;
    try {
      plan = planSet(ctx, key, str(argv[i + 1]!), argv[i + 2]!, null);
    } catch (e) {
      if (e instanceof JsonError) continue; // an earlier triple changed this key: best effort
      throw e;
    }
    if (
      plan === null || (plan.sel !== null && plan.sel.matches.length === 0 && plan.sel.inserts.length === 0)
    ) {
      continue;
    }
    applySet(ctx, key, plan);
    settleDocs();
    ctx.signalModifiedKey(key);
    ctx.notifyKeyspaceEvent("g", "json.mset", key);
  }
  ctx.replicateVerbatim();
  ctx.reply.ok();
}

// ---- JSON.DEL / JSON.FORGET ----

function jsonDel(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) return ctx.wrongArity();
  const key = argv[1]!;
  const path = argv.length > 2 ? str(argv[2]!) : ".";
  const doc = getDoc(ctx, key, "write");
  if (doc === null) {
    select(null, path, "read"); // syntax errors still count
    return ctx.reply.int(0);
  }
  if (isRootPath(path)) {
    doc.release();
    ctx.deleteKey(key);
    written(ctx, "json.del", key);
    return ctx.reply.int(1);
  }
  const sel = select(doc.root, path, "delete");
  const targets = unique(sel.matches);
  if (targets.some((m) => m.parent === null)) {
    doc.release();
    ctx.deleteKey(key);
    written(ctx, "json.del", key);
    return ctx.reply.int(1);
  }
  // deepest first (a match inside another match goes before it), and within one array the highest index
  // first, so every location is still valid when its turn comes
  const parentIds = new Map<unknown, number>();
  const pid = (p: unknown) => {
    let n = parentIds.get(p);
    if (n === undefined) parentIds.set(p, n = parentIds.size);
    return n;
  };
  const order = targets.slice().sort((a, b) =>
    b.depth - a.depth || pid(a.parent) - pid(b.parent) ||
    (typeof a.key === "number" ? (b.key as number) - a.key : 0)
  );
  let delta = 0;
  for (const m of order) {
    if (m.parent instanceof JObj) {
      delta -= removedMemberCost(m.parent, m.key as string, m.value);
      m.parent.delete(m.key as string);
    } else {
      delta -= sizeOf(m.value);
      (m.parent as JValue[]).splice(m.key as number, 1);
    }
  }
  if (targets.length > 0) {
    doc.grow(delta);
    written(ctx, "json.del", key);
  }
  ctx.reply.int(targets.length);
}

// ---- per-match updates ----

interface Targets {
  v2: boolean;
  sel: Selection;
  targets: Match[];
}

/**
 * The unique matches an update works on. A problem met by a non-branching path (index out of bounds,
 * subscript of a non-array...) fails the command in both dialects (`strict`, as valkey-json's writes do);
 * legacy paths also fail when nothing matched (NONEXISTENT) or no match has the right type (`wrongType`).
 */
function targetsOf(
  doc: JsonDoc,
  path: string,
  isType: (v: JValue) => boolean,
  wrongType: JsonError,
  strict = true,
): Targets {
  const sel = select(doc.root, path, "read");
  if (strict && sel.error !== null) throw new JsonError(sel.error);
  const targets = unique(sel.matches);
  if (!sel.v2) {
    if (targets.length === 0) legacyMissing(sel);
    if (!targets.some((m) => isType(m.value))) throw wrongType;
  }
  return { v2: sel.v2, sel, targets };
}

/** Runs `update` on every target; it returns the per-match result, or null for a match of the wrong type. */
function updateEach<R>(t: Targets, update: (m: Match) => R | null): { v2: boolean; results: (R | null)[] } {
  return { v2: t.v2, results: t.targets.map(update) };
}

function lastNonNull<R>(rs: (R | null)[]): R {
  for (let i = rs.length - 1; i >= 0; i--) if (rs[i] !== null) return rs[i]!;
  throw new Error("unreachable");
}

function replyInts(ctx: CommandContext, r: { v2: boolean; results: (number | null)[] }): void {
  if (!r.v2) return ctx.reply.int(lastNonNull(r.results));
  ctx.reply.arrayHeader(r.results.length);
  for (const x of r.results) x === null ? ctx.reply.nullBulk() : ctx.reply.int(x);
}

const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n;

function asInt64(v: JValue): bigint | null {
  if (!isInteger(v)) return null;
  const b = typeof v === "number" ? BigInt(v) : BigInt((v as { text: string }).text);
  return b >= I64_MIN && b <= I64_MAX ? b : null;
}

function numericOp(ctx: CommandContext, mul: boolean): void {
  const argv = ctx.argv;
  const key = argv[1]!;
  const path = str(argv[2]!);
  let operand: JValue;
  try {
    operand = parseJson(argv[3]!);
  } catch {
    throw new JsonError(E.VALUE_NOT_NUMBER);
  }
  if (!isNumber(operand)) throw new JsonError(E.VALUE_NOT_NUMBER);
  const doc = needDoc(ctx, key);
  const by = numValue(operand);
  const byInt = asInt64(operand);
  let delta = 0;
  // an overflow stops the command after earlier matches changed (as valkey-json): keep the size exact
  let r: { v2: boolean; results: (number | null)[] };
  try {
    r = updateEach(targetsOf(doc, path, isNumber, new JsonError(E.NOT_NUMBER)), (m) => {
      if (!isNumber(m.value)) return null;
      const before = sizeOf(m.value);
      let result: number;
      let stored: JValue;
      const cur = asInt64(m.value);
      if (!mul && cur !== null && byInt !== null && cur + byInt >= I64_MIN && cur + byInt <= I64_MAX) {
        const sum = cur + byInt;
        stored = numFromText(sum.toString());
        result = Number(sum);
      } else {
        result = mul ? numValue(m.value) * by : numValue(m.value) + by;
        if (!Number.isFinite(result)) throw new JsonError(mul ? E.MUL_OVERFLOW : E.ADD_OVERFLOW);
        if (
          mul && Number.isInteger(result) && result >= -9223372036854775808 && result < 9223372036854775808
        ) {
          stored = numFromText(BigInt(result).toString());
        } else stored = numFromText(fmt17g(result), true);
      }
      place(doc, m, stored);
      delta += sizeOf(stored) - before;
      return result;
    });
  } finally {
    doc.grow(delta);
  }
  written(ctx, mul ? "json.nummultby" : "json.numincrby", key);
  if (!r.v2) return ctx.reply.bulkStr(fmt17g(lastNonNull(r.results)));
  ctx.reply.bulkStr("[" + r.results.map((x) => x === null ? "null" : fmt17g(x)).join(",") + "]");
}

function jsonStrappend(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 4) return ctx.wrongArity();
  const key = argv[1]!;
  const path = argv.length === 4 ? str(argv[2]!) : ".";
  let suffix: JValue;
  try {
    suffix = parseJson(argv[argv.length - 1]!);
  } catch {
    throw new JsonError(E.VALUE_NOT_STRING);
  }
  if (typeof suffix !== "string") throw new JsonError(E.VALUE_NOT_STRING);
  const doc = needDoc(ctx, key);
  const t = targetsOf(doc, path, (v) => typeof v === "string", new JsonError(E.NOT_STRING));
  let growth = 0;
  for (const m of t.targets) {
    if (typeof m.value === "string") growth += sizeOf(m.value + suffix) - sizeOf(m.value);
  }
  checkSizeLimit(ctx, doc.size + growth);
  const r = updateEach(t, (m) => {
    if (typeof m.value !== "string") return null;
    const s = m.value + suffix;
    place(doc, m, s);
    return utf8Length(s);
  });
  doc.grow(growth);
  written(ctx, "json.strappend", key);
  replyInts(ctx, r);
}

function jsonToggle(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) return ctx.wrongArity();
  const key = argv[1]!;
  const doc = needDoc(ctx, key);
  const path = argv.length > 2 ? str(argv[2]!) : ".";
  const isBool = (v: JValue) => typeof v === "boolean";
  const r = updateEach(targetsOf(doc, path, isBool, new JsonError(E.NOT_BOOL), false), (m) => {
    if (typeof m.value !== "boolean") return null;
    place(doc, m, !m.value);
    return m.value ? 0 : 1;
  });
  written(ctx, "json.toggle", key);
  if (!r.v2) return ctx.reply.bulkStr(lastNonNull(r.results) === 1 ? "true" : "false");
  replyInts(ctx, r);
}

function jsonArrappend(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = argv[1]!;
  const path = str(argv[2]!);
  const doc = needDoc(ctx, key);
  const t = targetsOf(doc, path, Array.isArray, new JsonError(E.NOT_ARRAY));
  const values = argv.slice(3).map((b) => parseJson(b));
  addToArrays(ctx, key, doc, t, values, "json.arrappend", (a, vs) => {
    for (const v of vs) a.push(v);
  });
}

/**
 * ARRAPPEND / ARRINSERT: checks the path and size limits for adding `values` to every matched array, then
 * `add`s them (the first array gets the parsed values, the others deep copies), grows the tracked size,
 * announces `event` and replies each array's new length.
 */
function addToArrays(
  ctx: CommandContext,
  key: Uint8Array,
  doc: JsonDoc,
  t: Targets,
  values: JValue[],
  event: string,
  add: (a: JValue[], vs: JValue[]) => void,
): void {
  const vsize = values.reduce<number>((n, v) => n + sizeOf(v), 0);
  const arrays = t.targets.filter((m) => Array.isArray(m.value)).length;
  checkPathLimit(ctx, t.sel.maxDepth + Math.max(...values.map(depthOf)));
  checkSizeLimit(ctx, doc.size + arrays * vsize);
  let first = true;
  const r = updateEach(t, (m) => {
    if (!Array.isArray(m.value)) return null;
    add(m.value, first ? values : values.map(deepCopy));
    first = false;
    return m.value.length;
  });
  doc.grow(arrays * vsize);
  written(ctx, event, key);
  replyInts(ctx, r);
}

function jsonArrpop(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 4) return ctx.wrongArity();
  const key = argv[1]!;
  const path = argv.length > 2 ? str(argv[2]!) : ".";
  const index = argv.length > 3 ? parseIntArg(argv[3]!, E.VALUE_NOT_INTEGER) : -1;
  const doc = needDoc(ctx, key);
  let delta = 0;
  const t = targetsOf(doc, path, Array.isArray, new JsonError(E.NOT_ARRAY));
  const r = updateEach<{ v: JValue | undefined }>(t, (m) => {
    if (!Array.isArray(m.value)) return null;
    const a = m.value;
    if (a.length === 0) return { v: undefined };
    let i = index < 0 ? index + a.length : index;
    if (i < 0) i = 0;
    if (i >= a.length) i = a.length - 1;
    const [v] = a.splice(i, 1);
    delta -= sizeOf(v!);
    return { v: v! };
  });
  doc.grow(delta);
  written(ctx, "json.arrpop", key);
  const one = (x: { v: JValue | undefined } | null) =>
    x === null || x.v === undefined ? ctx.reply.nullBulk() : ctx.reply.bulkStr(serialize(x.v));
  if (!r.v2) return one(lastNonNull(r.results));
  ctx.reply.arrayHeader(r.results.length);
  for (const x of r.results) one(x);
}

function jsonArrinsert(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = argv[1]!;
  const path = str(argv[2]!);
  const index = parseIntArg(argv[3]!, E.VALUE_NOT_INTEGER);
  const doc = needDoc(ctx, key);
  const t = targetsOf(doc, path, Array.isArray, new JsonError(E.NOT_ARRAY));
  const values = argv.slice(4).map((b) => parseJson(b));
  // a negative index counts from the end (0 for an empty array); every array must accept the index
  // before anything changes
  const position = (n: number) => index < 0 ? (n === 0 ? 0 : n + index) : index;
  for (const m of t.targets) {
    if (!Array.isArray(m.value)) continue;
    const i = position(m.value.length);
    if (i < 0 || i > m.value.length) throw new JsonError(E.OUT_OF_BOUNDS);
  }
  addToArrays(ctx, key, doc, t, values, "json.arrinsert", (a, vs) => a.splice(position(a.length), 0, ...vs));
}

function jsonArrtrim(ctx: CommandContext): void {
  const argv = ctx.argv;
  const key = argv[1]!;
  const path = str(argv[2]!);
  const start = parseIntArg(argv[3]!, E.VALUE_NOT_INTEGER);
  const stop = parseIntArg(argv[4]!, E.VALUE_NOT_INTEGER);
  const doc = needDoc(ctx, key);
  let delta = 0;
  const r = updateEach(targetsOf(doc, path, Array.isArray, new JsonError(E.NOT_ARRAY)), (m) => {
    if (!Array.isArray(m.value)) return null;
    const a = m.value;
    const n = a.length;
    let s = start < 0 ? start + n : start;
    let e = stop < 0 ? stop + n : stop;
    if (s < 0) s = 0;
    if (e >= n) e = n - 1;
    const before = sizeOf(a);
    if (n === 0 || s >= n || s > e) a.length = 0;
    else {
      a.splice(e + 1);
      a.splice(0, s);
    }
    delta += sizeOf(a) - before;
    return a.length;
  });
  doc.grow(delta);
  written(ctx, "json.arrtrim", key);
  replyInts(ctx, r);
}

function jsonClear(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) return ctx.wrongArity();
  const key = argv[1]!;
  const path = argv.length > 2 ? str(argv[2]!) : ".";
  const doc = needDoc(ctx, key);
  const sel = select(doc.root, path, "read");
  if (sel.error !== null) throw new JsonError(sel.error);
  let cleared = 0;
  for (const m of unique(sel.matches)) {
    const v = m.value;
    let nv: JValue | undefined;
    if (v instanceof JObj) {
      if (v.size > 0) nv = new JObj();
    } else if (Array.isArray(v)) {
      if (v.length > 0) nv = [];
    } else if (v === true) nv = false;
    else if (typeof v === "string") {
      if (v.length > 0) nv = "";
    } else if (isNumber(v)) {
      if (numValue(v) !== 0) nv = 0;
    }
    if (nv === undefined) continue;
    if (v instanceof JObj) v.clear();
    else if (Array.isArray(v)) v.length = 0;
    else place(doc, m, nv);
    cleared++;
  }
  if (cleared > 0) doc.resize();
  written(ctx, "json.clear", key);
  ctx.reply.int(cleared);
}

const keyArg = { name: "key", type: "key" as const, keySpecIndex: 0 };
const pathArg = { name: "path", type: "string" as const };
const optPath = { ...pathArg, optional: true };
const jsonArg = { name: "json", type: "string" as const };

export const writeCommands: ModuleCommandSpec[] = [
  cmd(
    "JSON.SET",
    -4,
    ["WRITE", "DENYOOM"],
    SLOW_ACL,
    "Sets or updates the JSON value at a path",
    oneKey(RW_UPDATE),
    [
      keyArg,
      pathArg,
      jsonArg,
      {
        name: "condition",
        type: "oneof",
        optional: true,
        arguments: [{ name: "nx", type: "pure-token", token: "NX" }, {
          name: "xx",
          type: "pure-token",
          token: "XX",
        }],
      },
    ],
    jsonSet,
  ),
  cmd(
    "JSON.MSET",
    -4,
    ["WRITE", "DENYOOM"],
    SLOW_ACL,
    "Sets or updates JSON values at paths of several keys",
    [{
      flags: RW_UPDATE,
      beginSearch: { index: { pos: 1 } },
      findKeys: { range: { lastkey: -1, step: 3, limit: 0 } },
    }],
    [{ name: "data", type: "block", multiple: true, arguments: [keyArg, pathArg, jsonArg] }],
    jsonMset,
  ),
  cmd("JSON.DEL", -2, WRITE_FAST, FAST_ACL, "Deletes the JSON values at a path", oneKey(["RW", "DELETE"]), [
    keyArg,
    optPath,
  ], jsonDel),
  cmd(
    "JSON.FORGET",
    -2,
    WRITE_FAST,
    FAST_ACL,
    "Deletes the JSON values at a path (alias of JSON.DEL)",
    oneKey([
      "RW",
      "DELETE",
    ]),
    [keyArg, optPath],
    jsonDel,
  ),
  cmd("JSON.NUMINCRBY", 4, WRITE_FAST, FAST_ACL, "Increments the numbers at a path", oneKey(RW_UPDATE), [
    keyArg,
    pathArg,
    { name: "number", type: "double" },
  ], (ctx) => numericOp(ctx, false)),
  cmd("JSON.NUMMULTBY", 4, WRITE_FAST, FAST_ACL, "Multiplies the numbers at a path", oneKey(RW_UPDATE), [
    keyArg,
    pathArg,
    { name: "number", type: "double" },
  ], (ctx) => numericOp(ctx, true)),
  cmd(
    "JSON.STRAPPEND",
    -3,
    WRITE_FAST_DENYOOM,
    FAST_ACL,
    "Appends a string to the JSON strings at a path",
    oneKey(
      RW_INSERT,
    ),
    [keyArg, optPath, { name: "json_string", type: "string" }],
    jsonStrappend,
  ),
  cmd("JSON.TOGGLE", -2, WRITE_FAST_DENYOOM, FAST_ACL, "Toggles the booleans at a path", oneKey(RW_UPDATE), [
    keyArg,
    optPath,
  ], jsonToggle),
  cmd(
    "JSON.ARRAPPEND",
    -4,
    WRITE_FAST_DENYOOM,
    FAST_ACL,
    "Appends values to the arrays at a path",
    oneKey(RW_INSERT),
    [
      keyArg,
      pathArg,
      { ...jsonArg, multiple: true },
    ],
    jsonArrappend,
  ),
  cmd(
    "JSON.ARRPOP",
    -2,
    WRITE_FAST,
    FAST_ACL,
    "Removes and returns an element of the arrays at a path",
    oneKey([
      "RW",
      "ACCESS",
      "DELETE",
    ]),
    [keyArg, {
      name: "path-index",
      type: "block",
      optional: true,
      arguments: [pathArg, { name: "index", type: "integer", optional: true }],
    }],
    jsonArrpop,
  ),
  cmd(
    "JSON.ARRINSERT",
    -5,
    WRITE_FAST_DENYOOM,
    FAST_ACL,
    "Inserts values into the arrays at a path",
    oneKey(
      RW_INSERT,
    ),
    [keyArg, pathArg, { name: "index", type: "integer" }, { ...jsonArg, multiple: true }],
    jsonArrinsert,
  ),
  cmd("JSON.ARRTRIM", 5, WRITE_FAST, FAST_ACL, "Trims the arrays at a path to a range", oneKey(RW_UPDATE), [
    keyArg,
    pathArg,
    { name: "start", type: "integer" },
    { name: "end", type: "integer" },
  ], jsonArrtrim),
  cmd(
    "JSON.CLEAR",
    -2,
    WRITE_FAST,
    FAST_ACL,
    "Clears containers, numbers, strings and booleans at a path",
    oneKey(
      RW_UPDATE,
    ),
    [keyArg, optPath],
    jsonClear,
  ),
];
