/**
 * Asking the runtime for a full garbage collection (MEMORY PURGE): `Bun.gc(true)` on Bun; V8's `gc()` on
 * Deno when the process was started with `--v8-flags=--expose-gc` (the `start` task and the CLI tests do).
 * Freed slabs and old hash-table arrays are ArrayBuffers that only a major collection returns to the OS.
 *
 * @module
 */

/** Runs a full collection if the runtime allows it; returns whether one ran. */
export function collectGarbage(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc === "function") {
    g.gc();
    return true;
  }
  return false;
}
