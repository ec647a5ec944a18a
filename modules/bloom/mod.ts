/**
 * The Bloom filter module (`bf`), compatible with valkey-bloom 1.0: scalable Bloom filters stored as the
 * `bloomfltr` type, bit-compatible with the Rust module (same SipHash-1-3 double hashing, same sizes,
 * same serialized forms), with its commands, configs, errors, INFO sections and replication form.
 *
 * Layout (valkey-bloom's shape): this manifest; `bloom.ts` + `siphash.ts` the pure algorithm with tests
 * beside them; `errors.ts` the wire errors; `data_type.ts` persistence and type callbacks; `configs.ts`;
 * `metrics.ts` the INFO counters; `commands/` argument handling and keyspace glue.
 *
 * @example Loading it into an embedded server
 * ```ts ignore
 * import { manifest as bloom } from "./modules/bloom/mod.ts";
 * // startServer({ modules: [bloom] }) — cli/main.ts lists it among the built-in modules.
 * ```
 *
 * @module
 */

import { MODULE_API_VERSION, type ModuleManifest } from "../../core/module_api/mod.ts";
import type { BloomObject } from "./bloom.ts";
import { bloomCommands } from "./commands/mod.ts";
import { setBloomType } from "./commands/common.ts";
import { bloomConfigs } from "./configs.ts";
import { BLOOM_TYPE_NAME, bloomDataType } from "./data_type.ts";
import { bloomInfo } from "./metrics.ts";

/** MODULE LIST `ver`: valkey-bloom 1.0.0. */
export const BLOOM_MODULE_VERSION = 10000;

export const manifest: ModuleManifest = {
  name: "bf",
  version: BLOOM_MODULE_VERSION,
  apiVersion: MODULE_API_VERSION,
  aclCategories: ["bloom"],
  dataTypes: [bloomDataType],
  commands: bloomCommands,
  configs: bloomConfigs,
  info: (info) => bloomInfo(info),
  onLoad(ctx) {
    setBloomType(ctx.dataType<BloomObject>(BLOOM_TYPE_NAME));
  },
};
