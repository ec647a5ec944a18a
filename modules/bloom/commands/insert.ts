/**
 * BF.INSERT key [CAPACITY n] [ERROR r] [EXPANSION n] [NOCREATE] [NONSCALING] [TIGHTENING r] [SEED s]
 * [VALIDATESCALETO n] [ITEMS item ...]: creates a filter with the given properties if needed, then adds
 * the items. Options are read left to right from the table in args.ts; `ITEMS` ends them.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { maxScaledCapacity } from "../bloom.ts";
import * as E from "../errors.ts";
import { BloomError } from "../errors.ts";
import { addToBloom } from "./add.ts";
import { INSERT_FLAG_OPTIONS, INSERT_VALUE_OPTIONS, type InsertOptions } from "./args.ts";
import { defaultParams, memoryLimit, oneKey, run, WRITE_FLAGS } from "./common.ts";

function upper(b: Uint8Array): string {
  if (b.length > 32) return "";
  return String.fromCharCode(...b).toUpperCase();
}

function insert(ctx: CommandContext): void {
  const argv = ctx.argv;
  const argc = argv.length;
  const key = argv[1]!;
  const opts: InsertOptions = { nonScaling: false, noCreate: false };
  let idx = 2;
  let itemsGiven = false;
  for (; idx < argc; idx++) {
    const word = upper(argv[idx]!);
    const valueOpt = INSERT_VALUE_OPTIONS[word];
    if (valueOpt !== undefined) {
      if (idx >= argc - 1) return ctx.wrongArity();
      valueOpt(opts, argv[++idx]!);
      continue;
    }
    const flagOpt = INSERT_FLAG_OPTIONS[word];
    if (flagOpt !== undefined) {
      flagOpt(opts);
      continue;
    }
    if (word === "ITEMS") {
      idx++;
      itemsGiven = true;
      break;
    }
    throw new BloomError(E.UNKNOWN_ARGUMENT);
  }
  if (itemsGiven && idx === argc) return ctx.wrongArity();

  const base = defaultParams(ctx);
  const params = {
    capacity: opts.capacity ?? base.capacity,
    fpRate: opts.fpRate ?? base.fpRate,
    tighteningRatio: opts.tighteningRatio ?? base.tighteningRatio,
    expansion: opts.nonScaling ? 0 : opts.expansion ?? base.expansion,
    seed: opts.seed?.seed ?? base.seed,
    seedRandom: opts.seed?.random ?? base.seedRandom,
  };
  if (opts.validateScaleTo !== undefined) {
    if (params.expansion === 0) throw new BloomError(E.NON_SCALING_AND_VALIDATE_SCALE_TO_IS_INVALID);
    const limit = memoryLimit(ctx);
    if (limit !== null) {
      maxScaledCapacity(
        params.capacity,
        params.fpRate,
        opts.validateScaleTo,
        params.tighteningRatio,
        params.expansion,
        limit,
      );
    }
  }
  addToBloom(ctx, {
    key,
    items: argv.slice(idx),
    create: opts.noCreate ? null : () => params,
    multi: true,
    partialArgs: (items) => [key, "ITEMS", ...items],
  });
}

export const bfInsertSpec: ModuleCommandSpec = {
  name: "BF.INSERT",
  summary: "Creates a bloom filter with the given properties if it does not exist, then adds the items",
  since: "1.0.0",
  complexity: "O(K × N), where K is the number of hash functions and N the number of items.",
  arity: -2,
  flags: WRITE_FLAGS,
  aclCategories: ["write", "fast", "bloom"],
  keySpecs: oneKey(["RW", "INSERT"]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "capacity", type: "integer", token: "CAPACITY", optional: true },
    { name: "error", type: "double", token: "ERROR", optional: true },
    {
      name: "scaling",
      type: "oneof",
      optional: true,
      arguments: [
        { name: "expansion", type: "integer", token: "EXPANSION" },
        { name: "nonscaling", type: "pure-token", token: "NONSCALING" },
      ],
    },
    { name: "nocreate", type: "pure-token", token: "NOCREATE", optional: true },
    { name: "tightening", type: "double", token: "TIGHTENING", optional: true },
    { name: "seed", type: "string", token: "SEED", optional: true },
    { name: "validatescaleto", type: "integer", token: "VALIDATESCALETO", optional: true },
    { name: "value", type: "string", token: "ITEMS", optional: true, multiple: true },
  ],
  handler: run(insert),
};
