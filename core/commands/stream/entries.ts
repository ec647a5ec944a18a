/**
 * XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID: appending, reading ranges, deleting and trimming
 * entries (Valkey's t_stream.c behaviour: argument order, errors, keyspace events, dirty counts).
 *
 * Handlers read `call.argv` themselves (`parse: "manual"`): XADD's options end where its ID begins, and
 * Valkey reports errors in an order the generic parser cannot reproduce.
 *
 * @module
 */

import { ID_MAX, type StreamId, type StreamValue, type TrimArgs } from "../../types/stream.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import type { CommandCall } from "../call.ts";
import { ERR_NO_SUCH_KEY, ERR_SYNTAX, errWrongArity, ReplyError } from "../errors.ts";
import type { ArgSpec, CommandSpec } from "../spec.ts";
import {
  createStream,
  idWord,
  intervalEnd,
  intervalStart,
  keyAt,
  mustObeyClient,
  parseLongLong,
  readStream,
  replyId,
  replyRange,
  strictId,
  writeStream,
  xaddId,
} from "./common.ts";

const ERR_MAXLEN_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
const ERR_MAXLEN_NEGATIVE = "ERR The MAXLEN argument must be >= 0.";
const ERR_LIMIT_NEGATIVE = "ERR The LIMIT argument must be >= 0.";
const ERR_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
const ERR_XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";
const ERR_LIMIT_NO_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";
const ERR_XADD_ZERO_ID = "ERR The ID specified in XADD must be greater than 0-0";
const ERR_XADD_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
const ERR_XADD_SMALLER = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
const ERR_TOO_LARGE = "ERR Elements are too large to be stored";

interface AddTrimArgs {
  trim: TrimArgs | null;
  /** XADD: the explicit ID, or null for `*`. */
  id: StreamId | null;
  seqGiven: boolean;
  noMkstream: boolean;
  /** XADD: index of the ID argument. */
  idPos: number;
  /** Index of the MAXLEN/MINID threshold (for the propagated rewrite of `~`). */
  thresholdPos: number;
}

const isWord = (b: Uint8Array, c: number) => b.length === 1 && b[0] === c;

