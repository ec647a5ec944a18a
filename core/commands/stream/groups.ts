/**
 * Consumer groups: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XACK, XPENDING,
 * XCLAIM and XAUTOCLAIM (Valkey's t_stream.c behaviour: argument order, errors, keyspace events, dirty
 * counts, PEL ownership transfers).
 *
 * @module
 */

import os from "node:os";
import type { LpValue } from "../../types/listpack.ts";
import {
  Consumer,
  type ConsumerGroup,
  INVALID_ENTRIES_READ,
  type Nack,
  nameKey,
  type StreamId,
  type StreamValue,
} from "../../types/stream.ts";
import { eqIgnoreCase, parseI64 } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX, ReplyError } from "../errors.ts";
import { replyHelp, subcommandSyntaxError } from "../server/help.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import {
  createStream,
  ERR_BUSYGROUP,
  errNoGroupForKey,
  errNoKeyOrGroup,
  idWord,
  intervalEnd,
  intervalStart,
  keyAt,
  looseId,
  parseLongLong,
  propagateGroupId,
  propagateXclaim,
  readStream,
  replyEntry,
  replyId,
  streamAt,
  strictId,
  writeStream,
} from "./common.ts";
import { lookupRead } from "../lookup.ts";
import { NO_ENTRY } from "../../keyspace/db.ts";

const ERR_XGROUP_NO_KEY =
  "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
const ERR_ENTRIESREAD = "ERR value for ENTRIESREAD must be positive or -1";

/** The consumer `name` of `g`, created (with its event and dirty count) if absent. */
export function getConsumer(
  call: CommandCall,
  g: ConsumerGroup,
  name: Uint8Array,
  key: Uint8Array,
): Consumer {
  const k = nameKey(name);
  let c = g.consumers.get(k);
  if (c === undefined) {
    c = new Consumer(name.slice(), call.now);
    g.consumers.set(k, c);
    call.dirty();
    call.notify("t", "xgroup-createconsumer", key, call.db.id);
  }
  return c;
}

// --- XGROUP ---

interface XgroupPrelude {
  s: StreamValue | undefined;
  g: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: number;
}

/** The part of Valkey's xgroupCommand every subcommand goes through: options, key and group checks. */
function xgroupPrelude(call: CommandCall, sub: "create" | "setid" | "destroy" | "consumer"): XgroupPrelude {
  const argv = call.argv;
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length;) {
    if (sub === "create" && eqIgnoreCase(argv[i]!, "mkstream")) {
      mkstream = true;
      i++;
    } else if (
      (sub === "create" || sub === "setid") && eqIgnoreCase(argv[i]!, "entriesread") && i + 1 < argv.length
    ) {
      entriesRead = parseLongLong(argv[i + 1]!);
      if (entriesRead < 0 && entriesRead !== INVALID_ENTRIES_READ) throw new ReplyError(ERR_ENTRIESREAD);
      i += 2;
    } else throw new ReplyError(subcommandSyntaxError(call));
  }
  const s = writeStream(call, argv[2]!);
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (s === undefined) throw new ReplyError(ERR_XGROUP_NO_KEY);
    g = s.group(argv[3]!);
    if (g === undefined && (sub === "setid" || sub === "consumer")) {
      throw new ReplyError(errNoGroupForKey(argv[3]!, argv[2]!));
    }
  }
  return { s, g, mkstream, entriesRead };
}

function xgroupCreate(call: CommandCall): void {
  const argv = call.argv;
  const p = xgroupPrelude(call, "create");
  if (argv.length > 8) throw new ReplyError(subcommandSyntaxError(call));
  const key = argv[2]!;
  const db = call.db;
  let s = p.s;
  let id: StreamId;
  const idArg = argv[4]!;
  if (idArg.length === 1 && idArg[0] === 0x24) id = s !== undefined ? s.lastId : 0n;
  else id = strictId(idArg);
  if (s === undefined) {
    s = createStream(call, key, db);
    call.keyModified(db, key);
  }
  if (s.createGroup(argv[3]!, id, p.entriesRead) === undefined) return call.error(ERR_BUSYGROUP);
  call.dirty();
  call.notify("t", "xgroup-create", key, db.id);
  call.reply.ok();
}

