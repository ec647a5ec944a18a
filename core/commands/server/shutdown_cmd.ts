/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] (Valkey 8.1's db.c shutdownCommand).
 *
 * Options are read by hand as Valkey does (any order, repeats allowed; an unknown word, ABORT with any other
 * option, or NOSAVE with SAVE is a syntax error). Without SAVE or NOSAVE the server saves when save points
 * are configured. The server's `shutdown()` does the work: on success the server stops and the client sees
 * its connection close, with no reply; on failure the client gets the error. The calling client stops being
 * read from until the outcome is known (Valkey blocks it the same way), so pipelined commands after SHUTDOWN
 * are answered after its error.
 *
 * Unless NOW, the server may first wait for lagging replicas (Server.shutdown); the client stays blocked
 * meanwhile, and SHUTDOWN ABORT from another client cancels the wait (the blocked one gets "Errors trying
 * to SHUTDOWN"). Inside MULTI, where a client may not block, only NOW (or ABORT) is taken.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import { SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_SAVE } from "../../config/directives.ts";

function shutdownHandler(call: CommandCall): void {
  let nosave = false;
  let save = false;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < call.argv.length; i++) {
    const a = call.argv[i]!;
    if (eqIgnoreCase(a, "nosave")) nosave = true;
    else if (eqIgnoreCase(a, "save")) save = true;
    else if (eqIgnoreCase(a, "now")) now = true;
    else if (eqIgnoreCase(a, "force")) force = true;
    else if (eqIgnoreCase(a, "abort")) abort = true;
    else return call.error(ERR_SYNTAX);
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) return call.error(ERR_SYNTAX);
  const { server, client, spec } = call;
  if (abort) return server.abortShutdown() ? call.reply.ok() : call.error("ERR No shutdown in progress.");
  if (!now && call.inExec) {
    return call.error("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
  }

  const flags = (save ? SHUTDOWN_SAVE : 0) | (nosave ? SHUTDOWN_NOSAVE : 0) | (now ? SHUTDOWN_NOW : 0) |
    (force ? SHUTDOWN_FORCE : 0);
  client.blocked = true;
  void server.shutdown(flags, client).then((err) => {
    if (err === null) return; // stopped: the connection is closed without a reply
    client.blocked = false;
    if (client.closed) return;
    server.commands.stats(spec).failedCalls++;
    server.stats.countError(err);
    client.writer.error(err);
    server.processInput(client);
  });
}

export const shutdownCommand: CommandSpec = {
  name: "shutdown",
  summary: "Synchronously saves the database(s) to disk and shuts down the server.",
  since: "1.0.0",
  group: "server",
  complexity:
    "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
  arity: -1,
  flags: ["ADMIN", "NOSCRIPT", "LOADING", "STALE", "NO_MULTI", "SENTINEL", "ALLOW_BUSY"],
  history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
  arguments: [{
    name: "abort-selector",
    type: "oneof",
    optional: true,
    arguments: [
      {
        name: "save-selector-block",
        type: "block",
        arguments: [
          {
            name: "save-selector",
            type: "oneof",
            optional: true,
            arguments: [
              { name: "nosave", type: "pure-token", token: "NOSAVE" },
              { name: "save", type: "pure-token", token: "SAVE" },
            ],
          },
          { name: "now", type: "pure-token", token: "NOW", optional: true, since: "7.0.0" },
          { name: "force", type: "pure-token", token: "FORCE", optional: true, since: "7.0.0" },
        ],
      },
      { name: "abort", type: "pure-token", token: "ABORT", since: "7.0.0" },
    ],
  }],
  parse: "manual",
  handler: shutdownHandler,
};
