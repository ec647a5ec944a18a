/**
 * Small builders for the spec fields the generic commands repeat (key specs with a fixed position,
 * key arguments), so each declaration stays as short as Valkey's JSON.
 *
 * @module
 */

import type { ArgSpec, KeySpec, KeySpecFlag } from "../spec.ts";

/** A key spec for keys at fixed positions: `pos`, then `lastkey` more (-1: to the end), step 1. */
export function rangeKeySpec(flags: KeySpecFlag[], pos: number, lastkey = 0): KeySpec {
  return { flags, beginSearch: { index: { pos } }, findKeys: { range: { lastkey, step: 1, limit: 0 } } };
}

/** A `key` argument bound to key spec `keySpecIndex`. */
export function keyArg(name = "key", keySpecIndex = 0, multiple = false): ArgSpec {
  const a: ArgSpec = { name, type: "key", keySpecIndex };
  if (multiple) a.multiple = true;
  return a;
}
