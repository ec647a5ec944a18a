/**
 * Streams: an append-mostly log of entries (ID + field/value pairs) kept as a sorted index of packed
 * listpack nodes, plus consumer groups with their pending entries lists (PEL). Valkey's t_stream.c keeps
 * the same layout (rax of listpacks); this file follows its on-node format so node sizes, node splits
 * (`stream-node-max-entries` / `stream-node-max-bytes`) and the XINFO counters behave alike.
 *
 * IDs
 * ---
 * A stream ID is two unsigned 64-bit numbers, `<ms>-<seq>`. Here it is one `bigint`, `ms << 64 | seq`:
 * comparison is one bigint compare, and incrementing/decrementing carries from `seq` into `ms` exactly
 * as Valkey's streamIncrID/streamDecrID do. The range is 0 .. 2^128-1 (`ID_MAX` = the `+` ID).
 *
 * The index
 * ---------
 *
 *     masters: [ 1700000000000-0 | 1700000000420-3 | 1700000001000-0 | ... ]   sorted bigint[]
 *     nodes:   [   Listpack #0    |   Listpack #1    |   Listpack #2    | ... ]   same positions
 *
 * Every node covers the IDs from its master ID up to (excluded) the next node's master ID. Appends
 * always go to the last node (IDs only grow), so inserting is O(1); finding the node that holds an ID
 * is a binary search, O(log nodes). Removing a whole node (trimming, the last entry of a node deleted)
 * is an array splice: O(nodes) pointer moves, cheap next to the O(entries) a node holds (1M entries at
 * 100 per node = 10k nodes = an 80 KB pointer move in the worst case). This is a one-level B+tree; Valkey
 * uses a radix tree keyed by the 128-bit big-endian master ID for the same job.
 *
 * A node (Valkey's layout, one listpack element per box)
 * -----------------------------------------------------
 *
 *     +-------+---------+------------+---------+--/--+---------+---+
 *     | count | deleted | num-fields | field_1 | ... | field_N | 0 |      the master entry
 *     +-------+---------+------------+---------+--/--+---------+---+
 *     +-------+----------+-----------+------------+---------+---------+--/--+----------+
 *     | flags | ms-delta | seq-delta | num-fields | field_1 | value_1 | ... | lp-count |   an entry
 *     +-------+----------+-----------+------------+---------+---------+--/--+----------+
 *     +-------+----------+-----------+---------+--/--+---------+----------+
 *     | flags | ms-delta | seq-delta | value_1 | ... | value_N | lp-count |   a SAMEFIELDS entry
 *     +-------+----------+-----------+---------+--/--+---------+----------+
 *
 * `count` is the number of live entries, `deleted` the tombstones (XDEL and exact trims mark an entry
 * deleted in place; a node whose live count drops to 0 is freed). The master fields are those of the
 * node's first entry; an entry with exactly the same field names sets the SAMEFIELDS flag and stores only
 * its values (field-name compression). The deltas are the differences from the master ID's ms and seq
 * (seq-delta may be negative); `lp-count` lets a reader walk the node backwards.
 *
 * Memory arithmetic: an entry `XADD s * temperature 21 humidity 40` in a node of same-shaped entries costs
 * flags 2 + ms-delta 2..4 + seq-delta 2 + two small-int values 2+2 + lp-count 2 ≈ 13 bytes, against
 * ~50 bytes for the four strings alone as JS objects. A 100-entry node of such entries is ~1.4 KB plus
 * the master entry (~30 bytes) and a 40-byte Listpack object: about 14 bytes per entry. Entries larger
 * than a handful of bytes cost their payload plus 2-6 bytes of element headers. Measured with
 * `redis-benchmark -n 1000000 -P 64 XADD s '*' field value` (10k nodes): 21 bytes per entry of
 * used_memory here, 15.8 on Valkey 8.1.1 (libc malloc build).
 *
 * Consumer groups
 * ---------------
 * A group holds its last-delivered ID, its entries-read counter (-1 when unknown), a PEL and its
 * consumers. The PEL is an ordered map ID → NACK (delivery time, delivery count, owning consumer), kept
 * as a sorted array of IDs plus a hash map: appends (the common case: new deliveries have growing IDs)
 * are O(1), lookups O(1), ordered scans from any ID O(log n) to seek, and acknowledging the oldest entry
 * (the common XACK pattern) is O(1) amortised (a head offset instead of a shift). Each consumer has its
 * own PEL of the same NACK objects, so a NACK costs ~2 × (array slot 8 + map entry ~40 + bigint ~24) +
 * the NACK object (~40) ≈ 180 bytes, against Valkey's ~100 (two rax keys and a 24-byte NACK).
 *
 * @module
 */

