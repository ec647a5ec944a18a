/**
 * Replies of random samples with repetition (HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a negative
 * count): `count` samples, each one reply element (or a field/value pair).
 *
 * Valkey writes such a reply sample by sample and stops when the client's output-buffer limit closed it
 * (a client asking for 2^62 samples is cut off instead of filling the memory). Valkyr does the same in
 * chunks of {@link SAMPLE_CHUNK}, checking the limits after each chunk. A reply over
 * {@link MAX_SAMPLED_REPLY} elements is written only when the client's class has a hard limit to stop it:
 * without one (the `normal` class's default), Valkey would build a reply of any size in memory; Valkyr
 * refuses it with "value is out of range".
 *
 * @module
 */

import type { CommandCall } from "./call.ts";

/** The most elements a sampled reply may hold when no hard output limit would cut it off. */
export const MAX_SAMPLED_REPLY = 1 << 24;
/** Samples written between two output-limit checks. */
export const SAMPLE_CHUNK = 1024;

/**
 * Writes the array header and `count` samples (`emit` writes one), stopping when the output limit closed
 * the client. `perSample` is the number of array elements a sample adds to the header (2 for a RESP2
 * field/value pair). Returns false, having written nothing, when the reply is refused as too big: the
 * caller replies the error.
 */
export function replySamples(call: CommandCall, count: bigint, perSample: 1 | 2, emit: () => void): boolean {
  const elements = count * BigInt(perSample);
  const server = call.server;
  const client = call.client;
  if (elements > BigInt(MAX_SAMPLED_REPLY) && server.outputHardLimit(client) === 0) return false;
  const w = call.reply;
  if (elements <= BigInt(Number.MAX_SAFE_INTEGER)) w.arrayHeader(Number(elements));
  else w.raw(new TextEncoder().encode(`*${elements}\r\n`));
  let left = count;
  while (left > 0n) {
    const n = left > BigInt(SAMPLE_CHUNK) ? SAMPLE_CHUNK : Number(left);
    for (let i = 0; i < n; i++) emit();
    left -= BigInt(n);
    if (server.outputLimitReached(client)) return true;
  }
  return true;
}
