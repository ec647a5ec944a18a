/**
 * BF.EXISTS, BF.MEXISTS and BF.CARD: reads. A missing key answers 0 (no error).
 *
 * @module
 */

import type { ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { oneKey, openBloom, READ_FLAGS, run } from "./common.ts";

export const bfExistsSpec: ModuleCommandSpec = {
  name: "BF.EXISTS",
  summary: "Determines if an item has been added to a bloom filter",
  since: "1.0.0",
  complexity: "O(K × F), where K is the number of hash functions and F the number of sub-filters.",
  arity: 3,
  flags: READ_FLAGS,
  aclCategories: ["read", "fast", "bloom"],
  keySpecs: oneKey(["RO", "ACCESS"]),
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "value", type: "string" }],
  handler: run((ctx) => {
    const o = openBloom(ctx, ctx.argv[1]!, "read");
    ctx.reply.int(o !== null && o.itemExists(ctx.argv[2]!) ? 1 : 0);
  }),
};

export const bfMexistsSpec: ModuleCommandSpec = {
  name: "BF.MEXISTS",
  summary: "Determines if one or more items have been added to a bloom filter",
  since: "1.0.0",
  complexity: "O(K × F × N), for N items.",
  arity: -3,
  flags: READ_FLAGS,
  aclCategories: ["read", "fast", "bloom"],
  keySpecs: oneKey(["RO", "ACCESS"]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string", multiple: true },
  ],
  handler: run((ctx) => {
    const o = openBloom(ctx, ctx.argv[1]!, "read");
    const argv = ctx.argv;
    ctx.reply.arrayHeader(argv.length - 2);
    for (let i = 2; i < argv.length; i++) ctx.reply.int(o !== null && o.itemExists(argv[i]!) ? 1 : 0);
  }),
};

export const bfCardSpec: ModuleCommandSpec = {
  name: "BF.CARD",
  summary: "Returns the number of items added to a bloom filter",
  since: "1.0.0",
  complexity: "O(F), for F sub-filters.",
  arity: 2,
  flags: READ_FLAGS,
  aclCategories: ["read", "fast", "bloom"],
  keySpecs: oneKey(["RO"]),
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }],
  handler: run((ctx) => {
    const o = openBloom(ctx, ctx.argv[1]!, "read");
    ctx.reply.int(o === null ? 0 : o.cardinality());
  }),
};
