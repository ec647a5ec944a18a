/**
 * Values in RDB form (Valkey's rdbSaveObjectType / rdbSaveObject / rdbLoadObject): what is written for
 * each type and encoding, and how every type byte of RDB versions 1..11 is read back into Valkyr's
 * types.
 *
 *     written (as Valkey 8.1)            read (also)
 *     string          STRING             STRING
 *     list            LIST_QUICKLIST_2   LIST (linked list), LIST_ZIPLIST, LIST_QUICKLIST (of ziplists)
 *     set intset      SET_INTSET         SET_INTSET
 *     set listpack    SET_LISTPACK       SET_LISTPACK
 *     set hashtable   SET                SET
 *     zset listpack   ZSET_LISTPACK      ZSET_LISTPACK, ZSET_ZIPLIST
 *     zset skiplist   ZSET_2             ZSET_2, ZSET (text scores)
 *     hash listpack   HASH_LISTPACK      HASH_LISTPACK, HASH_ZIPLIST, HASH_ZIPMAP
 *     hash hashtable  HASH               HASH
 *     stream          STREAM_LISTPACKS_3 STREAM_LISTPACKS, _2, _3 (stream_rdb.ts)
 *     module types    MODULE_2           MODULE_2, through the registered type's callbacks
 *
 * A loaded value gets the encoding Valkyr's commands would give the same elements under the current
 * configuration (listpack/intset within the `*-max-*` limits, else the big encoding), as Valkey's
 * loader converts too. Streams: see stream_rdb.ts.
 *
 * Speed: the small encodings are where a data set has most of its keys, so they avoid per-element
 * objects. Hash and set listpacks are copied between Valkyr's in-memory Listpack and Valkey's bytes as
 * they are (encodings.ts: the entry formats agree but for two rare cases, which are re-encoded);
 * intsets go as blobs; sorted-set listpacks and quicklist nodes are built in a reused ListpackBuilder
 * straight from the stored bytes and read in one pass (sorted input is appended at the end of the
 * sorted set's order instead of searched for); compressed strings that are only read are
 * decompressed into a shared buffer.
 *
 * @module
 */

import { HashValue } from "../types/hash.ts";
import { ListValue } from "../types/list.ts";
import {
  LP_OVERHEAD,
  lpEntrySize,
  nodeLimit,
  QuicklistNode,
  SIZE_SAFETY_LIMIT,
  TAIL,
} from "../types/quicklist.ts";
import { SetValue } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { StreamValue } from "../types/stream.ts";
import { readStream, writeStream } from "./stream_rdb.ts";
import type { ValueObject } from "../types/value.ts";
import { formatDouble, parseDouble } from "../util/numbers.ts";
import {
  decodeIntset,
  decodeListpack,
  decodeListpackMixed,
  decodeZiplist,
  decodeZipmap,
  FormatError,
  intText,
  ListpackBuilder,
  listpackFromValkey,
  writeListpack,
} from "./encodings.ts";
import { IntSet } from "../types/intset.ts";
import type { Listpack } from "../types/listpack.ts";
import { parseI64 } from "../util/numbers.ts";
import {
  QUICKLIST_NODE_PACKED,
  QUICKLIST_NODE_PLAIN,
  type RdbReader,
  RdbType,
  type RdbWriter,
  ShortReadError,
} from "./rdb_io.ts";

/** The limits that pick a loaded value's encoding (from the configuration). */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  listMaxListpackSize: number;
  streamNodeMaxEntries: number;
  streamNodeMaxBytes: number;
}

/** A module data type as persistence sees it (the module API registers these). */
export interface RdbModuleType {
  /** The 9-character type name. */
  readonly name: string;
  /** The 64-bit module id: 54 bits of name, 10 bits of encoding version. */
  readonly id: bigint;
  /** Writes the value's module opcodes (without the id and the final EOF opcode). */
  rdbSave(w: RdbWriter, value: ValueObject): void;
  /** Reads a value written with encoding version `encver`. */
  rdbLoad(r: RdbReader, encver: number): ValueObject;
}

/** Finds module types by id (64-bit, the encoding version masked off) and by value. */
export interface ModuleTypeRegistry {
  byId(idWithoutVersion: bigint): RdbModuleType | undefined;
  forValue(value: ValueObject): RdbModuleType | undefined;
}

let moduleRegistry: ModuleTypeRegistry | undefined;

