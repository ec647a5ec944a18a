/**
 * BF.LOAD key blob: installs a whole object from its serialized form (what AOF rewrite emits, see
 * BloomObject.encode). Refuses an existing key (BUSYKEY) and malformed or out-of-range blobs.
 *
 * Propagated verbatim: the blob rebuilds the same object on a replica. (valkey-bloom 1.0 propagates a
 * BF.INSERT whose item is the blob itself, which leaves the replica with different bits.)
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { BloomObject } from "../bloom.ts";
import * as E from "../errors.ts";
import { BloomError } from "../errors.ts";
import { objectCreated } from "../metrics.ts";
import { bloomType, memoryLimit, oneKey, openBloom, RESERVE_EVENT, run } from "./common.ts";

function load(ctx: CommandContext): void {
  const key = ctx.argv[1]!;
  if (openBloom(ctx, key, "write") !== null) throw new BloomError(E.KEY_EXISTS);
  const o = BloomObject.decode(ctx.argv[2]!, memoryLimit(ctx));
  objectCreated(o);
  ctx.setValue(bloomType(), key, o);
  ctx.replicateVerbatim();
  ctx.signalModifiedKey(key);
  ctx.notifyKeyspaceEvent("g", RESERVE_EVENT, key);
  ctx.reply.ok();
}

export const bfLoadSpec: ModuleCommandSpec = {
  name: "BF.LOAD",
  summary: "Restores a bloom filter from its serialized form (as written by AOF rewrite)",
  since: "1.0.0",
  complexity: "O(N), N being the size of the serialized filter.",
  arity: 3,
  flags: ["WRITE", "DENYOOM"],
  aclCategories: ["write", "bloom"],
  keySpecs: oneKey(["RW", "INSERT"]),
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "data", type: "string" }],
  handler: run(load),
};
