/**
 * BGREWRITEAOF (Valkey's aof.c bgrewriteaofCommand): rewrites the append-only file in the background. The
 * work is done by core/persistence/aof.ts (an incremental point-in-time snapshot inside this process).
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { aofOf } from "../../persistence/aof.ts";

function bgrewriteaof(call: CommandCall): void {
  const r = aofOf(call.server).requestRewrite(call.inExec);
  if (r.ok) call.reply.simple(r.reply);
  else call.error(r.reply);
}

export const bgrewriteaofCommand: CommandSpec = {
  name: "bgrewriteaof",
  summary: "Asynchronously rewrites the append-only file to disk.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: 1,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT"],
  handler: bgrewriteaof,
};