/** Installs the module-type lookup used for RDB_TYPE_MODULE_2 (the module API calls this). */
export function setModuleTypeRegistry(r: ModuleTypeRegistry | undefined): void {
  moduleRegistry = r;
}

/** The 9-character name encoded in a module id (moduleTypeNameByID). */
export function moduleNameById(id: bigint): string {
  const charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  let s = "";
  let v = id >> 10n;
  for (let i = 8; i >= 0; i--) {
    s = charset[Number(v & 63n)] + s;
    v >>= 6n;
  }
  return s;
}

const MODULE_OPCODE_EOF = 0;

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

/** rdbSaveObjectType + rdbSaveObject for a stored value (string bytes or a value object). */
export function writeValue(w: RdbWriter, value: Uint8Array | object): void {
  w.byte(valueRdbType(value));
  writeValueBody(w, value);
}

/** rdbSaveObject: the value without its type byte. */
export function writeValueBody(w: RdbWriter, value: Uint8Array | object): void {
  if (value instanceof Uint8Array) return w.string(value);
  if (value instanceof ListValue) return writeList(w, value);
  if (value instanceof SetValue) return writeSet(w, value);
  if (value instanceof ZSet) return writeZset(w, value);
  if (value instanceof HashValue) return writeHash(w, value);
  if (value instanceof StreamValue) return writeStream(w, value);
  const v = value as ValueObject;
  const mt = moduleRegistry?.forValue(v);
  if (mt !== undefined) {
    w.lengthBig(mt.id);
    mt.rdbSave(w, v);
    w.length(MODULE_OPCODE_EOF);
    return;
  }
  throw new FormatError(`cannot serialize a value of type ${v.type}`);
}

/** The RDB type byte {@link writeValue} would write. */
export function valueRdbType(value: Uint8Array | object): number {
  if (value instanceof Uint8Array) return RdbType.STRING;
  if (value instanceof ListValue) return RdbType.LIST_QUICKLIST_2;
  if (value instanceof SetValue) {
    const e = value.encoding;
    return e === "intset" ? RdbType.SET_INTSET : e === "listpack" ? RdbType.SET_LISTPACK : RdbType.SET;
  }
  if (value instanceof ZSet) return value.isListpack ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
  if (value instanceof HashValue) return value.isListpack ? RdbType.HASH_LISTPACK : RdbType.HASH;
  if (value instanceof StreamValue) return RdbType.STREAM_LISTPACKS_3;
  return RdbType.MODULE_2;
}

/** True when a value can be serialized (a stream cannot yet). */
export function canSerialize(value: Uint8Array | object): boolean {
  if (value instanceof Uint8Array || value instanceof ListValue || value instanceof SetValue) return true;
  if (value instanceof ZSet || value instanceof HashValue || value instanceof StreamValue) return true;
  return moduleRegistry?.forValue(value as ValueObject) !== undefined;
}

/** The listpack scratch of the writers (each value's listpack is copied into the output at once). */
const lb = new ListpackBuilder();

function writeList(w: RdbWriter, list: ListValue): void {
  const nodes = list.ql.nodes;
  let live = 0;
  for (const node of nodes) if (node.count > 0) live++;
  w.length(live);
  for (const node of nodes) {
    if (node.count === 0) continue;
    if (node.plain) {
      w.length(QUICKLIST_NODE_PLAIN);
      w.string(node.valueAt(node.start));
      continue;
    }
    w.length(QUICKLIST_NODE_PACKED);
    // The node's entries are [length as LEB128][bytes][length backwards] (quicklist.ts).
    lb.reset();
    const b = node.buf;
    for (let off = node.start, end = node.end; off < end;) {
      let c = b[off]!;
      let l = c & 0x7f;
      let h = 1;
      for (let mul = 0x80; c & 0x80; mul *= 0x80) {
        c = b[off + h]!;
        l += (c & 0x7f) * mul;
        h++;
      }
      lb.appendFrom(b, off + h, l);
      off += h + l + h;
    }
    const n = lb.finishLength(); // before reading `data`: finishing may grow the buffer
    w.stringRange(lb.data, 0, n);
  }
}

let intsetOut = new Uint8Array(1024);

function writeSet(w: RdbWriter, set: SetValue): void {
  const is = set.intset;
  if (is !== null) {
    if (intsetOut.length < is.blobLen()) intsetOut = new Uint8Array(is.blobLen() * 2);
    return w.stringRange(intsetOut, 0, is.blobInto(intsetOut));
  }
  const lp = set.listpack;
  if (lp !== null) return writeListpack(w, lp);
  w.length(set.length);
  set.forEach((m) => w.string(m));
}

