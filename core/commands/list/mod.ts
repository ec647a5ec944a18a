/**
 * The list commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import {
  lindexSpec,
  linsertSpec,
  llenSpec,
  lposSpec,
  lrangeSpec,
  lremSpec,
  lsetSpec,
  ltrimSpec,
} from "./access.ts";
import { blmoveSpec, blmpopSpec, blpopSpec, brpoplpushSpec, brpopSpec } from "./blocking.ts";
import { lmoveSpec, rpoplpushSpec } from "./move.ts";
import { lmpopSpec, lpopSpec, lpushSpec, lpushxSpec, rpopSpec, rpushSpec, rpushxSpec } from "./push_pop.ts";

export const listCommands: CommandSpec[] = [
  lpushSpec,
  rpushSpec,
  lpushxSpec,
  rpushxSpec,
  lpopSpec,
  rpopSpec,
  llenSpec,
  lrangeSpec,
  lindexSpec,
  lsetSpec,
  linsertSpec,
  lremSpec,
  ltrimSpec,
  lposSpec,
  lmoveSpec,
  rpoplpushSpec,
  lmpopSpec,
  blpopSpec,
  brpopSpec,
  blmoveSpec,
  brpoplpushSpec,
  blmpopSpec,
];
