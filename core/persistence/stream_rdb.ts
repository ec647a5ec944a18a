/**
 * Streams in RDB form (Valkey's rdb.c, RDB_TYPE_STREAM_LISTPACKS, _2 and _3):
 *
 *     nodes      len N, then N × (16-byte big-endian master ID, node listpack)
 *     metadata   length, last-id (ms, seq), [v2+: first-id, max-deleted-id, entries-added]
 *     groups     len G, then G × (name, last-id, [v2+: entries-read], PEL, consumers)
 *     PEL        len P, then P × (16-byte ID, delivery time ms, delivery count)
 *     consumers  len C, then C × (name, seen-time ms, [v3: active-time ms], len K, K × 16-byte ID)
 *
 * A node listpack holds the master entry and the entries in Valkey's stream layout (see
 * core/types/stream.ts), which is also how StreamValue keeps its nodes in memory. So, as Valkey does,
 * writing stores every node as it is (tombstones included) and reading takes each node listpack as it
 * is, after walking it once to check its layout, its counters and the order of its IDs. A node that
 * does not pass (or whose master ID is beyond 2^53 ms or seq) is read entry by entry instead: its live
 * entries are appended and its tombstones dropped. Then the metadata, groups, PELs and consumers.
 *
 * @module
 */

import {
  Consumer,
  ConsumerGroup,
  idMs,
  idSeq,
  INVALID_ENTRIES_READ,
  makeId,
  type Nack,
  nameKey,
  type StreamId,
  StreamValue,
  U64_MAX,
} from "../types/stream.ts";
import { decodeListpack, FormatError, listpackFromValkey, writeListpack } from "./encodings.ts";
import type { Listpack } from "../types/listpack.ts";
import { type RdbReader, RdbType, type RdbWriter } from "./rdb_io.ts";
import { parseI64 } from "../util/numbers.ts";

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/** Node limits for entries appended one by one while loading (from the configuration). */
export interface StreamNodeLimits {
  maxEntries: number;
  maxBytes: number;
}

function idBytes(id: StreamId): Uint8Array {
  const b = new Uint8Array(16);
  put64(b, 0, idMs(id));
  put64(b, 8, idSeq(id));
  return b;
}

/** Stores an unsigned 64-bit value big-endian (without a DataView: cheaper on small arrays). */
function put64(b: Uint8Array, at: number, v: bigint): void {
  let hi: number;
  let lo: number;
  if (v <= 9007199254740991n) {
    const x = Number(v);
    hi = Math.floor(x / 4294967296);
    lo = x - hi * 4294967296;
  } else {
    hi = Number(v >> 32n);
    lo = Number(v & 0xffffffffn);
  }
  b[at] = hi >>> 24;
  b[at + 1] = (hi >>> 16) & 0xff;
  b[at + 2] = (hi >>> 8) & 0xff;
  b[at + 3] = hi & 0xff;
  b[at + 4] = lo >>> 24;
  b[at + 5] = (lo >>> 16) & 0xff;
  b[at + 6] = (lo >>> 8) & 0xff;
  b[at + 7] = lo & 0xff;
}

function idFromBytes(b: Uint8Array): StreamId {
  if (b.length !== 16) throw new FormatError("Stream node key entry is not the size of a stream ID");
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  return makeId(dv.getBigUint64(0, false), dv.getBigUint64(8, false));
}

