/**
 * What the Bloom commands share: the registered type, opening a key, the creation defaults from the
 * configs, the memory limit rule, error replies, and replication plus keyspace events after a write.
 *
 * Replication follows valkey-bloom: every creation is propagated as a `BF.INSERT` carrying the object's
 * exact properties (capacity, fp rate, tightening ratio, seed, expansion) so a replica builds the same
 * bits; adds to an existing object are propagated verbatim when at least one item was new. Unlike
 * valkey-bloom 1.0, a multi-item add that stopped at an error propagates only the items it processed,
 * so a replica never replays items the primary refused.
 *
 * @module
 */

import {
  type CommandContext,
  type CommandFlag,
  type DataTypeHandle,
  type KeySpec,
  type KeySpecFlag,
  WRONG_TYPE,
} from "../../../core/module_api/mod.ts";
import { type BloomObject, type BloomParams, FIXED_SEED, formatRustF64, randomSeed } from "../bloom.ts";
import { BloomError } from "../errors.ts";
import { objectGrew } from "../metrics.ts";
import { parseRustF64 } from "../numbers.ts";

export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ADD_EVENT = "bloom.add";
export const RESERVE_EVENT = "bloom.reserve";

let handle: DataTypeHandle<BloomObject> | null = null;

/** Set by the module's onLoad, once the `bloomfltr` type is registered. */
export function setBloomType(h: DataTypeHandle<BloomObject>): void {
  handle = h;
}

export function bloomType(): DataTypeHandle<BloomObject> {
  if (handle === null) throw new Error("bloom module not loaded");
  return handle;
}

/** The Bloom object at `key`, null when missing; throws WRONGTYPE for another type. */
export function openBloom(ctx: CommandContext, key: Uint8Array, mode: "read" | "write"): BloomObject | null {
  const v = ctx.getValue(bloomType(), key, mode);
  if (v === WRONG_TYPE) throw new BloomError(ERR_WRONGTYPE);
  return v;
}

/** The size limit for this command: none for commands from the primary or the AOF. */
export function memoryLimit(ctx: CommandContext): number | null {
  return ctx.isFromPrimaryOrAof() ? null : Number(ctx.config("bloom-memory-usage-limit"));
}

function floatConfig(ctx: CommandContext, name: string, fallback: number): number {
  const x = parseRustF64(new TextEncoder().encode(String(ctx.config(name))));
  return x !== null && x > 0 && x < 1 ? x : fallback;
}

/** The properties a new object gets from the configs (BF.ADD/BF.MADD auto-creation, BF.INSERT's base). */
export function defaultParams(ctx: CommandContext): BloomParams {
  const random = ctx.config("bloom-use-random-seed") === true;
  return {
    capacity: Number(ctx.config("bloom-capacity")),
    fpRate: floatConfig(ctx, "bloom-fp-rate", 0.01),
    tighteningRatio: floatConfig(ctx, "bloom-tightening-ratio", 0.5),
    expansion: Number(ctx.config("bloom-expansion")),
    seed: random ? randomSeed() : FIXED_SEED,
    seedRandom: random,
  };
}

/** Runs a handler, replying a BloomError's message verbatim. */
export function run(fn: (ctx: CommandContext) => void): (ctx: CommandContext) => void {
  return (ctx) => {
    try {
      fn(ctx);
    } catch (e) {
      if (e instanceof BloomError) ctx.reply.error(e.reply);
      else throw e;
    }
  };
}

/** The outcome of adding items: per-item replies, items processed, whether any was new, the error if any. */
export interface AddOutcome {
  results: (0 | 1)[];
  added: number;
  error: string | null;
}

/** Adds items in order, stopping at the first failure (valkey-bloom 1.0's multi-item behaviour). */
export function addItems(ctx: CommandContext, o: BloomObject, items: Uint8Array[]): AddOutcome {
  const limit = memoryLimit(ctx);
  const filtersBefore = o.filters.length, vecBefore = o.vecCapacity;
  const results: (0 | 1)[] = [];
  let added = 0;
  let error: string | null = null;
  for (const item of items) {
    try {
      const r = o.addItem(item, limit);
      results.push(r);
      added += r;
    } catch (e) {
      if (!(e instanceof BloomError)) throw e;
      error = e.reply;
      break;
    }
  }
  objectGrew(o, added, filtersBefore, vecBefore);
  return { results, added, error };
}

/** Replies an add outcome as an array of 0/1, with the error as the last element if one stopped it. */
export function replyAddArray(ctx: CommandContext, out: AddOutcome): void {
  ctx.reply.arrayHeader(out.results.length + (out.error === null ? 0 : 1));
  for (const r of out.results) ctx.reply.int(r);
  if (out.error !== null) ctx.reply.error(out.error);
}

/** The BF.INSERT that recreates a new object exactly on a replica (then its items, if any). */
export function creationArgs(key: Uint8Array, o: BloomObject, items: Uint8Array[]): (string | Uint8Array)[] {
  const args: (string | Uint8Array)[] = [
    key,
    "CAPACITY",
    String(o.startingCapacity),
    "ERROR",
    formatRustF64(o.fpRate),
    "TIGHTENING",
    formatRustF64(o.tighteningRatio),
    "SEED",
    o.seed().slice(),
  ];
  if (o.expansion === 0) args.push("NONSCALING");
  else args.push("EXPANSION", String(o.expansion));
  if (items.length > 0) args.push("ITEMS", ...items);
  return args;
}

/**
 * After a write: propagation, WATCH/tracking signal and keyspace events (`bloom.add` when an item was new,
 * then `bloom.reserve` when the object was created, in valkey-bloom's order).
 *
 * - `created`: the object is new; it is propagated as its creation BF.INSERT with the `processed` items.
 * - otherwise, when an item was new: verbatim, or — when an error stopped the command early — as
 *   `partial` (the same command with only the processed items).
 */
export function afterWrite(
  ctx: CommandContext,
  key: Uint8Array,
  o: BloomObject,
  w: { created: boolean; added: boolean; processed: Uint8Array[]; partial: (string | Uint8Array)[] | null },
): void {
  if (w.created) ctx.replicate("BF.INSERT", creationArgs(key, o, w.processed));
  else if (w.added) {
    if (w.partial !== null) ctx.replicate(String.fromCharCode(...ctx.argv[0]!), w.partial);
    else ctx.replicateVerbatim();
  }
  if (!w.created && !w.added) return;
  ctx.signalModifiedKey(key);
  if (w.added) ctx.notifyKeyspaceEvent("g", ADD_EVENT, key);
  if (w.created) ctx.notifyKeyspaceEvent("g", RESERVE_EVENT, key);
}

/** Key specs: one key at argv[1]. */
export function oneKey(flags: KeySpecFlag[]): KeySpec[] {
  return [{
    flags,
    beginSearch: { index: { pos: 1 } },
    findKeys: { range: { lastkey: 0, step: 1, limit: 0 } },
  }];
}

export const WRITE_FLAGS: CommandFlag[] = ["WRITE", "DENYOOM", "FAST"];
export const READ_FLAGS: CommandFlag[] = ["READONLY", "FAST"];
