/**
 * The stream commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { xaddSpec, xdelSpec, xlenSpec, xrangeSpec, xrevrangeSpec, xsetidSpec, xtrimSpec } from "./entries.ts";
import { xackSpec, xautoclaimSpec, xclaimSpec, xgroupSpec, xpendingSpec } from "./groups.ts";
import { xinfoSpec } from "./info.ts";
import { xreadgroupSpec, xreadSpec } from "./read.ts";

export const streamCommands: CommandSpec[] = [
  xaddSpec,
  xlenSpec,
  xrangeSpec,
  xrevrangeSpec,
  xdelSpec,
  xtrimSpec,
  xsetidSpec,
  xreadSpec,
  xreadgroupSpec,
  xgroupSpec,
  xackSpec,
  xpendingSpec,
  xclaimSpec,
  xautoclaimSpec,
  xinfoSpec,
];
