/**
 * GET, GETEX (EX PX EXAT PXAT PERSIST), GETDEL, GETSET.
 *
 * GET is the hottest command of all: one expiry-aware lookup, one type test, the value's bytes copied once
 * into the reply buffer.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX, ERR_WRONGTYPE } from "../errors.ts";
import {
  DEL_WORD,
  deletionWord,
  PERSIST_WORD,
  PEXPIREAT_WORD,
  SET_WORD,
  word,
} from "../../server/propagate.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { expireArgument, oneKey, optionIs, writeString } from "./common.ts";
import { alreadyExpired } from "../generic/common.ts";
import { encodingFor, setExpireKeepingEncoding, storedEncoding } from "./encoding.ts";

/**
 * Valkey's getGenericCommand: replies the value (or null) and returns its ref, or replies WRONGTYPE and
 * returns -2.
 */
function getGeneric(call: CommandCall, key: Uint8Array): number {
  const db = call.db;
  const ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) {
    call.reply.nullBulk();
    return NO_ENTRY;
  }
  if (!db.isString(ref)) {
    call.error(ERR_WRONGTYPE);
    return -2;
  }
  call.reply.bulk(db.getString(ref));
  return ref;
}

function getHandler(call: CommandCall): void {
  const db = call.db;
  const ref = lookupRead(call, call.argv[1]!, db);
  if (ref === NO_ENTRY) return call.reply.nullBulk();
  if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
  call.reply.bulk(db.getString(ref));
}

const EX = 1;
const PX = 2;
const EXAT = 4;
const PXAT = 8;
const PERSIST = 16;

function getexHandler(call: CommandCall): void {
  const argv = call.argv;
  let flags = 0;
  let expire: Uint8Array | undefined;
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!;
    const hasNext = j + 1 < argv.length;
    if (optionIs(opt, "persist") && (flags & (EX | EXAT | PX | PXAT)) === 0) flags |= PERSIST;
    else if (optionIs(opt, "ex") && (flags & (PERSIST | EXAT | PX | PXAT)) === 0 && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (optionIs(opt, "px") && (flags & (PERSIST | EX | EXAT | PXAT)) === 0 && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (optionIs(opt, "exat") && (flags & (PERSIST | EX | PX | PXAT)) === 0 && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (optionIs(opt, "pxat") && (flags & (PERSIST | EX | EXAT | PX)) === 0 && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      return call.error(ERR_SYNTAX);
    }
  }
  const key = argv[1]!;
  const db = call.db;
  let ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) return call.reply.nullBulk();
  if (!db.isString(ref)) return call.error(ERR_WRONGTYPE);
  // The time is validated only once the key is known to exist (a missing key replies null regardless).
  let when = -1;
  if (expire !== undefined) {
    when = expireArgument(call, expire, (flags & (EX | EXAT)) !== 0, (flags & (EX | PX)) !== 0);
  }
  call.reply.bulk(db.getString(ref));
  if ((flags & (EXAT | PXAT)) !== 0 && alreadyExpired(call, when)) {
    db.deleteRef(ref);
    db.expiredKeys++;
    call.dirty();
    call.keyModified(db, key);
    call.notify("x", "expired", key, db.id);
    if (call.propagating) call.propagateAs([deletionWord(call, "lazyfree-lazy-expire"), key]);
  } else if (expire !== undefined) {
    ref = setExpireKeepingEncoding(db, ref, when);
    call.keyModified(db, key);
    call.notify("g", "expire", key, db.id);
    call.dirty();
    // Propagated as PEXPIREAT with the absolute time.
    if (call.propagating) call.propagateAs([PEXPIREAT_WORD, key, word(when)]);
  } else if ((flags & PERSIST) !== 0 && db.getExpire(ref) !== -1) {
    db.removeExpire(ref);
    call.keyModified(db, key);
    call.notify("g", "persist", key, db.id);
    call.dirty();
    if (call.propagating) call.propagateAs([PERSIST_WORD, key]);
  }
}

function getdelHandler(call: CommandCall): void {
  const key = call.argv[1]!;
  const ref = getGeneric(call, key);
  if (ref < 0) return;
  const db = call.db;
  db.deleteRef(ref);
  call.keyModified(db, key);
  call.notify("g", "del", key, db.id);
  call.dirty();
  if (call.propagating) call.propagateAs([DEL_WORD, key]);
}

function getsetHandler(call: CommandCall): void {
  const key = call.argv[1]!;
  const value = call.argv[2]!;
  if (getGeneric(call, key) === -2) return;
  const db = call.db;
  // setKey looks the key up again for writing (the read lookup above already expired it if due).
  const old = lookupWrite(call, key, db);
  const volatile = old !== NO_ENTRY && db.getExpire(old) !== -1;
  const enc = storedEncoding(encodingFor(value), key.length, value.length, volatile);
  writeString(call, db, key, old, value, enc, false);
  call.keyModified(db, key);
  call.notify("$", "set", key, db.id);
  call.dirty();
  if (call.propagating) call.propagateAs([SET_WORD, key, value]);
}

export const getSpec: CommandSpec = {
  name: "get",
  summary: "Returns the string value of a key.",
  since: "1.0.0",
  group: "string",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RO", "ACCESS"])],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  parse: "manual",
  handler: getHandler,
};

export const getexSpec: CommandSpec = {
  name: "getex",
  summary: "Returns the string value of a key after setting its expiration time.",
  since: "6.2.0",
  group: "string",
  complexity: "O(1)",
  arity: -2,
  flags: ["WRITE", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RW", "ACCESS", "UPDATE"], "RW and UPDATE because it changes the TTL")],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    {
      name: "expiration",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "seconds", type: "integer", token: "EX" },
        { name: "milliseconds", type: "integer", token: "PX" },
        { name: "unix-time-seconds", type: "unix-time", token: "EXAT" },
        { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" },
        { name: "persist", type: "pure-token", token: "PERSIST" },
      ],
    },
  ],
  parse: "manual",
  handler: getexHandler,
};

export const getdelSpec: CommandSpec = {
  name: "getdel",
  summary: "Returns the string value of a key after deleting the key.",
  since: "6.2.0",
  group: "string",
  complexity: "O(1)",
  arity: 2,
  flags: ["WRITE", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RW", "ACCESS", "DELETE"])],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  parse: "manual",
  handler: getdelHandler,
};

export const getsetSpec: CommandSpec = {
  name: "getset",
  summary: "Returns the previous string value of a key after setting it to a new value.",
  since: "1.0.0",
  group: "string",
  complexity: "O(1)",
  arity: 3,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["string"],
  keySpecs: [oneKey(["RW", "ACCESS", "UPDATE"])],
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string" },
  ],
  docFlags: ["DEPRECATED"],
  deprecatedSince: "6.2.0",
  replacedBy: "`SET` with the `!GET` argument",
  parse: "manual",
  handler: getsetHandler,
};