import { intBytes, Listpack, type LpValue } from "./listpack.ts";
import type { ValueObject } from "./value.ts";

export type StreamId = bigint;

export const U64_MAX = (1n << 64n) - 1n;
export const ID_MAX: StreamId = (1n << 128n) - 1n;
/** Valkey's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;
/** Valkey's STREAM_LISTPACK_MAX_SIZE: no node (and no entry) grows past 1 GB. */
export const LISTPACK_MAX_SIZE = 1 << 30;

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
/** Valkey's listpack header (total bytes + element count) and end byte, which this Listpack omits. */
const LP_OVERHEAD = 7;

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function idMs(id: StreamId): bigint {
  return id >> 64n;
}

export function idSeq(id: StreamId): bigint {
  return id & U64_MAX;
}

/** `<ms>-<seq>`. */
export function formatId(id: StreamId): string {
  return `${id >> 64n}-${id & U64_MAX}`;
}

const latin1 = new TextDecoder("latin1");

/** A byte string as a map key (one char per byte, so keys order as the bytes do). */
export function nameKey(b: Uint8Array): string {
  return latin1.decode(b);
}

/** True for the bytes C's isspace() accepts. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Valkey's string2ull: a canonical integer (string2ll) that is not negative, or else what strtoull
 * accepts in full (leading blanks, a sign — `-` negates modulo 2^64 — then digits, nothing after).
 */
export function parseU64(s: string): bigint | null {
  if (/^(0|-?[1-9][0-9]{0,18})$/.test(s)) {
    const v = BigInt(s);
    if (v >= -(1n << 63n) && v < (1n << 63n)) return v < 0n ? null : v;
  }
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return null;
  const v = BigInt(digits);
  if (v > U64_MAX) return null;
  return neg ? (v === 0n ? 0n : (1n << 64n) - v) : v;
}

export interface ParsedId {
  id: StreamId;
  /** False for the `<ms>-*` form (only accepted when `allowSeqStar`). */
  seqGiven: boolean;
}

/**
 * Valkey's streamGenericParseIDOrReply: `-`, `+` (unless `strict`), `<ms>`, `<ms>-<seq>` and, with
 * `allowSeqStar`, `<ms>-*`. A missing sequence becomes `missingSeq`. Returns null when invalid.
 */
export function parseStreamId(
  arg: Uint8Array,
  missingSeq: bigint,
  strict: boolean,
  allowSeqStar = false,
): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf(0);
  const s = latin1.decode(nul >= 0 ? arg.subarray(0, nul) : arg);
  if (s === "-" || s === "+") {
    if (strict) return null;
    return { id: s === "-" ? 0n : ID_MAX, seqGiven: true };
  }
  const dash = s.indexOf("-");
  const ms = parseU64(dash >= 0 ? s.slice(0, dash) : s);
  if (ms === null) return null;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const rest = s.slice(dash + 1);
  if (allowSeqStar && rest === "*") return { id: makeId(ms, 0n), seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true };
}

/** One entry as iterated: its ID and its fields and values, alternating (field_1, value_1, ...). */
export type EntryVisitor = (id: StreamId, pairs: LpValue[]) => boolean | void;

/** A delta as a listpack element: a safe integer as such, a larger one as its decimal text. */
function deltaValue(d: bigint): LpValue {
  if (d >= -9007199254740991n && d <= 9007199254740991n) return Number(d);
  return new TextEncoder().encode(d.toString());
}

