/**
 * The bitmap commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { bitcountSpec, bitposSpec } from "./bitcount.ts";
import { bitfieldRoSpec, bitfieldSpec } from "./bitfield.ts";
import { bitopSpec } from "./bitop.ts";
import { getbitSpec, setbitSpec } from "./setbit.ts";

export const bitmapCommands: CommandSpec[] = [
  setbitSpec,
  getbitSpec,
  bitcountSpec,
  bitposSpec,
  bitopSpec,
  bitfieldSpec,
  bitfieldRoSpec,
];