function xgroupSetid(call: CommandCall): void {
  const argv = call.argv;
  const p = xgroupPrelude(call, "setid");
  if (argv.length !== 5 && argv.length !== 7) throw new ReplyError(subcommandSyntaxError(call));
  const idArg = argv[4]!;
  const id = idArg.length === 1 && idArg[0] === 0x24 ? p.s!.lastId : looseId(idArg);
  const g = p.g!;
  g.lastId = id;
  g.entriesRead = p.entriesRead;
  call.dirty();
  call.notify("t", "xgroup-setid", argv[2]!, call.db.id);
  call.reply.ok();
}

function xgroupDestroy(call: CommandCall): void {
  const p = xgroupPrelude(call, "destroy");
  if (p.g === undefined) return call.reply.int(0);
  const key = call.argv[2]!;
  p.s!.groups!.delete(nameKey(call.argv[3]!));
  call.dirty();
  call.notify("t", "xgroup-destroy", key, call.db.id);
  call.reply.int(1);
  // Wake XREADGROUP clients blocked on this key: re-executed, they reply NOGROUP.
  call.server.blocking.signalReady(call.db.id, key);
}

function xgroupCreateconsumer(call: CommandCall): void {
  const p = xgroupPrelude(call, "consumer");
  const g = p.g!;
  const had = g.consumers.has(nameKey(call.argv[4]!));
  if (!had) getConsumer(call, g, call.argv[4]!, call.argv[2]!);
  call.reply.int(had ? 0 : 1);
}

function xgroupDelconsumer(call: CommandCall): void {
  const p = xgroupPrelude(call, "consumer");
  const g = p.g!;
  const k = nameKey(call.argv[4]!);
  const c = g.consumers.get(k);
  let pending = 0;
  if (c !== undefined) {
    pending = c.pel.size;
    c.pel.forEachFrom(0n, (id) => {
      g.pel.delete(id);
    });
    g.consumers.delete(k);
    call.dirty();
    call.notify("t", "xgroup-delconsumer", call.argv[2]!, call.db.id);
  }
  call.reply.int(pending);
}

const XGROUP_HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

// --- XACK ---

function xack(call: CommandCall): void {
  const argv = call.argv;
  const s = readStream(call, argv[1]!);
  const g = s?.group(argv[2]!);
  if (g === undefined) return call.reply.int(0);
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) ids.push(strictId(argv[j]!));
  let acked = 0;
  for (const id of ids) {
    if (g.ack(id)) {
      acked++;
      call.dirty();
    }
  }
  call.reply.int(acked);
}

// --- XPENDING ---

