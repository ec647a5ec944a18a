/**
 * The server command family: INFO, COMMAND, MEMORY, DEBUG, TIME, LASTSAVE, SHUTDOWN, CONFIG, ROLE, WAIT,
 * WAITAOF and ACL.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { commandCommand } from "./command_cmd.ts";
import { configCommand } from "./config_cmd.ts";
import { debugCommand } from "./debug_cmd.ts";
import { infoCommand } from "./info.ts";
import { memoryCommand } from "./memory_cmd.ts";
import { shutdownCommand } from "./shutdown_cmd.ts";
import { lastsaveCommand, timeCommand } from "./time_cmd.ts";
import { bgsaveCommand, saveCommand } from "./persistence_cmd.ts";
import { bgrewriteaofCommand } from "./aof_cmd.ts";
import {
  failoverCommand,
  psyncCommand,
  replconfCommand,
  replicaofCommand,
  roleCommand,
  slaveofCommand,
  syncCommand,
  waitaofCommand,
  waitCommand,
} from "./replication.ts";
import { aclCommand } from "./acl_cmd.ts";

export { trackServer, usedMemory } from "./memory_stats.ts";
export { activeExpireEnabled } from "./debug_cmd.ts";
export { commandKeys, hasKeys, keysFromSpecs, keysWithFlags, legacyRange } from "./keys_from_spec.ts";

export const serverCommands: CommandSpec[] = [
  infoCommand,
  commandCommand,
  configCommand,
  memoryCommand,
  debugCommand,
  timeCommand,
  lastsaveCommand,
  shutdownCommand,
  saveCommand,
  bgsaveCommand,
  bgrewriteaofCommand,
  roleCommand,
  waitCommand,
  waitaofCommand,
  syncCommand,
  psyncCommand,
  replconfCommand,
  replicaofCommand,
  slaveofCommand,
  failoverCommand,
  aclCommand,
];
