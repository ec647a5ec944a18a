/**
 * The JSON module's read commands: JSON.GET, JSON.MGET, JSON.TYPE, JSON.STRLEN, JSON.OBJLEN, JSON.OBJKEYS,
 * JSON.ARRLEN, JSON.ARRINDEX, JSON.RESP and JSON.DEBUG.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec, ScanEntry } from "../../../core/module_api/mod.ts";
import { eqIgnoreCase, WRONG_TYPE } from "../../../core/module_api/mod.ts";
import { JObj, jsonEquals } from "../document.ts";
import type { JsonDoc } from "../doc.ts";
import { E, JsonError } from "../errors.ts";
import { K_ARRAY, K_OBJECT, K_STRING } from "../node.ts";
import { parseJson } from "../parser.ts";
import { isV2Path, type Match, selectIn } from "../path.ts";
import { COMPACT, type PrintFormat, serialize } from "../serializer.ts";
import { type DocView, serializeList, viewOf } from "../view.ts";
import {
  cmd,
  getDoc,
  handle,
  legacyMissing,
  oneKey,
  parseIntArg,
  replyResp,
  RO,
  str,
  utf8Length,
} from "./common.ts";

const READ_FLAGS: ModuleCommandSpec["flags"] = ["READONLY", "FAST"];
/** Module commands carry exactly the categories they declare (as valkey-json's "json read fast"). */
const READ_ACL = ["read", "fast"];
const DEBUG_ACL = ["read", "slow"];

function pathArg(ctx: CommandContext, i: number): string {
  const b = ctx.argv[i];
  return b === undefined ? "." : str(b);
}

// ---- JSON.GET ----

function jsonGet(ctx: CommandContext): void {
  const argv = ctx.argv;
  const fmt: PrintFormat = { ...COMPACT };
  const paths: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!;
    const opt = eqIgnoreCase(a, "indent")
      ? "indent"
      : eqIgnoreCase(a, "newline")
      ? "newline"
      : eqIgnoreCase(a, "space")
      ? "space"
      : null;
    if (opt !== null) {
      if (i + 1 >= argv.length) throw new JsonError(E.SYNTAX);
      fmt[opt] = str(argv[++i]!);
    } else if (eqIgnoreCase(a, "noescape")) continue; // valkey-json: accepted for compatibility, no effect
    else paths.push(str(a));
  }
  const doc = getDoc(ctx, argv[1]!, "read");
  if (doc === null) return ctx.reply.nullBulk();
  const view = viewOf(doc);
  if (paths.length === 0) paths.push(".");
  if (paths.length === 1) {
    const p = paths[0]!;
    const sel = selectIn(view.ops, view.root, p, "read");
    if (sel.v2) return ctx.reply.bulkStr(serializeList(view, sel.matches.map((m) => m.value), fmt));
    if (sel.matches.length === 0) legacyMissing(sel);
    return ctx.reply.bulkStr(view.serialize(sel.matches[0]!.value, fmt));
  }
  // several paths: one object keyed by the paths, of the matched values
  const anyV2 = paths.some(isV2Path);
  const out = new JObj();
  for (const p of paths) {
    const sel = selectIn(view.ops, view.root, p, "read");
    if (anyV2) out.set(p, sel.matches.map((m) => view.ops.value(m.value)));
    else {
      if (sel.matches.length === 0) legacyMissing(sel);
      out.set(p, view.ops.value(sel.matches[0]!.value));
    }
  }
  ctx.reply.bulkStr(serialize(out, fmt));
}

// ---- JSON.MGET ----

function jsonMget(ctx: CommandContext): void {
  const argv = ctx.argv;
  const path = str(argv[argv.length - 1]!);
  const docs: (JsonDoc | null)[] = [];
  for (let i = 1; i < argv.length - 1; i++) docs.push(getDoc(ctx, argv[i]!, "read"));
  const replies: (string | null)[] = [];
  for (const doc of docs) {
    if (doc === null) {
      replies.push(null);
      continue;
    }
    const view = viewOf(doc);
    const sel = selectIn(view.ops, view.root, path, "read");
    if (sel.v2) replies.push(serializeList(view, sel.matches.map((m) => m.value), COMPACT));
    else replies.push(sel.matches.length === 0 ? null : view.serialize(sel.matches[0]!.value, COMPACT));
  }
  ctx.reply.arrayHeader(replies.length);
  for (const r of replies) r === null ? ctx.reply.nullBulk() : ctx.reply.bulkStr(r);
}