function writeZset(w: RdbWriter, z: ZSet): void {
  if (z.isListpack) {
    lb.reset();
    z.forEachRaw((a, off, len, s) => {
      lb.appendFrom(a, off, len);
      if (Number.isInteger(s) && Math.abs(s) <= 4611686018427387904) {
        if (s <= 9007199254740991 && s >= -9007199254740991) lb.appendNumber(s);
        else lb.appendInt(BigInt(s));
      } else lb.appendAscii(formatDouble(s));
    });
    const n = lb.finishLength(); // before reading `data`: finishing may grow the buffer
    w.stringRange(lb.data, 0, n);
    return;
  }
  // Valkey writes the skiplist from the tail, so that loading inserts at the head.
  w.length(z.length);
  const refs = new Int32Array(z.length);
  let n = 0;
  z.forEach((ref) => (refs[n++] = ref));
  for (let i = n - 1; i >= 0; i--) {
    w.string(z.memberOf(refs[i]!));
    w.binaryDouble(z.scoreOf(refs[i]!));
  }
}

function writeHash(w: RdbWriter, h: HashValue): void {
  const lp = h.listpack;
  if (lp !== null) return writeListpack(w, lp);
  w.length(h.length);
  h.forEach((f, v) => {
    w.string(f);
    w.string(v);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

/** Thrown for a value that decodes to nothing (Valkey skips such keys with a notice). */
export class EmptyKeyError extends FormatError {}

/**
 * What a malformed compact blob of each RDB type is reported as (Valkey's rdbReportCorruptRDB texts). A
 * quicklist's nodes are ziplists (v1) or listpacks (v2).
 */
const INTEGRITY_FAILURE: Partial<Record<number, string>> = {
  [RdbType.LIST_ZIPLIST]: "List ziplist integrity check failed.",
  [RdbType.LIST_QUICKLIST]: "Ziplist integrity check failed.",
  [RdbType.LIST_QUICKLIST_2]: "Listpack integrity check failed.",
  [RdbType.SET_INTSET]: "Intset integrity check failed.",
  [RdbType.SET_LISTPACK]: "Set listpack integrity check failed.",
  [RdbType.ZSET_ZIPLIST]: "Zset ziplist integrity check failed.",
  [RdbType.ZSET_LISTPACK]: "Zset listpack integrity check failed.",
  [RdbType.HASH_ZIPMAP]: "Zipmap integrity check failed.",
  [RdbType.HASH_ZIPLIST]: "Hash ziplist integrity check failed.",
  [RdbType.HASH_LISTPACK]: "Hash listpack integrity check failed.",
  [RdbType.STREAM_LISTPACKS]: "Stream listpack integrity check failed.",
  [RdbType.STREAM_LISTPACKS_2]: "Stream listpack integrity check failed.",
  [RdbType.STREAM_LISTPACKS_3]: "Stream listpack integrity check failed.",
};

/**
 * rdbLoadObject: reads a value of RDB type `type`. Strings come back as bytes. A malformed compact blob
 * (ziplist, listpack, intset, zipmap) fails with Valkey's "<type> integrity check failed." text; short
 * reads, empty values and duplicates keep their own.
 */
export function readValue(r: RdbReader, type: number, lim: EncodingLimits): Uint8Array | ValueObject {
  const failure = INTEGRITY_FAILURE[type];
  if (failure === undefined) return readValueOf(r, type, lim);
  try {
    return readValueOf(r, type, lim);
  } catch (e) {
    // Valkey's deep validation of a compact blob also finds its duplicates (streams report their
    // duplicate groups, consumers and PEL entries by name).
    // duplicate groups, consumers and PEL entries by name); a shallow check finds them later, by name.
    // Ziplists (and zipmaps) are always checked whole, since they are converted.
    const alwaysDeep = failure.includes("iplist") || failure.startsWith("Zipmap");
    const namedDup = e instanceof FormatError && e.message.startsWith("Dup") &&
      ((!r.deep && !alwaysDeep) || failure.startsWith("Stream"));
    if (
      e instanceof FormatError && !(e instanceof ShortReadError) && !(e instanceof EmptyKeyError) &&
      !namedDup && !e.message.endsWith("integrity check failed.")
    ) throw new FormatError(failure);
    throw e;
  }
}

function readValueOf(r: RdbReader, type: number, lim: EncodingLimits): Uint8Array | ValueObject {
  switch (type) {
    case RdbType.STRING:
      return r.string().slice();
    case RdbType.LIST: {
      const n = r.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return buildList(items, lim);
    }
    case RdbType.LIST_ZIPLIST:
      r.compactBlobs++;
      return buildList(decodeZiplist(r.string()), lim);
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2: {
      const nodes = r.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_PACKED;
        if (type === RdbType.LIST_QUICKLIST_2) {
          container = r.length();
          if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) {
            throw new FormatError(`Quicklist integrity check failed.`);
          }
        }
        // One packed node: its elements are copied into the list before the next read.
        const blob = r.string(nodes === 1 && container !== QUICKLIST_NODE_PLAIN);
        if (blob.length === 0) throw new FormatError("Quicklist node of 0 bytes"); // Valkey refuses those
        if (container === QUICKLIST_NODE_PLAIN) items.push(blob);
        else {
          r.compactBlobs++;
          const els = type === RdbType.LIST_QUICKLIST ? decodeZiplist(blob) : decodeListpack(blob);
          for (let k = 0; k < els.length; k++) items.push(els[k]!);
        }
      }
      return buildList(items, lim);
    }
    case RdbType.SET: {
      const n = r.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return buildSet(items, lim);
    }
    case RdbType.SET_INTSET: {
      r.compactBlobs++;
      const blob = r.string(true);
      const is = IntSet.fromBlob(blob);
      if (is !== null && is.length > 0 && is.length <= lim.setMaxIntsetEntries) return SetValue.from(is);
      return buildSet(decodeIntset(blob), lim);
    }
    case RdbType.SET_LISTPACK: {
      r.compactBlobs++;
      const blob = r.string();
      const lp = listpackFromValkey(blob, r.owned);
      if (lp.count === 0) throw new EmptyKeyError("empty set");
      if (setListpackFits(lp, lim)) {
        if (hasDuplicates(lp, 0)) throw new FormatError("Duplicate set members detected");
        return SetValue.from(lp);
      }
      return buildSet(decodeListpack(blob), lim);
    }
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = r.length();
      const members: Uint8Array[] = new Array(n);
      const scores = new Float64Array(n);
      // Written from the tail (see writeZset): fill from the end so that the arrays ascend.
      for (let i = n - 1; i >= 0; i--) {
        const m = r.string();
        const s = type === RdbType.ZSET_2 ? r.binaryDouble() : r.textDouble();
        if (Number.isNaN(s)) throw new FormatError("Zset with NAN score detected");
        members[i] = m;
        scores[i] = s;
      }
      return buildZset(members, scores, lim);
    }
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      r.compactBlobs++;
      const blob = r.string(true);
      const flat = type === RdbType.ZSET_ZIPLIST ? decodeZiplist(blob) : decodeListpackMixed(blob);
      if (flat.length % 2 !== 0) throw new FormatError("Zset listpack integrity check failed.");
      const n = flat.length / 2;
      const members: Uint8Array[] = new Array(n);
      const scores = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const m = flat[2 * i]!;
        const sv = flat[2 * i + 1]!;
        const s = typeof sv === "number" ? sv : scoreText(sv);
        if (s === null || Number.isNaN(s)) throw new FormatError("Zset listpack integrity check failed.");
        members[i] = typeof m === "number" ? intText(m) : m;
        scores[i] = s;
      }
      return buildZset(members, scores, lim);
    }
    case RdbType.HASH: {
      const n = r.length();
      const flat: Uint8Array[] = [];
      for (let i = 0; i < n; i++) flat.push(r.string(), r.string());
      return buildHash(flat, lim);
    }
    case RdbType.HASH_ZIPMAP: {
      r.compactBlobs++;
      const flat = decodeZipmap(r.string());
      // An empty zipmap fails Valkey's zipmapValidateIntegrity (a value of nothing is not skipped).
      if (flat.length === 0) throw new FormatError("empty zipmap");
      return buildHash(flat, lim);
    }
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK: {
      r.compactBlobs++;
      const blob = r.string();
      if (type === RdbType.HASH_LISTPACK) {
        const lp = listpackFromValkey(blob, r.owned);
        if (lp.count % 2 !== 0) throw new FormatError("Hash listpack integrity check failed.");
        if (lp.count === 0) throw new EmptyKeyError("empty hash");
        if (lp.count >> 1 <= lim.hashMaxListpackEntries && maxEntryLength(lp) <= lim.hashMaxListpackValue) {
          if (hasDuplicates(lp, 1)) throw new FormatError("Duplicate hash fields detected");
          return HashValue.fromListpack(lp);
        }
      }
      const flat = type === RdbType.HASH_ZIPLIST ? decodeZiplist(blob) : decodeListpack(blob);
      if (flat.length % 2 !== 0) throw new FormatError("Hash listpack integrity check failed.");
      return buildHash(flat, lim);
    }
    case RdbType.MODULE_2: {
      const full = r.lengthBig();
      const name = moduleNameById(full);
      const mt = moduleRegistry?.byId(full >> 10n);
      if (mt === undefined) {
        throw new FormatError(
          `The RDB file contains module data I can't load: no matching module type '${name}'`,
        );
      }
      const v = mt.rdbLoad(r, Number(full & 1023n));
      if (r.length() !== MODULE_OPCODE_EOF) {
        throw new FormatError(
          `The RDB file contains module data for the module '${name}' that is not terminated by the proper ` +
            "module value EOF marker",
        );
      }
      return v;
    }
    case RdbType.MODULE_PRE_GA:
      throw new FormatError("Module pre-GA types are not supported.");
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
    case RdbType.STREAM_LISTPACKS_3:
      return readStream(
        r,
        type,
        { maxEntries: lim.streamNodeMaxEntries, maxBytes: lim.streamNodeMaxBytes },
        Date.now(),
      );
    default:
      throw new FormatError(`Unknown RDB encoding type ${type}`);
  }
}

