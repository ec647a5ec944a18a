/**
 * SORT and SORT_RO (Valkey's sort.c behaviour).
 *
 * The order of work, which decides which error a client sees:
 *
 *     parse options left to right (LIMIT integers fail at once; unknown word → syntax error)
 *     → look up the key (WRONGTYPE unless list / set / sorted set; missing = empty list)
 *     → load the elements (list / sorted set in natural order; BY without '*' loads only the LIMIT window)
 *     → weigh them (BY lookups, numeric conversion) and sort
 *     → "One or more scores can't be converted into double", or reply / STORE the window.
 *
 * @module
 */

import { hasUnrestrictedReadAccess } from "../../acl/acl.ts";
import { NO_ENTRY } from "../../keyspace/db.ts";
import type { HashValue } from "../../types/hash.ts";
import { ListValue } from "../../types/list.ts";
import type { SetValue } from "../../types/set.ts";
import { TAIL } from "../../types/quicklist.ts";
import type { ZSet } from "../../types/zset.ts";
import type { ValueObject } from "../../types/value.ts";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ERR_WRONGTYPE } from "../errors.ts";
import { listCompress, listFill } from "../list/common.ts";
import { keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { ArgSpec, CommandSpec, KeySpec } from "../spec.ts";
import {
  cLength,
  compareBinary,
  compareCollate,
  compareSpans,
  hasStar,
  limitWindow,
  type ParsedPattern,
  parsePattern,
  parseWeight,
  sortKeys,
  sortRoKeys,
  substitute,
} from "./pattern.ts";

export const ERR_SORT_SCORES = "ERR One or more scores can't be converted into double";

const ERR_SORT_BY_ACL = "ERR BY option of SORT denied due to insufficient ACL permissions.";
const ERR_SORT_GET_ACL = "ERR GET option of SORT denied due to insufficient ACL permissions.";

/** lookupKeyByPattern: the value `pat` yields for `el` (a copy), or null. */
function lookupByPattern(call: CommandCall, pat: ParsedPattern, el: Uint8Array): Uint8Array | null {
  if (pat.self) return el;
  if (pat.constant) return null;
  const db = call.db;
  const key = substitute(pat, el);
  const ref = lookupRead(call, key, db);
  if (ref === NO_ENTRY) return null;
  if (pat.field !== null) {
    if (db.isString(ref)) return null;
    const obj = db.getObject(ref) as ValueObject;
    if (obj.type !== "hash") return null;
    const v = (obj as HashValue).get(pat.field);
    return v === undefined ? null : v.slice();
  }
  if (!db.isString(ref)) return null;
  return db.getString(ref).slice();
}

function sortGeneric(call: CommandCall, readonly: boolean): void {
  const argv = call.argv;
  let desc = false;
  let alpha = false;
  let offset = 0;
  let count = -1;
  let dontsort = false;
  let by: Uint8Array | null = null;
  let store: Uint8Array | null = null;
  const gets: ParsedPattern[] = [];
  let fullKeyAccess: boolean | undefined;

  for (let j = 2; j < argv.length; j++) {
    const w = argv[j]!;
    const left = argv.length - j - 1;
    if (eqIgnoreCase(w, "asc")) desc = false;
    else if (eqIgnoreCase(w, "desc")) desc = true;
    else if (eqIgnoreCase(w, "alpha")) alpha = true;
    else if (eqIgnoreCase(w, "limit") && left >= 2) {
      // getLongFromObjectOrReply: the offset is checked (and may fail) before the count.
      const o = parseI64(argv[j + 1]!);
      if (o === null) return call.error(ERR_NOT_INTEGER);
      const c = parseI64(argv[j + 2]!);
      if (c === null) return call.error(ERR_NOT_INTEGER);
      offset = Number(o);
      count = Number(c);
      j += 2;
    } else if (!readonly && eqIgnoreCase(w, "store") && left >= 1) {
      store = argv[++j]!;
    } else if (eqIgnoreCase(w, "by") && left >= 1) {
      by = argv[++j]!;
      // A pattern without '*' is constant: nothing to weigh, nothing to sort. Like Valkey, a later BY
      // with a '*' does not undo this.
      if (!hasStar(by)) dontsort = true;
      // A real pattern reads keys the ACL cannot check beforehand: only a user who may read any key.
      else if (!(fullKeyAccess ??= hasUnrestrictedReadAccess(call))) return call.error(ERR_SORT_BY_ACL);
    } else if (eqIgnoreCase(w, "get") && left >= 1) {
      if (!(fullKeyAccess ??= hasUnrestrictedReadAccess(call))) return call.error(ERR_SORT_GET_ACL);
      gets.push(parsePattern(argv[++j]!));
    } else return call.error(ERR_SYNTAX);
  }

  const db = call.db;
  const ref = lookupRead(call, argv[1]!, db);
  let obj: ValueObject | null = null;
  if (ref !== NO_ENTRY) {
    if (db.isString(ref)) return call.error(ERR_WRONGTYPE);
    obj = db.getObject(ref) as ValueObject;
    if (obj.type !== "list" && obj.type !== "set" && obj.type !== "zset") return call.error(ERR_WRONGTYPE);
  }
  const type = obj === null ? "list" : obj.type;

  // A set has no natural order: when the result is stored, sort it so replicas agree.
  if (dontsort && type === "set" && store !== null) {
    dontsort = false;
    alpha = true;
    by = null;
  }
  // Valkey converts a listpack sorted set to a skiplist before sorting it.
  if (type === "zset" && (obj as ZSet).isListpack) (obj as ZSet).toSkiplist();

  const len = obj === null ? 0 : obj.length;
  let [start, end] = limitWindow(offset, count, len);

  // The elements are views into the value being sorted: nothing writes to it before the reply or STORE
  // has copied them (BY/GET lookups only read other keys, or expire them).
  const els: Uint8Array[] = [];
  const push = (el: Uint8Array): void => {
    els.push(el);
  };
  if (obj !== null && (type === "list" || type === "zset") && dontsort) {
    // Natural order, DESC walking from the tail, only the LIMIT window.
    if (end >= start) {
      const n = end - start + 1;
      if (type === "list") {
        const list = obj as ListValue;
        let left = n;
        list.ql.forEach(desc ? len - start - 1 : start, desc, (v) => {
          push(v);
          return --left > 0;
        });
      } else {
        const z = obj as ZSet;
        z.walk(desc ? len - start - 1 : start, n, desc, (r) => {
          push(z.memberOf(r));
        });
      }
    }
    end -= start;
    start = 0;
  } else if (obj !== null && type === "list") {
    (obj as ListValue).ql.forEach(0, false, push);
  } else if (obj !== null && type === "set") {
    (obj as SetValue).forEach(push);
  } else if (obj !== null && type === "zset") {
    const z = obj as ZSet;
    z.forEach((r) => push(z.memberOf(r)));
  }

  // The sorted permutation of `els`.
  let order: number[] | null = null;
  let conversionError = false;
  if (!dontsort) {
    const n = els.length;
    const byPat = by === null ? null : parsePattern(by);
    const sign = desc ? -1 : 1;
    const str = store !== null ? compareBinary : compareCollate;
    order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!alpha) {
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = byPat === null ? els[i]! : lookupByPattern(call, byPat, els[i]!);
        if (v === null) continue;
        const w = parseWeight(v);
        if (w === null) conversionError = true;
        else scores[i] = w;
      }
      order.sort((a, b) => {
        const x = scores[a]!;
        const y = scores[b]!;
        return sign * (x > y ? 1 : x < y ? -1 : compareBinary(els[a]!, els[b]!));
      });
    } else if (byPat !== null) {
      const cmps: (Uint8Array | null)[] = new Array<Uint8Array | null>(n);
      for (let i = 0; i < n; i++) cmps[i] = lookupByPattern(call, byPat, els[i]!);
      order.sort((a, b) => {
        const x = cmps[a] ?? null;
        const y = cmps[b] ?? null;
        if (x === null || y === null) return sign * (x === y ? 0 : x === null ? -1 : 1);
        return sign * str(x, y);
      });
    } else {
      // Compared lengths once: the whole value for STORE, the C string (up to a NUL) for strcoll.
      const lens = new Int32Array(n);
      for (let i = 0; i < n; i++) lens[i] = store !== null ? els[i]!.length : cLength(els[i]!);
      order.sort((a, b) => sign * compareSpans(els[a]!, lens[a]!, els[b]!, lens[b]!));
    }
  }
  const at = (j: number): Uint8Array => els[order === null ? j : order[j]!]!;

  const rows = end - start + 1;
  const outputLen = gets.length > 0 ? gets.length * rows : rows;
  if (conversionError) return call.error(ERR_SORT_SCORES);

  const reply = call.reply;
  if (store === null) {
    reply.arrayHeader(outputLen);
    for (let j = start; j <= end; j++) {
      const el = at(j);
      if (gets.length === 0) reply.bulk(el);
      for (const g of gets) {
        const v = lookupByPattern(call, g, el);
        if (v === null) reply.nullBulk();
        else reply.bulk(v);
      }
    }
    return;
  }

  const out: Uint8Array[] = [];
  const empty = new Uint8Array(0);
  for (let j = start; j <= end; j++) {
    const el = at(j);
    if (gets.length === 0) out.push(el);
    for (const g of gets) out.push(lookupByPattern(call, g, el) ?? empty);
  }
  if (outputLen > 0) {
    // setKey: overwrite whatever is there (dropping its TTL, keeping its LRU clock), or add a new key.
    const oldRef = lookupWrite(call, store, db);
    const list = new ListValue();
    if (oldRef !== NO_ENTRY) {
      const lru = db.getLru(oldRef);
      db.setLru(db.setObject(store, list, false), lru);
    } else keyCreated(call, db, db.setObject(store, list, false), store);
    list.growingBy(listFill(call), out, 0, out.length, listCompress(call));
    for (const v of out) list.ql.push(v, TAIL);
    call.keyModified(db, store);
    call.notify("l", "sortstore", store, db.id);
    call.dirty(outputLen);
  } else if (db.delete(store)) {
    call.keyModified(db, store);
    call.notify("g", "del", store, db.id);
    call.dirty();
  }
  reply.int(outputLen);
}