function deltaOf(v: LpValue): bigint {
  return typeof v === "number" ? BigInt(v) : BigInt(latin1.decode(v));
}

/** A bigint as a number when it is a safe integer, else NaN. */
function safeNumber(v: bigint): number {
  return v <= 9007199254740991n ? Number(v) : NaN;
}

function intOf(v: LpValue): number {
  return typeof v === "number" ? v : Number(latin1.decode(v));
}

/** An element as bytes. */
export function lpBytes(v: LpValue): Uint8Array {
  return typeof v === "number" ? intBytes(v) : v;
}

/** A decoded entry position inside a node. */
interface EntryPos {
  id: StreamId;
  flags: number;
  /** Position of the flags element. */
  pos: number;
  /** Position of the first field (or value, for SAMEFIELDS). */
  body: number;
  numFields: number;
}

/** Where the master fields of a node start, and how many there are. */
function masterInfo(lp: Listpack): { numFields: number; fieldsPos: number; firstEntry: number } {
  let p = lp.next(lp.next(lp.first())); // count, deleted -> num-fields
  const numFields = intOf(lp.valueAt(p));
  p = lp.next(p);
  const fieldsPos = p;
  for (let i = 0; i < numFields; i++) p = lp.next(p);
  return { numFields, fieldsPos, firstEntry: lp.next(p) }; // skip the 0 terminator
}

/** Reads the entry at `pos`; returns it and the position of the next entry (-1 at the end). */
function readEntry(lp: Listpack, master: StreamId, pos: number, masterFields: number): [EntryPos, number] {
  const flags = intOf(lp.valueAt(pos));
  let p = lp.next(pos);
  const msd = deltaOf(lp.valueAt(p));
  p = lp.next(p);
  const seqd = deltaOf(lp.valueAt(p));
  p = lp.next(p);
  const id = makeId(idMs(master) + msd, idSeq(master) + seqd);
  let numFields = masterFields;
  let skip = masterFields;
  if (!(flags & FLAG_SAMEFIELDS)) {
    numFields = intOf(lp.valueAt(p));
    p = lp.next(p);
    skip = numFields * 2;
  }
  const body = p;
  for (let i = 0; i < skip; i++) p = lp.next(p);
  p = lp.next(p); // lp-count
  return [{ id, flags, pos, body, numFields }, p];
}

function nodeEntries(lp: Listpack, master: StreamId): EntryPos[] {
  const m = masterInfo(lp);
  const out: EntryPos[] = [];
  let p = m.firstEntry;
  while (p !== -1) {
    const [e, next] = readEntry(lp, master, p, m.numFields);
    out.push(e);
    p = next;
  }
  return out;
}

function entryPairs(lp: Listpack, e: EntryPos): LpValue[] {
  const out: LpValue[] = [];
  let p = e.body;
  if (e.flags & FLAG_SAMEFIELDS) {
    let f = masterInfo(lp).fieldsPos;
    for (let i = 0; i < e.numFields; i++) {
      out.push(lp.valueAt(f), lp.valueAt(p));
      f = lp.next(f);
      p = lp.next(p);
    }
  } else {
    for (let i = 0; i < e.numFields * 2; i++) {
      out.push(lp.valueAt(p));
      p = lp.next(p);
    }
  }
  return out;
}

/** The pending entries list: an ordered map ID → value (see the head of this file). */
export class IdMap<V> {
  #keys: (StreamId | undefined)[] = [];
  #head = 0;
  readonly #map = new Map<StreamId, V>();

  get size(): number {
    return this.#map.size;
  }

  get(id: StreamId): V | undefined {
    return this.#map.get(id);
  }

  has(id: StreamId): boolean {
    return this.#map.has(id);
  }

