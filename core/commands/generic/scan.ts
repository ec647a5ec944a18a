/**
 * SCAN, plus the cursor and option parsing that HSCAN / SSCAN / ZSCAN share with it (Valkey's
 * `scanGenericCommand`).
 *
 * Semantics reproduced:
 * - The cursor is an unsigned 64-bit decimal as `string2ull` reads it (leading blanks, a sign and leading
 *   zeros are accepted; anything else is "ERR invalid cursor"). The table only uses the cursor bits below its
 *   size, as Valkey's hash table does, so the low 32 bits are passed on.
 * - Options in any order, repeatable (the last one wins): COUNT (an int64 >= 1, else a syntax error),
 *   MATCH (`*` alone means no filter), TYPE (a type name, any case; unknown names are an error reported
 *   before any key is visited). NOVALUES / NOSCORES belong to HSCAN / ZSCAN and are refused elsewhere.
 * - COUNT bounds the number of entries *visited*, not returned: steps continue until that many entries
 *   were seen, the iteration ends, or 10 × COUNT steps were made (sparse tables).
 * - Filters apply in Valkey's order: TYPE, then MATCH, then expiry. A logically expired key that passed the
 *   filters is not returned and is deleted (lazy expiry, with its `expired` event); expired keys filtered
 *   out earlier are left alone.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "../errors.ts";
import { typeName } from "../lookup.ts";
import type { CommandSpec } from "../spec.ts";
import { globMatch } from "../../util/glob.ts";
import { eqIgnoreCase, lowerAscii, parseI64, parseU64 } from "../../util/numbers.ts";
import { errWord, isExpired } from "./common.ts";
import { existingModuleHost } from "../../module_api/host.ts";

export const ERR_INVALID_CURSOR = "ERR invalid cursor";

/** What a SCAN-family command iterates: the keyspace, or the elements of one value. */
export type ScanTarget = "keys" | "hash" | "set" | "zset";

export interface ScanOptions {
  /** Entries to visit per call (COUNT, default 10). */
  count: number;
  /** MATCH pattern, or null when absent or `*`. */
  pattern: Uint8Array | null;
  /** TYPE filter as a lower-case type name (SCAN only), or null. */
  type: string | null;
  /** NOVALUES (HSCAN) / NOSCORES (ZSCAN) given. */
  onlyKeys: boolean;
}

/** The type names SCAN's TYPE option knows (Valkey's `obj_type_name`). */
const TYPE_NAMES: ReadonlySet<string> = new Set(["string", "list", "set", "zset", "hash", "stream"]);

/** Parses a SCAN cursor (Valkey's `parseScanCursorOrReply`). */
export function parseScanCursor(b: Uint8Array): bigint {
  const c = parseU64(b);
  if (c === null) throw new ReplyError(ERR_INVALID_CURSOR);
  return c;
}

/** Parses the options of a SCAN-family command from `argv[start..]`; throws the reply error Valkey gives. */
export function parseScanOptions(
  argv: readonly Uint8Array[],
  start: number,
  target: ScanTarget,
  /** A module data type's name for a lower-cased TYPE word (module types are valid TYPE filters). */
  moduleType?: (lowerName: string) => string | undefined,
): ScanOptions {
  const opts: ScanOptions = { count: 10, pattern: null, type: null, onlyKeys: false };
  let i = start;
  while (i < argv.length) {
    const w = argv[i]!;
    const haveValue = argv.length - i >= 2;
    if (haveValue && eqIgnoreCase(w, "count")) {
      const n = parseI64(argv[i + 1]!);
      if (n === null) throw new ReplyError(ERR_NOT_INTEGER);
      if (n < 1n) throw new ReplyError(ERR_SYNTAX);
      opts.count = Number(n);
      i += 2;
    } else if (haveValue && eqIgnoreCase(w, "match")) {
      const p = argv[i + 1]!;
      opts.pattern = p.length === 1 && p[0] === 0x2a ? null : p;
      i += 2;
    } else if (haveValue && target === "keys" && eqIgnoreCase(w, "type")) {
      const name = lowerAscii(argv[i + 1]!);
      const type = TYPE_NAMES.has(name) ? name : moduleType?.(name);
      if (type === undefined) throw new ReplyError(`ERR unknown type name '${errWord(argv[i + 1]!)}'`);
      opts.type = type;
      i += 2;
    } else if (eqIgnoreCase(w, "novalues")) {
      if (target !== "hash") throw new ReplyError("ERR NOVALUES option can only be used in HSCAN");
      opts.onlyKeys = true;
      i++;
    } else if (eqIgnoreCase(w, "noscores")) {
      if (target !== "zset") throw new ReplyError("ERR NOSCORES option can only be used in ZSCAN");
      opts.onlyKeys = true;
      i++;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return opts;
}

function scan(call: CommandCall): void {
  const cursor = parseScanCursor(call.argv[1]!);
  const { count, pattern, type } = parseScanOptions(
    call.argv,
    2,
    "keys",
    (name) => existingModuleHost(call.server)?.findTypeByNameIgnoreCase(name)?.spec.name,
  );
  const db = call.db;
  const now = call.now;
  const found: Uint8Array[] = [];
  const expired: Uint8Array[] = [];
  let sampled = 0;
  const visit = (ref: number): void => {
    sampled++;
    if (type !== null && typeName(db, ref) !== type) return;
    const key = db.getKey(ref);
    if (pattern !== null && !globMatch(pattern, key)) return;
    if (isExpired(db, ref, now)) expired.push(key.slice());
    else found.push(key.slice());
  };
  let cur = Number(cursor & 0xffffffffn);
  let steps = count * 10;
  do {
    cur = db.scan(cur, visit);
  } while (cur !== 0 && steps-- !== 0 && sampled < count);
  // Lazy expiry of the expired keys met (the lookup deletes them and reports them as expired).
  for (const key of expired) db.lookup(key);
  const w = call.reply;
  w.arrayHeader(2);
  w.bulkStr(String(cur));
  w.arrayHeader(found.length);
  for (const key of found) w.bulk(key);
}

export const scanCommand: CommandSpec = {
  name: "scan",
  summary: "Iterates over the key names in the database.",
  since: "2.8.0",
  group: "generic",
  complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the " +
    "cursor to return back to 0. N is the number of elements inside the collection.",
  arity: -2,
  flags: ["READONLY", "TOUCHES_ARBITRARY_KEYS"],
  aclCategories: ["keyspace"],
  commandTips: ["NONDETERMINISTIC_OUTPUT", "REQUEST_POLICY:SPECIAL", "RESPONSE_POLICY:SPECIAL"],
  arguments: [
    { name: "cursor", type: "integer" },
    { name: "pattern", type: "pattern", token: "MATCH", optional: true },
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "type", type: "string", token: "TYPE", optional: true, since: "6.0.0" },
  ],
  history: [["6.0.0", "Added the `TYPE` subcommand."]],
  parse: "manual",
  handler: scan,
};
