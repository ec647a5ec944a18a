/**
 * MEMORY PURGE for a JavaScript runtime: a full, memory-reducing garbage collection, then (Deno on glibc)
 * handing the allocator's free pages back to the OS — what Valkey's MEMORY PURGE asks of jemalloc.
 *
 * Where the RSS of a Deno server goes (1,000,000 keys of 16-byte names and 16-byte values loaded through
 * `redis-cli --pipe`; growth over the empty server, each reading after MEMORY PURGE, per key):
 *
 * ```
 *                                              plain gc()     this module
 *   keyspace (slab 40 B block + table 8.8 B)     49.8            49.8     ArrayBuffers: V8 "external"
 *   V8 heap (heapTotal growth)                   1.2 - 29.5      0.7-1.2  young generation grown by the load
 *   dead 64 KiB socket read buffers              0 - 23          0        freed at the next GC only
 *   glibc free pages (no MALLOC_* env)           ~6.5            ~0       malloc_trim(0)
 *   deno binary code pages (file-backed)         ~3.6            ~3.6     touched by the JIT; not data
 *   ----------------------------------------------------------------
 *   RSS per key (deno task start's env)          74 - 94         54 - 55
 *   RSS per key (no MALLOC_* env)                ~64             ~55
 * ```
 *
 * - `Bun.gc(true)` on Bun (Bun's allocator is not glibc's; the same load is ~58.6 RSS B/key there).
 * - V8's `gc()` exists when the process was started with `--v8-flags=--expose-gc` (the `start` task, the
 *   bench and the CLI tests do). A plain `gc()` is one full collection that leaves the heap's capacity as
 *   it is: the semi-spaces the load grew (V8 doubles them up to 16 MB each) and pages emptied by
 *   compaction stay committed, and the backing stores of ArrayBuffers it found dead (the socket read
 *   buffers of the load) are swept concurrently and only released when the next collection finalizes the
 *   sweep. `flavor: "last-resort"` is the collection V8 itself runs under memory pressure: repeated full
 *   GCs until nothing more dies, with the reduce-memory flag, so the young generation shrinks back to its
 *   initial size, emptied pages are unmapped and swept backing stores are freed before it returns.
 * - Then, on Deno on Linux when FFI is allowed (`-A`), `malloc_trim(0)`: glibc keeps freed small chunks
 *   (socket buffers under the mmap threshold) in its heaps and returns only the top of the main heap; trim
 *   releases the free pages in the middle of every arena too. With `deno task start`'s
 *   MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ there is little left to trim; a server started without
 *   them (plain `deno run`, a `deno compile` binary) gets the same figure after PURGE.
 *
 * @module
 */

interface Libc {
  symbols: { malloc_trim(pad: bigint): number };
}

interface DenoFfi {
  build: { os: string };
  permissions: { querySync(d: { name: "ffi" }): { state: string } };
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string }>): Libc;
}

/** libc's malloc_trim, loaded on first use; null when unavailable (not Deno, not glibc, no FFI). */
let libc: Libc | null | undefined;

function glibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  const d = (globalThis as unknown as { Deno?: Partial<DenoFfi> }).Deno;
  if (d === undefined || (globalThis as { Bun?: unknown }).Bun !== undefined) return libc;
  try {
    // Never prompt: only when FFI was granted up front.
    if (d.build?.os !== "linux" || d.permissions?.querySync({ name: "ffi" }).state !== "granted") return libc;
    libc = d.dlopen!("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
  } catch {
    libc = null; // musl or another libc: nothing to trim through this name
  }
  return libc;
}

/** Runs a full collection if the runtime allows it; returns whether one ran. */
export function collectGarbage(): boolean {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: (options?: object) => void };
  if (g.Bun !== undefined) {
    g.Bun.gc(true);
    return true;
  }
  if (typeof g.gc !== "function") return false;
  g.gc({ type: "major", execution: "sync", flavor: "last-resort" });
  glibc()?.symbols.malloc_trim(0n);
  return true;
}
