/**
 * The GEO commands: positions kept in sorted sets whose scores are 52-bit geohashes (see geohash.ts).
 * GEOADD becomes a ZADD; the searches (GEOSEARCH, GEOSEARCHSTORE and the deprecated GEORADIUS family) scan
 * the 9 cells around the centre as score ranges and keep the points inside the shape. Every handler parses
 * its words itself (`parse: "manual"`) to keep Valkey's error order.
 *
 * @module
 */

import { NO_ENTRY } from "../../keyspace/db.ts";
import type { ZSet } from "../../types/zset.ts";
import { asciiBytes, formatFixedPoint, formatLongDouble, parseDouble, parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "../errors.ts";
import { lookupWrite } from "../lookup.ts";
import type { ArgSpec, CommandFlag, CommandSpec, KeySpec } from "../spec.ts";
import { zaddGeneric } from "../zset/basic.ts";
import { createZset, keyAt, limits, optionIs, readZset, storeZset } from "../zset/common.ts";
import {
  align52,
  decodeScore,
  distance,
  distanceInShape,
  encodeWGS84,
  formatF6,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  GEO_STEP_MAX,
  geohashString,
  type HashBits,
  searchCells,
  type Shape,
} from "./geohash.ts";

const DECODER = new TextDecoder();

export const ERR_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
export const ERR_DECODE_MEMBER = "ERR could not decode requested zset member";

// ---------------------------------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------------------------------

/** getDoubleFromObjectOrReply: a double, else `msg` (Valkey's generic float error by default). */
function doubleArg(word: Uint8Array, msg = ERR_NOT_FLOAT): number {
  const v = parseDouble(word);
  if (v === null) throw new ReplyError(msg);
  return v;
}

/** extractLongLatOrReply: longitude then latitude, both within the WGS84 limits. */
export function longLatArg(lonW: Uint8Array, latW: Uint8Array): [number, number] {
  const x = doubleArg(lonW);
  const y = doubleArg(latW);
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    throw new ReplyError(`ERR invalid longitude,latitude pair ${formatF6(x)},${formatF6(y)}`);
  }
  return [x, y];
}

/** extractUnitOrReply: meters per unit. */
export function unitArg(word: Uint8Array): number {
  if (optionIs(word, "m")) return 1;
  if (optionIs(word, "km")) return 1000;
  if (optionIs(word, "ft")) return 0.3048;
  if (optionIs(word, "mi")) return 1609.34;
  throw new ReplyError(ERR_UNIT);
}

/** extractDistanceOrReply: [radius, conversion]. */
function distanceArg(radW: Uint8Array, unitW: Uint8Array): [number, number] {
  const r = doubleArg(radW, "ERR need numeric radius");
  if (r < 0) throw new ReplyError("ERR radius cannot be negative");
  return [r, unitArg(unitW)];
}

/** extractBoxOrReply: [width, height, conversion]. */
function boxArg(wW: Uint8Array, hW: Uint8Array, unitW: Uint8Array): [number, number, number] {
  const w = doubleArg(wW, "ERR need numeric width");
  const h = doubleArg(hW, "ERR need numeric height");
  if (h < 0 || w < 0) throw new ReplyError("ERR height or width cannot be negative");
  return [w, h, unitArg(unitW)];
}

/** The position of `member`, or the "could not decode" error when it is not in the set. */
function memberPosition(z: ZSet, member: Uint8Array): [number, number] {
  const s = z.score(member);
  if (s === null) throw new ReplyError(ERR_DECODE_MEMBER);
  return decodeScore(s);
}

/** addReplyDoubleDistance: 4 decimals, always a bulk string. */
function replyDistance(call: CommandCall, d: number): void {
  call.reply.bulk(asciiBytes(formatFixedPoint(d, 4)));
}

/** addReplyHumanLongDouble of a coordinate. */
function replyCoord(call: CommandCall, d: number): void {
  call.reply.doubleText(formatLongDouble(d, true));
}

