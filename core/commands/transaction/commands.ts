/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH.
 *
 * EXEC replies, in order of precedence: `EXEC without MULTI`; a null array when a watched key was touched
 * or has expired since it was watched; `EXECABORT` when a command was rejected while queueing; otherwise
 * an array with each queued command's reply (a command failing at run time does not stop the others).
 * Queued commands run with `inExec` set on the call, so blocking commands answer at once instead of
 * blocking, and with the EXEC's time, as one atomic unit.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import { execute } from "../dispatch.ts";
import { execPermissionError } from "../../acl/acl.ts";
import type { CommandSpec } from "../spec.ts";
import { installTransactions, transactionsOf } from "./install.ts";

export const ERR_EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
export const ERR_EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const ERR_DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";

function multiCommand(call: CommandCall): void {
  installTransactions(call.server);
  const tx = transactionsOf(call.server);
  tx.begin(tx.ensureState(call.client));
  call.reply.ok();
}

function discardCommand(call: CommandCall): void {
  const tx = transactionsOf(call.server);
  const st = tx.stateOf(call.client);
  if (st === undefined || !st.inMulti) return call.error(ERR_DISCARD_WITHOUT_MULTI);
  tx.discard(st);
  call.reply.ok();
}

function execCommand(call: CommandCall): void {
  const server = call.server;
  const tx = transactionsOf(server);
  const st = tx.stateOf(call.client);
  if (st === undefined || !st.inMulti) return call.error(ERR_EXEC_WITHOUT_MULTI);
  if (tx.watches.anyExpired(st, server.dbs, call.now)) st.dirtyCas = true;
  if (st.dirtyCas || st.dirtyExec) {
    if (st.dirtyExec) call.error(ERR_EXECABORT);
    else call.reply.nullArray();
    tx.discard(st);
    return;
  }
  tx.watches.unwatchAll(st);
  const queue = st.queue;
  st.executing = true;
  const { argv, spec, fullName } = call;
  call.inExec = true;
  call.reply.arrayHeader(queue.length);
  try {
    for (const q of queue) {
      call.argv = q.argv;
      call.spec = q.spec;
      call.fullName = q.fullName;
      call.failed = false;
      // ACL permissions are checked again: the rules may have changed since the command was queued.
      const denied = execPermissionError(call, q.spec);
      if (denied !== null) {
        call.error(denied);
        continue;
      }
      const plan = tx.planFor(call);
      if (plan !== null) tx.startPlan(call, plan);
      execute(call, q.argStart);
      if (plan !== null) tx.finishPlan(call);
    }
  } finally {
    call.argv = argv;
    call.spec = spec;
    call.fullName = fullName;
    call.failed = false;
    call.inExec = false;
    tx.discard(st);
  }
}

function watchCommand(call: CommandCall): void {
  installTransactions(call.server);
  const tx = transactionsOf(call.server);
  const existing = tx.stateOf(call.client);
  // No point in watching once a watched key was touched: EXEC will fail anyway.
  if (existing !== undefined && existing.dirtyCas) return call.reply.ok();
  const st = existing ?? tx.ensureState(call.client);
  const db = call.db;
  const argv = call.argv;
  for (let i = 1; i < argv.length; i++) tx.watches.watch(st, db, argv[i]!, call.now);
  call.reply.ok();
}

function unwatchCommand(call: CommandCall): void {
  const tx = transactionsOf(call.server);
  const st = tx.stateOf(call.client);
  if (st !== undefined) {
    tx.watches.unwatchAll(st);
    st.dirtyCas = false;
    call.client.flags.delete("d");
  }
  call.reply.ok();
}

export const multiSpec: CommandSpec = {
  name: "multi",
  summary: "Starts a transaction.",
  since: "1.2.0",
  group: "transactions",
  complexity: "O(1)",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "NO_MULTI", "ALLOW_BUSY"],
  aclCategories: ["transaction"],
  replySchema: { const: "OK" },
  handler: (call) => multiCommand(call),
};

export const execSpec: CommandSpec = {
  name: "exec",
  summary: "Executes all commands in a transaction.",
  since: "1.2.0",
  group: "transactions",
  complexity: "Depends on commands in the transaction",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "SKIP_COMMANDLOG"],
  aclCategories: ["transaction"],
  replySchema: {
    oneOf: [
      {
        description: "Each element being the reply to each of the commands in the atomic transaction.",
        type: "array",
      },
      { description: "The transaction was aborted because a `WATCH`ed key was touched", type: "null" },
    ],
  },
  handler: (call) => execCommand(call),
};

export const discardSpec: CommandSpec = {
  name: "discard",
  summary: "Discards a transaction.",
  since: "2.0.0",
  group: "transactions",
  complexity: "O(N), when N is the number of queued commands",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "ALLOW_BUSY"],
  aclCategories: ["transaction"],
  replySchema: { const: "OK" },
  handler: (call) => discardCommand(call),
};

export const watchSpec: CommandSpec = {
  name: "watch",
  summary: "Monitors changes to keys to determine the execution of a transaction.",
  since: "2.2.0",
  group: "transactions",
  complexity: "O(1) for every key.",
  arity: -2,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "NO_MULTI", "ALLOW_BUSY"],
  aclCategories: ["transaction"],
  keySpecs: [{
    flags: ["RO"],
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: -1, step: 1, limit: 0 } },
  }],
  arguments: [{ name: "key", type: "key", keySpecIndex: 0, multiple: true }],
  replySchema: { const: "OK" },
  parse: "manual",
  handler: (call) => watchCommand(call),
};

export const unwatchSpec: CommandSpec = {
  name: "unwatch",
  summary: "Forgets about watched keys of a transaction.",
  since: "2.2.0",
  group: "transactions",
  complexity: "O(1)",
  arity: 1,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "ALLOW_BUSY"],
  aclCategories: ["transaction"],
  replySchema: { const: "OK" },
  handler: (call) => unwatchCommand(call),
};
