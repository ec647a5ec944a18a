/**
 * PING [message] and ECHO message.
 *
 * PING replies `+PONG`, or its message as a bulk string. A RESP2 client in subscribed mode cannot receive
 * plain replies between messages, so there PING replies a two-element array `["pong", message-or-""]`, the
 * shape of a published message. More than one message is an arity error (PING's declared arity is -1, so
 * the handler checks it, as Valkey's does).
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { errWrongArity } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";

const EMPTY = new Uint8Array(0);

function pingCommand(call: CommandCall): void {
  const argv = call.argv;
  if (argv.length > 2) return call.error(errWrongArity(call.fullName));
  const client = call.client;
  const w = call.reply;
  if (client.resp === 2 && client.flags.has("P")) {
    w.arrayHeader(2);
    w.bulkStr("pong");
    w.bulk(argv.length === 1 ? EMPTY : argv[1]!);
  } else if (argv.length === 1) {
    w.simple("PONG");
  } else {
    w.bulk(argv[1]!);
  }
}

export const pingSpec: CommandSpec = {
  name: "ping",
  summary: "Returns the server's liveliness response.",
  since: "1.0.0",
  group: "connection",
  complexity: "O(1)",
  arity: -1,
  flags: ["FAST", "SENTINEL"],
  aclCategories: ["connection"],
  commandTips: ["REQUEST_POLICY:ALL_SHARDS", "RESPONSE_POLICY:ALL_SUCCEEDED"],
  arguments: [{ name: "message", type: "string", optional: true }],
  replySchema: {
    anyOf: [
      { const: "PONG", description: "Default reply." },
      { type: "string", description: "Relay of given `message`." },
    ],
  },
  // Extra words are an arity error, not a syntax error.
  parse: "manual",
  handler: (call) => pingCommand(call),
};

export const echoSpec: CommandSpec = {
  name: "echo",
  summary: "Returns the given string.",
  since: "1.0.0",
  group: "connection",
  complexity: "O(1)",
  arity: 2,
  flags: ["LOADING", "STALE", "FAST"],
  aclCategories: ["connection"],
  arguments: [{ name: "message", type: "string" }],
  replySchema: { description: "The given string", type: "string" },
  // The arity already guarantees the one argument; skipping the generic parser keeps ECHO allocation-free.
  parse: "manual",
  handler: (call) => call.reply.bulk(call.argv[1]!),
};
