/**
 * Valkey's debugDelay, for the test-only delays (`key-load-delay`): blocks the calling thread for `usec`
 * microseconds; a negative value -n sleeps 1 µs with probability 1/n (a short sleep costs a context switch
 * and a system call whatever its length, so short delays are made by sleeping less often).
 *
 * @module
 */

let cell: Int32Array | undefined;

export function debugDelay(usec: number): void {
  if (usec < 0) usec = Math.floor(Math.random() * -usec) === 0 ? 1 : 0;
  if (usec <= 0) return;
  cell ??= new Int32Array(new SharedArrayBuffer(4));
  // Nobody notifies this cell: the wait is a sleep (allowed on Deno's and Bun's main thread).
  Atomics.wait(cell, 0, 0, usec / 1000);
}
