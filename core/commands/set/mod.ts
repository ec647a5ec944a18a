/**
 * The set commands, for the server to register.
 *
 * @module
 */

import type { CommandSpec } from "../spec.ts";
import {
  saddSpec,
  scardSpec,
  sdiffSpec,
  sdiffstoreSpec,
  sintercardSpec,
  sinterSpec,
  sinterstoreSpec,
  sismemberSpec,
  smembersSpec,
  smismemberSpec,
  smoveSpec,
  spopSpec,
  srandmemberSpec,
  sremSpec,
  sscanSpec,
  sunionSpec,
  sunionstoreSpec,
} from "./set.ts";

export const setCommands: CommandSpec[] = [
  saddSpec,
  sremSpec,
  smoveSpec,
  sismemberSpec,
  smismemberSpec,
  scardSpec,
  spopSpec,
  srandmemberSpec,
  sinterSpec,
  sintercardSpec,
  sinterstoreSpec,
  sunionSpec,
  sunionstoreSpec,
  sdiffSpec,
  sdiffstoreSpec,
  smembersSpec,
  sscanSpec,
];
