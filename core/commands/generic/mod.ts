/**
 * The generic keyspace family: commands that work on keys of any type (DEL, EXISTS, RENAME, COPY, SCAN,
 * OBJECT, the TTL commands...) and on whole databases (SELECT, SWAPDB, FLUSHDB...).
 *
 * Every handler reads `call.argv` itself (`parse: "manual"`): the positions are fixed by arity, Valkey's
 * option loops report errors in an order the generic parser cannot reproduce (COPY's DB, EXPIRE's
 * "Unsupported option", SCAN's cursor and TYPE), and the hot single-key commands avoid a parse per call.
 * The `arguments` trees are still declared in full for COMMAND DOCS.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { copyCommand, moveCommand } from "./copy.ts";
import { dbsizeCommand, flushallCommand, flushdbCommand, selectCommand, swapdbCommand } from "./databases.ts";
import { delCommand, unlinkCommand } from "./del.ts";
import { existsCommand, touchCommand, typeCommand } from "./exists.ts";
import {
  expireatCommand,
  expireCommand,
  persistCommand,
  pexpireatCommand,
  pexpireCommand,
} from "./expire.ts";
import { keysCommand, randomkeyCommand } from "./keys.ts";
import { objectCommand } from "./object.ts";
import { renameCommand, renamenxCommand } from "./rename.ts";
import { scanCommand } from "./scan.ts";
import { dumpCommand, restoreCommand } from "./dump_restore.ts";
import { migrateCommand } from "./migrate.ts";
import { expiretimeCommand, pexpiretimeCommand, pttlCommand, ttlCommand } from "./ttl.ts";

export { ERR_INVALID_CURSOR, parseScanCursor, parseScanOptions } from "./scan.ts";
export type { ScanOptions, ScanTarget } from "./scan.ts";

export const genericCommands: CommandSpec[] = [
  delCommand,
  unlinkCommand,
  existsCommand,
  typeCommand,
  touchCommand,
  renameCommand,
  renamenxCommand,
  copyCommand,
  moveCommand,
  swapdbCommand,
  selectCommand,
  dbsizeCommand,
  flushdbCommand,
  flushallCommand,
  keysCommand,
  scanCommand,
  dumpCommand,
  restoreCommand,
  migrateCommand,
  randomkeyCommand,
  objectCommand,
  expireCommand,
  pexpireCommand,
  expireatCommand,
  pexpireatCommand,
  ttlCommand,
  pttlCommand,
  expiretimeCommand,
  pexpiretimeCommand,
  persistCommand,
];
