/**
 * Listening on every `bind` address (Valkey's listenToPort), for the TCP port and the TLS port alike.
 *
 * @module
 */

import type { Listener } from "../net/types.ts";
import { strerror } from "../config/directives.ts";

/**
 * Listens on `port` at each bind address: `*` and `::*` are the IPv4 and IPv6 wildcards, and an address
 * prefixed with `-` is skipped when it cannot be bound. Any other failure is logged with Valkey's line,
 * closes what was opened so far and throws.
 */
export async function listenAll(
  binds: readonly string[],
  port: number,
  listen: (host: string) => Promise<Listener>,
  warn: (line: string) => void,
): Promise<Listener[]> {
  const made: Listener[] = [];
  for (const bind of binds) {
    const optional = bind.startsWith("-");
    const bare = optional ? bind.slice(1) : bind;
    const host = bare === "*" ? "0.0.0.0" : bare === "::*" ? "::" : bare;
    try {
      made.push(await listen(host));
    } catch (e) {
      if (optional) continue;
      warn(`Warning: Could not create server TCP listening socket ${bare}:${port}: bind: ${strerror(e)}`);
      await Promise.all(made.map((l) => l.close()));
      throw e;
    }
  }
  return made;
}
