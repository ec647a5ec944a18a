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
 * @module
 */

import { HashValue } from "../types/hash.ts";
import { ListValue } from "../types/list.ts";
import { TAIL } from "../types/quicklist.ts";
import { SetValue } from "../types/set.ts";
import { ZSet } from "../types/zset.ts";
import { StreamValue } from "../types/stream.ts";
import { readStream, writeStream } from "./stream_rdb.ts";
import type { ValueObject } from "../types/value.ts";
import { formatDouble, parseDouble } from "../util/numbers.ts";
import {
  decodeIntset,
  decodeListpack,
  decodeZiplist,
  decodeZipmap,
  encodeIntset,
  FormatError,
  ListpackBuilder,
} from "./encodings.ts";
import {
  QUICKLIST_NODE_PACKED,
  QUICKLIST_NODE_PLAIN,
  type RdbReader,
  RdbType,
  type RdbWriter,
} from "./rdb_io.ts";

const enc = new TextEncoder();

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

/** How stream entries are cut into nodes in written files (Valkey's default node limits). */
const STREAM_PACKING = { maxEntries: 100, maxBytes: 4096 };

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
  if (value instanceof StreamValue) return writeStream(w, value, STREAM_PACKING);
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

function writeList(w: RdbWriter, list: ListValue): void {
  const nodes = list.ql.nodes.filter((n) => n.count > 0);
  w.length(nodes.length);
  for (const node of nodes) {
    if (node.plain) {
      w.length(QUICKLIST_NODE_PLAIN);
      w.string(node.valueAt(node.start));
      continue;
    }
    w.length(QUICKLIST_NODE_PACKED);
    const lb = new ListpackBuilder();
    for (let off = node.start; off < node.end; off = node.next(off)) lb.append(node.valueAt(off));
    w.string(lb.finish());
  }
}

function writeSet(w: RdbWriter, set: SetValue): void {
  const e = set.encoding;
  if (e === "intset") {
    const vals: bigint[] = [];
    set.forEach((m) => vals.push(BigInt(new TextDecoder().decode(m))));
    w.string(encodeIntset(vals));
  } else if (e === "listpack") {
    const lb = new ListpackBuilder();
    set.forEach((m) => lb.append(m));
    w.string(lb.finish());
  } else {
    w.length(set.length);
    set.forEach((m) => w.string(m));
  }
}

function writeZset(w: RdbWriter, z: ZSet): void {
  if (z.isListpack) {
    const lb = new ListpackBuilder();
    z.forEach((ref) => {
      lb.append(z.memberOf(ref));
      const s = z.scoreOf(ref);
      if (Number.isInteger(s) && Math.abs(s) <= 4611686018427387904) lb.appendInt(BigInt(s));
      else lb.appendString(enc.encode(formatDouble(s)));
    });
    w.string(lb.finish());
    return;
  }
  // Valkey writes the skiplist from the tail, so that loading inserts at the head.
  w.length(z.length);
  const refs: number[] = [];
  z.forEach((ref) => refs.push(ref));
  for (let i = refs.length - 1; i >= 0; i--) {
    w.string(z.memberOf(refs[i]!));
    w.binaryDouble(z.scoreOf(refs[i]!));
  }
}

function writeHash(w: RdbWriter, h: HashValue): void {
  if (h.isListpack) {
    const lb = new ListpackBuilder();
    h.forEach((f, v) => {
      lb.append(f);
      lb.append(v);
    });
    w.string(lb.finish());
    return;
  }
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

/** rdbLoadObject: reads a value of RDB type `type`. Strings come back as bytes. */
export function readValue(r: RdbReader, type: number, lim: EncodingLimits): Uint8Array | ValueObject {
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
        const blob = r.string();
        if (container === QUICKLIST_NODE_PLAIN) items.push(blob);
        else if (type === RdbType.LIST_QUICKLIST) items.push(...decodeZiplist(blob));
        else items.push(...decodeListpack(blob));
      }
      return buildList(items, lim);
    }
    case RdbType.SET: {
      const n = r.length();
      const items: Uint8Array[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return buildSet(items, lim);
    }
    case RdbType.SET_INTSET:
      return buildSet(decodeIntset(r.string()), lim);
    case RdbType.SET_LISTPACK:
      return buildSet(decodeListpack(r.string()), lim);
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = r.length();
      const items: [Uint8Array, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = r.string();
        const s = type === RdbType.ZSET_2 ? r.binaryDouble() : r.textDouble();
        if (Number.isNaN(s)) throw new FormatError("Zset with NAN score detected");
        items.push([m, s]);
      }
      return buildZset(items, lim);
    }
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      const flat = type === RdbType.ZSET_ZIPLIST ? decodeZiplist(r.string()) : decodeListpack(r.string());
      if (flat.length % 2 !== 0) throw new FormatError("Zset listpack integrity check failed.");
      const items: [Uint8Array, number][] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const s = parseDouble(flat[i + 1]!);
        if (s === null || Number.isNaN(s)) throw new FormatError("Zset listpack integrity check failed.");
        items.push([flat[i]!, s]);
      }
      return buildZset(items, lim);
    }
    case RdbType.HASH: {
      const n = r.length();
      const flat: Uint8Array[] = [];
      for (let i = 0; i < n; i++) flat.push(r.string(), r.string());
      return buildHash(flat, lim);
    }
    case RdbType.HASH_ZIPMAP:
      return buildHash(decodeZipmap(r.string()), lim);
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK: {
      const flat = type === RdbType.HASH_ZIPLIST ? decodeZiplist(r.string()) : decodeListpack(r.string());
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
  for (const it of items) {
    list.growing(fill, it.length, 1);
    list.ql.push(it.slice(), TAIL);
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

function buildZset(items: [Uint8Array, number][], lim: EncodingLimits): ZSet {
  if (items.length === 0) throw new EmptyKeyError("empty zset");
  let maxLen = 0;
  for (const [m] of items) if (m.length > maxLen) maxLen = m.length;
  const small = items.length <= lim.zsetMaxListpackEntries && maxLen <= lim.zsetMaxListpackValue;
  const z = new ZSet(small, small ? 0 : items.length);
  for (const [m, s] of items) {
    if (z.find(m) !== -1) throw new FormatError("Duplicate zset fields detected");
    z.insert(m.slice(), s);
  }
  return z;
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
