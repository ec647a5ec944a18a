/**
 * Sleeps that block the calling thread, event loop included, as Valkey's do: DEBUG SLEEP's and the
 * test-only delays (`key-load-delay`, through Valkey's debugDelay). Atomics.wait on a cell nobody notifies
 * is the sleep (allowed on Deno's and Bun's main thread).
 *
 * @module
 */

let cell: Int32Array | undefined;

/** Blocks the thread for `ms` milliseconds. */
export function blockingSleep(ms: number): void {
  cell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, ms);
}

/**
 * Valkey's debugDelay: blocks for `usec` microseconds; a negative value -n sleeps 1 µs with probability
 * 1/n (a short sleep costs a context switch and a system call whatever its length, so short delays are
 * made by sleeping less often).
 */
export function debugDelay(usec: number): void {
  if (usec < 0) usec = Math.floor(Math.random() * -usec) === 0 ? 1 : 0;
  if (usec > 0) blockingSleep(usec / 1000);
}
