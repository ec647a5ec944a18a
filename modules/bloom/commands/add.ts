/**
 * BF.ADD and BF.MADD, and the add path BF.INSERT shares: open or create the object, add the items in
 * order, store, propagate, notify.
 *
 * @module
 */

import type { CommandContext, ModuleCommandSpec } from "../../../core/module_api/mod.ts";
import { BloomObject, type BloomParams } from "../bloom.ts";
import { BloomError, NOT_FOUND } from "../errors.ts";
import { objectCreated } from "../metrics.ts";
import {
  addItems,
  afterWrite,
  bloomType,
  defaultParams,
  memoryLimit,
  oneKey,
  openBloom,
  replyAddArray,
  run,
  WRITE_FLAGS,
} from "./common.ts";

export interface AddRequest {
  key: Uint8Array;
  items: Uint8Array[];
  /** The properties for a new object; null = do not create (BF.INSERT NOCREATE → `ERR not found`). */
  create: (() => BloomParams) | null;
  /** Reply an array (BF.MADD, BF.INSERT) or a single integer (BF.ADD). */
  multi: boolean;
  /** The command's arguments (after its name) with only the processed items, for a partial propagation. */
  partialArgs: (processed: Uint8Array[]) => (string | Uint8Array)[];
}

/** The add path of BF.ADD, BF.MADD and BF.INSERT. */
export function addToBloom(ctx: CommandContext, req: AddRequest): void {
  let o = openBloom(ctx, req.key, "write");
  let created = false;
  if (o === null) {
    if (req.create === null) throw new BloomError(NOT_FOUND);
    o = BloomObject.create(req.create(), memoryLimit(ctx));
    objectCreated(o);
    created = true;
  }
  const out = addItems(ctx, o, req.items);
  if (created) ctx.setValue(bloomType(), req.key, o);
  const processed = out.results.length === req.items.length
    ? req.items
    : req.items.slice(0, out.results.length);
  afterWrite(ctx, req.key, o, {
    created,
    added: out.added > 0,
    processed,
    partial: out.error !== null ? req.partialArgs(processed) : null,
  });
  if (req.multi) replyAddArray(ctx, out);
  else if (out.error !== null) ctx.reply.error(out.error);
  else ctx.reply.int(out.results[0]!);
}

export const bfAddSpec: ModuleCommandSpec = {
  name: "BF.ADD",
  summary: "Adds an item to a bloom filter, creating the filter with the configured defaults if needed",
  since: "1.0.0",
  complexity: "O(N), where N is the number of hash functions used by the bloom filter.",
  arity: 3,
  flags: WRITE_FLAGS,
  aclCategories: ["write", "fast", "bloom"],
  keySpecs: oneKey(["RW", "INSERT"]),
  arguments: [{ name: "key", type: "key", keySpecIndex: 0 }, { name: "value", type: "string" }],
  handler: run((ctx) => {
    const key = ctx.argv[1]!;
    addToBloom(ctx, {
      key,
      items: [ctx.argv[2]!],
      create: () => defaultParams(ctx),
      multi: false,
      partialArgs: (items) => [key, ...items],
    });
  }),
};

export const bfMaddSpec: ModuleCommandSpec = {
  name: "BF.MADD",
  summary:
    "Adds one or more items to a bloom filter, creating the filter with the configured defaults if needed",
  since: "1.0.0",
  complexity: "O(K × N), where K is the number of hash functions and N the number of items.",
  arity: -3,
  flags: WRITE_FLAGS,
  aclCategories: ["write", "fast", "bloom"],
  keySpecs: oneKey(["RW", "INSERT"]),
  arguments: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "value", type: "string", multiple: true },
  ],
  handler: run((ctx) => {
    const key = ctx.argv[1]!;
    addToBloom(ctx, {
      key,
      items: ctx.argv.slice(2),
      create: () => defaultParams(ctx),
      multi: true,
      partialArgs: (items) => [key, ...items],
    });
  }),
};
