/**
 * Whole-database commands: SELECT, SWAPDB, DBSIZE, FLUSHDB and FLUSHALL.
 *
 * Flushing and swapping invalidate every WATCHed key of the databases involved (Valkey's
 * `touchAllWatchedKeysInDb`): these commands signal each key of the affected databases through the
 * per-key hook, marked as bulk signals. A flush is also announced as a whole first (Valkey's
 * signalFlushedDb: client tracking sends one null invalidation instead of one per key). FLUSHDB/FLUSHALL ASYNC and SYNC behave the same: memory is reclaimed by
 * the JavaScript heap either way.
 *
 * @module
 */

import type { Db } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import { ERR_DB_INDEX, ERR_SYNTAX, ReplyError } from "../errors.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import { parseIntArg } from "./common.ts";
import { persistenceOf } from "../../persistence/persistence.ts";

/** Calls `fn` with the key of every entry of `db` (expired ones included). `fn` must not write to `db`. */
export function forEachKey(db: Db, fn: (key: Uint8Array) => void): void {
  if (db.size === 0) return;
  let cursor = 0;
  do {
    cursor = db.scan(cursor, (ref) => fn(db.getKey(ref)));
  } while (cursor !== 0);
}

/**
 * Signals every key of `db` as modified in each of `targets` (WATCH, blocked clients), as a bulk signal:
 * client tracking learns of a flush as a whole ({@link Server.signalFlushedDb}) and, as in Valkey, not of
 * SWAPDB.
 */
function signalAllKeys(call: CommandCall, db: Db, targets: readonly Db[]): void {
  const server = call.server;
  if (server.keyModifiedListeners.length === 0 || db.size === 0) return;
  server.bulkKeySignals = true;
  try {
    forEachKey(db, (key) => {
      for (const t of targets) call.keyModified(t, key);
    });
  } finally {
    server.bulkKeySignals = false;
  }
}

function select(call: CommandCall): void {
  const id = parseIntArg(call.argv[1]!);
  if (id < 0 || id >= call.server.dbs.length) throw new ReplyError(ERR_DB_INDEX);
  call.client.db = id;
  call.reply.ok();
}

function swapdb(call: CommandCall): void {
  const a = parseIntArg(call.argv[1]!, "ERR invalid first DB index");
  const b = parseIntArg(call.argv[2]!, "ERR invalid second DB index");
  const dbs = call.server.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) throw new ReplyError(ERR_DB_INDEX);
  if (a !== b) {
    const da = dbs[a]!;
    const db = dbs[b]!;
    signalAllKeys(call, da, [da, db]);
    signalAllKeys(call, db, [da, db]);
    call.server.swapDbs(a, b);
  }
  call.dirty();
  call.reply.ok();
}

function dbsize(call: CommandCall): void {
  call.reply.int(call.db.size);
}

/** FLUSHDB / FLUSHALL take nothing, or exactly one of ASYNC and SYNC. */
function checkFlushArgs(argv: readonly Uint8Array[]): void {
  if (argv.length === 1) return;
  if (argv.length === 2 && (eqIgnoreCase(argv[1]!, "async") || eqIgnoreCase(argv[1]!, "sync"))) return;
  throw new ReplyError(ERR_SYNTAX);
}

function flushDb(call: CommandCall, db: Db): void {
  signalAllKeys(call, db, [db]);
  call.dirty(db.clear());
}

function flushdb(call: CommandCall): void {
  checkFlushArgs(call.argv);
  call.server.signalFlushedDb(call.client.db);
  flushDb(call, call.db);
  call.reply.ok();
}

function flushall(call: CommandCall): void {
  checkFlushArgs(call.argv);
  // Valkey's flushAllDataAndResetRDB: a running BGSAVE is stopped, and with save points the (now empty)
  // dataset is saved at once, so a restart does not bring the flushed keys back.
  const p = persistenceOf(call.server);
  p.cancelBgsave();
  call.server.signalFlushedDb(-1);
  for (const db of call.server.dbs) flushDb(call, db);
  if (call.server.config.getSave().length > 0) p.saveSync();
  // Valkey's forceCommandPropagation: FLUSHALL reaches the AOF even when every db was already empty (the
  // dirty counter is not bumped: Valkey 8.1 counts only the removed keys).
  call.alsoPropagate(call.argv);
  call.preventPropagation();
  call.reply.ok();
}

function flushTypeArg(): ArgSpec {
  return {
    name: "flush-type",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "async", type: "pure-token", token: "ASYNC", since: "4.0.0" },
      { name: "sync", type: "pure-token", token: "SYNC", since: "6.2.0" },
    ],
  };
}

const flushHistory: [string, string][] = [
  ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
  ["6.2.0", "Added the `SYNC` flushing mode modifier."],
];

export const selectCommand: CommandSpec = {
  name: "select",
  summary: "Changes the selected database.",
  since: "1.0.0",
  group: "connection",
  complexity: "O(1)",
  arity: 2,
  flags: ["LOADING", "STALE", "FAST"],
  aclCategories: ["connection"],
  arguments: [{ name: "index", type: "integer" }],
  parse: "manual",
  handler: select,
};

export const swapdbCommand: CommandSpec = {
  name: "swapdb",
  summary: "Swaps two databases.",
  since: "4.0.0",
  group: "server",
  complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
  arity: 3,
  flags: ["WRITE", "FAST"],
  aclCategories: ["keyspace", "dangerous"],
  arguments: [{ name: "index1", type: "integer" }, { name: "index2", type: "integer" }],
  parse: "manual",
  handler: swapdb,
};

export const dbsizeCommand: CommandSpec = {
  name: "dbsize",
  summary: "Returns the number of keys in the database.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 1,
  flags: ["READONLY", "FAST"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:AGG_SUM"],
  handler: dbsize,
};

export const flushdbCommand: CommandSpec = {
  name: "flushdb",
  summary: "Remove all keys from the current database.",
  since: "1.0.0",
  group: "server",
  complexity: "O(N) where N is the number of keys in the selected database",
  arity: -1,
  flags: ["WRITE"],
  aclCategories: ["keyspace", "dangerous"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:ALL_SUCCEEDED"],
  arguments: [flushTypeArg()],
  history: flushHistory,
  parse: "manual",
  handler: flushdb,
};

export const flushallCommand: CommandSpec = {
  name: "flushall",
  summary: "Removes all keys from all databases.",
  since: "1.0.0",
  group: "server",
  complexity: "O(N) where N is the total number of keys in all databases",
  arity: -1,
  flags: ["WRITE"],
  aclCategories: ["keyspace", "dangerous"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:ALL_SUCCEEDED"],
  arguments: [flushTypeArg()],
  history: flushHistory,
  parse: "manual",
  handler: flushall,
};
