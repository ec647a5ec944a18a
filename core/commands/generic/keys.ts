/**
 * KEYS and RANDOMKEY.
 *
 * KEYS walks the whole database (no writes happen during the walk, so the table's SCAN order returns
 * every entry exactly once) and skips logically expired keys without deleting them, as Valkey does. A
 * pattern without glob metacharacters can only match itself, so it costs one lookup.
 *
 * RANDOMKEY draws random entries until it finds one that has not expired, deleting the expired ones it
 * draws (each one is then gone, so the loop ends). Should expiry ever be deferred (a replica does not
 * expire keys itself), an all-volatile database could make that loop endless: Valkey gives up after 100
 * draws and returns the expired key; so does this.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { globMatch, isPlainPattern } from "../../util/glob.ts";
import { isExpired } from "./common.ts";

function keys(call: CommandCall): void {
  const db = call.db;
  const now = call.now;
  const pattern = call.argv[1]!;
  const w = call.reply;
  if (isPlainPattern(pattern)) {
    const ref = db.find(pattern);
    if (ref === NO_ENTRY || isExpired(db, ref, now)) {
      w.arrayHeader(0);
    } else {
      w.arrayHeader(1);
      w.bulk(pattern);
    }
    return;
  }
  const all = pattern.length === 1 && pattern[0] === 0x2a;
  const refs: number[] = [];
  if (db.size > 0) {
    let cursor = 0;
    do {
      cursor = db.scan(cursor, (ref) => {
        if ((all || globMatch(pattern, db.getKey(ref))) && !isExpired(db, ref, now)) refs.push(ref);
      });
    } while (cursor !== 0);
  }
  w.arrayHeader(refs.length);
  for (const ref of refs) w.bulk(db.getKey(ref));
}

/** Draws after which RANDOMKEY returns an expired key it cannot reclaim (Valkey's `maxtries`). */
const RANDOMKEY_MAX_TRIES = 100;

function randomkey(call: CommandCall): void {
  const db = call.db;
  const allVolatile = db.size === db.volatileCount;
  let tries = RANDOMKEY_MAX_TRIES;
  for (;;) {
    const ref = db.randomKey();
    if (ref === NO_ENTRY) {
      call.reply.nullBulk();
      return;
    }
    if (!isExpired(db, ref, call.now)) {
      call.reply.bulk(db.getKey(ref));
      return;
    }
    const key = db.getKey(ref).slice();
    // An expired key is deleted by the lookup; if it survives, expiry is deferred (import mode, CLIENT
    // PAUSE): retry, boundedly.
    db.lookup(key);
    if (db.find(key) !== NO_ENTRY && allVolatile && --tries === 0) {
      call.reply.bulk(key);
      return;
    }
  }
}

export const keysCommand: CommandSpec = {
  name: "keys",
  summary: "Returns all key names that match a pattern.",
  since: "1.0.0",
  group: "generic",
  complexity:
    "O(N) with N being the number of keys in the database, under the assumption that the key names " +
    "in the database and the given pattern have limited length.",
  arity: 2,
  flags: ["READONLY"],
  aclCategories: ["keyspace", "dangerous"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "NONDETERMINISTIC_OUTPUT_ORDER"],
  arguments: [{ name: "pattern", type: "pattern" }],
  parse: "manual",
  handler: keys,
};

export const randomkeyCommand: CommandSpec = {
  name: "randomkey",
  summary: "Returns a random key name from the database.",
  since: "1.0.0",
  group: "generic",
  complexity: "O(1)",
  arity: 1,
  flags: ["READONLY", "TOUCHES_ARBITRARY_KEYS"],
  aclCategories: ["keyspace"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:SPECIAL", "NONDETERMINISTIC_OUTPUT"],
  handler: randomkey,
};