function xpending(call: CommandCall): void {
  const argv = call.argv;
  const argc = argv.length;
  const justInfo = argc === 3;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw new ReplyError(ERR_SYNTAX);
  let start = 0n;
  let end = 0n;
  let count = 0;
  let minIdle = 0;
  let consumerName: Uint8Array | null = null;
  if (argc >= 6) {
    let startIdx = 3;
    if (eqIgnoreCase(argv[3]!, "idle")) {
      minIdle = parseLongLong(argv[4]!);
      if (argc < 8) throw new ReplyError(ERR_SYNTAX);
      startIdx += 2;
    }
    count = parseLongLong(argv[startIdx + 2]!);
    if (count < 0) count = 0;
    start = intervalStart(argv[startIdx]!);
    end = intervalEnd(argv[startIdx + 1]!);
    if (startIdx + 3 < argc) consumerName = argv[startIdx + 3]!;
  }
  const key = argv[1]!;
  const s = readStream(call, key);
  const g = s?.group(argv[2]!);
  if (g === undefined) throw new ReplyError(errNoKeyOrGroup(key, argv[2]!));
  const w = call.reply;
  if (justInfo) {
    w.arrayHeader(4);
    w.int(g.pel.size);
    if (g.pel.size === 0) {
      w.nullBulk();
      w.nullBulk();
      w.nullArray();
      return;
    }
    replyId(call, g.pel.first()!);
    replyId(call, g.pel.last()!);
    const owners = g.sortedConsumers().filter((c) => c.pel.size > 0);
    w.arrayHeader(owners.length);
    for (const c of owners) {
      w.arrayHeader(2);
      w.bulk(c.name);
      w.bulkStr(String(c.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.consumers.get(nameKey(consumerName));
    if (c === undefined) return w.arrayHeader(0);
    pel = c.pel;
  }
  const now = call.now;
  const rows: [StreamId, Nack][] = [];
  if (count > 0) {
    pel.forEachFrom(start, (id, nack) => {
      if (id > end) return false;
      if (minIdle && now - nack.deliveryTime < minIdle) return;
      rows.push([id, nack]);
      return rows.length < count;
    });
  }
  w.arrayHeader(rows.length);
  for (const [id, nack] of rows) {
    w.arrayHeader(4);
    replyId(call, id);
    w.bulk(nack.consumer.name);
    w.int(Math.max(0, now - nack.deliveryTime));
    w.int(nack.deliveryCount);
  }
}

// --- XCLAIM / XAUTOCLAIM ---

/** Moves a NACK to `consumer` (both PELs). */
function transfer(g: ConsumerGroup, id: StreamId, nack: Nack, consumer: Consumer): void {
  if (nack.consumer !== consumer) {
    nack.consumer.pel.delete(id);
    nack.consumer = consumer;
    consumer.pel.set(id, nack);
  }
  g.pel.set(id, nack);
}

type Claimed = [StreamId, LpValue[] | null];

function replyClaimed(call: CommandCall, items: Claimed[]): void {
  call.reply.arrayHeader(items.length);
  for (const [id, pairs] of items) {
    if (pairs === null) replyId(call, id);
    else replyEntry(call, id, pairs);
  }
}

function xclaim(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const s = readStream(call, key);
  const g = s?.group(argv[2]!);
  if (s === undefined || g === undefined) throw new ReplyError(errNoKeyOrGroup(key, argv[2]!));
  let minIdle = parseLongLong(argv[4]!, "ERR Invalid min-idle-time argument for XCLAIM");
  if (minIdle < 0) minIdle = 0;
  call.preventPropagation();
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    let id: StreamId;
    try {
      id = strictId(argv[j]!);
    } catch {
      break;
    }
    ids.push(id);
  }
  const now = call.now;
  let force = false;
  let justid = false;
  let retryCount = -1;
  let deliveryTime = -1;
  let lastId = 0n;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqIgnoreCase(opt, "force")) force = true;
    else if (eqIgnoreCase(opt, "justid")) justid = true;
    else if (eqIgnoreCase(opt, "idle") && more > 0) {
      j++;
      deliveryTime = now - parseLongLong(argv[j]!, "ERR Invalid IDLE option argument for XCLAIM");
    } else if (eqIgnoreCase(opt, "time") && more > 0) {
      j++;
      deliveryTime = parseLongLong(argv[j]!, "ERR Invalid TIME option argument for XCLAIM");
    } else if (eqIgnoreCase(opt, "retrycount") && more > 0) {
      j++;
      retryCount = parseLongLong(argv[j]!, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
    } else if (eqIgnoreCase(opt, "lastid") && more > 0) {
      j++;
      lastId = strictId(argv[j]!);
    } else {
      throw new ReplyError(`ERR Unrecognized XCLAIM option '${new TextDecoder().decode(opt)}'`);
    }
  }
  let propagateLastId = false;
  if (lastId > g.lastId) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  const consumer = getConsumer(call, g, argv[3]!, key);
  consumer.seenTime = now;
  const out: Claimed[] = [];
  for (const [k, id] of ids.entries()) {
    let nack = g.pel.get(id);
    const pairs = s.get(id);
    if (pairs === null) {
      if (nack !== undefined) {
        // The entry is gone from the stream: drop it from the PEL (and tell replicas/AOF the same way).
        propagateXclaim(call, key, g, argv[5 + k]!, nack);
        propagateLastId = false;
        call.dirty();
        g.ack(id);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      nack = { deliveryTime: now, deliveryCount: 1, consumer };
      fresh = true;
    }
    if (nack === undefined) continue;
    if (!fresh && minIdle && now - nack.deliveryTime < minIdle) continue;
    if (fresh) {
      g.pel.set(id, nack);
      consumer.pel.set(id, nack);
    } else transfer(g, id, nack, consumer);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount++;
    out.push([id, justid ? null : pairs]);
    consumer.activeTime = now;
    propagateXclaim(call, key, g, argv[5 + k]!, nack);
    propagateLastId = false;
    call.dirty();
  }
  if (propagateLastId) {
    propagateGroupId(call, key, g);
    call.dirty();
  }
  replyClaimed(call, out);
}

/** LONG_MAX / max(sizeof(streamID), attempts factor 10). */
const XAUTOCLAIM_MAX_COUNT = 576460752303423487n;

function xautoclaim(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const ref = lookupRead(call, key, db);
  let minIdle = parseLongLong(argv[4]!, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (minIdle < 0) minIdle = 0;
  const start = intervalStart(argv[5]!);
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqIgnoreCase(opt, "count") && more > 0) {
      const v = parseI64(argv[j + 1]!);
      if (v === null || v < 1n || v > XAUTOCLAIM_MAX_COUNT) throw new ReplyError("ERR COUNT must be > 0");
      count = Number(v);
      j++;
    } else if (eqIgnoreCase(opt, "justid")) justid = true;
    else throw new ReplyError(ERR_SYNTAX);
  }
  const s = ref === NO_ENTRY ? undefined : streamAt(db, ref);
  const g = s?.group(argv[2]!);
  if (s === undefined || g === undefined) throw new ReplyError(errNoKeyOrGroup(key, argv[2]!));
  // Valkey allocates COUNT stream IDs (16 bytes each) up front and refuses a COUNT it cannot allocate.
  if (count * 16 > os.totalmem()) {
    throw new ReplyError("ERR Insufficient memory, failed allocating transient memory, COUNT too high.");
  }
  call.preventPropagation();
  const consumer = getConsumer(call, g, argv[3]!, key);
  const now = call.now;
  consumer.seenTime = now;
  let attempts = count * 10;
  const claimed: Claimed[] = [];
  const deleted: StreamId[] = [];
  let i = g.pel.ceilIndex(start);
  while (attempts-- > 0 && count > 0 && i < g.pel.size) {
    const id = g.pel.keyAt(i);
    const nack = g.pel.get(id)!;
    const pairs = s.get(id);
    if (pairs === null) {
      propagateXclaim(call, key, g, idWord(id), nack);
      g.ack(id);
      deleted.push(id);
      call.dirty();
      count--;
      continue;
    }
    i++;
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    transfer(g, id, nack, consumer);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    claimed.push([id, justid ? null : pairs]);
    count--;
    consumer.activeTime = now;
    propagateXclaim(call, key, g, idWord(id), nack);
    call.dirty();
  }
  const w = call.reply;
  w.arrayHeader(3);
  replyId(call, i < g.pel.size ? g.pel.keyAt(i) : 0n);
  replyClaimed(call, claimed);
  w.arrayHeader(deleted.length);
  for (const id of deleted) replyId(call, id);
}

// --- specs ---

const keyArg: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };
const groupArg: ArgSpec = { name: "group", type: "string" };
const consumerArg: ArgSpec = { name: "consumer", type: "string" };
const idSelector: ArgSpec = {
  name: "id-selector",
  type: "oneof",
  arguments: [{ name: "id", type: "string" }, { name: "new-id", type: "pure-token", token: "$" }],
};