// ---- per-match readers (TYPE, STRLEN, OBJLEN, OBJKEYS, ARRLEN, RESP, DEBUG MEMORY/FIELDS) ----

interface Reader {
  /** null: the match has the wrong type (nil in v2 replies). */
  value(view: DocView<unknown>, n: unknown): unknown;
  /** Legacy error when the first match has the wrong type (undefined: reply nil). */
  wrongType?: JsonError;
  reply(ctx: CommandContext, x: unknown, view: DocView<unknown>): void;
  /** Legacy: missing path replies nil instead of NONEXISTENT. */
  missingIsNil?: boolean;
  /** v2 reply for a missing key: empty array instead of nil. */
  missingKeyEmptyArray?: boolean;
}

function perMatch(ctx: CommandContext, r: Reader): void {
  const doc = getDoc(ctx, ctx.argv[1]!, "read");
  const path = pathArg(ctx, 2);
  if (doc === null) {
    if (r.missingKeyEmptyArray && isV2Path(path)) return ctx.reply.arrayHeader(0);
    return ctx.reply.nullBulk();
  }
  const view = viewOf(doc);
  const sel = selectIn(view.ops, view.root, path, "read");
  if (sel.v2) {
    ctx.reply.arrayHeader(sel.matches.length);
    for (const m of sel.matches) {
      const x = r.value(view, m.value);
      if (x === null) ctx.reply.nullBulk();
      else r.reply(ctx, x, view);
    }
    return;
  }
  if (sel.matches.length === 0) {
    if (r.missingIsNil && sel.error === null) return ctx.reply.nullBulk();
    legacyMissing(sel);
  }
  // legacy: the first match of the right type
  for (const m of sel.matches) {
    const x = r.value(view, m.value);
    if (x !== null) return r.reply(ctx, x, view);
  }
  if (r.wrongType !== undefined) throw r.wrongType;
  ctx.reply.nullBulk();
}

const intReply = (ctx: CommandContext, x: unknown) => ctx.reply.int(x as number);

const typeReader: Reader = {
  value: (view, n) => view.type(n),
  reply: (ctx, x) => ctx.reply.simple(x as string),
  missingIsNil: true,
  missingKeyEmptyArray: true,
};

const strlenReader: Reader = {
  value: (view, n) => view.ops.kind(n) === K_STRING ? utf8Length(view.text(n)) : null,
  wrongType: new JsonError(E.NOT_STRING),
  reply: intReply,
};

const objlenReader: Reader = {
  value: (view, n) => view.ops.kind(n) === K_OBJECT ? view.ops.length(n) : null,
  wrongType: new JsonError(E.NOT_OBJECT),
  reply: intReply,
};

const objkeysReader: Reader = {
  value: (view, n) => view.ops.kind(n) === K_OBJECT ? view.ops.children(n).keys : null,
  wrongType: new JsonError(E.NOT_OBJECT),
  reply: (ctx, x) => {
    const keys = x as string[];
    ctx.reply.arrayHeader(keys.length);
    for (const k of keys) ctx.reply.bulkStr(k);
  },
  missingIsNil: true,
};

const arrlenReader: Reader = {
  value: (view, n) => view.ops.kind(n) === K_ARRAY ? view.ops.length(n) : null,
  wrongType: new JsonError(E.NOT_ARRAY),
  reply: intReply,
};

/** JSON.RESP of a node: containers walked in place, scalars through common.ts's mapping. */
function replyRespNode<N>(ctx: CommandContext, view: DocView<N>, n: N): void {
  const ops = view.ops;
  const k = ops.kind(n);
  if (k !== K_ARRAY && k !== K_OBJECT) return replyResp(ctx, ops.value(n));
  const { keys, vals } = ops.children(n);
  ctx.reply.arrayHeader(vals.length + 1);
  ctx.reply.simple(keys === null ? "[" : "{");
  for (let i = 0; i < vals.length; i++) {
    if (keys !== null) {
      ctx.reply.arrayHeader(2);
      ctx.reply.bulkStr(keys[i]!);
    }
    replyRespNode(ctx, view, vals[i]!);
  }
}

