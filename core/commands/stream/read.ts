/**
 * XREAD and XREADGROUP (Valkey's xreadCommand), including BLOCK.
 *
 * Blocking: a request with nothing to serve registers with the server's blocking layer
 * (core/server/blocking.ts), which re-executes it whenever one of its keys is modified, first blocked first
 * served. As Valkey does, a `$` ID is rewritten to the stream's last ID before blocking, so the
 * re-executed request asks for what arrived since. Valkey re-executes a blocked XREAD only when its key
 * holds a stream again (deleting a key or setting it to another type leaves the client waiting); a blocked
 * XREADGROUP is re-executed on any change, so deleting the key, FLUSHALL or XGROUP DESTROY answer NOGROUP
 * and a retype answers WRONGTYPE. A re-execution that still finds nothing blocks again in its old place.
 *
 * @module
 */

import type { LpValue } from "../../types/listpack.ts";
import {
  type Consumer,
  type ConsumerGroup,
  formatId,
  ID_MAX,
  nameKey,
  type StreamId,
  type StreamValue,
} from "../../types/stream.ts";
import { NO_ENTRY } from "../../keyspace/db.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE, ReplyError } from "../errors.ts";
import type { CommandSpec, KeySpec } from "../spec.ts";
import {
  errNoKeyOrGroup,
  idWord,
  parseLongLong,
  propagateConsumerCreation,
  propagateGroupId,
  propagateXclaim,
  readStream,
  replyEntry,
  replyId,
  strictId,
} from "./common.ts";
import { getConsumer } from "./groups.ts";

const ERR_TIMEOUT_NOT_INT = "ERR timeout is not an integer or out of range";
const ERR_TIMEOUT_RANGE = "ERR timeout is out of range";
const ERR_GROUP_ONLY = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
const ERR_NOACK_ONLY = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
const ERR_MISSING_GROUP = "ERR Missing GROUP option for XREADGROUP";
const ERR_DOLLAR =
  "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
const ERR_PLUS =
  "ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.";
const ERR_GT_ONLY =
  "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";
const ERR_LAST_ZERO = "ERR the stream last element ID is 0-0";

const isWord = (b: Uint8Array, s: string) => b.length === s.length && String.fromCharCode(...b) === s;

/** getTimeoutFromObjectOrReply in milliseconds: absolute unix ms, 0 = forever. */
function parseBlockMs(arg: Uint8Array, now: number): number {
  const ms = parseLongLong(arg, ERR_TIMEOUT_NOT_INT);
  if (ms < 0) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  if (ms === 0) return 0;
  if (ms > 9223372036854775807 - now) throw new ReplyError(ERR_TIMEOUT_RANGE);
  return now + ms;
}

/** One stream's share of the reply: entries, or [id, null] for a history entry that was deleted. */
type Served = { key: Uint8Array; items: [StreamId, LpValue[] | null][] };

/**
 * Delivers entries > `after` to a group's consumer (streamReplyWithRange with a group), propagating each
 * new pending entry as an XCLAIM and a moved last-delivered ID as XGROUP SETID.
 */
function deliverNew(
  call: CommandCall,
  key: Uint8Array,
  s: StreamValue,
  g: ConsumerGroup,
  consumer: Consumer,
  after: StreamId,
  count: number,
  noack: boolean,
): [StreamId, LpValue[]][] {
  const items: [StreamId, LpValue[]][] = [];
  if (after === ID_MAX) return items;
  const now = call.now;
  let movedLastId = false;
  s.range(after + 1n, ID_MAX, false, (id, pairs) => {
    if (id > g.lastId) {
      s.advanceGroup(g, id);
      movedLastId = true;
    }
    items.push([id, pairs]);
    if (!noack) {
      let nack = g.pel.get(id);
      if (nack === undefined) {
        nack = { deliveryTime: now, deliveryCount: 1, consumer };
        g.pel.set(id, nack);
        consumer.pel.set(id, nack);
      } else {
        nack.consumer.pel.delete(id);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        consumer.pel.set(id, nack);
      }
      consumer.activeTime = now;
      propagateXclaim(call, key, g, idWord(id), nack);
    }
    return count === 0 || items.length < count;
  });
  if (movedLastId) propagateGroupId(call, key, g);
  return items;
}

