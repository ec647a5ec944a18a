/**
 * The string commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { getdelSpec, getexSpec, getsetSpec, getSpec } from "./get.ts";
import { decrbySpec, decrSpec, incrbyfloatSpec, incrbySpec, incrSpec } from "./incr.ts";
import { lcsSpec } from "./lcs.ts";
import { mgetSpec, msetnxSpec, msetSpec } from "./mset.ts";
import { appendSpec, getrangeSpec, setrangeSpec, strlenSpec, substrSpec } from "./range.ts";
import { psetexSpec, setexSpec, setnxSpec, setSpec } from "./set.ts";

export const stringCommands: CommandSpec[] = [
  getSpec,
  setSpec,
  setnxSpec,
  setexSpec,
  psetexSpec,
  mgetSpec,
  msetSpec,
  msetnxSpec,
  getsetSpec,
  getdelSpec,
  getexSpec,
  incrSpec,
  decrSpec,
  incrbySpec,
  decrbySpec,
  incrbyfloatSpec,
  appendSpec,
  strlenSpec,
  getrangeSpec,
  substrSpec,
  setrangeSpec,
  lcsSpec,
];
