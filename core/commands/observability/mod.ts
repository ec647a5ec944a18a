/**
 * The observability command family: COMMANDLOG, SLOWLOG, LATENCY and MONITOR, and
 * {@link installObservability}, which the server calls once at startup (after every other gate is
 * installed) so every executed command is measured.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { commandlogCommand, slowlogCommand } from "./commandlog_cmd.ts";
import { latencyCommand } from "./latency_cmd.ts";
import { monitorCommand } from "./monitor_cmd.ts";

export { latencyDoctor, latencystatsSection } from "./latency_cmd.ts";
export { installObservability, observability } from "../../observability/observer.ts";

export const observabilityCommands: CommandSpec[] = [
  commandlogCommand,
  slowlogCommand,
  latencyCommand,
  monitorCommand,
];
