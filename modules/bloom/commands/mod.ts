/**
 * The Bloom commands, for the module manifest.
 *
 * @module
 */

import type { ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { bfAddSpec, bfMaddSpec } from "./add.ts";
import { bfCardSpec, bfExistsSpec, bfMexistsSpec } from "./exists.ts";
import { bfInfoSpec } from "./info.ts";
import { bfInsertSpec } from "./insert.ts";
import { bfLoadSpec } from "./load.ts";
import { bfReserveSpec } from "./reserve.ts";

export const bloomCommands: ModuleCommandSpec[] = [
  bfAddSpec,
  bfMaddSpec,
  bfExistsSpec,
  bfMexistsSpec,
  bfCardSpec,
  bfReserveSpec,
  bfInfoSpec,
  bfInsertSpec,
  bfLoadSpec,
];