  /** Inserts or replaces; returns true when the ID was new. */
  set(id: StreamId, v: V): boolean {
    const had = this.#map.has(id);
    this.#map.set(id, v);
    if (had) return false;
    const keys = this.#keys;
    if (keys.length === this.#head || (keys[keys.length - 1] as bigint) < id) keys.push(id);
    else keys.splice(this.#head + this.ceilIndex(id), 0, id);
    return true;
  }

  /** Removes `id`; returns true when it was there. */
  delete(id: StreamId): boolean {
    if (!this.#map.delete(id)) return false;
    const i = this.ceilIndex(id);
    if (i === 0) {
      this.#keys[this.#head++] = undefined;
      if (this.#head > 64 && this.#head * 2 > this.#keys.length) {
        this.#keys.splice(0, this.#head);
        this.#head = 0;
      }
    } else this.#keys.splice(this.#head + i, 1);
    if (this.#map.size === 0) {
      this.#keys = [];
      this.#head = 0;
    }
    return true;
  }

  /** Index (from the first key) of the first key >= id; `size` if none. */
  ceilIndex(id: StreamId): number {
    const keys = this.#keys;
    let lo = this.#head;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((keys[mid] as bigint) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.#head;
  }

  /** The key at index `i` (0 = smallest). */
  keyAt(i: number): StreamId {
    return this.#keys[this.#head + i] as bigint;
  }

  first(): StreamId | undefined {
    return this.#map.size === 0 ? undefined : this.keyAt(0);
  }

  last(): StreamId | undefined {
    return this.#map.size === 0 ? undefined : this.#keys[this.#keys.length - 1];
  }

  /** Calls `fn` for each pair with key >= `from` in order, until it returns false. */
  forEachFrom(from: StreamId, fn: (id: StreamId, v: V) => boolean | void): void {
    for (let i = this.ceilIndex(from); i < this.size; i++) {
      const id = this.keyAt(i);
      if (fn(id, this.#map.get(id)!) === false) return;
    }
  }
}

export interface Nack {
  /** Unix ms of the last delivery. */
  deliveryTime: number;
  deliveryCount: number;
  consumer: Consumer;
}

export class Consumer {
  /** Last time the consumer tried to read or claim (unix ms). */
  seenTime: number;
  /** Last time it read or claimed something, -1 if never. */
  activeTime = -1;
  readonly pel = new IdMap<Nack>();

  constructor(readonly name: Uint8Array, now: number) {
    this.seenTime = now;
  }
}

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  /** Consumers by name (latin1 key); replies sort them by name as Valkey's rax iterates them. */
  readonly consumers = new Map<string, Consumer>();

  constructor(readonly name: Uint8Array, public lastId: StreamId, public entriesRead: number) {}

  sortedConsumers(): Consumer[] {
    return [...this.consumers.entries()].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map((e) =>
      e[1]
    );
  }

  /** Removes a PEL entry from the group and its consumer. */
  ack(id: StreamId): boolean {
    const nack = this.pel.get(id);
    if (nack === undefined) return false;
    this.pel.delete(id);
    nack.consumer.pel.delete(id);
    return true;
  }
}

/** Trimming request (Valkey's streamAddTrimArgs, minus the XADD-only fields). */
export interface TrimArgs {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  /** 0 = no limit. */
  limit: number;
}

export class StreamValue implements ValueObject {
  readonly type = "stream";
  readonly encoding = "stream";

  #masters: StreamId[] = [];
  #nodes: Listpack[] = [];
  /** Live entries. */
  length = 0;
  #lastId: StreamId = 0n;
  /** The last ID's ms and seq as numbers (NaN beyond 2^53): the common XADD path avoids bigint math. */
  #lastMs = 0;
  #lastSeq = 0;
  /** The tail node and its master ID's ms and seq as numbers (NaN beyond 2^53), cached for appends. */
  #tailNode: Listpack | null = null;
  #tailMs = 0;
  #tailSeq = 0;
  /** First live entry, 0-0 when empty. */
  firstId: StreamId = 0n;
  maxDeletedId: StreamId = 0n;
  entriesAdded = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  /** The last ID ever added (or set by XSETID), 0-0 for a new stream. */
  get lastId(): StreamId {
    return this.#lastId;
  }

  set lastId(id: StreamId) {
    this.#lastId = id;
    this.#lastMs = safeNumber(id >> 64n);
    this.#lastSeq = safeNumber(id & U64_MAX);
  }

  /** The master IDs of the nodes, in order. */
  masterIds(): readonly StreamId[] {
    return this.#masters;
  }

  /** The node listpacks, in the order of {@link masterIds} (for the RDB writer; must not be changed). */
  nodeListpacks(): readonly Listpack[] {
    return this.#nodes;
  }

  /**
   * RDB loading: appends a node as it is (Valkey's rdbLoadObject inserts each node listpack into the
   * rax). The caller checked its layout, that `master` is above every ID present, and passes its number
   * of live entries; `length` grows by it (lastId, firstId and the rest are the caller's to set).
   */
  adoptNode(master: StreamId, lp: Listpack, live: number): void {
    this.#masters.push(master);
    this.#nodes.push(lp);
    this.length += live;
  }

  /** Number of nodes (XINFO's radix-tree-keys). */
  get nodeCount(): number {
    return this.#nodes.length;
  }

  memoryUsage(samples = 0): number {
    let bytes = 96 + this.#nodes.length * 64;
    const n = this.#nodes.length;
    if (samples > 0 && n > samples) {
      let sum = 0;
      for (let i = n - samples; i < n; i++) sum += this.#nodes[i]!.memoryBytes();
      bytes += Math.round(sum / samples * n);
    } else for (const lp of this.#nodes) bytes += lp.memoryBytes();
    if (this.groups !== null) {
      for (const g of this.groups.values()) {
        bytes += 120 + g.name.length + g.pel.size * 180;
        for (const c of g.consumers.values()) bytes += 100 + c.name.length;
      }
    }
    return bytes;
  }

  dup(): StreamValue {
    const s = new StreamValue();
    s.#masters = this.#masters.slice();
    s.#nodes = this.#nodes.map((lp) => lp.dup());
    s.length = this.length;
    s.lastId = this.#lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const [k, g] of this.groups) {
        const ng = new ConsumerGroup(g.name, g.lastId, g.entriesRead);
        for (const [ck, c] of g.consumers) {
          const nc = new Consumer(c.name, c.seenTime);
          nc.activeTime = c.activeTime;
          ng.consumers.set(ck, nc);
          c.pel.forEachFrom(0n, (id, n) => {
            const nn: Nack = { deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: nc };
            nc.pel.set(id, nn);
            ng.pel.set(id, nn);
          });
        }
        s.groups.set(k, ng);
      }
    }
    return s;
  }

  // --- appending ---

  /**
   * Appends an entry (Valkey's streamAppendItem). `id` is the explicit ID or null for `*`; with
   * `seqGiven` false only its ms part is used. Returns the new ID, "EDOM" when the ID is not greater
   * than the last one (or the sequence is exhausted), "ERANGE" when the entry is too large.
   */
  append(
    pairs: Uint8Array[],
    id: StreamId | null,
    seqGiven: boolean,
    now: number,
    maxEntries: number,
    maxBytes: number,
  ): StreamId | "EDOM" | "ERANGE" {
    let newId: StreamId;
    // Fast path: `*` with the ms and seq parts within 2^53, computed as numbers.
    let fastMs = NaN;
    let fastSeq = NaN;
    if (id === null && this.#lastMs === this.#lastMs && this.#lastSeq < 9007199254740991) {
      if (now > this.#lastMs) {
        fastMs = now;
        fastSeq = 0;
      } else {
        fastMs = this.#lastMs;
        fastSeq = this.#lastSeq + 1;
      }
      newId = fastSeq === 0 ? BigInt(fastMs) << 64n : (BigInt(fastMs) << 64n) | BigInt(fastSeq);
    } else if (id !== null) {
      if (seqGiven) newId = id;
      else if (idMs(this.lastId) === idMs(id)) {
        if (idSeq(this.lastId) === U64_MAX) return "EDOM";
        newId = this.lastId + 1n;
      } else newId = id;
    } else {
      const ms = BigInt(now);
      newId = ms > idMs(this.lastId) ? makeId(ms, 0n) : this.lastId === ID_MAX ? 0n : this.lastId + 1n;
    }
    if (fastMs !== fastMs && newId <= this.#lastId) return "EDOM";
    let total = 0;
    for (const b of pairs) total += b.length;
    if (total > LISTPACK_MAX_SIZE) return "ERANGE";
    const numFields = pairs.length / 2;

    let lp = this.#nodes.length > 0 ? this.#nodes[this.#nodes.length - 1]! : null;
    if (lp !== null) {
      const nodeMax = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
      let full = lp.bytes + LP_OVERHEAD + total >= nodeMax;
      if (!full && maxEntries > 0) {
        const p = lp.first();
        full = intOf(lp.valueAt(p)) + intOf(lp.valueAt(lp.next(p))) >= maxEntries;
      }
      if (full) {
        const last = this.#nodes.length - 1;
        if (lp.memoryBytes() > lp.bytes) this.#nodes[last] = lp.dup();
        lp = null;
      }
    }
    let flags = 0;
    let master: StreamId;
    if (lp === null) {
      lp = new Listpack(Math.min(maxBytes > 0 ? maxBytes : 4096, 4096));
      lp.append(1);
      lp.append(0);
      lp.append(numFields);
      for (let i = 0; i < numFields; i++) lp.append(pairs[i * 2]!);
      lp.append(0);
      this.#masters.push(newId);
      this.#nodes.push(lp);
      master = newId;
      flags |= FLAG_SAMEFIELDS;
    } else {
      master = this.#masters[this.#masters.length - 1]!;
      const p = lp.first();
      lp.replaceAt(p, intOf(lp.valueAt(p)) + 1);
      const nf = lp.next(lp.next(p));
      if (intOf(lp.valueAt(nf)) === numFields) {
        let f = lp.next(nf);
        let i = 0;
        for (; i < numFields; i++) {
          if (!lp.equalsAt(f, pairs[i * 2]!)) break;
          f = lp.next(f);
        }
        if (i === numFields) flags |= FLAG_SAMEFIELDS;
      }
    }
    lp.append(flags);
    if (this.#tailNode !== lp) {
      this.#tailNode = lp;
      this.#tailMs = safeNumber(idMs(master));
      this.#tailSeq = safeNumber(idSeq(master));
    }
    if (fastMs === fastMs && this.#tailMs === this.#tailMs && this.#tailSeq === this.#tailSeq) {
      lp.append(fastMs - this.#tailMs);
      lp.append(fastSeq - this.#tailSeq);
    } else {
      lp.append(deltaValue(idMs(newId) - idMs(master)));
      lp.append(deltaValue(idSeq(newId) - idSeq(master)));
    }
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    if (!same) lp.append(numFields);
    for (let i = 0; i < numFields; i++) {
      if (!same) lp.append(pairs[i * 2]!);
      lp.append(pairs[i * 2 + 1]!);
    }
    lp.append(numFields + 3 + (same ? 0 : numFields + 1));
    this.length++;
    this.entriesAdded++;
    if (fastMs === fastMs) {
      this.#lastId = newId;
      this.#lastMs = fastMs;
      this.#lastSeq = fastSeq;
    } else this.lastId = newId;
    if (this.length === 1) this.firstId = newId;
    return newId;
  }

  // --- reading ---

  /** Index of the node that may hold `id` (the last node whose master ID <= id), or -1. */
  #nodeFor(id: StreamId): number {
    const m = this.#masters;
    let lo = 0;
    let hi = m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (m[mid]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * Visits the live entries with start <= ID <= end, in order (or reversed), until `fn` returns false.
   * `fn` must not modify the stream. Returns the number of entries visited.
   */
  range(start: StreamId, end: StreamId, rev: boolean, fn: EntryVisitor): number {
    if (start > end || this.length === 0) return 0;
    let n = 0;
    if (!rev) {
      for (let i = Math.max(0, this.#nodeFor(start)); i < this.#nodes.length; i++) {
        const master = this.#masters[i]!;
        if (master > end) break;
        const lp = this.#nodes[i]!;
        const m = masterInfo(lp);
        let p = m.firstEntry;
        while (p !== -1) {
          const [e, next] = readEntry(lp, master, p, m.numFields);
          p = next;
          if (e.id < start) continue;
          if (e.id > end) return n;
          if (e.flags & FLAG_DELETED) continue;
          n++;
          if (fn(e.id, entryPairs(lp, e)) === false) return n;
        }
      }
      return n;
    }
    for (let i = this.#nodeFor(end); i >= 0; i--) {
      const lp = this.#nodes[i]!;
      const entries = nodeEntries(lp, this.#masters[i]!);
      for (let j = entries.length - 1; j >= 0; j--) {
        const e = entries[j]!;
        if (e.id > end) continue;
        if (e.id < start) return n;
        if (e.flags & FLAG_DELETED) continue;
        n++;
        if (fn(e.id, entryPairs(lp, e)) === false) return n;
      }
    }
    return n;
  }

  /** The fields and values of the live entry `id`, or null. */
  get(id: StreamId): LpValue[] | null {
    let out: LpValue[] | null = null;
    this.range(id, id, false, (_id, pairs) => {
      out = pairs;
      return false;
    });
    return out;
  }

  has(id: StreamId): boolean {
    return this.get(id) !== null;
  }

  /** The last live ID (streamLastValidID), 0-0 when empty. */
  lastValidId(): StreamId {
    let out = 0n;
    this.range(0n, ID_MAX, true, (id) => {
      out = id;
      return false;
    });
    return out;
  }

  /** The first entry's ID, tombstones included (streamGetEdgeID(first, skip_tombstones=0)). */
  firstEntryIdWithTombstones(): StreamId | null {
    if (this.#nodes.length === 0) return null;
    const lp = this.#nodes[0]!;
    const m = masterInfo(lp);
    return readEntry(lp, this.#masters[0]!, m.firstEntry, m.numFields)[0].id;
  }

  #firstLive(): StreamId {
    let out = 0n;
    this.range(0n, ID_MAX, false, (id) => {
      out = id;
      return false;
    });
    return out;
  }

  // --- deleting ---

  /** Marks entry `id` deleted (streamDeleteItem); returns true when it was live. */
  delete(id: StreamId): boolean {
    const i = this.#nodeFor(id);
    if (i < 0) return false;
    const lp = this.#nodes[i]!;
    const master = this.#masters[i]!;
    const m = masterInfo(lp);
    let p = m.firstEntry;
    while (p !== -1) {
      const [e, next] = readEntry(lp, master, p, m.numFields);
      if (e.id > id) return false;
      if (e.id === id) {
        if (e.flags & FLAG_DELETED) return false;
        lp.replaceAt(e.pos, e.flags | FLAG_DELETED);
        const c = lp.first();
        const count = intOf(lp.valueAt(c));
        if (count === 1) {
          this.#masters.splice(i, 1);
          this.#nodes.splice(i, 1);
        } else {
          lp.replaceAt(c, count - 1);
          const d = lp.next(c);
          lp.replaceAt(d, intOf(lp.valueAt(d)) + 1);
        }
        this.length--;
        return true;
      }
      p = next;
    }
    return false;
  }

  /** XDEL of several IDs, with Valkey's first-ID and max-deleted-ID bookkeeping. */
  deleteIds(ids: StreamId[]): number {
    let deleted = 0;
    let firstEntry = false;
    for (const id of ids) {
      if (!this.delete(id)) continue;
      if (id === this.firstId) firstEntry = true;
      if (id > this.maxDeletedId) this.maxDeletedId = id;
      deleted++;
    }
    if (deleted > 0) {
      if (this.length === 0) this.firstId = 0n;
      else if (firstEntry) this.firstId = this.#firstLive();
    }
    return deleted;
  }

  /** Trims from the head (Valkey's streamTrim); returns the number of entries removed. */
  trim(args: TrimArgs): number {
    let deleted = 0;
    // Whole nodes removed from the head, spliced out once at the end (not one shift per node).
    let removed = 0;
    while (removed < this.#nodes.length) {
      if (args.strategy === "maxlen" && this.length <= args.maxlen) break;
      const lp = this.#nodes[removed]!;
      const master = this.#masters[removed]!;
      const c = lp.first();
      const entries = intOf(lp.valueAt(c));
      if (args.limit && deleted + entries > args.limit) break;
      let remove: boolean;
      if (args.strategy === "maxlen") remove = this.length - entries >= args.maxlen;
      else {
        const all = nodeEntries(lp, master);
        remove = all[all.length - 1]!.id < args.minid;
      }
      if (remove) {
        removed++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (args.approx) break;
      let fromNode = 0;
      const m = masterInfo(lp);
      let p = m.firstEntry;
      while (p !== -1) {
        const [e, next] = readEntry(lp, master, p, m.numFields);
        const stop = args.strategy === "maxlen" ? this.length <= args.maxlen : e.id >= args.minid;
        if (stop) break;
        if (!(e.flags & FLAG_DELETED)) {
          lp.replaceAt(e.pos, e.flags | FLAG_DELETED);
          fromNode++;
          this.length--;
        }
        p = next;
      }
      deleted += fromNode;
      lp.replaceAt(c, entries - fromNode);
      const d = lp.next(c);
      lp.replaceAt(d, intOf(lp.valueAt(d)) + fromNode);
      break;
    }
    if (removed > 0) {
      this.#masters.splice(0, removed);
      this.#nodes.splice(0, removed);
    }
    if (this.length === 0) this.firstId = 0n;
    else if (deleted > 0) this.firstId = this.#firstLive();
    return deleted;
  }

  // --- consumer groups ---

  group(name: Uint8Array): ConsumerGroup | undefined {
    return this.groups?.get(nameKey(name));
  }

  /** Creates a group; undefined when the name is taken. */
  createGroup(name: Uint8Array, lastId: StreamId, entriesRead: number): ConsumerGroup | undefined {
    if (this.groups === null) this.groups = new Map();
    const k = nameKey(name);
    if (this.groups.has(k)) return undefined;
    const g = new ConsumerGroup(name.slice(), lastId, entriesRead);
    this.groups.set(k, g);
    return g;
  }

  sortedGroups(): ConsumerGroup[] {
    if (this.groups === null) return [];
    return [...this.groups.entries()].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map((e) => e[1]);
  }

  /** True when the stream may hold a tombstone between start and end (streamRangeHasTombstones). */
  rangeHasTombstones(start: StreamId, end: StreamId = ID_MAX): boolean {
    if (this.length === 0 || this.maxDeletedId === 0n) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** Valkey's streamEstimateDistanceFromFirstEverEntry; -1 when unknown. */
  estimateDistance(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id !== 0n && id < this.maxDeletedId) return INVALID_ENTRIES_READ;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - this.length;
      if (id === this.firstId) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** A group's lag (streamReplyWithCGLag), or null when it cannot be known. */
  lag(g: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) {
      return this.entriesAdded - g.entriesRead;
    }
    const read = this.estimateDistance(g.lastId);
    return read === INVALID_ENTRIES_READ ? null : this.entriesAdded - read;
  }

  /** Bookkeeping when a group delivers `id` beyond its last-delivered ID (streamReplyWithRange). */
  advanceGroup(g: ConsumerGroup, id: StreamId): void {
    if (id <= g.lastId) return;
    if (
      g.entriesRead !== INVALID_ENTRIES_READ && g.lastId >= this.firstId && !this.rangeHasTombstones(g.lastId)
    ) {
      g.entriesRead++;
    } else if (this.entriesAdded > 0) {
      g.entriesRead = this.estimateDistance(id);
    }
    g.lastId = id;
  }
}
