/**
 * The JSON module's read commands: JSON.GET, JSON.MGET, JSON.TYPE, JSON.STRLEN, JSON.OBJLEN, JSON.OBJKEYS,
 * JSON.ARRLEN, JSON.ARRINDEX, JSON.RESP and JSON.DEBUG.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { eqIgnoreCase } from "../../../core/module_api/mod.ts";
import { countValues, depthOf, isContainer, JObj, jsonEquals, type JValue, typeOf } from "../document.ts";
import { DOC_OVERHEAD, type JsonDoc } from "../doc.ts";
import { E, JsonError } from "../errors.ts";
import { parseJson } from "../parser.ts";
import { isV2Path, type Match, select } from "../path.ts";
import { COMPACT, type PrintFormat, serialize, serializeArray } from "../serializer.ts";
import { sizeOf } from "../document.ts";
import { cmd, getDoc, legacyMissing, oneKey, parseIntArg, replyResp, RO, str, utf8Length } from "./common.ts";

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
    } else if (eqIgnoreCase(a, "noescape")) continue;
    else paths.push(str(a));
  }
  const doc = getDoc(ctx, argv[1]!, "read");
  if (doc === null) return ctx.reply.nullBulk();
  if (paths.length === 0) paths.push(".");
  if (paths.length === 1) {
    const p = paths[0]!;
    const sel = select(doc.root, p, "read");
    if (sel.v2) return ctx.reply.bulkStr(serializeArray(sel.matches.map((m) => m.value), fmt));
    if (sel.matches.length === 0) legacyMissing(sel);
    return ctx.reply.bulkStr(serialize(sel.matches[0]!.value, fmt));
  }
  const anyV2 = paths.some(isV2Path);
  const out = new JObj();
  for (const p of paths) {
    const sel = select(doc.root, p, "read");
    if (anyV2) out.set(p, sel.matches.map((m) => m.value));
    else {
      if (sel.matches.length === 0) legacyMissing(sel);
      out.set(p, sel.matches[0]!.value);
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
    const sel = select(doc.root, path, "read");
    if (sel.v2) replies.push(serializeArray(sel.matches.map((m) => m.value)));
    else replies.push(sel.matches.length === 0 ? null : serialize(sel.matches[0]!.value));
  }
  ctx.reply.arrayHeader(replies.length);
  for (const r of replies) r === null ? ctx.reply.nullBulk() : ctx.reply.bulkStr(r);
}

// ---- per-match readers (TYPE, STRLEN, OBJLEN, OBJKEYS, ARRLEN, RESP, DEBUG MEMORY/FIELDS) ----

interface Reader {
  /** null: the match has the wrong type (nil in v2 replies). */
  value(v: JValue): unknown;
  /** Legacy error when the first match has the wrong type (undefined: reply nil). */
  wrongType?: JsonError;
  reply(ctx: CommandContext, x: unknown): void;
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
  const sel = select(doc.root, path, "read");
  if (sel.v2) {
    ctx.reply.arrayHeader(sel.matches.length);
    for (const m of sel.matches) {
      const x = r.value(m.value);
      if (x === null) ctx.reply.nullBulk();
      else r.reply(ctx, x);
    }
    return;
  }
  if (sel.matches.length === 0) {
    if (r.missingIsNil && sel.error === null) return ctx.reply.nullBulk();
    legacyMissing(sel);
  }
  // legacy: the first match of the right type
  for (const m of sel.matches) {
    const x = r.value(m.value);
    if (x !== null) return r.reply(ctx, x);
  }
  if (r.wrongType !== undefined) throw r.wrongType;
  ctx.reply.nullBulk();
}

const intReply = (ctx: CommandContext, x: unknown) => ctx.reply.int(x as number);

const typeReader: Reader = {
  value: (v) => typeOf(v),
  reply: (ctx, x) => ctx.reply.simple(x as string),
  missingIsNil: true,
  missingKeyEmptyArray: true,
};