/** C's `(long long)` conversion of a score, as WITHHASH prints it (out of range: INT64_MIN on x86-64). */
function scoreAsInt(score: number): number | bigint {
  const t = Math.trunc(score);
  if (Number.isSafeInteger(t)) return t;
  if (Number.isNaN(score) || score >= 9223372036854775808 || score < -9223372036854775808) {
    return -9223372036854775808n;
  }
  return BigInt(t);
}

// ---------------------------------------------------------------------------------------------------------
// GEOADD, GEOPOS, GEODIST, GEOHASH
// ---------------------------------------------------------------------------------------------------------

function geoaddHandler(call: CommandCall): void {
  const argv = call.argv;
  let nx = false;
  let xx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const o = argv[longidx]!;
    if (optionIs(o, "nx")) nx = true;
    else if (optionIs(o, "xx")) xx = true;
    else if (!optionIs(o, "ch")) break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) return call.error(ERR_SYNTAX);
  const elements = (argv.length - longidx) / 3;
  const zargv: Uint8Array[] = [asciiBytes("zadd")];
  for (let i = 1; i < longidx; i++) zargv.push(argv[i]!);
  for (let i = 0; i < elements; i++) {
    const base = longidx + i * 3;
    const [x, y] = longLatArg(argv[base]!, argv[base + 1]!);
    zargv.push(asciiBytes(align52Text(x, y)), argv[base + 2]!);
  }
  // Valkey rewrites the command into a ZADD and runs it; the original words are put back afterwards so
  // what follows the handler (slow log, monitor) sees the command as sent.
  call.argv = zargv;
  try {
    zaddGeneric(call, 0);
  } finally {
    call.argv = argv;
  }
}

/** The score of a valid position as the decimal integer GEOADD hands to ZADD (the exact uint64). */
function align52Text(x: number, y: number): string {
  const h = encodeWGS84(x, y, GEO_STEP_MAX);
  if (h === null) throw new ReplyError(`ERR invalid longitude,latitude pair ${formatF6(x)},${formatF6(y)}`);
  return align52(h).toString();
}

function geoposHandler(call: CommandCall): void {
  const argv = call.argv;
  const z = readZset(call, argv[1]!);
  const r = call.reply;
  r.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? null : z.score(argv[j]!);
    if (s === null) {
      r.nullArray();
      continue;
    }
    const [x, y] = decodeScore(s);
    r.arrayHeader(2);
    replyCoord(call, x);
    replyCoord(call, y);
  }
}

function geodistHandler(call: CommandCall): void {
  const argv = call.argv;
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4]!);
  else if (argv.length > 5) return call.error(ERR_SYNTAX);
  const z = readZset(call, argv[1]!);
  if (z === null) return call.reply.nullBulk();
  const s1 = z.score(argv[2]!);
  const s2 = s1 === null ? null : z.score(argv[3]!);
  if (s1 === null || s2 === null) return call.reply.nullBulk();
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  replyDistance(call, distance(x1, y1, x2, y2) / toMeter);
}

function geohashHandler(call: CommandCall): void {
  const argv = call.argv;
  const z = readZset(call, argv[1]!);
  const r = call.reply;
  r.arrayHeader(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? null : z.score(argv[j]!);
    if (s === null) r.nullBulk();
    else r.bulk(asciiBytes(geohashString(s)));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The searches (georadiusGeneric)
// ---------------------------------------------------------------------------------------------------------

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

interface GeoPoint {
  x: number;
  y: number;
  dist: number;
  score: number;
  member: Uint8Array;
}

/** geoGetPointsInRange over the score range [min, max) of one cell; stops once `limit` points are held. */
function pointsInRange(
  z: ZSet,
  min: number,
  max: number,
  shape: Shape,
  out: GeoPoint[],
  limit: number,
): void {
  const [from, to] = z.scoreSpan({ min, max, minEx: false, maxEx: true });
  if (from >= to) return;
  z.walk(from, to - from, false, (ref) => {
    const score = z.scoreOf(ref);
    const [x, y] = decodeScore(score);
    const d = distanceInShape(shape, x, y);
    if (d >= 0) out.push({ x, y, dist: d, score, member: z.memberOf(ref).slice() });
    if (out.length > 0 && limit > 0 && out.length >= limit) return false;
  });
}

/** membersOfAllNeighbors: the cells in order, skipping zeroed ones and a repeat of the previous cell. */
function membersOfCells(z: ZSet, cells: HashBits[], shape: Shape, out: GeoPoint[], limit: number): void {
  let last = -1;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c.bits === 0n && c.step === 0) continue;
    if (last >= 0 && c.bits === cells[last]!.bits && c.step === cells[last]!.step) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const min = align52(c);
    const max = align52({ bits: c.bits + 1n, step: c.step });
    pointsInRange(z, Number(min), Number(max), shape, out, limit);
    last = i;
  }
}

