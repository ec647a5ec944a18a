/**
 * What the stream commands share: Valkey's stream error strings, ID parsing that replies those errors,
 * stream lookups, and the entry reply shape (`[id, [field, value, ...]]`).
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../../keyspace/db.ts";
import type { LpValue } from "../../types/listpack.ts";
import {
  type ConsumerGroup,
  formatId,
  ID_MAX,
  type Nack,
  type ParsedId,
  parseStreamId,
  type StreamId,
  StreamValue,
} from "../../types/stream.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NOT_INTEGER, ReplyError } from "../errors.ts";
import { expectObject, keyCreated, lookupRead, lookupWrite } from "../lookup.ts";
import type { KeySpec, KeySpecFlag } from "../spec.ts";
import { parseI64 } from "../../util/numbers.ts";

export const ERR_INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
export const ERR_START_INTERVAL = "ERR invalid start ID for the interval";
export const ERR_END_INTERVAL = "ERR invalid end ID for the interval";
export const ERR_BUSYGROUP = "BUSYGROUP Consumer Group name already exists";

const utf8 = new TextDecoder();

/** A key or name as Valkey's `%s` prints it (up to the first NUL). */
export function cstr(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return utf8.decode(nul >= 0 ? b.subarray(0, nul) : b);
}

/** `NOGROUP No such key '<key>' or consumer group '<group>'<suffix>`. */
export function errNoKeyOrGroup(key: Uint8Array, group: Uint8Array, suffix = ""): string {
  return `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'${suffix}`;
}

/** `NOGROUP No such consumer group '<group>' for key name '<key>'`. */
export function errNoGroupForKey(group: Uint8Array, key: Uint8Array): string {
  return `NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`;
}

/** A strict ID (`-` and `+` refused), or the invalid-ID error. */
export function strictId(arg: Uint8Array, missingSeq = 0n): StreamId {
  const p = parseStreamId(arg, missingSeq, true);
  if (p === null) throw new ReplyError(ERR_INVALID_ID);
  return p.id;
}

/** An ID where `-` and `+` are allowed, or the invalid-ID error. */
export function looseId(arg: Uint8Array, missingSeq = 0n): StreamId {
  const p = parseStreamId(arg, missingSeq, false);
  if (p === null) throw new ReplyError(ERR_INVALID_ID);
  return p.id;
}

/** XADD's ID: strict, accepting `<ms>-*`. */
export function xaddId(arg: Uint8Array): ParsedId {
  const p = parseStreamId(arg, 0n, true, true);
  if (p === null) throw new ReplyError(ERR_INVALID_ID);
  return p;
}

/**
 * An interval bound (streamParseIntervalIDOrReply): a leading `(` makes it exclusive (and strict), and
 * the bound then moves one ID inward; the errors of an exclusive bound at the very edge.
 */
export function intervalStart(arg: Uint8Array): StreamId {
  if (arg.length > 1 && arg[0] === 0x28) {
    const id = strictId(arg.subarray(1), 0n);
    if (id === ID_MAX) throw new ReplyError(ERR_START_INTERVAL);
    return id + 1n;
  }
  return looseId(arg, 0n);
}

export function intervalEnd(arg: Uint8Array): StreamId {
  const maxSeq = (1n << 64n) - 1n;
  if (arg.length > 1 && arg[0] === 0x28) {
    const id = strictId(arg.subarray(1), maxSeq);
    if (id === 0n) throw new ReplyError(ERR_END_INTERVAL);
    return id - 1n;
  }
  return looseId(arg, maxSeq);
}

/** getLongLongFromObjectOrReply with an optional custom message. */
export function parseLongLong(arg: Uint8Array, msg = ERR_NOT_INTEGER): number {
  const v = parseI64(arg);
  if (v === null) throw new ReplyError(msg);
  return Number(v);
}

/** The stream at `ref` (WRONGTYPE for another type). */
export function streamAt(db: Db, ref: number): StreamValue {
  return expectObject<StreamValue>(db, ref, "stream");
}

/** Read lookup: the stream or undefined (WRONGTYPE thrown for another type). */
export function readStream(call: CommandCall, key: Uint8Array, db: Db = call.db): StreamValue | undefined {
  const ref = lookupRead(call, key, db);
  return ref === NO_ENTRY ? undefined : streamAt(db, ref);
}