function buildList(items: Uint8Array[], lim: EncodingLimits): ListValue {
  if (items.length === 0) throw new EmptyKeyError("empty list");
  const list = new ListValue();
  const fill = lim.listMaxListpackSize;
  // The usual case, a list that stays in the listpack encoding (growing() never converts it): one node
  // of the exact size. Else push() element by element (it copies the bytes into the list's nodes).
  const limit = nodeLimit(fill);
  let sz = LP_OVERHEAD;
  let bytes = 0;
  let small = true;
  for (let i = 0; i < items.length; i++) {
    const l = items[i]!.length;
    const next = sz + l;
    if (
      limit.size !== Infinity ? next > limit.size : next > SIZE_SAFETY_LIMIT || i + 1 > limit.count
    ) {
      small = false;
      break;
    }
    sz += lpEntrySize(items[i]!);
    const h = l < 0x80 ? 1 : l < 0x4000 ? 2 : l < 0x200000 ? 3 : l < 0x10000000 ? 4 : 5;
    bytes += h + l + h;
  }
  if (small) {
    const node = new QuicklistNode(bytes, false);
    for (let i = 0; i < items.length; i++) node.insertAt(node.end, items[i]!);
    list.ql.appendNode(node);
    return list;
  }
  for (const it of items) {
    list.growing(fill, it.length, 1);
    list.ql.push(it, TAIL);
  }
  return list;
}