const strlenReader: Reader = {
  value: (v) => typeof v === "string" ? utf8Length(v) : null,
  wrongType: new JsonError(E.NOT_STRING),
  reply: intReply,
};

const objlenReader: Reader = {
  value: (v) => v instanceof JObj ? v.size : null,
  wrongType: new JsonError(E.NOT_OBJECT),
  reply: intReply,
};

const objkeysReader: Reader = {
  value: (v) => v instanceof JObj ? v.keys : null,
  wrongType: new JsonError(E.NOT_OBJECT),
  reply: (ctx, x) => {
    const keys = x as string[];
    ctx.reply.arrayHeader(keys.length);
    for (const k of keys) ctx.reply.bulkStr(k);
  },
  missingIsNil: true,
};

const arrlenReader: Reader = {
  value: (v) => Array.isArray(v) ? v.length : null,
  wrongType: new JsonError(E.NOT_ARRAY),
  reply: intReply,
};

const respReader: Reader = {
  value: (v) => ({ v }),
  reply: (ctx, x) => replyResp(ctx, (x as { v: JValue }).v),
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
  const sel = select(doc.root, path, "read");
  if (!sel.v2) {
    if (sel.matches.length === 0) legacyMissing(sel);
    if (!sel.matches.some((m) => Array.isArray(m.value))) throw new JsonError(E.NOT_ARRAY);
  }
  const needle = parseJson(argv[3]!);
  // start < 0 counts from 0; stop 0 or -1 means "to the end"; any other negative stop selects nothing
  const find = (arr: JValue[]): number => {
    const n = arr.length;
    const s = Math.max(start, 0);
    let e = stop === 0 || stop === -1 ? n : stop;
    if (e > n) e = n;
    for (let i = s; i < e; i++) if (jsonEquals(arr[i]!, needle)) return i;
    return -1;
  };
  if (sel.v2) {
    ctx.reply.arrayHeader(sel.matches.length);
    for (const m of sel.matches) Array.isArray(m.value) ? ctx.reply.int(find(m.value)) : ctx.reply.nullBulk();
    return;
  }
  ctx.reply.int(find(sel.matches.find((m) => Array.isArray(m.value))!.value as JValue[]));
}

// ---- JSON.DEBUG ----

const DEBUG_HELP = [
  "JSON.DEBUG MEMORY <key> [path] - report memory size (bytes). Without path, path defaults to root. " +
  "Report memory of the whole document if path is root.",
  "JSON.DEBUG FIELDS <key> [path] - report number of fields in the JSON element. Without path, " +
  "path defaults to root.",
  "JSON.DEBUG DEPTH <key> - report the maximum path depth of the JSON document.",
  "JSON.DEBUG HELP - print help message.",
];

function debugMeasure(ctx: CommandContext, memory: boolean): void {
  const argv = ctx.argv;
  if (argv.length > 4) return ctx.wrongArity();
  const doc = getDoc(ctx, argv[2]!, "read");
  const path = argv[3] === undefined ? "." : str(argv[3]);
  if (doc === null) return isV2Path(path) ? ctx.reply.arrayHeader(0) : ctx.reply.nullBulk();
  const measure = (m: Match): number => {
    // without a path: the tracked size; with one: measured by walking the tree (the two must agree)
    if (memory) {
      return m.parent !== null
        ? sizeOf(m.value)
        : argv[3] === undefined
        ? doc.size
        : DOC_OVERHEAD + sizeOf(doc.root);
    }
    const n = countValues(m.value);
    return isContainer(m.value) ? n - 1 : n;
  };
  const sel = select(doc.root, path, "read");
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
  ctx.reply.int(depthOf(doc.root));
}

function debugHelp(ctx: CommandContext): void {
  ctx.reply.arrayHeader(DEBUG_HELP.length);
  for (const l of DEBUG_HELP) ctx.reply.bulkStr(l);
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
    ],
  },
];