/** Write lookup: the stream or undefined (WRONGTYPE thrown for another type). */
export function writeStream(call: CommandCall, key: Uint8Array, db: Db = call.db): StreamValue | undefined {
  const ref = lookupWrite(call, key, db);
  return ref === NO_ENTRY ? undefined : streamAt(db, ref);
}

/** Adds a new empty stream at `key` (dbAdd). */
export function createStream(call: CommandCall, key: Uint8Array, db: Db = call.db): StreamValue {
  const s = new StreamValue();
  const ref = db.setObject(key, s, false);
  keyCreated(call, db, ref, key);
  return s;
}

export function replyId(call: CommandCall, id: StreamId): void {
  call.reply.bulkStr(formatId(id));
}

function replyElement(call: CommandCall, v: LpValue): void {
  if (typeof v === "number") call.reply.bulkStr(String(v));
  else call.reply.bulk(v);
}

/** One entry: `[id, [field, value, ...]]`. */
export function replyEntry(call: CommandCall, id: StreamId, pairs: LpValue[]): void {
  const w = call.reply;
  w.arrayHeader(2);
  replyId(call, id);
  w.arrayHeader(pairs.length);
  for (const v of pairs) replyElement(call, v);
}

/** Replies the entries of `s` in [start, end] (at most `count`, 0 = all) as an array. */
export function replyRange(
  call: CommandCall,
  s: StreamValue,
  start: StreamId,
  end: StreamId,
  count: number,
  rev: boolean,
): number {
  const items: [StreamId, LpValue[]][] = [];
  s.range(start, end, rev, (id, pairs) => {
    items.push([id, pairs]);
    return count === 0 || items.length < count;
  });
  call.reply.arrayHeader(items.length);
  for (const [id, pairs] of items) replyEntry(call, id, pairs);
  return items.length;
}

/** A key spec with a fixed key position. */
export function keyAt(flags: KeySpecFlag[], pos: number): KeySpec {
  return { flags, beginSearch: { index: { pos } }, findKeys: { range: { lastkey: 0, step: 1, limit: 0 } } };
}

/**
 * Valkey's mustObeyClient: a client replaying propagated commands (the AOF loader, the only client with
 * id 0) runs them as written, so trimming limits are not enforced for it.
 */
export function mustObeyClient(call: CommandCall): boolean {
  return call.client.id === 0;
}

const word = (s: string) => new TextEncoder().encode(s);

/**
 * streamPropagateXCLAIM: the idempotent form of a delivery or claim,
 * `XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID group-last-id`.
 */
export function propagateXclaim(
  call: CommandCall,
  key: Uint8Array,
  g: ConsumerGroup,
  id: Uint8Array,
  nack: Nack,
): void {
  if (!call.propagating) return;
  call.alsoPropagate([
    word("XCLAIM"),
    key.slice(),
    g.name.slice(),
    nack.consumer.name.slice(),
    word("0"),
    id.slice(),
    word("TIME"),
    word(String(nack.deliveryTime)),
    word("RETRYCOUNT"),
    word(String(nack.deliveryCount)),
    word("FORCE"),
    word("JUSTID"),
    word("LASTID"),
    word(formatId(g.lastId)),
  ]);
}

/** streamPropagateGroupID: `XGROUP SETID key group last-id ENTRIESREAD n`. */
export function propagateGroupId(call: CommandCall, key: Uint8Array, g: ConsumerGroup): void {
  if (!call.propagating) return;
  call.alsoPropagate([
    word("XGROUP"),
    word("SETID"),
    key.slice(),
    g.name.slice(),
    word(formatId(g.lastId)),
    word("ENTRIESREAD"),
    word(String(g.entriesRead)),
  ]);
}

/** streamPropagateConsumerCreation: `XGROUP CREATECONSUMER key group consumer`. */
export function propagateConsumerCreation(
  call: CommandCall,
  key: Uint8Array,
  g: ConsumerGroup,
  consumer: Uint8Array,
): void {
  if (!call.propagating) return;
  call.alsoPropagate([word("XGROUP"), word("CREATECONSUMER"), key.slice(), g.name.slice(), consumer.slice()]);
}

/** An ID as command words. */
export function idWord(id: StreamId): Uint8Array {
  return word(formatId(id));
}
