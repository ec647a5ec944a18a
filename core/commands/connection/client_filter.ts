/**
 * The client filters of CLIENT LIST and CLIENT KILL (Valkey 8.1's parseClientFiltersOrReply and
 * clientMatchesFilter):
 *
 *     ID id [id ...] | TYPE type | USER name | ADDR ip:port | LADDR ip:port | SKIPME yes|no | MAXAGE secs
 *
 * Options are matched case-insensitively, in any order, any number of times (a later one replaces an
 * earlier one; IDs accumulate). Every option but ID needs a value after it, else the option word is a
 * syntax error. ID takes the integers that follow it up to the first word that is not one (which must then
 * be another option); an ID with no integers after it matches no client. Errors come in the order the
 * words are read:
 *
 * | input                          | error                                               |
 * | ------------------------------ | --------------------------------------------------- |
 * | ID 0, ID -5                    | ERR client-id should be greater than 0              |
 * | MAXAGE x / MAXAGE 2^63         | ERR maxage is not an integer or out of range        |
 * | MAXAGE 0 / MAXAGE -1           | ERR maxage should be greater than 0                 |
 * | TYPE foo                       | ERR Unknown client type 'foo'                       |
 * | USER nobody                    | ERR No such user 'nobody'                           |
 * | SKIPME maybe, unknown words    | ERR syntax error                                    |
 *
 * A client matches when it passes every given filter; SKIPME yes excludes the client running the command.
 *
 * @module
 */

import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import { lowerAscii, parseI64 } from "../../util/numbers.ts";
import { latin1 } from "../../util/latin1.ts";
import type { CommandCall } from "../call.ts";
import { ERR_SYNTAX, ReplyError } from "../errors.ts";
import { userDirectory } from "./auth.ts";
import { type ClientType, clientType, clientTypeByName } from "./client_info.ts";
import {
  ERR_CLIENT_ID_POSITIVE,
  ERR_MAXAGE_NOT_INT,
  ERR_MAXAGE_POSITIVE,
  errNoSuchUser,
  errUnknownClientType,
} from "./errors.ts";
import { cstr, cstrBytes, cstrEquals } from "./text.ts";

export interface ClientFilter {
  /** Client ids (null: no ID option; empty: ID given without ids, which matches nothing). */
  ids: Set<bigint> | null;
  /** Minimum age in seconds; 0n: no MAXAGE. */
  maxAge: bigint;
  /** `ip:port` the client connects from, as CLIENT LIST prints it. */
  addr: string | null;
  /** `ip:port` the client is connected to. */
  laddr: string | null;
  /** User name (Latin-1, one char per byte). */
  user: string | null;
  type: ClientType | -1;
  skipme: boolean;
}

export function emptyFilter(skipme: boolean): ClientFilter {
  return { ids: null, maxAge: 0n, addr: null, laddr: null, user: null, type: -1, skipme };
}

/**
 * Parses filter options from `argv[start..]` into `filter` (which holds the defaults). Throws a
 * {@link ReplyError} with Valkey's text for the first bad option.
 */
export function parseClientFilter(
  server: Server,
  argv: readonly Uint8Array[],
  start: number,
  filter: ClientFilter,
): ClientFilter {
  let i = start;
  while (i < argv.length) {
    const opt = argv[i]!;
    const more = argv.length > i + 1;
    if (cstrEquals(opt, "id")) {
      filter.ids ??= new Set();
      i++;
      while (i < argv.length) {
        const id = parseI64(argv[i]!);
        if (id === null) break;
        if (id < 1n) throw new ReplyError(ERR_CLIENT_ID_POSITIVE);
        filter.ids.add(id);
        i++;
      }
    } else if (cstrEquals(opt, "maxage") && more) {
      const v = parseI64(argv[i + 1]!);
      if (v === null) throw new ReplyError(ERR_MAXAGE_NOT_INT);
      if (v <= 0n) throw new ReplyError(ERR_MAXAGE_POSITIVE);
      filter.maxAge = v;
      i += 2;
    } else if (cstrEquals(opt, "type") && more) {
      const word = argv[i + 1]!;
      const t = clientTypeByName(lowerAscii(cstrBytes(word)));
      if (t === -1) throw new ReplyError(errUnknownClientType(cstr(word)));
      filter.type = t;
      i += 2;
    } else if (cstrEquals(opt, "addr") && more) {
      filter.addr = latin1(cstrBytes(argv[i + 1]!));
      i += 2;
    } else if (cstrEquals(opt, "laddr") && more) {
      filter.laddr = latin1(cstrBytes(argv[i + 1]!));
      i += 2;
    } else if (cstrEquals(opt, "user") && more) {
      const name = argv[i + 1]!;
      if (!userDirectory(server).exists(name)) throw new ReplyError(errNoSuchUser(cstr(name)));
      filter.user = latin1(name);
      i += 2;
    } else if (cstrEquals(opt, "skipme") && more) {
      const v = argv[i + 1]!;
      if (cstrEquals(v, "yes")) filter.skipme = true;
      else if (cstrEquals(v, "no")) filter.skipme = false;
      else throw new ReplyError(ERR_SYNTAX);
      i += 2;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return filter;
}

/** Whether client `c` passes every filter; `call` is the command applying it (SKIPME, age). */
export function clientMatches(filter: ClientFilter, c: Client, call: CommandCall): boolean {
  if (filter.addr !== null && c.addr !== filter.addr) return false;
  if (filter.laddr !== null && c.laddr !== filter.laddr) return false;
  if (filter.type !== -1 && clientType(c) !== filter.type) return false;
  if (filter.ids !== null && !filter.ids.has(BigInt(c.id))) return false;
  if (filter.user !== null && c.user !== filter.user) return false;
  if (filter.skipme && c === call.client) return false;
  if (filter.maxAge !== 0n) {
    const age = Math.floor(call.now / 1000) - Math.floor(c.createdAt / 1000);
    if (BigInt(age) < filter.maxAge) return false;
  }
  return true;
}
