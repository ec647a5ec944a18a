/**
 * The transactions family: MULTI, EXEC, DISCARD, WATCH, UNWATCH. `installTransactions(server)` wires the
 * NO_MULTI and queueing gates, WATCH invalidation and the RESET / disconnect / CLIENT LIST hooks; call it
 * once at startup, after `installClientPause`.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { discardSpec, execSpec, multiSpec, unwatchSpec, watchSpec } from "./commands.ts";

export { ERR_DISCARD_WITHOUT_MULTI, ERR_EXEC_WITHOUT_MULTI, ERR_EXECABORT } from "./commands.ts";
export {
  execRejection,
  installTransactions,
  totalWatchedKeys,
  Transactions,
  transactionsOf,
  watchingClientCount,
} from "./install.ts";
export { keyIsExpired, MultiState, Watches } from "./state.ts";

export const transactionCommands: CommandSpec[] = [multiSpec, execSpec, discardSpec, watchSpec, unwatchSpec];
