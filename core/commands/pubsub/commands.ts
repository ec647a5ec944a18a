/**
 * The Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH, the shard variants
 * SSUBSCRIBE SUNSUBSCRIBE SPUBLISH (in a standalone server a shard channel is just a second namespace
 * without patterns), and PUBSUB CHANNELS NUMSUB NUMPAT SHARDCHANNELS SHARDNUMSUB HELP.
 *
 * Replies of the SUBSCRIBE family are pushes (`>3` in RESP3, `*3` in RESP2), one per name, carrying the
 * client's subscription count after that step; UNSUBSCRIBE with no name and nothing subscribed still
 * replies once, with a null name.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandFlag, CommandSpec } from "../spec.ts";
import { replyHelp, subcommandSyntaxError } from "../server/help.ts";
import { globMatch } from "../../util/glob.ts";
import { installPubSub } from "./install.ts";
import { type Listeners, nameKey, pubsubState, type SubKind } from "./state.ts";

const enc = new TextEncoder();
const WORDS = {
  subscribe: enc.encode("subscribe"),
  unsubscribe: enc.encode("unsubscribe"),
  psubscribe: enc.encode("psubscribe"),
  punsubscribe: enc.encode("punsubscribe"),
  ssubscribe: enc.encode("ssubscribe"),
  sunsubscribe: enc.encode("sunsubscribe"),
};

function subscribeReply(call: CommandCall, word: Uint8Array, name: Uint8Array | null, count: number): void {
  const w = pubsubState(call.server).ownPushWriter(call.client, call.inExec);
  w.pushHeader(3);
  w.bulk(word);
  if (name === null) w.nullBulk();
  else w.bulk(name);
  w.int(count);
}

function subscribeGeneric(call: CommandCall, kind: SubKind, word: Uint8Array): void {
  const server = call.server;
  installPubSub(server);
  const ps = pubsubState(server);
  const c = call.client;
  const argv = call.argv;
  for (let i = 1; i < argv.length; i++) {
    ps.subscribe(c, argv[i]!, kind);
    subscribeReply(call, word, argv[i]!, ps.countFor(c, kind));
  }
}

function unsubscribeGeneric(call: CommandCall, kind: SubKind, word: Uint8Array): void {
  const ps = pubsubState(call.server);
  const c = call.client;
  const argv = call.argv;
  if (argv.length === 1) {
    const names = ps.namesOf(c, kind);
    for (const n of names) {
      ps.unsubscribe(c, n, kind);
      subscribeReply(call, word, n, ps.countFor(c, kind));
    }
    if (names.length === 0) subscribeReply(call, word, null, ps.countFor(c, kind));
  } else {
    for (let i = 1; i < argv.length; i++) {
      ps.unsubscribe(c, argv[i]!, kind);
      subscribeReply(call, word, argv[i]!, ps.countFor(c, kind));
    }
  }
  ps.updateFlag(c);
}

function publishGeneric(call: CommandCall, shard: boolean): void {
  const server = call.server;
  const n = pubsubState(server).publish(call.argv[1]!, call.argv[2]!, shard);
  call.reply.int(n);
}

function channelList(call: CommandCall, map: Map<string, Listeners>): void {
  const argv = call.argv;
  if (argv.length > 3) return call.error(subcommandSyntaxError(call));
  const pat = argv.length === 3 ? argv[2]! : null;
  const out: Uint8Array[] = [];
  for (const l of map.values()) if (pat === null || globMatch(pat, l.name)) out.push(l.name);
  const w = call.reply;
  w.arrayHeader(out.length);
  for (const n of out) w.bulk(n);
}

function numsub(call: CommandCall, map: Map<string, Listeners>): void {
  const argv = call.argv;
  const w = call.reply;
  w.arrayHeader((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    w.bulk(argv[i]!);
    w.int(map.get(nameKey(argv[i]!))?.clients.size ?? 0);
  }
}

const SUB_FLAGS: CommandFlag[] = ["PUBSUB", "NOSCRIPT", "LOADING", "STALE", "SENTINEL"];
const SHARD_SUB_FLAGS: CommandFlag[] = ["PUBSUB", "NOSCRIPT", "LOADING", "STALE"];
const shardKeySpec = {
  flags: ["NOT_KEY" as const],
  beginSearch: { index: { pos: 1 } },
  findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
};

export const subscribeSpec: CommandSpec = {
  name: "subscribe",
  summary: "Listens for messages published to channels.",
  since: "2.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of channels to subscribe to.",
  arity: -2,
  flags: SUB_FLAGS,
  arguments: [{ name: "channel", type: "string", multiple: true }],
  parse: "manual",
  handler: (call) => subscribeGeneric(call, "channel", WORDS.subscribe),
};

export const unsubscribeSpec: CommandSpec = {
  name: "unsubscribe",
  summary: "Stops listening to messages posted to channels.",
  since: "2.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of channels to unsubscribe.",
  arity: -1,
  flags: SUB_FLAGS,
  arguments: [{ name: "channel", type: "string", optional: true, multiple: true }],
  parse: "manual",
  handler: (call) => unsubscribeGeneric(call, "channel", WORDS.unsubscribe),
};

export const psubscribeSpec: CommandSpec = {
  name: "psubscribe",
  summary: "Listens for messages published to channels that match one or more patterns.",
  since: "2.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of patterns to subscribe to.",
  arity: -2,
  flags: SUB_FLAGS,
  arguments: [{ name: "pattern", type: "pattern", multiple: true }],
  parse: "manual",
  handler: (call) => subscribeGeneric(call, "pattern", WORDS.psubscribe),
};

export const punsubscribeSpec: CommandSpec = {
  name: "punsubscribe",
  summary: "Stops listening to messages published to channels that match one or more patterns.",
  since: "2.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of patterns to unsubscribe.",
  arity: -1,
  flags: SUB_FLAGS,
  arguments: [{ name: "pattern", type: "pattern", optional: true, multiple: true }],
  parse: "manual",
  handler: (call) => unsubscribeGeneric(call, "pattern", WORDS.punsubscribe),
};

export const ssubscribeSpec: CommandSpec = {
  name: "ssubscribe",
  summary: "Listens for messages published to shard channels.",
  since: "7.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of shard channels to subscribe to.",
  arity: -2,
  flags: SHARD_SUB_FLAGS,
  keySpecs: [shardKeySpec],
  arguments: [{ name: "shardchannel", type: "string", multiple: true }],
  parse: "manual",
  handler: (call) => {
    // Commands inside EXEC may not block, and a shard subscription counts as blocking (DENY_BLOCKING).
    if (call.inExec) return call.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    subscribeGeneric(call, "shard", WORDS.ssubscribe);
  },
};

export const sunsubscribeSpec: CommandSpec = {
  name: "sunsubscribe",
  summary: "Stops listening to messages posted to shard channels.",
  since: "7.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of shard channels to unsubscribe.",
  arity: -1,
  flags: SHARD_SUB_FLAGS,
  keySpecs: [shardKeySpec],
  arguments: [{ name: "shardchannel", type: "string", optional: true, multiple: true }],
  parse: "manual",
  handler: (call) => unsubscribeGeneric(call, "shard", WORDS.sunsubscribe),
};

export const publishSpec: CommandSpec = {
  name: "publish",
  summary: "Posts a message to a channel.",
  since: "2.0.0",
  group: "pubsub",
  complexity:
    "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
  arity: 3,
  flags: ["PUBSUB", "LOADING", "STALE", "FAST", "MAY_REPLICATE", "SENTINEL"],
  arguments: [{ name: "channel", type: "string" }, { name: "message", type: "string" }],
  parse: "manual",
  handler: (call) => publishGeneric(call, false),
};

export const spublishSpec: CommandSpec = {
  name: "spublish",
  summary: "Post a message to a shard channel",
  since: "7.0.0",
  group: "pubsub",
  complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
  arity: 3,
  flags: ["PUBSUB", "LOADING", "STALE", "FAST", "MAY_REPLICATE"],
  keySpecs: [{
    flags: ["NOT_KEY"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  }],
  arguments: [{ name: "shardchannel", type: "string" }, { name: "message", type: "string" }],
  parse: "manual",
  handler: (call) => publishGeneric(call, true),
};

const PUBSUB_HELP = [
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
];

const INTROSPECTION_FLAGS: CommandFlag[] = ["PUBSUB", "LOADING", "STALE"];

export const pubsubSpec: CommandSpec = {
  name: "pubsub",
  summary: "A container for Pub/Sub commands.",
  since: "2.8.0",
  group: "pubsub",
  complexity: "Depends on subcommand.",
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: "channels",
      summary: "Returns the active channels.",
      since: "2.8.0",
      group: "pubsub",
      complexity:
        "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
      arity: -2,
      flags: INTROSPECTION_FLAGS,
      arguments: [{ name: "pattern", type: "pattern", optional: true }],
      parse: "manual",
      handler: (call) => channelList(call, pubsubState(call.server).channels),
    },
    {
      name: "help",
      summary: "Returns helpful text about the different subcommands.",
      since: "6.2.0",
      group: "pubsub",
      complexity: "O(1)",
      arity: 2,
      flags: ["LOADING", "STALE"],
      handler: (call) => replyHelp(call, PUBSUB_HELP),
    },
    {
      name: "numpat",
      summary: "Returns a count of unique pattern subscriptions.",
      since: "2.8.0",
      group: "pubsub",
      complexity: "O(1)",
      arity: 2,
      flags: INTROSPECTION_FLAGS,
      handler: (call) => call.reply.int(pubsubState(call.server).patterns.size),
    },
    {
      name: "numsub",
      summary: "Returns a count of subscribers to channels.",
      since: "2.8.0",
      group: "pubsub",
      complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
      arity: -2,
      flags: INTROSPECTION_FLAGS,
      arguments: [{ name: "channel", type: "string", optional: true, multiple: true }],
      parse: "manual",
      handler: (call) => numsub(call, pubsubState(call.server).channels),
    },
    {
      name: "shardchannels",
      summary: "Returns the active shard channels.",
      since: "7.0.0",
      group: "pubsub",
      complexity:
        "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
      arity: -2,
      flags: INTROSPECTION_FLAGS,
      arguments: [{ name: "pattern", type: "pattern", optional: true }],
      parse: "manual",
      handler: (call) => channelList(call, pubsubState(call.server).shardChannels),
    },
    {
      name: "shardnumsub",
      summary: "Returns the count of subscribers of shard channels.",
      since: "7.0.0",
      group: "pubsub",
      complexity: "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
      arity: -2,
      flags: INTROSPECTION_FLAGS,
      arguments: [{ name: "shardchannel", type: "string", optional: true, multiple: true }],
      parse: "manual",
      handler: (call) => numsub(call, pubsubState(call.server).shardChannels),
    },
  ],
};