function xgroupSub(
  name: string,
  summary: string,
  since: string,
  arity: number,
  flags: CommandSpec["flags"],
  ks: ReturnType<typeof keyAt>,
  args: ArgSpec[],
  handler: (call: CommandCall) => void,
  complexity = "O(1)",
  history?: [string, string][],
): CommandSpec {
  const spec: CommandSpec = {
    name,
    summary,
    since,
    group: "stream",
    complexity,
    arity,
    flags,
    aclCategories: ["stream"],
    keySpecs: [ks],
    arguments: args,
    parse: "manual",
    handler,
  };
  if (history !== undefined) spec.history = history;
  return spec;
}

export const xgroupSpec: CommandSpec = {
  name: "xgroup",
  summary: "A container for consumer groups commands.",
  since: "5.0.0",
  group: "stream",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    xgroupSub(
      "create",
      "Creates a consumer group.",
      "5.0.0",
      -5,
      ["WRITE", "DENYOOM"],
      keyAt(["RW", "INSERT"], 2),
      [
        keyArg,
        groupArg,
        idSelector,
        { name: "mkstream", type: "pure-token", token: "MKSTREAM", optional: true },
        {
          name: "entriesread",
          displayText: "entries-read",
          type: "integer",
          token: "ENTRIESREAD",
          optional: true,
        },
      ],
      xgroupCreate,
      "O(1)",
      [["7.0.0", "Added the `entries_read` named argument."]],
    ),
    xgroupSub(
      "createconsumer",
      "Creates a consumer in a consumer group.",
      "6.2.0",
      5,
      ["WRITE", "DENYOOM"],
      keyAt(["RW", "INSERT"], 2),
      [keyArg, groupArg, consumerArg],
      xgroupCreateconsumer,
    ),
    xgroupSub(
      "delconsumer",
      "Deletes a consumer from a consumer group.",
      "5.0.0",
      5,
      ["WRITE"],
      keyAt(["RW", "DELETE"], 2),
      [keyArg, groupArg, consumerArg],
      xgroupDelconsumer,
    ),
    xgroupSub(
      "destroy",
      "Destroys a consumer group.",
      "5.0.0",
      4,
      ["WRITE"],
      keyAt(["RW", "DELETE"], 2),
      [keyArg, groupArg],
      xgroupDestroy,
      "O(N) where N is the number of entries in the group's pending entries list (PEL).",
    ),
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "5.0.0",
      group: "stream",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      aclCategories: ["stream"],
      handler: (call) => replyHelp(call, XGROUP_HELP),
    },
    xgroupSub(
      "setid",
      "Sets the last-delivered ID of a consumer group.",
      "5.0.0",
      -5,
      ["WRITE"],
      keyAt(["RW", "UPDATE"], 2),
      [
        keyArg,
        groupArg,
        idSelector,
        {
          name: "entriesread",
          displayText: "entries-read",
          type: "integer",
          token: "ENTRIESREAD",
          optional: true,
        },
      ],
      xgroupSetid,
      "O(1)",
      [["7.0.0", "Added the optional `entries_read` argument."]],
    ),
  ],
};

