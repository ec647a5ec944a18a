/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]]: switches the protocol, optionally
 * authenticates and names the connection, and describes the server.
 *
 * Order of checks (Valkey's helloCommand): the protocol version first (not an integer; not 2 or 3), then
 * the options left to right (an unknown option or one missing its values is a syntax error naming it; a bad
 * SETNAME name fails at once), then AUTH, then the client must be authenticated, and only then are the name
 * and protocol applied and the map replied — in the new protocol.
 *
 * @module
 */

import { parseI64 } from "../../util/numbers.ts";
import { latin1 } from "../../util/latin1.ts";
import { VALKEY_VERSION } from "../../server/version.ts";
import type { CommandCall } from "../call.ts";
import { ERR_UNSUPPORTED_PROTOCOL } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
import { authenticate } from "./auth.ts";
import { ERR_CLIENT_NAME, ERR_HELLO_NOAUTH, ERR_HELLO_PROTO_NOT_INT, errHelloOption } from "./errors.ts";
import { connectionHooks } from "./hooks.ts";
import { setProtocol } from "./reset.ts";
import { cstr, cstrEquals, isValidClientAttr } from "./text.ts";
import { configFlag, configText } from "./config.ts";

/** Valkey reports itself as Redis 7.2.4 when `extended-redis-compatibility` is on. */
const REDIS_COMPAT_NAME = "redis";
const REDIS_COMPAT_VERSION = "7.2.4";

function helloCommand(call: CommandCall): void {
  const argv = call.argv;
  const client = call.client;
  let ver = 0;
  let next = 1;
  if (argv.length >= 2) {
    const v = parseI64(argv[next++]!);
    if (v === null) return call.error(ERR_HELLO_PROTO_NOT_INT);
    if (v < 2n || v > 3n) return call.error(ERR_UNSUPPORTED_PROTOCOL);
    ver = Number(v);
  }

  let username: Uint8Array | undefined;
  let password: Uint8Array | undefined;
  let clientName: Uint8Array | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (cstrEquals(opt, "auth") && more >= 2) {
      username = argv[j + 1]!;
      password = argv[j + 2]!;
      j += 2;
    } else if (cstrEquals(opt, "setname") && more >= 1) {
      clientName = argv[j + 1]!;
      if (!isValidClientAttr(clientName)) return call.error(ERR_CLIENT_NAME);
      j++;
    } else {
      return call.error(errHelloOption(cstr(opt)));
    }
  }

  if (username !== undefined && password !== undefined) {
    const err = authenticate(call.server, client, username, password);
    if (err !== null) return call.error(err);
  }
  if (!client.authenticated) return call.error(ERR_HELLO_NOAUTH);

  if (clientName !== undefined) client.name = clientName.length === 0 ? "" : latin1(clientName);
  if (ver !== 0) setProtocol(client, ver as 2 | 3);

  const server = call.server;
  const zone = configText(server, "availability-zone", "");
  const redisCompat = configFlag(server, "extended-redis-compatibility", false);
  const w = call.reply;
  w.mapHeader(7 + (zone !== "" ? 1 : 0));
  w.bulkStr("server");
  w.bulkStr(redisCompat ? REDIS_COMPAT_NAME : "valkey");
  w.bulkStr("version");
  w.bulkStr(redisCompat ? REDIS_COMPAT_VERSION : VALKEY_VERSION);
  w.bulkStr("proto");
  w.int(client.resp);
  w.bulkStr("id");
  w.int(client.id);
  w.bulkStr("mode");
  w.bulkStr("standalone");
  w.bulkStr("role");
  w.bulkStr("master");
  w.bulkStr("modules");
  const modules = connectionHooks(server).modules;
  if (modules !== undefined) modules(w);
  else w.arrayHeader(0);
  if (zone !== "") {
    w.bulkStr("availability_zone");
    w.bulkStr(zone);
  }
}

export const helloSpec: CommandSpec = {
  name: "hello",
  summary: "Handshakes with the server.",
  since: "6.0.0",
  group: "connection",
  complexity: "O(1)",
  arity: -1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "NO_AUTH", "SENTINEL", "ALLOW_BUSY"],
  aclCategories: ["connection"],
  history: [
    [
      "8.1.0",
      "A new `availability_zone` field is added to the response if the `availability-zone` config is set.",
    ],
    [
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ],
  ],
  arguments: [
    {
      name: "arguments",
      type: "block",
      optional: true,
      arguments: [
        { name: "protover", type: "integer" },
        {
          name: "auth",
          type: "block",
          token: "AUTH",
          optional: true,
          arguments: [{ name: "username", type: "string" }, { name: "password", type: "string" }],
        },
        { name: "clientname", type: "string", token: "SETNAME", optional: true },
      ],
    },
  ],
  replySchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      server: { type: "string" },
      version: { type: "string" },
      proto: { const: 3 },
      id: { type: "integer" },
      mode: { type: "string" },
      role: { type: "string" },
      modules: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: { type: "string" },
            ver: { type: "integer" },
            path: { type: "string" },
            args: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
  },
  // Errors name the offending option and come in Valkey's order, which the generic parser cannot give.
  parse: "manual",
  handler: (call) => helloCommand(call),
};
