/**
 * SAVE and BGSAVE [SCHEDULE | CANCEL] (Valkey 8.1's rdb.c saveCommand / bgsaveCommand). The work is done
 * by core/persistence (BGSAVE runs as an incremental snapshot inside this process: see snapshot.ts).
 * LASTSAVE lives in time_cmd.ts.
 *
 * @module
 */

import type { CommandCall } from "../call.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_SYNTAX } from "../errors.ts";
import { eqIgnoreCase } from "../../util/numbers.ts";
import { persistenceOf } from "../../persistence/persistence.ts";

export const ERR_BGSAVE_IN_PROGRESS = "ERR Background save already in progress";

function save(call: CommandCall): void {
  const p = persistenceOf(call.server);
  if (p.bgsaveInProgress) return call.error(ERR_BGSAVE_IN_PROGRESS);
  p.rdbSaves++;
  if (p.saveSync()) call.reply.ok();
  else call.error("ERR");
}

function bgsave(call: CommandCall): void {
  const argv = call.argv;
  const p = persistenceOf(call.server);
  const log = call.server.logger;
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && eqIgnoreCase(argv[1]!, "schedule")) {
      schedule = true;
    } else if (argv.length === 2 && eqIgnoreCase(argv[1]!, "cancel")) {
      if (p.bgsaveInProgress) {
        log.notice("Background saving will be aborted due to user request");
        p.cancelBgsave();
        call.reply.simple("Background saving cancelled");
      } else if (p.bgsaveScheduled) {
        log.notice("Scheduled background saving will be cancelled due to user request");
        p.bgsaveScheduled = false;
        call.reply.simple("Scheduled background saving cancelled");
      } else {
        call.error("ERR Background saving is currently not in progress or scheduled");
      }
      return;
    } else {
      return call.error(ERR_SYNTAX);
    }
  }
  if (p.bgsaveInProgress) return call.error(ERR_BGSAVE_IN_PROGRESS);
  if (call.inExec) {
    // Valkey schedules a BGSAVE asked for inside a transaction for after it (there is no other child
    // process in Valkyr for SCHEDULE to wait for).
    p.bgsaveScheduled = true;
    log.notice(
      schedule
        ? "Background saving scheduled due to user request"
        : "Background saving scheduled to run after transaction execution",
    );
    call.reply.simple("Background saving scheduled");
    return;
  }
  if (p.startBgsave()) call.reply.simple("Background saving started");
  else call.error("ERR");
}

export const saveCommand: CommandSpec = {
  name: "save",
  summary: "Synchronously saves the database(s) to disk.",
  since: "1.0.0",
  group: "server",
  complexity: "O(N) where N is the total number of keys in all databases",
  arity: 1,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT", "NO_MULTI"],
  handler: save,
};

export const bgsaveCommand: CommandSpec = {
  name: "bgsave",
  summary: "Asynchronously saves the database(s) to disk.",
  since: "1.0.0",
  group: "server",
  complexity: "O(1)",
  arity: -1,
  flags: ["NO_ASYNC_LOADING", "ADMIN", "NOSCRIPT"],
  history: [["3.2.2", "Added the `SCHEDULE` option."], ["8.1.0", "Added the `CANCEL` option."]],
  arguments: [{
    name: "operation",
    type: "oneof",
    optional: true,
    arguments: [
      { name: "schedule", type: "pure-token", token: "SCHEDULE", since: "3.2.2" },
      { name: "cancel", type: "pure-token", token: "CANCEL", since: "8.1.0" },
    ],
  }],
  parse: "manual",
  handler: bgsave,
};