/** Valkey's streamParseAddOrTrimArgsOrReply. */
function parseAddTrim(call: CommandCall, xadd: boolean): AddTrimArgs {
  const argv = call.argv;
  const out: AddTrimArgs = {
    trim: null,
    id: null,
    seqGiven: true,
    noMkstream: false,
    idPos: argv.length,
    thresholdPos: 0,
  };
  let strategy: "maxlen" | "minid" | null = null;
  let approx = false;
  let maxlen = 0;
  let minid = 0n;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (xadd && isWord(opt, 0x2a)) break;
    if ((eqIgnoreCase(opt, "maxlen") || eqIgnoreCase(opt, "minid")) && more > 0) {
      if (strategy !== null) throw new ReplyError(ERR_MAXLEN_MINID);
      const isMaxlen = eqIgnoreCase(opt, "maxlen");
      approx = false;
      const next = argv[i + 1]!;
      if (more >= 2 && isWord(next, 0x7e)) {
        approx = true;
        i++;
      } else if (more >= 2 && isWord(next, 0x3d)) i++;
      if (isMaxlen) {
        maxlen = parseLongLong(argv[i + 1]!);
        if (maxlen < 0) throw new ReplyError(ERR_MAXLEN_NEGATIVE);
        strategy = "maxlen";
      } else {
        minid = strictId(argv[i + 1]!);
        strategy = "minid";
      }
      i++;
      out.thresholdPos = i;
    } else if (eqIgnoreCase(opt, "limit") && more > 0) {
      limit = parseLongLong(argv[i + 1]!);
      if (limit < 0) throw new ReplyError(ERR_LIMIT_NEGATIVE);
      limitGiven = true;
      i++;
    } else if (xadd && eqIgnoreCase(opt, "nomkstream")) {
      out.noMkstream = true;
    } else if (xadd) {
      const p = xaddId(opt);
      out.id = p.id;
      out.seqGiven = p.seqGiven;
      break;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  out.idPos = i;
  if (limit && strategy === null) throw new ReplyError(ERR_LIMIT_NO_STRATEGY);
  if (!xadd && strategy === null) throw new ReplyError(ERR_XTRIM_NO_STRATEGY);
  if (mustObeyClient(call)) {
    // Replayed commands were rewritten to exact trims; they run as written.
    limit = 0;
  } else if (limitGiven) {
    if (!approx) throw new ReplyError(ERR_LIMIT_NO_APPROX);
  } else if (approx) {
    limit = 100 * call.server.config.getInt("stream-node-max-entries");
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
  } else limit = 0;
  if (strategy !== null) out.trim = { strategy, maxlen, minid, approx, limit };
  return out;
}

/**
 * The propagated form of an approximate trim (streamRewriteTrimArgument): `~` becomes `=` and the
 * threshold the resulting length (MAXLEN) or first entry ID, tombstones included (MINID), so replaying
 * trims exactly what was trimmed here.
 */
function rewriteApproxTrim(out: Uint8Array[], s: StreamValue, args: AddTrimArgs): void {
  out[args.thresholdPos - 1] = new TextEncoder().encode("=");
  if (args.trim!.strategy === "maxlen") out[args.thresholdPos] = new TextEncoder().encode(String(s.length));
  else out[args.thresholdPos] = idWord(s.firstEntryIdWithTombstones() ?? ID_MAX);
}

function xadd(call: CommandCall): void {
  const argv = call.argv;
  const args = parseAddTrim(call, true);
  const fieldPos = args.idPos + 1;
  const n = argv.length - fieldPos;
  if (n < 2 || n % 2 === 1) throw new ReplyError(errWrongArity(call.fullName));
  if (args.id !== null && args.seqGiven && args.id === 0n) throw new ReplyError(ERR_XADD_ZERO_ID);
  const key = argv[1]!;
  const db = call.db;
  let s = writeStream(call, key, db);
  if (s === undefined) {
    if (args.noMkstream) return call.reply.nullBulk();
    s = createStream(call, key, db);
  }
  if (s.lastId === ID_MAX) return call.error(ERR_XADD_EXHAUSTED);
  const config = call.server.config;
  const id = s.append(
    argv.slice(fieldPos),
    args.id,
    args.seqGiven,
    call.now,
    config.getInt("stream-node-max-entries"),
    config.getInt("stream-node-max-bytes"),
  );
  if (id === "EDOM") return call.error(ERR_XADD_SMALLER);
  if (id === "ERANGE") return call.error(ERR_TOO_LARGE);
  call.notify("t", "xadd", key, db.id);
  call.dirty();
  replyId(call, id);
  if (args.trim !== null && s.trim(args.trim) > 0) call.notify("t", "xtrim", key, db.id);
  call.keyModified(db, key);
  // Propagate the generated ID and an exact trim (Valkey rewrites the command's arguments).
  if (call.propagating && (args.id === null || !args.seqGiven || args.trim?.approx === true)) {
    const out = argv.slice();
    out[args.idPos] = idWord(id);
    if (args.trim?.approx === true) rewriteApproxTrim(out, s, args);
    call.propagateAs(out);
  }
}

function xtrim(call: CommandCall): void {
  const args = parseAddTrim(call, false);
  const key = call.argv[1]!;
  const db = call.db;
  const s = writeStream(call, key, db);
  if (s === undefined) return call.reply.int(0);
  const deleted = s.trim(args.trim!);
  if (deleted > 0) {
    call.notify("t", "xtrim", key, db.id);
    if (call.propagating && args.trim!.approx) {
      const out = call.argv.slice();
      rewriteApproxTrim(out, s, args);
      call.propagateAs(out);
    }
    call.keyModified(db, key);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

function xrangeGeneric(call: CommandCall, rev: boolean): void {
  const argv = call.argv;
  const start = intervalStart(rev ? argv[3]! : argv[2]!);
  const end = intervalEnd(rev ? argv[2]! : argv[3]!);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (eqIgnoreCase(argv[j]!, "count") && argv.length - j - 1 >= 1) {
      count = parseLongLong(argv[j + 1]!);
      if (count < 0) count = 0;
      j++;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  const s = readStream(call, argv[1]!);
  if (s === undefined) return call.reply.arrayHeader(0);
  if (count === 0) return call.reply.nullArray();
  replyRange(call, s, start, end, count === -1 ? 0 : count, rev);
}

function xlen(call: CommandCall): void {
  const s = readStream(call, call.argv[1]!);
  call.reply.int(s === undefined ? 0 : s.length);
}

function xdel(call: CommandCall): void {
  const argv = call.argv;
  const key = argv[1]!;
  const db = call.db;
  const s = writeStream(call, key, db);
  if (s === undefined) return call.reply.int(0);
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) ids.push(strictId(argv[j]!));
  const deleted = s.deleteIds(ids);
  if (deleted > 0) {
    call.keyModified(db, key);
    call.notify("t", "xdel", key, db.id);
    call.dirty(deleted);
  }
  call.reply.int(deleted);
}

function xsetid(call: CommandCall): void {
  const argv = call.argv;
  const id = strictId(argv[2]!);
  let entriesAdded = -1;
  let maxXdel = 0n;
  for (let i = 3; i < argv.length;) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (eqIgnoreCase(opt, "entriesadded") && more > 0) {
      entriesAdded = parseLongLong(argv[i + 1]!);
      if (entriesAdded < 0) throw new ReplyError("ERR entries_added must be positive");
      i += 2;
    } else if (eqIgnoreCase(opt, "maxdeletedid") && more > 0) {
      maxXdel = strictId(argv[i + 1]!);
      if (id < maxXdel) {
        throw new ReplyError(
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
      }
      i += 2;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  const key = argv[1]!;
  const db = call.db;
  const s = writeStream(call, key, db);
  if (s === undefined) return call.error(ERR_NO_SUCH_KEY);
  if (id < s.maxDeletedId) {
    return call.error("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id");
  }
  if (s.length > 0) {
    if (id < s.lastValidId()) {
      return call.error("ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      return call.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxXdel !== 0n) s.maxDeletedId = maxXdel;
  call.dirty();
  call.notify("t", "xsetid", key, db.id);
  call.reply.ok();
}

// --- specs ---

const keyArg: ArgSpec = { name: "key", type: "key", keySpecIndex: 0 };

function trimArgs(optional: boolean): ArgSpec {
  const a: ArgSpec = {
    name: "trim",
    type: "block",
    arguments: [
      {
        name: "strategy",
        type: "oneof",
        arguments: [
          { name: "maxlen", type: "pure-token", token: "MAXLEN" },
          { name: "minid", type: "pure-token", token: "MINID", since: "6.2.0" },
        ],
      },
      {
        name: "operator",
        type: "oneof",
        optional: true,
        arguments: [
          { name: "equal", type: "pure-token", token: "=" },
          { name: "approximately", type: "pure-token", token: "~" },
        ],
      },
      { name: "threshold", type: "string" },
      { name: "count", type: "integer", token: "LIMIT", optional: true, since: "6.2.0" },
    ],
  };
  if (optional) a.optional = true;
  return a;
}

export const xaddSpec: CommandSpec = {
  name: "xadd",
  summary: "Appends a new message to a stream. Creates the key if it doesn't exist.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
  arity: -5,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["stream"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [{
    ...keyAt(["RW", "UPDATE"], 1),
    notes: "UPDATE instead of INSERT because of the optional trimming feature",
  }],
  arguments: [
    keyArg,
    { name: "nomkstream", type: "pure-token", token: "NOMKSTREAM", optional: true, since: "6.2.0" },
    trimArgs(true),
    {
      name: "id-selector",
      type: "oneof",
      arguments: [{ name: "auto-id", type: "pure-token", token: "*" }, { name: "id", type: "string" }],
    },
    {
      name: "data",
      type: "block",
      multiple: true,
      arguments: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
    },
  ],
  history: [
    ["6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."],
    ["7.0.0", "Added support for the `<ms>-*` explicit ID form."],
  ],
  parse: "manual",
  handler: xadd,
};

export const xtrimSpec: CommandSpec = {
  name: "xtrim",
  summary: "Deletes messages from the beginning of a stream.",
  since: "5.0.0",
  group: "stream",
  complexity:
    "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
  arity: -4,
  flags: ["WRITE"],
  aclCategories: ["stream"],
  commandTips: ["NONDETERMINISTIC_OUTPUT"],
  keySpecs: [keyAt(["RW", "DELETE"], 1)],
  arguments: [keyArg, trimArgs(false)],
  history: [["6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."]],
  parse: "manual",
  handler: xtrim,
};

const RANGE_COMPLEXITY =
  "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).";

export const xrangeSpec: CommandSpec = {
  name: "xrange",
  summary: "Returns the messages from a stream within a range of IDs.",
  since: "5.0.0",
  group: "stream",
  complexity: RANGE_COMPLEXITY,
  arity: -4,
  flags: ["READONLY"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RO", "ACCESS"], 1)],
  arguments: [
    keyArg,
    { name: "start", type: "string" },
    { name: "end", type: "string" },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  history: [["6.2.0", "Added exclusive ranges."]],
  parse: "manual",
  handler: (call) => xrangeGeneric(call, false),
};

export const xrevrangeSpec: CommandSpec = {
  name: "xrevrange",
  summary: "Returns the messages from a stream within a range of IDs in reverse order.",
  since: "5.0.0",
  group: "stream",
  complexity: RANGE_COMPLEXITY,
  arity: -4,
  flags: ["READONLY"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RO", "ACCESS"], 1)],
  arguments: [
    keyArg,
    { name: "end", type: "string" },
    { name: "start", type: "string" },
    { name: "count", type: "integer", token: "COUNT", optional: true },
  ],
  history: [["6.2.0", "Added exclusive ranges."]],
  parse: "manual",
  handler: (call) => xrangeGeneric(call, true),
};

export const xlenSpec: CommandSpec = {
  name: "xlen",
  summary: "Return the number of messages in a stream.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(1)",
  arity: 2,
  flags: ["READONLY", "FAST"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RO"], 1)],
  arguments: [keyArg],
  parse: "manual",
  handler: xlen,
};

export const xdelSpec: CommandSpec = {
  name: "xdel",
  summary: "Returns the number of messages after removing them from a stream.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
  arity: -3,
  flags: ["WRITE", "FAST"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RW", "DELETE"], 1)],
  arguments: [keyArg, { name: "id", type: "string", multiple: true }],
  parse: "manual",
  handler: xdel,
};

export const xsetidSpec: CommandSpec = {
  name: "xsetid",
  summary: "An internal command for replicating stream values.",
  since: "5.0.0",
  group: "stream",
  complexity: "O(1)",
  arity: -3,
  flags: ["WRITE", "DENYOOM", "FAST"],
  aclCategories: ["stream"],
  keySpecs: [keyAt(["RW", "UPDATE"], 1)],
  arguments: [
    keyArg,
    { name: "last-id", type: "string" },
    { name: "entries-added", type: "integer", token: "ENTRIESADDED", optional: true, since: "7.0.0" },
    { name: "max-deleted-id", type: "string", token: "MAXDELETEDID", optional: true, since: "7.0.0" },
  ],
  history: [["7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."]],
  parse: "manual",
  handler: xsetid,
};