const respReader: Reader = {
  value: (_view, n) => ({ n }),
  reply: (ctx, x, view) => replyRespNode(ctx, view, (x as { n: unknown }).n),
  missingKeyEmptyArray: true,
};

// ---- JSON.ARRINDEX ----

function jsonArrindex(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 6) return ctx.wrongArity();
  const path = str(argv[2]!);
  const start = argv.length > 4 ? parseIntArg(argv[4]!, E.VALUE_NOT_INTEGER) : 0;
  const stop = argv.length > 5 ? parseIntArg(argv[5]!, E.VALUE_NOT_INTEGER) : 0;
  const doc = getDoc(ctx, argv[1]!, "read");
  if (doc === null) throw new JsonError(E.KEY_NOT_FOUND);
  const view = viewOf(doc);
  const ops = view.ops;
  const sel = selectIn(ops, view.root, path, "read");
  const isArray = (n: unknown) => ops.kind(n) === K_ARRAY;
  if (!sel.v2) {
    if (sel.matches.length === 0) legacyMissing(sel);
    if (!sel.matches.some((m) => isArray(m.value))) throw new JsonError(E.NOT_ARRAY);
  }
  const needle = parseJson(argv[3]!);
  // start < 0 counts from 0; stop 0 or -1 means "to the end"; any other negative stop selects nothing
  const find = (arr: unknown): number => {
    const elems = ops.children(arr).vals;
    const n = elems.length;
    const s = Math.max(start, 0);
    let e = stop === 0 || stop === -1 ? n : stop;
    if (e > n) e = n;
    for (let i = s; i < e; i++) if (jsonEquals(ops.value(elems[i]!), needle)) return i;
    return -1;
  };
  if (sel.v2) {
    ctx.reply.arrayHeader(sel.matches.length);
    for (const m of sel.matches) isArray(m.value) ? ctx.reply.int(find(m.value)) : ctx.reply.nullBulk();
    return;
  }
  ctx.reply.int(find(sel.matches.find((m) => isArray(m.value))!.value));
}

// ---- JSON.DEBUG ----

/**
 * JSON.DEBUG HELP: valkey-json 1.0's lines, word for word, for the subcommands this module has (its
 * KEYTABLE-* lines describe an interning table this module does not have, and are left out).
 */
const DEBUG_HELP = [
  "JSON.DEBUG MEMORY <key> [path] - report memory size (bytes). Without path reports document size without " +
  "keys. With path reports size including keys",
  "JSON.DEBUG DEPTH <key> - report the maximum path depth of the JSON document.",
  "JSON.DEBUG FIELDS <key> [path] - report number of fields in the JSON element. Path defaults to root if " +
  "not provided.",
  "JSON.DEBUG HELP - print help message.",
  "------- DANGER, LONG RUNNING COMMANDS, DON'T USE ON PRODUCTION SYSTEM --------",
  "JSON.DEBUG MAX-DEPTH-KEY - Find JSON key with maximum depth",
  "JSON.DEBUG MAX-SIZE-KEY  - Find JSON key with largest memory size",
];

/**
 * JSON.DEBUG MAX-DEPTH-KEY / MAX-SIZE-KEY: walks every key of the selected database (the module API's
 * keyspace scan, as valkey-json uses RM_Scan) and replies `[max, key]` for the JSON document with the
 * greatest path depth (as DEPTH reports it) or memory size (as MEMORY without a path reports it). Only a
 * strictly greater value replaces the leader, so among ties the first document the walk meets wins, and
 * with no document above 0 (no document at all, or only scalars for DEPTH) the reply is `[0, ""]`. The
 * name goes out as a simple string, as valkey-json's C string: cut at a NUL byte; CR/LF (which would
 * break the protocol there) become spaces. Holds the server for the whole walk, like valkey-json's.
 */
