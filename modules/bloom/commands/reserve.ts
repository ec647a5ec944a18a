/**
 * BF.RESERVE key error_rate capacity [EXPANSION n | NONSCALING]: creates an empty filter; never replaces
 * one (`ERR item exists`). A fifth word must be NONSCALING and a sixth pair EXPANSION n, else the bare
 * `ERROR` reply valkey-bloom sends.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { BloomObject } from "../bloom.ts";
import * as E from "../errors.ts";
import { BloomError } from "../errors.ts";
import { objectCreated } from "../metrics.ts";
import { parseCapacity, parseErrorRate, parseExpansion } from "./args.ts";
import {
  afterWrite,
  bloomType,
  defaultParams,
  memoryLimit,
  oneKey,
  openBloom,
  run,
  WRITE_FLAGS,
} from "./common.ts";

function upper(b: Uint8Array): string {
  return b.length > 16 ? "" : String.fromCharCode(...b).toUpperCase();
}

function reserve(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 6) return ctx.wrongArity();
  const key = argv[1]!;
  const fpRate = parseErrorRate(argv[2]!);
  const capacity = parseCapacity(argv[3]!);
  const base = defaultParams(ctx);
  let expansion = base.expansion;
  if (argv.length > 4) {
    const word = upper(argv[4]!);
    if (word === "NONSCALING" && argv.length === 5) expansion = 0;
    else if (word === "EXPANSION" && argv.length === 6) expansion = parseExpansion(argv[5]!);
    else throw new BloomError(E.ERROR);
  }
  if (openBloom(ctx, key, "write") !== null) throw new BloomError(E.ITEM_EXISTS);
  const o = BloomObject.create({ ...base, capacity, fpRate, expansion }, memoryLimit(ctx));
  objectCreated(o);
  ctx.setValue(bloomType(), key, o);
  afterWrite(ctx, key, o, { created: true, added: false, processed: [], partial: null });
  ctx.reply.ok();
}

export const bfReserveSpec: ModuleCommandSpec = {
  name: "BF.RESERVE",
  summary: "Creates an empty bloom filter with the given error rate and capacity",
  since: "1.0.0",
  complexity: "O(1)",
  arity: -4,
  flags: WRITE_FLAGS,
  aclCategories: ["write", "fast", "bloom"],
  keySpecs: oneKey(["RW", "INSERT"]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "error_rate", type: "double" },
    { name: "capacity", type: "integer" },
    {
      name: "scaling",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "expansion", type: "integer", token: "EXPANSION" },
        { name: "nonscaling", type: "pure-token", token: "NONSCALING" },
      ],
    },
  ],
  handler: run(reserve),
};
