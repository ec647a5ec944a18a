/**
 * SORT and SORT_RO, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import { sortRoSpec, sortSpec } from "./sort.ts";

export const sortCommands: CommandSpec[] = [sortSpec, sortRoSpec];
