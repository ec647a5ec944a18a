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
 * core/types/stream.ts). Writing re-packs the live entries into nodes the way Valkey's streamAppendItem
 * cuts them (`stream-node-max-entries`, `stream-node-max-bytes`); reading appends the live entries
 * (tombstones are dropped) and restores the metadata, groups, PELs and consumers. Only the public API of
 * StreamValue is used.
 *
 * @module
 */

import {
  Consumer,
  ConsumerGroup,
  ID_MAX,
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
import { decodeListpack, FormatError, ListpackBuilder } from "./encodings.ts";
import { type RdbReader, RdbType, type RdbWriter } from "./rdb_io.ts";

const FLAG_NONE = 0;
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
const LISTPACK_MAX_SIZE = 1 << 30;
const enc = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** Node limits used when packing (from the configuration). */
export interface StreamNodeLimits {
  maxEntries: number;
  maxBytes: number;
}

function idBytes(id: StreamId): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, idMs(id), false);
  dv.setBigUint64(8, idSeq(id), false);
  return b;
}

function idFromBytes(b: Uint8Array): StreamId {
  if (b.length !== 16) throw new FormatError("Stream node key entry is not the size of a stream ID");
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  return makeId(dv.getBigUint64(0, false), dv.getBigUint64(8, false));
}

function toBytes(v: Uint8Array | number): Uint8Array {
  return typeof v === "number" ? enc.encode(String(v)) : v;
}

function sameFields(a: Uint8Array[], pairs: (Uint8Array | number)[]): boolean {
  if (a.length * 2 !== pairs.length) return false;
  for (let i = 0; i < a.length; i++) {
    const f = toBytes(pairs[2 * i]!);
    const m = a[i]!;
    if (f.length !== m.length) return false;
    for (let k = 0; k < f.length; k++) if (f[k] !== m[k]) return false;
  }
  return true;
}

function appendElement(lb: ListpackBuilder, v: Uint8Array | number): void {
  if (typeof v === "number") lb.appendInt(BigInt(v));
  else lb.append(v);
}

/** One node being packed: entries are collected, then the master entry's count is known. */
interface NodeDraft {
  master: StreamId;
  fields: Uint8Array[];
  count: number;
  body: ListpackBuilder;
  bytes: number;
}

function finishNode(w: RdbWriter, d: NodeDraft): void {
  const lb = new ListpackBuilder();
  lb.appendInt(BigInt(d.count));
  lb.appendInt(0n); // deleted
  lb.appendInt(BigInt(d.fields.length));
  for (const f of d.fields) lb.append(f);
  lb.appendInt(0n); // master entry terminator
  const master = lb.finish();
  const body = d.body.finish();
  // Concatenate: master listpack's entries + the body's entries, under one header.
  const bodyEntries = body.subarray(6, body.length - 1);
  const total = master.length + bodyEntries.length;
  const out = new Uint8Array(total);
  out.set(master.subarray(0, master.length - 1), 0);
  out.set(bodyEntries, master.length - 1);
  out[total - 1] = 0xff;
  const dv = new DataView(out.buffer);
  dv.setUint32(0, total, true);
  const elements = 4 + d.fields.length + d.body.count;
  dv.setUint16(4, elements > 65534 ? 65535 : elements, true);
  w.string(idBytes(d.master));
  w.string(out);
}

/** rdbSaveObject for a stream, as RDB_TYPE_STREAM_LISTPACKS_3 (the type byte is written by the caller). */
export function writeStream(w: RdbWriter, s: StreamValue, lim: StreamNodeLimits): void {
  // Nodes first into a side buffer: their number comes before them.
  const nodes: NodeDraft[] = [];
  let cur: NodeDraft | null = null;
  const maxBytes = lim.maxBytes === 0 || lim.maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : lim.maxBytes;
  s.range(0n, ID_MAX, false, (id, pairs) => {
    let total = 0;
    for (const v of pairs) total += typeof v === "number" ? String(v).length : v.length;
    if (
      cur === null || cur.bytes + total >= maxBytes || (lim.maxEntries > 0 && cur.count >= lim.maxEntries)
    ) {
      const fields: Uint8Array[] = [];
      for (let i = 0; i < pairs.length; i += 2) fields.push(toBytes(pairs[i]!).slice());
      cur = { master: id, fields, count: 0, body: new ListpackBuilder(), bytes: 0 };
      nodes.push(cur);
    }
    const d: NodeDraft = cur;
    const same = sameFields(d.fields, pairs);
    const b = d.body;
    b.appendInt(BigInt(same ? FLAG_SAMEFIELDS : FLAG_NONE));
    b.appendInt(idMs(id) - idMs(d.master));
    b.appendInt(idSeq(id) - idSeq(d.master));
    const n = pairs.length / 2;
    if (same) {
      for (let i = 1; i < pairs.length; i += 2) appendElement(b, pairs[i]!);
      b.appendInt(BigInt(n + 3));
    } else {
      b.appendInt(BigInt(n));
      for (const v of pairs) appendElement(b, v);
      b.appendInt(BigInt(2 * n + 4));
    }
    d.count++;
    d.bytes = b.bytes + 16 + d.fields.reduce((a, f) => a + f.length + 2, 0);
  });
  w.length(nodes.length);
  for (const d of nodes) finishNode(w, d);
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

function intOf(b: Uint8Array): bigint {
  return BigInt(latin1.decode(b));
}

/** rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS, _2 and _3. */
export function readStream(r: RdbReader, type: number, lim: StreamNodeLimits, nowMs: number): StreamValue {
  const s = new StreamValue();
  const nodes = r.length();
  let lastAppended: StreamId = -1n;
  for (let i = 0; i < nodes; i++) {
    const master = idFromBytes(r.string());
    const el = decodeListpack(r.string());
    if (el.length === 0) throw new FormatError("Empty listpack inside stream");
    let p = 0;
    const at = (): Uint8Array => {
      const v = el[p++];
      if (v === undefined) throw new FormatError("Stream listpack integrity check failed.");
      return v;
    };
    at(); // count
    at(); // deleted
    const numMaster = Number(intOf(at()));
    const masterFields: Uint8Array[] = [];
    for (let k = 0; k < numMaster; k++) masterFields.push(at());
    at(); // master terminator
    while (p < el.length) {
      const flags = Number(intOf(at()));
      const id = makeId(idMs(master) + intOf(at()), idSeq(master) + intOf(at()));
      const pairs: Uint8Array[] = [];
      if (flags & FLAG_SAMEFIELDS) {
        for (let k = 0; k < numMaster; k++) pairs.push(masterFields[k]!, at());
      } else {
        const n = Number(intOf(at()));
        for (let k = 0; k < n; k++) pairs.push(at(), at());
      }
      at(); // lp-count
      if (flags & FLAG_DELETED) continue;
      if (id <= lastAppended) throw new FormatError("Stream entries out of order");
      const res = s.append(pairs, id, true, nowMs, lim.maxEntries, lim.maxBytes);
      if (typeof res !== "bigint") throw new FormatError("Stream entry rejected");
      lastAppended = id;
    }
  }
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
