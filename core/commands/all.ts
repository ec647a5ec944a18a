/**
 * Every core command family, in one list for the server to register. Modules register theirs through the
 * module API, not here.
 *
 * @module
 */

import type { CommandSpec } from "./spec.ts";
import { stringCommands } from "./string/mod.ts";
import { bitmapCommands } from "./bitmap/mod.ts";
import { genericCommands } from "./generic/mod.ts";
import { connectionCommands } from "./connection/mod.ts";
import { serverCommands } from "./server/mod.ts";
import { transactionCommands } from "./transaction/mod.ts";
import { pubsubCommands } from "./pubsub/mod.ts";
import { zsetCommands } from "./zset/mod.ts";
import { listCommands } from "./list/mod.ts";
import { hashCommands } from "./hash/mod.ts";
import { setCommands } from "./set/mod.ts";
import { geoCommands } from "./geo/mod.ts";
import { sortCommands } from "./sort/mod.ts";
import { observabilityCommands } from "./observability/mod.ts";
import { hllCommands } from "./hll/mod.ts";
import { streamCommands } from "./stream/mod.ts";
import { moduleCommand } from "./module/mod.ts";

export function coreCommands(): CommandSpec[] {
  return [
    ...stringCommands,
    ...bitmapCommands,
    ...genericCommands,
    ...connectionCommands,
    ...serverCommands,
    ...transactionCommands,
    ...pubsubCommands,
    ...zsetCommands,
    ...listCommands,
    ...hashCommands,
    ...setCommands,
    ...geoCommands,
    ...sortCommands,
    ...observabilityCommands,
    ...hllCommands,
    ...streamCommands,
    moduleCommand,
  ];
}
