/**
 * SET (NX XX GET EX PX EXAT PXAT KEEPTTL), SETNX, SETEX, PSETEX.
 *
 * All four run through {@link setGeneric}, Valkey's setGenericCommand, in its order: the expire argument is
 * validated first, then GET replies the old value (or fails with WRONGTYPE before anything is written), then
 * NX/XX decide, then an EXAT/PXAT time already in the past deletes the key instead of writing it (an
 * `expired` event, as Valkey's deleteExpiredKeyFromOverwriteAndPropagate), else the value is stored (`new`
 * when created, `set`, plus `expire` when a TTL was given).
 *
 * IFEQ (Valkey 8.1) is not part of the core: without the module that adds it, `IFEQ` is a syntax error as in
 * Valkey 8.0. SET offers the extension point `condition` (extensions.ts): a module may add a member of the
 * `NX | XX` choice, a token with one operand; SET then asks it, with the key's current value, whether the
 * write proceeds (Valkey 8.1's order for IFEQ: after GET replied the old value, before NX/XX).
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import type { CommandExtension, CommandExtensions } from "../extensions.ts";
import { WRONG_TYPE } from "../../module_api/types.ts";
import { ERR_SYNTAX, ERR_WRONGTYPE } from "../errors.ts";
import { deletionWord, PXAT_WORD, SET_WORD, word } from "../../server/propagate.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { expireArgument, oneKey, optionIs, writeString } from "./common.ts";
import { alreadyExpired } from "../generic/common.ts";
import { keysWithFlags } from "../server/keys_from_spec.ts";
import { encodingFor, setExpireKeepingEncoding, storedEncoding } from "./encoding.ts";

const NX = 1 << 0;
const XX = 1 << 1;
const EX = 1 << 2;
const PX = 1 << 3;
const KEEPTTL = 1 << 4;
const GET = 1 << 5;
const EXAT = 1 << 6;
const PXAT = 1 << 7;
/** A module's condition (the `condition` extension point) was given. */
const EXT_COND = 1 << 8;

/** A module-added condition of one SET call and its operand. */
export interface SetCondition {
  ext: CommandExtension;
  operand: Uint8Array;
}

/** Replies of SET-like commands when they write or when NX/XX stopped them. */
const REPLY_OK = 0;
const REPLY_INT = 1;

/**
 * Valkey's setGenericCommand. `expire` is the expire word or undefined; `flags` says its unit and whether it
 * is relative. `replies`: OK / null (SET, SETEX, PSETEX) or :1 / :0 (SETNX).
 */
export function setGeneric(
  call: CommandCall,
  key: Uint8Array,
  value: Uint8Array,
  flags: number,
  expire: Uint8Array | undefined,
  replies: number,
  cond?: SetCondition,
): void {
  let when = -1;
  if (expire !== undefined) {
    when = expireArgument(call, expire, (flags & (EX | EXAT)) !== 0, (flags & (EX | PX)) !== 0);
  }
  const db = call.db;
  const reply = call.reply;
  if ((flags & GET) !== 0) {
    const old = lookupRead(call, key, db);
    if (old === NO_ENTRY) reply.nullBulk();
    else if (!db.isString(old)) return call.error(ERR_WRONGTYPE);
    else reply.bulk(db.getString(old));
  }
  let ref = lookupWrite(call, key, db);
  const found = ref !== NO_ENTRY;
  if (cond !== undefined) {
    // With GET, a non-string key already got its WRONGTYPE above.
    const current = !found ? null : db.isString(ref) ? db.getString(ref) : WRONG_TYPE;
    if (!call.server.commands.extensions.check(cond.ext, current, cond.operand)) {
      if ((flags & GET) === 0) reply.nullBulk();
      return;
    }
  }
  if (((flags & NX) !== 0 && found) || ((flags & XX) !== 0 && !found)) {
    if ((flags & GET) === 0) {
      if (replies === REPLY_INT) reply.int(0);
      else reply.nullBulk();
    }
    return;
  }
  if (expire !== undefined && alreadyExpired(call, when)) {
    // An absolute time already in the past: the key is gone rather than written.
    if (found) {
      db.deleteRef(ref);
      db.expiredKeys++;
      call.dirty();
      call.keyModified(db, key);
      call.notify("x", "expired", key, db.id);
      if (call.propagating) call.propagateAs([deletionWord(call, "lazyfree-lazy-expire"), key]);
    }
    if ((flags & GET) === 0) reply.ok();
    return;
  }
  const keepTtl = (flags & KEEPTTL) !== 0 || expire !== undefined;
  // The value is embedded with the old TTL still attached; a new TTL is added afterwards.
  const volatile = found && db.getExpire(ref) !== -1;
  const enc = storedEncoding(encodingFor(value), key.length, value.length, volatile);
  ref = writeString(call, db, key, ref, value, enc, keepTtl);
  call.keyModified(db, key);
  if (expire !== undefined) setExpireKeepingEncoding(db, ref, when);
  call.dirty();
  call.notify("$", "set", key, db.id);
  if (expire !== undefined) call.notify("g", "expire", key, db.id);
  // A relative or second-precision TTL is propagated as SET key value PXAT <absolute ms>.
  if (expire !== undefined && (flags & PXAT) === 0 && call.propagating) {
    call.propagateAs([SET_WORD, key, value, PXAT_WORD, word(when)]);
  }
  if ((flags & GET) === 0) {
    if (replies === REPLY_INT) reply.int(1);
    else reply.ok();
  }
}

