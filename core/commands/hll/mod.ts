/**
 * The HyperLogLog commands (PFADD, PFCOUNT, PFMERGE, and the internal PFDEBUG and PFSELFTEST), for the
 * server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { pfaddSpec, pfcountSpec, pfmergeSpec } from "./pf.ts";
import { pfdebugSpec, pfselftestSpec } from "./debug.ts";

export const hllCommands: CommandSpec[] = [pfaddSpec, pfcountSpec, pfmergeSpec, pfdebugSpec, pfselftestSpec];