function georadiusGeneric(call: CommandCall, srcKeyIndex: number, flags: number): void {
  const argv = call.argv;
  const argc = argv.length;
  const cmdName = DECODER.decode(argv[0]!);
  let storekey: Uint8Array | null = null;
  let storedist = false;
  const z = readZset(call, argv[srcKeyIndex]!);
  const shape: Shape = { x: 0, y: 0, conversion: 0, circle: false, radius: 0, width: 0, height: 0 };
  let baseArgs: number;
  if ((flags & RADIUS_COORDS) !== 0) {
    baseArgs = 6;
    shape.circle = true;
    [shape.x, shape.y] = longLatArg(argv[2]!, argv[3]!);
    [shape.radius, shape.conversion] = distanceArg(argv[4]!, argv[5]!);
  } else if ((flags & RADIUS_MEMBER) !== 0 && z === null) {
    baseArgs = 5;
  } else if ((flags & RADIUS_MEMBER) !== 0) {
    baseArgs = 5;
    shape.circle = true;
    [shape.x, shape.y] = memberPosition(z!, argv[2]!);
    [shape.radius, shape.conversion] = distanceArg(argv[3]!, argv[4]!);
  } else {
    baseArgs = 2;
    if ((flags & GEOSEARCHSTORE) !== 0) {
      baseArgs = 3;
      storekey = argv[1]!;
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0n;
  const remaining = argc - baseArgs;
  const search = (flags & GEOSEARCH) !== 0;
  const canStore = (flags & RADIUS_NOSTORE) === 0 && !search;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i]!;
    const next = (k: number): Uint8Array => argv[baseArgs + i + k]!;
    if (optionIs(arg, "withdist")) withdist = true;
    else if (optionIs(arg, "withhash")) withhash = true;
    else if (optionIs(arg, "withcoord")) withcoords = true;
    else if (optionIs(arg, "any")) any = true;
    else if (optionIs(arg, "asc")) sort = SORT_ASC;
    else if (optionIs(arg, "desc")) sort = SORT_DESC;
    else if (optionIs(arg, "count") && i + 1 < remaining) {
      const n = parseI64(next(1));
      if (n === null) throw new ReplyError(ERR_NOT_INTEGER);
      if (n <= 0n) throw new ReplyError("ERR COUNT must be > 0");
      count = n;
      i++;
    } else if (optionIs(arg, "store") && i + 1 < remaining && canStore) {
      storekey = next(1);
      storedist = false;
      i++;
    } else if (optionIs(arg, "storedist") && i + 1 < remaining && canStore) {
      storekey = next(1);
      storedist = true;
      i++;
    } else if (optionIs(arg, "storedist") && search && (flags & GEOSEARCHSTORE) !== 0) {
      storedist = true;
    } else if (optionIs(arg, "frommember") && i + 1 < remaining && search && !fromloc) {
      if (z !== null) [shape.x, shape.y] = memberPosition(z, next(1));
      frommember = true;
      i++;
    } else if (optionIs(arg, "fromlonlat") && i + 2 < remaining && search && !frommember) {
      [shape.x, shape.y] = longLatArg(next(1), next(2));
      fromloc = true;
      i += 2;
    } else if (optionIs(arg, "byradius") && i + 2 < remaining && search && !bybox) {
      [shape.radius, shape.conversion] = distanceArg(next(1), next(2));
      shape.circle = true;
      byradius = true;
      i += 2;
    } else if (optionIs(arg, "bybox") && i + 3 < remaining && search && !byradius) {
      [shape.width, shape.height, shape.conversion] = boxArg(next(1), next(2), next(3));
      shape.circle = false;
      bybox = true;
      i += 3;
    } else {
      return call.error(ERR_SYNTAX);
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    const what = (flags & GEOSEARCHSTORE) !== 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    return call.error(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (search && !(frommember || fromloc)) {
    return call.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmdName}`);
  }
  if (search && !(byradius || bybox)) {
    return call.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmdName}`);
  }
  if (any && count === 0n) return call.error("ERR the ANY argument requires COUNT argument");

  if (z === null) {
    if (storekey !== null) {
      deleteStoreKey(call, storekey);
      return call.reply.int(0);
    }
    return call.reply.arrayHeader(0);
  }

  if (count !== 0n && sort === SORT_NONE && !any) sort = SORT_ASC;
  const cells = searchCells(shape);
  const points: GeoPoint[] = [];
  const limit = any ? (count > 0xffffffffn ? Number.MAX_SAFE_INTEGER : Number(count)) : 0;
  membersOfCells(z, cells, shape, points, limit);

  if (points.length === 0 && storekey === null) return call.reply.arrayHeader(0);
  const resultLength = points.length;
  const returned = count === 0n || BigInt(resultLength) < count ? resultLength : Number(count);
  if (sort === SORT_ASC) points.sort((a, b) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1));
  else if (sort === SORT_DESC) points.sort((a, b) => (a.dist > b.dist ? -1 : a.dist === b.dist ? 0 : 1));

  if (storekey === null) {
    let optionLength = 0;
    if (withdist) optionLength++;
    if (withcoords) optionLength++;
    if (withhash) optionLength++;
    const r = call.reply;
    r.arrayHeader(returned);
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      const dist = gp.dist / shape.conversion;
      if (optionLength > 0) r.arrayHeader(optionLength + 1);
      r.bulk(gp.member);
      if (withdist) replyDistance(call, dist);
      if (withhash) r.int(scoreAsInt(gp.score));
      if (withcoords) {
        r.arrayHeader(2);
        replyCoord(call, gp.x);
        replyCoord(call, gp.y);
      }
    }
    return;
  }

  if (returned > 0) {
    const lim = limits(call);
    let maxLen = 0;
    for (let i = 0; i < returned; i++) maxLen = Math.max(maxLen, points[i]!.member.length);
    const dst = createZset(lim, returned, maxLen);
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      dst.insert(gp.member, storedist ? gp.dist / shape.conversion : gp.score);
    }
    storeZset(call, storekey, dst, search ? "geosearchstore" : "georadiusstore");
    call.dirty(returned - 1);
  } else {
    deleteStoreKey(call, storekey);
  }
  call.reply.int(returned);
}

