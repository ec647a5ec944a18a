/**
 * The HyperLogLog commands (PFADD, PFCOUNT, PFMERGE), for the server to register. PFDEBUG and PFSELFTEST
 * are not provided.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { pfaddSpec, pfcountSpec, pfmergeSpec } from "./pf.ts";

export const hllCommands: CommandSpec[] = [pfaddSpec, pfcountSpec, pfmergeSpec];
