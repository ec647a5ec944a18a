/**
 * Picks the socket adapter for the runtime we run on: `Bun.listen` on Bun, `node:net` on Deno (faster than
 * `Deno.listen` there) and anywhere else.
 *
 * @module
 */

import { bunAdapter } from "./bun.ts";
import { nodeNetAdapter } from "./node_net.ts";
import type { NetAdapter } from "./types.ts";

export type * from "./types.ts";

/** The name of the JavaScript runtime: "deno", "bun" or "node". */
export function runtimeName(): "deno" | "bun" | "node" {
  const g = globalThis as Record<string, unknown>;
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}

/** The runtime's version string, for INFO and --version. */
export function runtimeVersion(): string {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
  if (g.Bun !== undefined) return `bun ${g.Bun.version}`;
  if (g.Deno !== undefined) return `deno ${g.Deno.version.deno}`;
  return "node";
}

export function defaultAdapter(): NetAdapter {
  return runtimeName() === "bun" ? bunAdapter : { ...nodeNetAdapter, runtime: runtimeName() };
}