/** A consumer's own history from `after` on (streamReplyWithRangeFromConsumerPEL). */
function deliverHistory(
  s: StreamValue,
  consumer: Consumer,
  after: StreamId,
  count: number,
  now: number,
): [StreamId, LpValue[] | null][] {
  const items: [StreamId, LpValue[] | null][] = [];
  if (after === ID_MAX) return items;
  consumer.pel.forEachFrom(after + 1n, (id, nack) => {
    if (count !== 0 && items.length >= count) return false;
    const pairs = s.get(id);
    if (pairs !== null) {
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
    items.push([id, pairs]);
  });
  return items;
}

function xread(call: CommandCall, isGroup: boolean): void {
  const argv = call.argv;
  let timeoutAt = -1;
  let count = 0;
  let streamsArg = 0;
  let nStreams = 0;
  let noack = false;
  let groupName: Uint8Array | null = null;
  let consumerName: Uint8Array | null = null;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i]!;
    if (eqIgnoreCase(o, "block") && more > 0) {
      i++;
      timeoutAt = parseBlockMs(argv[i]!, call.now);
    } else if (eqIgnoreCase(o, "count") && more > 0) {
      i++;
      count = parseLongLong(argv[i]!);
      if (count < 0) count = 0;
    } else if (eqIgnoreCase(o, "streams") && more > 0) {
      streamsArg = i + 1;
      nStreams = argv.length - streamsArg;
      if (nStreams % 2 !== 0) {
        throw new ReplyError(
          `ERR Unbalanced '${call.fullName}' list of streams: for each stream key an ID or '${
            isGroup ? ">" : "$"
          }' must be specified.`,
        );
      }
      nStreams /= 2;
      break;
    } else if (eqIgnoreCase(o, "group") && more >= 2) {
      if (!isGroup) throw new ReplyError(ERR_GROUP_ONLY);
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (eqIgnoreCase(o, "noack")) {
      if (!isGroup) throw new ReplyError(ERR_NOACK_ONLY);
      noack = true;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (streamsArg === 0) throw new ReplyError(ERR_SYNTAX);
  if (isGroup && groupName === null) throw new ReplyError(ERR_MISSING_GROUP);
  const keys = argv.slice(streamsArg, streamsArg + nStreams);
  const blocking = call.server.blocking;
  // XREADGROUP propagates its effects (XCLAIM, XGROUP SETID, XGROUP CREATECONSUMER), never itself.
  if (isGroup) call.preventPropagation();

  // A blocked XREAD woken while none of its keys holds a stream keeps waiting (Valkey would not wake it).
  if (!isGroup && blocking.isBlocked(call.client)) {
    const db = call.db;
    const anyStream = keys.some((k) => {
      const ref = db.lookup(k);
      return ref !== NO_ENTRY && !db.isString(ref) &&
        (db.getObject(ref) as { type?: string }).type === "stream";
    });
    if (!anyStream) {
      blocking.block(call.client, argv, keys, timeoutAt, (w) => w.nullArray(), false);
      return;
    }
  }

  const ids: StreamId[] = [];
  const groups: ConsumerGroup[] = [];
  for (let j = 0; j < nStreams; j++) {
    const key = keys[j]!;
    const arg = argv[streamsArg + nStreams + j]!;
    const s = readStream(call, key);
    if (groupName !== null) {
      const g = s?.group(groupName);
      if (g === undefined) {
        throw new ReplyError(errNoKeyOrGroup(key, groupName, " in XREADGROUP with GROUP option"));
      }
      groups.push(g);
    }
    if (isWord(arg, "$")) {
      if (isGroup) throw new ReplyError(ERR_DOLLAR);
      ids.push(s !== undefined ? s.lastId : 0n);
    } else if (isWord(arg, "+")) {
      if (isGroup) throw new ReplyError(ERR_PLUS);
      if (s !== undefined) {
        if (s.lastId === 0n) throw new ReplyError(ERR_LAST_ZERO);
        ids.push(s.lastId - 1n);
      } else ids.push(0n);
    } else if (isWord(arg, ">")) {
      if (!isGroup) throw new ReplyError(ERR_GT_ONLY);
      ids.push(ID_MAX);
    } else ids.push(strictId(arg));
  }

  const served: Served[] = [];
  const now = call.now;
  for (let j = 0; j < nStreams; j++) {
    const key = keys[j]!;
    const s = readStream(call, key);
    if (s === undefined) continue;
    let gt = ids[j]!;
    if (groupName !== null) {
      const g = groups[j]!;
      let serve = false;
      let history = false;
      if (gt !== ID_MAX) {
        serve = true;
        history = true;
      } else if (s.length > 0 && s.lastValidId() > g.lastId) {
        serve = true;
        gt = g.lastId;
      }
      const known = g.consumers.has(nameKey(consumerName!));
      const consumer = getConsumer(call, g, consumerName!, key);
      if (!known && noack) propagateConsumerCreation(call, key, g, consumerName!);
      consumer.seenTime = now;
      if (serve) {
        const items = history
          ? deliverHistory(s, consumer, gt, count, now)
          : deliverNew(call, key, s, g, consumer, gt, count, noack);
        served.push({ key, items });
        call.dirty();
      }
    } else if (s.length > 0 && s.lastValidId() > gt) {
      const items: [StreamId, LpValue[]][] = [];
      if (gt !== ID_MAX) {
        s.range(gt + 1n, ID_MAX, false, (id, pairs) => {
          items.push([id, pairs]);
          return count === 0 || items.length < count;
        });
      }
      served.push({ key, items });
    }
  }

  if (served.length > 0) {
    const w = call.reply;
    const resp3 = call.client.resp === 3;
    if (resp3) w.mapHeader(served.length);
    else w.arrayHeader(served.length);
    for (const { key, items } of served) {
      if (!resp3) w.arrayHeader(2);
      w.bulk(key);
      w.arrayHeader(items.length);
      for (const [id, pairs] of items) {
        if (pairs !== null) replyEntry(call, id, pairs);
        else {
          w.arrayHeader(2);
          replyId(call, id);
          w.nullArray();
        }
      }
    }
    return;
  }

  if (timeoutAt !== -1) {
    if (call.inExec) return call.reply.nullArray();
    let blockArgv = argv;
    for (let j = 0; j < nStreams; j++) {
      const pos = streamsArg + nStreams + j;
      if (isWord(argv[pos]!, "$")) {
        if (blockArgv === argv) blockArgv = argv.slice();
        blockArgv[pos] = new TextEncoder().encode(formatId(ids[j]!));
      }
    }
    blocking.block(call.client, blockArgv, keys, timeoutAt, (w) => w.nullArray(), false, isGroup);
    return;
  }
  call.reply.nullArray();
}

const streamsKeySpec = (startFrom: number): KeySpec => ({
  flags: ["RO", "ACCESS"],
  beginSearch: { keyword: { keyword: "STREAMS", startFrom } },
  findKeys: { range: { lastkey: -1, step: 1, limit: 2 } },
});

/** Keys of XREAD/XREADGROUP: the first half of the words after STREAMS. */
function streamKeys(argv: Uint8Array[]): number[] {
  for (let i = 1; i < argv.length; i++) {
    if (eqIgnoreCase(argv[i]!, "streams")) {
      const rest = argv.length - i - 1;
      if (rest % 2 !== 0) return [];
      const n = rest / 2;
      return Array.from({ length: n }, (_, k) => i + 1 + k);
    }
  }
  return [];
}

const streamsArg = {
  name: "streams",
  type: "block",
  token: "STREAMS",
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0, multiple: true },
    { name: "id", type: "string", multiple: true },
  ],
} as const;

