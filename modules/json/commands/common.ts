/**
 * Glue shared by the JSON commands: the document type handle, key lookups with valkey-json's errors,
 * argument decoding, limit checks, reply helpers and the key specs.
 *
 * @module
 */

import {
  type CommandContext,
  type DataTypeHandle,
  type KeySpec,
  type ModuleCommandSpec,
  ModuleError,
  WRONG_TYPE,
} from "../../../core/module_api/mod.ts";
import { JNum, JObj, type JValue } from "../document.ts";
import { JsonDoc } from "../doc.ts";
import { E, JsonError, type JsonErrorMessage } from "../errors.ts";
import { MAX_DOCUMENT_SIZE, MAX_PATH_LIMIT } from "../configs.ts";
import { isSyntaxError } from "../path.ts";

let docType: DataTypeHandle<JsonDoc> | null = null;

export function setDocType(h: DataTypeHandle<JsonDoc>): void {
  docType = h;
}

/** The registered `ReJSON-RL` type (throws before the module is loaded). */
export function handle(): DataTypeHandle<JsonDoc> {
  if (docType === null) throw new Error("json module is not loaded");
  return docType;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function str(b: Uint8Array): string {
  return decoder.decode(b);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * The document under `key`: null when missing; a non-JSON key fails with `WRONGTYPE Not a JSON document key`.
 * For "read" the document stays in its encoding (readers handle both); "write" switches it to the tree form
 * (doc.ts) and remembers it, so {@link settleDocs} packs it again when the command is done.
 */
export function getDoc(ctx: CommandContext, key: Uint8Array, mode: "read" | "write"): JsonDoc | null {
  const v = lookupDoc(ctx, key, mode);
  if (v !== null && mode === "write") {
    if (!touched.includes(v)) {
      touched.push(v);
      wasTape.push(v.tape !== null);
    }
    v.useTree();
  }
  return v;
}

/** As {@link getDoc}, leaving the document in its encoding (for writes that work on the tape). */
export function lookupDoc(ctx: CommandContext, key: Uint8Array, mode: "read" | "write"): JsonDoc | null {
  const v = ctx.getValue(handle(), key, mode);
  if (v === WRONG_TYPE) throw new JsonError(E.NOT_DOC_KEY);
  return v;
}

/** Documents switched to the tree form by the running command, and whether each was a tape. */
const touched: JsonDoc[] = [];
const wasTape: boolean[] = [];

/** Lets every document the running command wrote pick its encoding again (doc.ts's settle). */
export function settleDocs(): void {
  for (let i = 0; i < touched.length; i++) touched[i]!.settle(wasTape[i]!);
  touched.length = 0;
  wasTape.length = 0;
}

/** As {@link getDoc}, but a missing key fails with `NONEXISTENT Document key does not exist`. */
export function needDoc(ctx: CommandContext, key: Uint8Array): JsonDoc {
  const d = getDoc(ctx, key, "write");
  if (d === null) throw new JsonError(E.KEY_NOT_FOUND);
  return d;
}

export function storeDoc(ctx: CommandContext, key: Uint8Array, doc: JsonDoc): void {
  ctx.setValue(handle(), key, doc);
}

/** After a successful write: keyspace event, WATCH/tracking, propagation. */
export function written(ctx: CommandContext, event: string, key: Uint8Array): void {
  settleDocs(); // before the keyspace re-measures the value
  ctx.signalModifiedKey(key);
  ctx.notifyKeyspaceEvent("g", event, key);
  ctx.replicateVerbatim();
}

export function isRootPath(p: string): boolean {
  return p === "." || p === "$";
}

/** Legacy-path rule when nothing matched: the branch error, else NONEXISTENT. */
export function legacyMissing(sel: { error: JsonErrorMessage | null }): never {
  throw new JsonError(sel.error ?? E.PATH_NOT_EXIST);
}

/** Rethrows a syntax error a v2 selection met (others end only their branch). */
export function checkSelection(sel: { error: JsonErrorMessage | null }): void {
  if (sel.error !== null && isSyntaxError(sel.error)) throw new JsonError(sel.error);
}

export function checkPathLimit(ctx: CommandContext, depth: number): void {
  if (depth > Number(ctx.config(MAX_PATH_LIMIT))) throw new JsonError(E.DOC_PATH_LIMIT);
}

export function checkSizeLimit(ctx: CommandContext, newSize: number): void {
  const limit = Number(ctx.config(MAX_DOCUMENT_SIZE));
  if (limit > 0 && newSize > limit && !ctx.isFromPrimaryOrAof()) throw new JsonError(E.DOC_SIZE_LIMIT);
}

/** Parses an integer argument as Valkey's string2ll does (no sign "+", no leading zeros, int64 range). */
export function parseIntArg(b: Uint8Array, err: JsonErrorMessage): number {
  const s = str(b);
  if (!/^(0|-?[1-9]\d*)$/.test(s)) throw new JsonError(err);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) throw new JsonError(err);
  }
  return n;
}

