/**
 * Reading pub/sub replies the same way over RESP2 (arrays) and RESP3 (pushes).
 *
 * @module
 */

import { encodeRequest, Push, type RawConn } from "./raw.ts";

/** Sends a (P|S)(UN)SUBSCRIBE and reads `n` replies (one per name, or `n` given). */
export async function sub(c: RawConn, args: string[], n = Math.max(1, args.length - 1)): Promise<unknown[]> {
  c.send(encodeRequest(args));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.read();
    out.push(r instanceof Push ? r.items : r);
  }
  return out;
}

/** The items of a RESP3 push, or a RESP2 array. */
export async function message(c: RawConn): Promise<unknown> {
  const r = await c.read();
  return r instanceof Push ? r.items : r;
}