export const xreadSpec: CommandSpec = {
  name: "xread",
  summary:
    "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
  since: "5.0.0",
  group: "stream",
  arity: -4,
  flags: ["BLOCKING", "READONLY"],
  aclCategories: ["stream"],
  keySpecs: [streamsKeySpec(1)],
  arguments: [
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "milliseconds", type: "integer", token: "BLOCK", optional: true },
    { ...streamsArg, arguments: [...streamsArg.arguments] },
  ],
  parse: "manual",
  getKeys: streamKeys,
  handler: (call) => xread(call, false),
};

export const xreadgroupSpec: CommandSpec = {
  name: "xreadgroup",
  summary:
    "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
  since: "5.0.0",
  group: "stream",
  complexity:
    "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
  arity: -7,
  flags: ["BLOCKING", "WRITE"],
  aclCategories: ["stream"],
  keySpecs: [streamsKeySpec(4)],
  arguments: [
    {
      name: "group-block",
      type: "block",
      token: "GROUP",
      arguments: [{ name: "group", type: "string" }, { name: "consumer", type: "string" }],
    },
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "milliseconds", type: "integer", token: "BLOCK", optional: true },
    { name: "noack", type: "pure-token", token: "NOACK", optional: true },
    { ...streamsArg, arguments: [...streamsArg.arguments] },
  ],
  parse: "manual",
  getKeys: streamKeys,
  handler: (call) => xread(call, true),
};
