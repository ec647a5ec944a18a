/**
 * For the persistence unit tests: Valkey's default encoding limits (`hash-max-listpack-entries 128`, ...),
 * as a server with the default configuration passes them to the RDB reader.
 *
 * @module
 */

import type { EncodingLimits } from "./rdb_value.ts";

export const DEFAULT_LIMITS: EncodingLimits = {
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  listMaxListpackSize: -2,
  streamNodeMaxEntries: 100,
  streamNodeMaxBytes: 4096,
};