function buildSet(items: Uint8Array[], lim: EncodingLimits): SetValue {
  if (items.length === 0) throw new EmptyKeyError("empty set");
  const limits = {
    maxIntsetEntries: lim.setMaxIntsetEntries,
    maxListpackEntries: lim.setMaxListpackEntries,
    maxListpackValue: lim.setMaxListpackValue,
  };
  const s = SetValue.create(items[0]!, items.length, limits);
  for (const it of items) {
    if (!s.add(it, limits)) throw new FormatError("Duplicate set members detected");
  }
  return s;
}

/**
 * parseDouble for a listpack score (the text d2string wrote, such as "1.2857142857142858" or "1e+20"):
 * plain decimal text goes through Number(), which rounds correctly as strtod does; anything else
 * ("inf", hex, overflow, underflow) through parseDouble.
 */
function scoreText(b: Uint8Array): number | null {
  const n = b.length;
  if (n === 0 || n > 32) return parseDouble(b);
  let nonzero = false;
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    // Digits, '.', 'e', 'E', '+', '-' only.
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d)) {
      return parseDouble(b);
    }
    if (c >= 0x31 && c <= 0x39) nonzero = true;
  }
  const v = Number(String.fromCharCode.apply(null, b as unknown as number[]));
  if (v !== v || v === Infinity || v === -Infinity || (v === 0 && nonzero)) return parseDouble(b);
  return v;
}