/**
 * SET's option words (Valkey's parseExtendedStringArgumentsOrReply for SET): returns the flags and the expire
 * word, or null on a syntax error. Options may repeat (`NX NX`, `EX 1 EX 2`: the last time wins) but
 * conflicting ones (`NX XX`, `EX 1 PX 2`, `KEEPTTL EX 1`) are a syntax error.
 */
export function parseSetOptions(
  argv: readonly Uint8Array[],
  start: number,
  extensions?: CommandExtensions,
): [number, Uint8Array | undefined, SetCondition | undefined] | null {
  let flags = 0;
  let expire: Uint8Array | undefined;
  let cond: SetCondition | undefined;
  const argc = argv.length;
  for (let j = start; j < argc; j++) {
    const opt = argv[j]!;
    const hasNext = j + 1 < argc;
    if (optionIs(opt, "nx") && (flags & (XX | EXT_COND)) === 0) flags |= NX;
    else if (optionIs(opt, "xx") && (flags & (NX | EXT_COND)) === 0) flags |= XX;
    else if (optionIs(opt, "get")) flags |= GET;
    else if (optionIs(opt, "keepttl") && (flags & (EX | EXAT | PX | PXAT)) === 0) flags |= KEEPTTL;
    else if (optionIs(opt, "ex") && (flags & (KEEPTTL | EXAT | PX | PXAT)) === 0 && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (optionIs(opt, "px") && (flags & (KEEPTTL | EX | EXAT | PXAT)) === 0 && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (optionIs(opt, "exat") && (flags & (KEEPTTL | EX | PX | PXAT)) === 0 && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (optionIs(opt, "pxat") && (flags & (KEEPTTL | EX | EXAT | PX)) === 0 && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      // A condition a module added (IFEQ): exclusive with NX, XX and any other condition.
      const ext = extensions?.find("set", "condition", opt);
      if (ext === undefined || (flags & (NX | XX | EXT_COND)) !== 0 || !hasNext) return null;
      flags |= EXT_COND;
      cond = { ext, operand: argv[++j]! };
    }
  }
  return [flags, expire, cond];
}

function setHandler(call: CommandCall): void {
  const argv = call.argv;
  if (argv.length === 3) return setGeneric(call, argv[1]!, argv[2]!, 0, undefined, REPLY_OK);
  const parsed = parseSetOptions(argv, 3, call.server.commands.extensions);
  if (parsed === null) return call.error(ERR_SYNTAX);
  setGeneric(call, argv[1]!, argv[2]!, parsed[0], parsed[1], REPLY_OK, parsed[2]);
}

export const setSpec: CommandSpec = {
  name: "set",
  summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
  since: "1.0.0",
  group: "string",
  complexity: "O(1)",
  arity: -3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  keySpecs: [
    oneKey(["RW", "ACCESS", "UPDATE", "VARIABLE_FLAGS"], "RW and ACCESS due to the optional `GET` argument"),
  ],
  // Valkey's setGetKeys: the key is read only when a GET word follows the value; otherwise it is overwritten.
  getKeys: (argv) =>
    keysWithFlags([1], [
      argv.slice(3).some((a) => optionIs(a, "get")) ? ["RW", "ACCESS", "UPDATE"] : ["OW", "UPDATE"],
    ]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string" },
    {
      name: "condition",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "nx", type: "pure-token", token: "NX", since: "2.6.12" },
        { name: "xx", type: "pure-token", token: "XX", since: "2.6.12" },
      ],
    },
    { name: "get", type: "pure-token", token: "GET", optional: true, since: "6.2.0" },
    {
      name: "expiration",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "seconds", type: "integer", token: "EX", since: "2.6.12" },
        { name: "milliseconds", type: "integer", token: "PX", since: "2.6.12" },
        { name: "unix-time-seconds", type: "unix-time", token: "EXAT", since: "6.2.0" },
        { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT", since: "6.2.0" },
        { name: "keepttl", type: "pure-token", token: "KEEPTTL", since: "6.0.0" },
      ],
    },
  ],
  history: [
    ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
    ["6.0.0", "Added the `KEEPTTL` option."],
    ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
    ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
  ],
  parse: "manual",
  handler: setHandler,
};

export const setnxSpec: CommandSpec = {
  name: "setnx",
  summary: "Set the string value of a key only when the key doesn't exist.",
  since: "1.0.0",
  group: "string",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["OW", "INSERT"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string" },
  ],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "2.6.12",
  replacedBy: "`SET` with the `NX` argument",
  parse: "manual",
  handler: (call) => setGeneric(call, call.argv[1]!, call.argv[2]!, NX, undefined, REPLY_INT),
};

export const setexSpec: CommandSpec = {
  name: "setex",
  summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
  since: "2.0.0",
  group: "string",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["OW", "UPDATE"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "seconds", type: "integer" },
    { name: "value", type: "string" },
  ],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "2.6.12",
  replacedBy: "`SET` with the `EX` argument",
  parse: "manual",
  handler: (call) => setGeneric(call, call.argv[1]!, call.argv[3]!, EX, call.argv[2]!, REPLY_OK),
};

export const psetexSpec: CommandSpec = {
  name: "psetex",
  summary:
    "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
  since: "2.6.0",
  group: "string",
  complexity: "O(1)",
  arity: 4,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["OW", "UPDATE"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "milliseconds", type: "integer" },
    { name: "value", type: "string" },
  ],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "2.6.12",
  replacedBy: "`SET` with the `PX` argument",
  parse: "manual",
  handler: (call) => setGeneric(call, call.argv[1]!, call.argv[3]!, PX, call.argv[2]!, REPLY_OK),
};