function debugMaxKey(ctx: CommandContext, measure: (doc: JsonDoc) => number): void {
  const type = handle();
  let max = 0;
  let name: Uint8Array | null = null;
  const cursor = ctx.createScanCursor();
  const visit = (key: Uint8Array, entry: ScanEntry): void => {
    const doc = entry.value(type);
    if (doc === WRONG_TYPE) return;
    const m = measure(doc);
    if (m > max) {
      max = m;
      name = key;
    }
  };
  while (ctx.scan(cursor, visit)) {
    // one bucket per step, until the walk is complete
  }
  let s = "";
  if (name !== null) {
    const k: Uint8Array = name;
    const nul = k.indexOf(0);
    s = str(nul === -1 ? k : k.subarray(0, nul)).replace(/[\r\n]/g, " ");
  }
  ctx.reply.arrayHeader(2);
  ctx.reply.int(max);
  ctx.reply.simple(s);
}

function debugMeasure(ctx: CommandContext, memory: boolean): void {
  const argv = ctx.argv;
  if (argv.length > 4) return ctx.wrongArity();
  const doc = getDoc(ctx, argv[2]!, "read");
  const path = argv[3] === undefined ? "." : str(argv[3]);
  if (doc === null) return isV2Path(path) ? ctx.reply.arrayHeader(0) : ctx.reply.nullBulk();
  const view = viewOf(doc);
  const measure = (m: Match<unknown, unknown>): number => {
    // without a path: the tracked size; with one: measured again (the two must agree)
    if (memory) {
      return m.parent !== null ? view.size(m.value) : argv[3] === undefined ? doc.size : doc.measure();
    }
    const n = view.count(m.value);
    const k = view.ops.kind(m.value);
    return k === K_ARRAY || k === K_OBJECT ? n - 1 : n;
  };
  const sel = selectIn(view.ops, view.root, path, "read");
  if (sel.v2) {
    ctx.reply.arrayHeader(sel.matches.length);
    for (const m of sel.matches) ctx.reply.int(measure(m));
    return;
  }
  if (sel.matches.length === 0) legacyMissing(sel);
  ctx.reply.int(measure(sel.matches[0]!));
}

function debugDepth(ctx: CommandContext): void {
  const doc = getDoc(ctx, ctx.argv[2]!, "read");
  if (doc === null) return ctx.reply.nullBulk();
  const view = viewOf(doc);
  ctx.reply.int(view.depth(view.root));
}

function debugHelp(ctx: CommandContext): void {
  ctx.reply.arrayHeader(DEBUG_HELP.length);
  for (const l of DEBUG_HELP) ctx.reply.simple(l);
}

/** The key spec of a JSON.DEBUG subcommand that takes a key (argv: JSON.DEBUG SUB key ...). */
const DEBUG_KEY = [{
  flags: RO,
  beginSearch: { index: { pos: 2 } },
  findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
}];

const keyArg = { name: "key", type: "key" as const, keySpecIndex: 0 };
const optPath = { name: "path", type: "string" as const, optional: true };