/**
 * Runs a handler, sending a {@link JsonError} as its wire error. Errors go out as ModuleErrors, so the server
 * drops whatever part of a reply the handler had written before it failed (e.g. a RangeError from a very
 * deep value in the middle of JSON.RESP).
 */
export function run(fn: (ctx: CommandContext) => void): (ctx: CommandContext) => void {
  return (ctx) => {
    try {
      fn(ctx);
    } catch (e) {
      if (e instanceof JsonError) throw new ModuleError(e.wire);
      if (e instanceof RangeError) throw new ModuleError("ERR " + e.message);
      throw e;
    } finally {
      settleDocs();
    }
  };
}

/** JSON.RESP's mapping of a value to RESP. */
export function replyResp(ctx: CommandContext, v: JValue): void {
  const r = ctx.reply;
  if (v === null) r.nullBulk();
  else if (typeof v === "boolean") r.simple(v ? "true" : "false");
  else if (typeof v === "string") r.bulkStr(v);
  else if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) r.int(Number.isSafeInteger(v) ? v : BigInt(v));
    else r.bulkStr(String(v));
  } else if (v instanceof JNum) {
    if (/^-?\d+$/.test(v.text) && v.text.length < 20) {
      const b = BigInt(v.text);
      if (b >= -9223372036854775808n && b <= 9223372036854775807n) {
        r.int(b);
        return;
      }
    }
    r.bulkStr(v.text);
  } else if (v instanceof JObj) {
    r.arrayHeader(v.size + 1);
    r.simple("{");
    for (let i = 0; i < v.keys.length; i++) {
      r.arrayHeader(2);
      r.bulkStr(v.keys[i]!);
      replyResp(ctx, v.vals[i]!);
    }
  } else {
    r.arrayHeader(v.length + 1);
    r.simple("[");
    for (const x of v) replyResp(ctx, x);
  }
}

// ---- key specs and spec helpers ----

export function oneKey(flags: KeySpec["flags"]): KeySpec[] {
  return [{
    flags,
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  }];
}

export const RO: KeySpec["flags"] = ["RO", "ACCESS"];
export const RW_UPDATE: KeySpec["flags"] = ["RW", "UPDATE"];
export const RW_INSERT: KeySpec["flags"] = ["RW", "INSERT"];

export function cmd(
  name: string,
  arity: number,
  flags: ModuleCommandSpec["flags"],
  acl: string[],
  summary: string,
  keySpecs: KeySpec[],
  args: ModuleCommandSpec["arguments"],
  handler: (ctx: CommandContext) => void,
): ModuleCommandSpec {
  return {
    name,
    summary,
    since: "1.0.0",
    group: "module",
    arity,
    flags,
    aclCategories: ["json", ...acl],
    keySpecs,
    arguments: args ?? [],
    handler: run(handler),
  };
}
