/**
 * The typed values of BF.RESERVE and BF.INSERT, parsed as valkey-bloom parses them (Rust `str::parse`)
 * with its exact errors, and BF.INSERT's option table.
 *
 * @module
 */

import { FIXED_SEED, SEED_SIZE, seedsEqual } from "../bloom.ts";
import * as E from "../errors.ts";
import { BloomError } from "../errors.ts";
import { parseRustF64, parseRustI64, parseRustU32 } from "../numbers.ts";

/** error_rate: a float strictly inside (0, 1). */
export function parseErrorRate(b: Uint8Array): number {
  const x = parseRustF64(b);
  if (x === null) throw new BloomError(E.BAD_ERROR_RATE);
  if (!(x > 0 && x < 1)) throw new BloomError(E.ERROR_RATE_RANGE);
  return x;
}

/** TIGHTENING: a float strictly inside (0, 1). */
export function parseTightening(b: Uint8Array): number {
  const x = parseRustF64(b);
  if (x === null) throw new BloomError(E.BAD_TIGHTENING_RATIO);
  if (!(x > 0 && x < 1)) throw new BloomError(E.TIGHTENING_RATIO_RANGE);
  return x;
}

/** capacity (and VALIDATESCALETO): an i64 ≥ 1; 0 has its own error. */
export function parseCapacity(b: Uint8Array): number {
  const v = parseRustI64(b);
  if (v === 0n) throw new BloomError(E.CAPACITY_LARGER_THAN_0);
  if (v === null || v < 1n) throw new BloomError(E.BAD_CAPACITY);
  return Number(v);
}

/** EXPANSION: a u32 ≥ 1 (0, the non-scaling marker, is reachable only through NONSCALING). */
export function parseExpansion(b: Uint8Array): number {
  const v = parseRustU32(b);
  if (v === null || v < 1) throw new BloomError(E.BAD_EXPANSION);
  return v;
}

/** SEED: exactly 32 raw bytes; random unless they are the fixed seed. */
export function parseSeed(b: Uint8Array): { seed: Uint8Array; random: boolean } {
  if (b.length !== SEED_SIZE) throw new BloomError(E.INVALID_SEED);
  const seed = b.slice();
  return { seed, random: !seedsEqual(seed, FIXED_SEED) };
}

/** The options of BF.INSERT, as read left to right. */
export interface InsertOptions {
  capacity?: number;
  fpRate?: number;
  expansion?: number;
  nonScaling: boolean;
  noCreate: boolean;
  tighteningRatio?: number;
  seed?: { seed: Uint8Array; random: boolean };
  validateScaleTo?: number;
}

type ValueOption = (o: InsertOptions, v: Uint8Array) => void;
type FlagOption = (o: InsertOptions) => void;

/** Options followed by a value. A later occurrence overwrites an earlier one. */
export const INSERT_VALUE_OPTIONS: Record<string, ValueOption> = {
  CAPACITY: (o, v) => void (o.capacity = parseCapacity(v)),
  ERROR: (o, v) => void (o.fpRate = parseErrorRate(v)),
  // EXPANSION after NONSCALING makes the object scaling again (the last word wins), as in valkey-bloom.
  EXPANSION: (o, v) => void (o.expansion = parseExpansion(v), o.nonScaling = false),
  TIGHTENING: (o, v) => void (o.tighteningRatio = parseTightening(v)),
  SEED: (o, v) => void (o.seed = parseSeed(v)),
  VALIDATESCALETO: (o, v) => void (o.validateScaleTo = parseCapacity(v)),
};

/** Options without a value. */
export const INSERT_FLAG_OPTIONS: Record<string, FlagOption> = {
  NOCREATE: (o) => void (o.noCreate = true),
  NONSCALING: (o) => void (o.nonScaling = true),
};
