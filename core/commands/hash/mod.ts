/**
 * The hash commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import {
  hdelSpec,
  hexistsSpec,
  hgetallSpec,
  hgetSpec,
  hincrbyfloatSpec,
  hincrbySpec,
  hkeysSpec,
  hlenSpec,
  hmgetSpec,
  hmsetSpec,
  hrandfieldSpec,
  hscanSpec,
  hsetnxSpec,
  hsetSpec,
  hstrlenSpec,
  hvalsSpec,
} from "./hash.ts";

export const hashCommands: CommandSpec[] = [
  hsetSpec,
  hsetnxSpec,
  hgetSpec,
  hmsetSpec,
  hmgetSpec,
  hincrbySpec,
  hincrbyfloatSpec,
  hdelSpec,
  hlenSpec,
  hstrlenSpec,
  hkeysSpec,
  hvalsSpec,
  hgetallSpec,
  hexistsSpec,
  hrandfieldSpec,
  hscanSpec,
];
