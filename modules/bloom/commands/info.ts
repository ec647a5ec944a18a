/**
 * BF.INFO key [CAPACITY | SIZE | FILTERS | ITEMS | ERROR | EXPANSION | TIGHTENING | MAXSCALEDCAPACITY]:
 * the whole description as label/value pairs, or one field. The one Bloom read that errors on a missing
 * key (`ERR not found`). Non-scaling filters have no expansion (nil), tightening or max scaled capacity.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { type BloomObject, maxScaledCapacity } from "../bloom.ts";
import * as E from "../errors.ts";
import { BloomError } from "../errors.ts";
import { oneKey, openBloom, READ_FLAGS, run } from "./common.ts";

function maxScaled(ctx: CommandContext, o: BloomObject): number {
  return maxScaledCapacity(
    o.startingCapacity,
    o.fpRate,
    -1,
    o.tighteningRatio,
    o.expansion,
    Number(ctx.config("bloom-memory-usage-limit")),
  );
}

/** One field's reply, or false for a field this object does not have. */
const FIELDS: Record<string, (ctx: CommandContext, o: BloomObject) => boolean> = {
  CAPACITY: (ctx, o) => (ctx.reply.int(o.capacity()), true),
  SIZE: (ctx, o) => (ctx.reply.int(o.memoryUsage()), true),
  FILTERS: (ctx, o) => (ctx.reply.int(o.filters.length), true),
  ITEMS: (ctx, o) => (ctx.reply.int(o.cardinality()), true),
  ERROR: (ctx, o) => (ctx.reply.double(o.fpRate), true),
  EXPANSION: (ctx, o) => (o.expansion === 0 ? ctx.reply.null() : ctx.reply.int(o.expansion), true),
  TIGHTENING: (ctx, o) => o.expansion > 0 && (ctx.reply.double(o.tighteningRatio), true),
  MAXSCALEDCAPACITY: (ctx, o) => o.expansion > 0 && (ctx.reply.int(maxScaled(ctx, o)), true),
};

function info(ctx: CommandContext): void {
  const argv = ctx.argv;
  if (argv.length > 3) return ctx.wrongArity();
  const o = openBloom(ctx, argv[1]!, "read");
  if (o === null) throw new BloomError(E.NOT_FOUND);
  if (argv.length === 3) {
    const word = argv[2]!.length > 32 ? "" : String.fromCharCode(...argv[2]!).toUpperCase();
    const field = Object.hasOwn(FIELDS, word) ? FIELDS[word] : undefined;
    if (field === undefined || !field(ctx, o)) throw new BloomError(E.INVALID_INFO_VALUE);
    return;
  }
  const scaling = o.expansion > 0;
  const max = scaling ? maxScaled(ctx, o) : 0;
  const r = ctx.reply;
  r.arrayHeader(scaling ? 16 : 12);
  r.simple("Capacity");
  r.int(o.capacity());
  r.simple("Size");
  r.int(o.memoryUsage());
  r.simple("Number of filters");
  r.int(o.filters.length);
  r.simple("Number of items inserted");
  r.int(o.cardinality());
  r.simple("Error rate");
  r.double(o.fpRate);
  r.simple("Expansion rate");
  if (!scaling) {
    r.null();
    return;
  }
  r.int(o.expansion);
  r.simple("Tightening ratio");
  r.double(o.tighteningRatio);
  r.simple("Max scaled capacity");
  r.int(max);
}

export const bfInfoSpec: ModuleCommandSpec = {
  name: "BF.INFO",
  summary: "Returns information about a bloom filter",
  since: "1.0.0",
  complexity: "O(1) (O(F) for MAXSCALEDCAPACITY and the full reply)",
  arity: -2,
  flags: READ_FLAGS,
  aclCategories: ["read", "fast", "bloom"],
  keySpecs: oneKey(["RO"]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    {
      name: "sortby",
      type: "oneof",
      optional: true,
      arguments: [
        "CAPACITY",
        "SIZE",
        "FILTERS",
        "ITEMS",
        "ERROR",
        "EXPANSION",
        "TIGHTENING",
        "MAXSCALEDCAPACITY",
      ]
        .map((t) => ({ name: t.toLowerCase(), type: "pure-token" as const, token: t })),
    },
  ],
  handler: run(info),
};