/** A sorted set of members and scores (in ascending order when the file is well-formed). */
function buildZset(members: Uint8Array[], scores: Float64Array, lim: EncodingLimits): ZSet {
  const n = members.length;
  if (n === 0) throw new EmptyKeyError("empty zset");
  let maxLen = 0;
  let arena = 0;
  for (let i = 0; i < n; i++) {
    const l = members[i]!.length;
    if (l > maxLen) maxLen = l;
    arena += ZSet.arenaBytesFor(l);
  }
  const small = n <= lim.zsetMaxListpackEntries && maxLen <= lim.zsetMaxListpackValue;
  const z = new ZSet(small, small ? 0 : n, arena);
  for (let i = 0; i < n; i++) {
    // The arena copies the member, so views into the file are fine.
    const m = members[i]!;
    const done = z.appendIfSorted(m, scores[i]!);
    if (done === 1) continue;
    if (done === -1 || z.find(m) !== -1) throw new FormatError("Duplicate zset fields detected");
    z.insert(m, scores[i]!);
  }
  return z;
}

/** Length of the decimal text of a safe integer. */
function digits(v: number): number {
  let n = v < 0 ? 2 : 1;
  for (let x = Math.abs(v); x >= 10; x = Math.floor(x / 10)) n++;
  return n;
}

/** The longest entry of a listpack, integers counted by their decimal length. */
function maxEntryLength(lp: Listpack): number {
  let max = 0;
  for (let p = lp.first(); p !== -1; p = lp.next(p)) {
    const v = lp.valueAt(p);
    const len = typeof v === "number" ? digits(v) : v.length;
    if (len > max) max = len;
  }
  return max;
}

/**
 * A listpack set loads as it is when Valkyr's own SADDs would have made a listpack of the same
 * members: its first member is not an integer (else an intset is built), it is within the entry limit
 * and no member is longer than `set-max-listpack-value`.
 */
function setListpackFits(lp: Listpack, lim: EncodingLimits): boolean {
  if (lp.count > lim.setMaxListpackEntries) return false;
  const first = lp.valueAt(0);
  if (typeof first === "number" || parseI64(first) !== null) return false;
  return maxEntryLength(lp) <= lim.setMaxListpackValue;
}

let dupStarts = new Int32Array(257);
let dupEnds = new Int32Array(256);

/** True when two entries (every entry, or with `skip` 1 the fields of field/value pairs) are equal. */
function hasDuplicates(lp: Listpack, skip: number): boolean {
  const b = lp.buf;
  if (dupStarts.length < lp.count + 1) dupStarts = new Int32Array(lp.count * 2 + 1);
  const starts = dupStarts;
  let n = 0;
  let i = 0;
  for (let p = lp.first(); p !== -1; p = lp.next(p), i++) {
    if (skip === 0 || (i & 1) === 0) starts[n++] = p;
  }
  starts[n] = lp.used;
  // Equal elements have the same encoding (integers and strings are canonical): compare each compared
  // element's entry bytes, from its start to the start of the entry after it.
  const ends = dupEnds.length >= n ? dupEnds : (dupEnds = new Int32Array(n * 2));
  for (let k = 0; k < n; k++) ends[k] = skip === 0 ? starts[k + 1]! : lp.next(starts[k]!);
  for (let x = 0; x < n; x++) {
    const sx = starts[x]!;
    const len = ends[x]! - sx;
    for (let y = x + 1; y < n; y++) {
      const sy = starts[y]!;
      if (ends[y]! - sy !== len || b[sx] !== b[sy]) continue;
      let k = 1;
      while (k < len && b[sx + k] === b[sy + k]) k++;
      if (k === len) return true;
    }
  }
  return false;
}

function buildHash(flat: Uint8Array[], lim: EncodingLimits): HashValue {
  if (flat.length === 0) throw new EmptyKeyError("empty hash");
  const limits = { maxEntries: lim.hashMaxListpackEntries, maxValue: lim.hashMaxListpackValue };
  const h = new HashValue();
  if (flat.length / 2 > limits.maxEntries) h.convert(flat.length / 2);
  for (let i = 0; i < flat.length; i += 2) {
    if (!h.set(flat[i]!, flat[i + 1]!, limits)) throw new FormatError("Duplicate hash fields detected");
  }
  return h;
}
