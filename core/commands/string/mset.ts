/**
 * MGET, MSET, MSETNX.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { errWrongArity } from "../errors.ts";
import { lookupRead, lookupWrite } from "../lookup.ts";
import type { CommandSpec, KeySpec } from "../spec.ts";
import { writeString } from "./common.ts";
import { encodingFor, storedEncoding } from "./encoding.ts";

function mgetHandler(call: CommandCall): void {
  const argv = call.argv;
  const db = call.db;
  const reply = call.reply;
  reply.arrayHeader(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const ref = lookupRead(call, argv[j]!, db);
    // Missing keys and keys of another type both read as null.
    if (ref === NO_ENTRY || !db.isString(ref)) reply.nullBulk();
    else reply.bulk(db.getString(ref));
  }
}

/** Valkey's setKey for one MSET pair: overwrite or create, dropping any TTL. */
function setOne(call: CommandCall, db: Db, key: Uint8Array, value: Uint8Array): void {
  const old = lookupWrite(call, key, db);
  const volatile = old !== NO_ENTRY && db.getExpire(old) !== -1;
  const enc = storedEncoding(encodingFor(value), key.length, value.length, volatile);
  writeString(call, db, key, old, value, enc, false);
  call.keyModified(db, key);
  call.notify("$", "set", key, db.id);
}

function msetGeneric(call: CommandCall, nx: boolean): void {
  const argv = call.argv;
  if (argv.length % 2 === 0) return call.error(errWrongArity(call.fullName));
  const db = call.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (lookupWrite(call, argv[j]!, db) !== NO_ENTRY) return call.reply.int(0);
    }
  }
  for (let j = 1; j < argv.length; j += 2) setOne(call, db, argv[j]!, argv[j + 1]!);
  call.dirty((argv.length - 1) / 2);
  if (nx) call.reply.int(1);
  else call.reply.ok();
}

const pairKeys = (flags: KeySpec["flags"]): KeySpec => ({
  flags,
  beginSearch: { index: { pos: 1 } },
  findKeys: { range: { lastkey: -1, step: 2, limit: 0 } },
});

export const mgetSpec: CommandSpec = {
  name: "mget",
  summary: "Atomically returns the string values of one or more keys.",
  since: "1.0.0",
  group: "string",
  complexity: "O(N) where N is the number of keys to retrieve.",
  arity: -2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["string"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD"],
  keySpecs: [{
    flags: ["RO", "ACCESS"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
  }],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
  parse: "manual",
  handler: mgetHandler,
};

export const msetSpec: CommandSpec = {
  name: "mset",
  summary: "Atomically creates or modifies the string values of one or more keys.",
  since: "1.0.1",
  group: "string",
  complexity: "O(N) where N is the number of keys to set.",
  arity: -3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  commandTips: ["REQUEST_POLICY:MULTI_SHARD", "RESPONSE_POLICY:ALL_SUCCEEDED"],
  keySpecs: [pairKeys(["OW", "UPDATE"])],
  arguments: [{
    name: "data",
    type: "block",
    multiple: true,
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "value", type: "string" },
    ],
  }],
  parse: "manual",
  handler: (call) => msetGeneric(call, false),
};

export const msetnxSpec: CommandSpec = {
  name: "msetnx",
  summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.",
  since: "1.0.1",
  group: "string",
  complexity: "O(N) where N is the number of keys to set.",
  arity: -3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["string"],
  keySpecs: [pairKeys(["OW", "INSERT"])],
  arguments: [{
    name: "data",
    type: "block",
    multiple: true,
    arguments: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "value", type: "string" },
    ],
  }],
  parse: "manual",
  handler: (call) => msetGeneric(call, true),
};