const sortedKeySpec: KeySpec = {
  flags: ["RO", "ACCESS"],
  beginSearch: { index: { pos: 1 } },
  findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
};
const patternKeySpec: KeySpec = {
  notes:
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ["RO", "ACCESS"],
  beginSearch: { unknown: null },
  findKeys: { unknown: null },
};
const storeKeySpec: KeySpec = {
  notes:
    "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
  flags: ["OW", "UPDATE"],
  beginSearch: { unknown: null },
  findKeys: { unknown: null },
};

const commonArgs: ArgSpec[] = [
  { name: "key", type: "key", keySpecIndex: 0 },
  {
    name: "by-pattern",
    type: "pattern",
    token: "BY",
    displayText: "pattern",
    keySpecIndex: 1,
    optional: true,
  },
  {
    name: "limit",
    type: "block",
    token: "LIMIT",
    optional: true,
    arguments: [{ name: "offset", type: "integer" }, { name: "count", type: "integer" }],
  },
  {
    name: "get-pattern",
    type: "pattern",
    token: "GET",
    displayText: "pattern",
    keySpecIndex: 1,
    optional: true,
    multiple: true,
    multipleToken: true,
  },
  {
    name: "order",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "asc", type: "pure-token", token: "ASC" },
      { name: "desc", type: "pure-token", token: "DESC" },
    ],
  },
  { name: "sorting", type: "pure-token", token: "ALPHA", optional: true },
];

const complexity =
  "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned " +
  "elements. When the elements are not sorted, complexity is O(N).";

export const sortSpec: CommandSpec = {
  name: "sort",
  summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
  since: "1.0.0",
  group: "generic",
  complexity,
  arity: -2,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["set", "sortedset", "list", "dangerous"],
  keySpecs: [sortedKeySpec, patternKeySpec, storeKeySpec],
  arguments: [
    ...commonArgs,
    { name: "destination", type: "key", token: "STORE", keySpecIndex: 2, optional: true },
  ],
  parse: "manual",
  getKeys: sortKeys,
  handler: (call) => sortGeneric(call, false),
};

export const sortRoSpec: CommandSpec = {
  name: "sort_ro",
  summary: "Returns the sorted elements of a list, a set, or a sorted set.",
  since: "7.0.0",
  group: "generic",
  complexity,
  arity: -2,
  flags: ["READONLY"],
  aclCategories: ["set", "sortedset", "list", "dangerous"],
  keySpecs: [sortedKeySpec, patternKeySpec],
  arguments: commonArgs,
  parse: "manual",
  getKeys: sortRoKeys,
  handler: (call) => sortGeneric(call, true),
};
