/**
 * The Bloom module's configs (`bf.<name>` in CONFIG GET/SET and the config file), valkey-bloom 1.0's set:
 * defaults and bounds, and the validation of the two floats it keeps as strings.
 *
 * Commands read the values through their context (`ctx.config`); {@link settings} mirrors them for the
 * callbacks that run without a context (RDB load).
 *
 * @module
 */

import type { ModuleConfigSpec, ModuleConfigValue } from "../../core/module_api/mod.ts";
import { ERROR_RATE_RANGE, INVALID_FLOAT_CONFIG, TIGHTENING_RATIO_RANGE } from "./errors.ts";
import { I64_MAX, U32_MAX } from "./bloom.ts";
import { parseRustF64 } from "./numbers.ts";

export const DEFAULT_CAPACITY = 100;
export const DEFAULT_EXPANSION = 2;
export const DEFAULT_FP_RATE = "0.01";
export const DEFAULT_TIGHTENING_RATIO = "0.5";
export const DEFAULT_MEMORY_LIMIT = 128 * 1024 * 1024;

/** Current values, kept up to date by the configs' onChange (startup and CONFIG SET). */
export const settings = {
  capacity: DEFAULT_CAPACITY,
  expansion: DEFAULT_EXPANSION,
  fpRate: 0.01,
  tighteningRatio: 0.5,
  memoryLimit: DEFAULT_MEMORY_LIMIT,
  useRandomSeed: true,
  defragEnabled: true,
};

/** A float config value checked for (0, 1): the error (CONFIG SET shows it after its prefix) or the value. */
export function parseUnitInterval(v: ModuleConfigValue, rangeError: string): number | string {
  const x = parseRustF64(new TextEncoder().encode(String(v)));
  if (x === null) return INVALID_FLOAT_CONFIG;
  if (!(x > 0 && x < 1)) return rangeError;
  return x;
}

function floatConfig(
  name: string,
  def: string,
  rangeError: string,
  apply: (x: number) => void,
): ModuleConfigSpec {
  return {
    name,
    type: "string",
    default: def,
    validate(v) {
      const r = parseUnitInterval(v, rangeError);
      return typeof r === "string" ? r : undefined;
    },
    onChange(v) {
      const r = parseUnitInterval(v, rangeError);
      if (typeof r === "number") apply(r);
    },
  };
}

export const bloomConfigs: ModuleConfigSpec[] = [
  {
    name: "bloom-capacity",
    type: "numeric",
    default: DEFAULT_CAPACITY,
    min: 1,
    max: I64_MAX,
    onChange: (v) => void (settings.capacity = Number(v)),
  },
  {
    name: "bloom-expansion",
    type: "numeric",
    default: DEFAULT_EXPANSION,
    min: 0,
    max: U32_MAX,
    onChange: (v) => void (settings.expansion = Number(v)),
  },
  floatConfig("bloom-fp-rate", DEFAULT_FP_RATE, ERROR_RATE_RANGE, (x) => void (settings.fpRate = x)),
  floatConfig(
    "bloom-tightening-ratio",
    DEFAULT_TIGHTENING_RATIO,
    TIGHTENING_RATIO_RANGE,
    (x) => void (settings.tighteningRatio = x),
  ),
  {
    name: "bloom-memory-usage-limit",
    type: "numeric",
    default: DEFAULT_MEMORY_LIMIT,
    min: 0,
    max: I64_MAX,
    onChange: (v) => void (settings.memoryLimit = Number(v)),
  },
  {
    name: "bloom-use-random-seed",
    type: "bool",
    default: true,
    onChange: (v) => void (settings.useRandomSeed = v === true),
  },
  {
    name: "bloom-defrag-enabled",
    type: "bool",
    default: true,
    onChange: (v) => void (settings.defragEnabled = v === true),
  },
];
