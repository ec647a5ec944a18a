/**
 * Commands whose work finishes asynchronously (MODULE LOAD reading a file, CONFIG SET port rebinding):
 * the client is held like a blocked client — nothing else of it runs — until the outcome is known, then
 * gets its reply and its next requests are served.
 *
 * @module
 */

import type { CommandCall } from "./call.ts";

/**
 * Holds `call`'s client until `outcome` settles, then replies OK for null or the error for a string
 * (counted as a failed call and in errorstats, as a synchronous error would be).
 */
export function replyWhenSettled(call: CommandCall, outcome: Promise<string | null>): void {
  const { server, client, spec } = call;
  client.blocked = true;
  void outcome.then((err) => {
    client.blocked = false;
    if (client.closed) return;
    if (err === null) client.writer.ok();
    else {
      server.commands.stats(spec).failedCalls++;
      server.stats.countError(err);
      client.writer.error(err);
    }
    server.processInput(client);
  });
}