/** The empty-result branch of the STORE variants: deletes the destination if it exists. */
function deleteStoreKey(call: CommandCall, key: Uint8Array): void {
  const db = call.db;
  if (lookupWrite(call, key, db) !== NO_ENTRY && db.delete(key)) {
    call.keyModified(db, key);
    call.notify("g", "del", key, db.id);
    call.dirty();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------------------------

interface Decl {
  summary: string;
  since: string;
  complexity: string;
  arity: number;
  flags: CommandFlag[];
  keySpecs: KeySpec[];
  arguments: ArgSpec[];
  history?: [string, string][];
  deprecatedSince?: string;
  replacedBy?: string;
  handler: (call: CommandCall) => void;
}

function spec(name: string, d: Decl): CommandSpec {
  const s: CommandSpec = {
    name,
    summary: d.summary,
    since: d.since,
    group: "geo",
    complexity: d.complexity,
    arity: d.arity,
    flags: d.flags,
    aclCategories: ["geo"],
    keySpecs: d.keySpecs,
    arguments: d.arguments,
    parse: "manual",
    handler: d.handler,
  };
  if (d.history !== undefined) s.history = d.history;
  if (d.deprecatedSince !== undefined) {
    s.deprecatedSince = d.deprecatedSince;
    s.docFlags = ["DEPRECATED"];
  }
  if (d.replacedBy !== undefined) s.replacedBy = d.replacedBy;
  return s;
}

const key = (keySpecIndex = 0, name = "key"): ArgSpec => ({ name, type: "key", keySpecIndex });
const str = (name: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ name, type: "string", ...extra });
const dbl = (name: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({ name, type: "double", ...extra });
const token = (name: string, tok: string, extra: Partial<ArgSpec> = {}): ArgSpec => ({
  name,
  type: "pure-token",
  token: tok,
  ...extra,
});
const unit = (optional = false): ArgSpec => {
  const a: ArgSpec = {
    name: "unit",
    type: "oneof",
    arguments: [token("m", "M"), token("km", "KM"), token("ft", "FT"), token("mi", "MI")],
  };
  if (optional) a.optional = true;
  return a;
};
const withOpts = (): ArgSpec[] => [
  token("withcoord", "WITHCOORD", { optional: true }),
  token("withdist", "WITHDIST", { optional: true }),
  token("withhash", "WITHHASH", { optional: true }),
];
const countBlock = (anySince?: string): ArgSpec => {
  const anyTok = token("any", "ANY", { optional: true });
  if (anySince !== undefined) anyTok.since = anySince;
  return {
    name: "count-block",
    type: "block",
    optional: true,
    arguments: [{ token: "COUNT", name: "count", type: "integer" }, anyTok],
  };
};
const order: ArgSpec = {
  name: "order",
  type: "oneof",
  optional: true,
  arguments: [token("asc", "ASC"), token("desc", "DESC")],
};
const storeOpt: ArgSpec = {
  name: "store",
  type: "oneof",
  optional: true,
  arguments: [
    { token: "STORE", name: "storekey", displayText: "key", type: "key", keySpecIndex: 1 },
    { token: "STOREDIST", name: "storedistkey", displayText: "key", type: "key", keySpecIndex: 2 },
  ],
};
const fromArg: ArgSpec = {
  name: "from",
  type: "oneof",
  arguments: [
    { token: "FROMMEMBER", name: "member", type: "string" },
    {
      token: "FROMLONLAT",
      name: "fromlonlat",
      type: "block",
      arguments: [dbl("longitude"), dbl("latitude")],
    },
  ],
};
const byArg: ArgSpec = {
  name: "by",
  type: "oneof",
  arguments: [
    { name: "circle", type: "block", arguments: [dbl("radius", { token: "BYRADIUS" }), unit()] },
    {
      name: "box",
      type: "block",
      arguments: [dbl("width", { token: "BYBOX" }), dbl("height"), unit()],
    },
  ],
};
const keyword = (flags: KeySpec["flags"], kw: string, startFrom: number): KeySpec => ({
  flags,
  beginSearch: { keyword: { keyword: kw, startFrom } },
  findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
});

const RADIUS_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.";
const SEARCH_COMPLEXITY =
  "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape";
const RADIUS_HISTORY: [string, string][] = [
  ["6.2.0", "Added the `ANY` option for `COUNT`."],
  ["7.0.0", "Added support for uppercase unit names."],
];
const UPPER_UNITS: [string, string][] = [["7.0.0", "Added support for uppercase unit names."]];
const RO = (): KeySpec => keyAt(["RO", "ACCESS"], 1);

export const geoCommands: CommandSpec[] = [
  spec("geoadd", {
    summary: "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
    since: "3.2.0",
    complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    arity: -5,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["RW", "UPDATE"], 1)],
    arguments: [
      key(),
      {
        name: "condition",
        type: "oneof",
        optional: true,
        since: "6.2.0",
        arguments: [token("nx", "NX"), token("xx", "XX")],
      },
      token("change", "CH", { optional: true, since: "6.2.0" }),
      {
        name: "data",
        type: "block",
        multiple: true,
        arguments: [dbl("longitude"), dbl("latitude"), str("member")],
      },
    ],
    history: [["6.2.0", "Added the `CH`, `NX` and `XX` options."]],
    handler: geoaddHandler,
  }),
  spec("geodist", {
    summary: "Returns the distance between two members of a geospatial index.",
    since: "3.2.0",
    complexity: "O(1)",
    arity: -4,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [key(), str("member1"), str("member2"), unit(true)],
    handler: geodistHandler,
  }),
  spec("geohash", {
    summary: "Returns members from a geospatial index as geohash strings.",
    since: "3.2.0",
    complexity: "O(1) for each member requested.",
    arity: -2,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [key(), str("member", { multiple: true, optional: true })],
    handler: geohashHandler,
  }),
  spec("geopos", {
    summary: "Returns the longitude and latitude of members from a geospatial index.",
    since: "3.2.0",
    complexity: "O(1) for each member requested.",
    arity: -2,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [key(), str("member", { multiple: true, optional: true })],
    handler: geoposHandler,
  }),
  spec("georadius", {
    summary:
      "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.",
    since: "3.2.0",
    complexity: RADIUS_COMPLEXITY,
    arity: -6,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [RO(), keyword(["OW", "UPDATE"], "STORE", 6), keyword(["OW", "UPDATE"], "STOREDIST", 6)],
    arguments: [
      key(),
      dbl("longitude"),
      dbl("latitude"),
      dbl("radius"),
      unit(),
      ...withOpts(),
      countBlock("6.2.0"),
      order,
      storeOpt,
    ],
    history: RADIUS_HISTORY,
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
    handler: (call) => georadiusGeneric(call, 1, RADIUS_COORDS),
  }),
  spec("georadius_ro", {
    summary: "Returns members from a geospatial index that are within a distance from a coordinate.",
    since: "3.2.10",
    complexity: RADIUS_COMPLEXITY,
    arity: -6,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [
      key(),
      dbl("longitude"),
      dbl("latitude"),
      dbl("radius"),
      unit(),
      ...withOpts(),
      countBlock("6.2.0"),
      order,
    ],
    history: RADIUS_HISTORY,
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
    handler: (call) => georadiusGeneric(call, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  }),
  spec("georadiusbymember", {
    summary:
      "Queries a geospatial index for members within a distance from a member, optionally stores the result.",
    since: "3.2.0",
    complexity: RADIUS_COMPLEXITY,
    arity: -5,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [RO(), keyword(["OW", "UPDATE"], "STORE", 5), keyword(["OW", "UPDATE"], "STOREDIST", 5)],
    arguments: [key(), str("member"), dbl("radius"), unit(), ...withOpts(), countBlock(), order, storeOpt],
    history: RADIUS_HISTORY,
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    handler: (call) => georadiusGeneric(call, 1, RADIUS_MEMBER),
  }),
  spec("georadiusbymember_ro", {
    summary: "Returns members from a geospatial index that are within a distance from a member.",
    since: "3.2.10",
    complexity: RADIUS_COMPLEXITY,
    arity: -5,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [key(), str("member"), dbl("radius"), unit(), ...withOpts(), countBlock(), order],
    history: RADIUS_HISTORY,
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
    handler: (call) => georadiusGeneric(call, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  }),
  spec("geosearch", {
    summary: "Queries a geospatial index for members inside an area of a box or a circle.",
    since: "6.2.0",
    complexity: SEARCH_COMPLEXITY,
    arity: -7,
    flags: ["READONLY"],
    keySpecs: [RO()],
    arguments: [key(), fromArg, byArg, order, countBlock(), ...withOpts()],
    history: UPPER_UNITS,
    handler: (call) => georadiusGeneric(call, 1, GEOSEARCH),
  }),
  spec("geosearchstore", {
    summary:
      "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.",
    since: "6.2.0",
    complexity: SEARCH_COMPLEXITY,
    arity: -8,
    flags: ["WRITE", "DENYOOM"],
    keySpecs: [keyAt(["OW", "UPDATE"], 1), keyAt(["RO", "ACCESS"], 2)],
    arguments: [
      key(0, "destination"),
      key(1, "source"),
      fromArg,
      byArg,
      order,
      countBlock(),
      token("storedist", "STOREDIST", { optional: true }),
    ],
    history: UPPER_UNITS,
    handler: (call) => georadiusGeneric(call, 2, GEOSEARCH | GEOSEARCHSTORE),
  }),
];