export const readCommands: ModuleCommandSpec[] = [
  cmd("JSON.GET", -2, READ_FLAGS, READ_ACL, "Gets the JSON value(s) at one or more paths", oneKey(RO), [
    keyArg,
    { name: "indent", type: "string", token: "INDENT", optional: true },
    { name: "newline", type: "string", token: "NEWLINE", optional: true },
    { name: "space", type: "string", token: "SPACE", optional: true },
    { name: "noescape", type: "pure-token", token: "NOESCAPE", optional: true },
    { name: "path", type: "string", optional: true, multiple: true },
  ], jsonGet),
  cmd(
    "JSON.MGET",
    -3,
    READ_FLAGS,
    READ_ACL,
    "Gets the JSON value at a path from several keys",
    [{
      flags: RO,
      beginSearch: { index: { pos: 1 } },
      findKeys: { range: { lastkey: -2, step: 1, limit: 0 } },
    }],
    [{ ...keyArg, multiple: true }, { name: "path", type: "string" }],
    jsonMget,
  ),
  cmd("JSON.TYPE", -2, READ_FLAGS, READ_ACL, "Reports the type of the JSON value at a path", oneKey(RO), [
    keyArg,
    optPath,
  ], (ctx) => {
    if (ctx.argv.length > 3) return ctx.wrongArity();
    perMatch(ctx, typeReader);
  }),
  cmd("JSON.STRLEN", -2, READ_FLAGS, READ_ACL, "Gets the length of the JSON string at a path", oneKey(RO), [
    keyArg,
    optPath,
  ], (ctx) => {
    if (ctx.argv.length > 3) return ctx.wrongArity();
    perMatch(ctx, strlenReader);
  }),
  cmd(
    "JSON.OBJLEN",
    -2,
    READ_FLAGS,
    READ_ACL,
    "Gets the number of members of the JSON object at a path",
    oneKey(RO),
    [
      keyArg,
      optPath,
    ],
    (ctx) => {
      if (ctx.argv.length > 3) return ctx.wrongArity();
      perMatch(ctx, objlenReader);
    },
  ),
  cmd(
    "JSON.OBJKEYS",
    -2,
    READ_FLAGS,
    READ_ACL,
    "Gets the member names of the JSON object at a path",
    oneKey(RO),
    [
      keyArg,
      optPath,
    ],
    (ctx) => {
      if (ctx.argv.length > 3) return ctx.wrongArity();
      perMatch(ctx, objkeysReader);
    },
  ),
  cmd("JSON.ARRLEN", -2, READ_FLAGS, READ_ACL, "Gets the length of the JSON array at a path", oneKey(RO), [
    keyArg,
    optPath,
  ], (ctx) => {
    if (ctx.argv.length > 3) return ctx.wrongArity();
    perMatch(ctx, arrlenReader);
  }),
  cmd("JSON.RESP", -2, READ_FLAGS, READ_ACL, "Returns the JSON value at a path in RESP form", oneKey(RO), [
    keyArg,
    optPath,
  ], (ctx) => {
    if (ctx.argv.length > 3) return ctx.wrongArity();
    perMatch(ctx, respReader);
  }),
  cmd(
    "JSON.ARRINDEX",
    -4,
    READ_FLAGS,
    READ_ACL,
    "Searches for a JSON value in the array at a path",
    oneKey(RO),
    [
      keyArg,
      { name: "path", type: "string" },
      { name: "json-scalar", type: "string" },
      {
        name: "range",
        type: "block",
        optional: true,
        arguments: [{ name: "start", type: "integer" }, { name: "end", type: "integer", optional: true }],
      },
    ],
    jsonArrindex,
  ),
  {
    name: "JSON.DEBUG",
    summary: "Reports information about JSON documents",
    since: "1.0.0",
    group: "module",
    arity: -2,
    flags: ["READONLY"],
    aclCategories: ["json", "read", "slow"],
    subcommands: [
      cmd(
        "MEMORY",
        -3,
        ["READONLY"],
        DEBUG_ACL,
        "Reports the memory size of JSON values, in bytes",
        DEBUG_KEY,
        [
          keyArg,
          optPath,
        ],
        (ctx) => debugMeasure(ctx, true),
      ),
      cmd("FIELDS", -3, ["READONLY"], DEBUG_ACL, "Reports the number of fields of JSON values", DEBUG_KEY, [
        keyArg,
        optPath,
      ], (ctx) => debugMeasure(ctx, false)),
      cmd(
        "DEPTH",
        3,
        ["READONLY"],
        DEBUG_ACL,
        "Reports the maximum path depth of a JSON document",
        DEBUG_KEY,
        [
          keyArg,
        ],
        debugDepth,
      ),
      cmd(
        "HELP",
        2,
        ["READONLY"],
        DEBUG_ACL,
        "Shows helpful information about JSON.DEBUG",
        [],
        [],
        debugHelp,
      ),
      cmd(
        "MAX-DEPTH-KEY",
        2,
        ["READONLY"],
        DEBUG_ACL,
        "Finds the JSON document with the greatest path depth in the database",
        [],
        [],
        (ctx) =>
          debugMaxKey(ctx, (doc) => {
            const view = viewOf(doc);
            return view.depth(view.root);
          }),
      ),
      cmd(
        "MAX-SIZE-KEY",
        2,
        ["READONLY"],
        DEBUG_ACL,
        "Finds the JSON document with the largest memory size in the database",
        [],
        [],
        (ctx) => debugMaxKey(ctx, (doc) => doc.size),
      ),
    ],
  },
];