/** rdbSaveObject for a stream, as RDB_TYPE_STREAM_LISTPACKS_3 (the type byte is written by the caller). */
export function writeStream(w: RdbWriter, s: StreamValue): void {
  const masters = s.masterIds();
  const nodes = s.nodeListpacks();
  w.length(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    w.string(idBytes(masters[i]!));
    writeListpack(w, nodes[i]!);
  }
  w.length(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  w.length(s.entriesAdded);
  const groups = s.groups === null ? [] : [...s.groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  w.length(groups.length);
  for (const [, g] of groups) {
    w.string(g.name);
    writeId(w, g.lastId);
    w.lengthBig(g.entriesRead === INVALID_ENTRIES_READ ? U64_MAX : BigInt(g.entriesRead));
    w.length(g.pel.size);
    g.pel.forEachFrom(0n, (id, nack) => {
      w.raw(idBytes(id));
      w.msTime(nack.deliveryTime);
      w.length(nack.deliveryCount);
    });
    const consumers = g.sortedConsumers();
    w.length(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.msTime(c.seenTime);
      w.msTime(c.activeTime);
      w.length(c.pel.size);
      c.pel.forEachFrom(0n, (id) => w.raw(idBytes(id)));
    }
  }
}

function writeId(w: RdbWriter, id: StreamId): void {
  w.lengthBig(idMs(id));
  w.lengthBig(idSeq(id));
}

function readId(r: RdbReader): StreamId {
  const ms = r.lengthBig();
  const seq = r.lengthBig();
  return makeId(ms, seq);
}

/** A listpack element that must be an integer (Valkey's lpGetIntegerIfValid): else the node is corrupt. */
function intOf(b: Uint8Array): bigint {
  const v = parseI64(b);
  if (v === null) throw new FormatError("Stream listpack integrity check failed.");
  return v;
}

/** The last live entry ID loaded so far (as a bigint and, within 2^53, as numbers) and the first one. */
interface LastId {
  id: StreamId;
  ms: number;
  seq: number;
  first: StreamId;
}

/**
 * Walks a node listpack (Valkey's layout, see core/types/stream.ts) and returns its number of live
 * entries when it can be taken as it is: well-formed, its count and deleted counters right, its live IDs
 * ascending after `last` (which is updated). Returns -1 when it must be read entry by entry (`last` is
 * then unchanged).
 */
function checkNode(lp: Listpack, master: StreamId, last: LastId): number {
  const mMs = Number(idMs(master));
  const mSeq = Number(idSeq(master));
  if (!Number.isSafeInteger(mMs) || !Number.isSafeInteger(mSeq)) return -1;
  if (last.id >= 0n && last.ms < 0) return -1; // the previous IDs were beyond 2^53
  let p = 0;
  const int = (): number => {
    if (p === -1) return NaN;
    const v = lp.valueAt(p);
    p = lp.next(p);
    return typeof v === "number" ? v : NaN;
  };
  const count = int();
  const deleted = int();
  const numMaster = int();
  if (!(numMaster >= 0)) return -1;
  for (let k = 0; k < numMaster; k++) {
    if (p === -1) return -1;
    p = lp.next(p);
  }
  if (int() !== 0) return -1; // master terminator
  let live = 0;
  let dead = 0;
  let lastMs = last.ms;
  let lastSeq = last.seq;
  let firstMs = -1;
  let firstSeq = -1;
  while (p !== -1) {
    const flags = int();
    const ms = mMs + int();
    const seq = mSeq + int();
    if (!(flags >= 0 && flags <= 3) || !Number.isSafeInteger(ms) || !Number.isSafeInteger(seq)) return -1;
    let fields = numMaster;
    let lpCount = numMaster + 3;
    if ((flags & FLAG_SAMEFIELDS) === 0) {
      fields = int();
      if (!(fields >= 0)) return -1;
      lpCount = 2 * fields + 4;
      fields *= 2;
    }
    for (let k = 0; k < fields; k++) {
      if (p === -1) return -1;
      p = lp.next(p);
    }
    // lp-count: the entry's element count, which walks backwards (XREVRANGE) rely on.
    if (int() !== lpCount) return -1;
    if (flags & FLAG_DELETED) {
      dead++;
      continue;
    }
    if (ms < lastMs || (ms === lastMs && seq <= lastSeq) || seq < 0) return -1;
    if (firstMs < 0) {
      firstMs = ms;
      firstSeq = seq;
    }
    lastMs = ms;
    lastSeq = seq;
    live++;
  }
  if (count !== live || deleted !== dead) return -1;
  if (live > 0) {
    last.ms = lastMs;
    last.seq = lastSeq;
    last.id = makeId(BigInt(lastMs), BigInt(lastSeq));
    if (last.first < 0n) last.first = makeId(BigInt(firstMs), BigInt(firstSeq));
  }
  return live;
}

/** Reads a node entry by entry: appends its live entries (tombstones are dropped). */
function appendNodeEntries(
  s: StreamValue,
  master: StreamId,
  blob: Uint8Array,
  lim: StreamNodeLimits,
  nowMs: number,
  last: LastId,
  deep: boolean,
): void {
  const el = decodeListpack(blob);
  let p = 0;
  const at = (): Uint8Array => {
    const v = el[p++];
    if (v === undefined) throw new FormatError("Stream listpack integrity check failed.");
    return v;
  };
  // With a deep check (Valkey's streamValidateListpackIntegrity): exactly count + deleted entries, each
  // one's lp-count right, nothing after the last. Without, the entries are taken as they come (the node
  // is rebuilt from them). Integers must be integers either way.
  const corrupt = (): never => {
    throw new FormatError("Stream listpack integrity check failed.");
  };
  const count = intOf(at());
  const deleted = intOf(at());
  const numMaster = Number(intOf(at()));
  if (numMaster < 0 || (deep && (count < 0n || deleted < 0n))) corrupt();
  const masterFields: Uint8Array[] = [];
  for (let k = 0; k < numMaster; k++) masterFields.push(at());
  if (intOf(at()) !== 0n) corrupt(); // master terminator
  for (let e = 0n; deep ? e < count + deleted : p < el.length; e++) {
    const flags = Number(intOf(at()));
    const id = makeId(idMs(master) + intOf(at()), idSeq(master) + intOf(at()));
    const pairs: Uint8Array[] = [];
    let lpCount = numMaster + 3;
    if (flags & FLAG_SAMEFIELDS) {
      for (let k = 0; k < numMaster; k++) pairs.push(masterFields[k]!, at());
    } else {
      const n = Number(intOf(at()));
      if (n < 0) corrupt();
      for (let k = 0; k < n; k++) pairs.push(at(), at());
      lpCount = 2 * n + 4;
    }
    if (intOf(at()) !== BigInt(lpCount) && deep) corrupt(); // lp-count
    if (flags & FLAG_DELETED) continue;
    if (id <= last.id) throw new FormatError("Stream entries out of order");
    const res = s.append(pairs, id, true, nowMs, lim.maxEntries, lim.maxBytes);
    if (typeof res !== "bigint") throw new FormatError("Stream entry rejected");
    last.id = id;
    const ms = Number(idMs(id));
    const seq = Number(idSeq(id));
    const safe = Number.isSafeInteger(ms) && Number.isSafeInteger(seq);
    last.ms = safe ? ms : -1;
    last.seq = safe ? seq : -1;
    if (last.first < 0n) last.first = id;
  }
  if (p !== el.length) corrupt();
}

/** rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS, _2 and _3. */
export function readStream(r: RdbReader, type: number, lim: StreamNodeLimits, nowMs: number): StreamValue {
  const s = new StreamValue();
  const nodes = r.length();
  const last: LastId = { id: -1n, ms: -1, seq: -1, first: -1n };
  for (let i = 0; i < nodes; i++) {
    const master = idFromBytes(r.string());
    const blob = r.string();
    r.compactBlobs++;
    const lp = listpackFromValkey(blob, r.owned);
    if (lp.count === 0) throw new FormatError("Empty listpack inside stream");
    const masters = s.masterIds();
    if (masters.length > 0 && master <= masters[masters.length - 1]!) {
      throw new FormatError("Stream node keys out of order");
    }
    const live = checkNode(lp, master, last);
    if (live > 0) s.adoptNode(master, lp, live);
    else if (live < 0) appendNodeEntries(s, master, blob, lim, nowMs, last, r.deep);
  }
  if (type < RdbType.STREAM_LISTPACKS_2 && last.first >= 0n) s.firstId = last.first;
  const length = r.length();
  if (length !== s.length) throw new FormatError("Stream length does not match its entries");
  s.lastId = readId(r);
  if (type >= RdbType.STREAM_LISTPACKS_2) {
    s.firstId = readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = Number(r.lengthBig());
  } else {
    s.entriesAdded = s.length;
  }
  if (s.length === 0) s.firstId = 0n;
  const groups = r.length();
  for (let g = 0; g < groups; g++) {
    const name = r.string().slice();
    const lastId = readId(r);
    let entriesRead = INVALID_ENTRIES_READ;
    if (type >= RdbType.STREAM_LISTPACKS_2) {
      const er = r.lengthBig();
      entriesRead = er >= 1n << 63n ? INVALID_ENTRIES_READ : Number(er);
    } else {
      // Older RDBs kept no read counter: estimate it from the group's last ID, as Valkey does on load.
      entriesRead = s.estimateDistance(lastId);
    }
    const cg = new ConsumerGroup(name, lastId, entriesRead);
    s.groups ??= new Map();
    if (s.groups.has(nameKey(name))) throw new FormatError("Duplicated consumer group name");
    s.groups.set(nameKey(name), cg);
    const pelSize = r.length();
    const orphan = new Map<StreamId, Nack>();
    for (let k = 0; k < pelSize; k++) {
      const id = idFromBytes(r.bytes(16));
      const deliveryTime = r.msTime();
      const deliveryCount = r.length();
      // The consumer is set when a consumer's PEL names this ID (checked below).
      const nack: Nack = { deliveryTime, deliveryCount, consumer: null as unknown as Consumer };
      if (!cg.pel.set(id, nack)) {
        throw new FormatError("Duplicated global PEL entry loading stream consumer group");
      }
      orphan.set(id, nack);
    }
    const consumers = r.length();
    for (let c = 0; c < consumers; c++) {
      const cname = r.string().slice();
      const consumer = new Consumer(cname, nowMs);
      consumer.seenTime = r.msTime();
      consumer.activeTime = type >= RdbType.STREAM_LISTPACKS_3 ? r.msTime() : consumer.seenTime;
      if (cg.consumers.has(nameKey(cname))) throw new FormatError("Duplicate stream consumer detected.");
      cg.consumers.set(nameKey(cname), consumer);
      const n = r.length();
      for (let k = 0; k < n; k++) {
        const id = idFromBytes(r.bytes(16));
        const nack = orphan.get(id);
        if (nack === undefined) throw new FormatError("Consumer entry not found in group global PEL");
        orphan.delete(id);
        nack.consumer = consumer;
        consumer.pel.set(id, nack);
      }
    }
    if (orphan.size > 0) throw new FormatError("Stream CG PEL entry without consumer");
  }
  return s;
}