export const xackSpec: CommandSpec = {
  name: "xack",
  summary:
    "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(1) for each message ID processed.",
  arity: -4,
  flags: ["WRITE", "FAST"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RW", "UPDATE"], 1)],
  arguments: [keyArg, groupArg, { name: "id", type: "string", multiple: true }],
  parse: "manual",
  handler: xack,
};

export const xpendingSpec: CommandSpec = {
  name: "xpending",
  summary: "Returns the information and entries from a stream consumer group's pending entries list.",
  since: "5.0.0",
  group: "stream",
  complexity:
    "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
  arity: -3,
  flags: ["READONLY"],
  aclCategories: ["stream"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [keyAt(["RO", "ACCESS"], 1)],
  arguments: [
    keyArg,
    groupArg,
    {
      name: "filters",
      type: "block",
      optional: true,
      arguments: [
        { name: "min-idle-time", type: "integer", token: "IDLE", optional: true, since: "6.2.0" },
        { name: "start", type: "string" },
        { name: "end", type: "string" },
        { name: "count", type: "integer" },
        { name: "consumer", type: "string", optional: true },
      ],
    },
  ],
  history: [["6.2.0", "Added the `IDLE` option and exclusive range intervals."]],
  parse: "manual",
  handler: xpending,
};

export const xclaimSpec: CommandSpec = {
  name: "xclaim",
  summary:
    "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
  arity: -6,
  flags: ["WRITE", "FAST"],
  aclCategories: ["stream"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [keyAt(["RW", "UPDATE"], 1)],
  arguments: [
    keyArg,
    groupArg,
    consumerArg,
    { name: "min-idle-time", type: "string" },
    { name: "id", type: "string", multiple: true },
    { name: "ms", type: "integer", token: "IDLE", optional: true },
    { name: "unix-time-milliseconds", type: "unix-time", token: "TIME", optional: true },
    { name: "count", type: "integer", token: "RETRYCOUNT", optional: true },
    { name: "force", type: "pure-token", token: "FORCE", optional: true },
    { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
    { name: "lastid", type: "string", token: "LASTID", optional: true },
  ],
  parse: "manual",
  handler: xclaim,
};

export const xautoclaimSpec: CommandSpec = {
  name: "xautoclaim",
  summary:
    "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
  since: "6.2.0",
  group: "stream",
  complexity: "O(1) if COUNT is small.",
  arity: -6,
  flags: ["WRITE", "FAST"],
  aclCategories: ["stream"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [keyAt(["RW", "DELETE"], 1)],
  arguments: [
    keyArg,
    groupArg,
    consumerArg,
    { name: "min-idle-time", type: "string" },
    { name: "start", type: "string" },
    { name: "count", type: "integer", token: "COUNT", optional: true },
    { name: "justid", type: "pure-token", token: "JUSTID", optional: true },
  ],
  history: [[
    "7.0.0",
    "Added an element to the reply array, containing deleted entries the command cleared from the PEL",
  ]],
  parse: "manual",
  handler: xautoclaim,
};
