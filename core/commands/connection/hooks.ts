/**
 * Extension points the connection commands offer to subsystems written later (transactions, pub/sub,
 * blocking commands, client tracking, MONITOR, ACL, modules). One {@link ConnectionHooks} object per
 * server, created on first use; subsystems register into it at startup.
 *
 * - `reset`: RESET clears per-client state other subsystems own (MULTI/WATCH, subscriptions, tracking,
 *   MONITOR), as Valkey's clearClientConnectionState does, before it resets what this family owns.
 * - `counters`: CLIENT LIST / CLIENT INFO read `sub psub ssub multi watch multi-mem redir` from here, and
 *   the tracking prefixes' memory that tot-mem and maxmemory-clients count.
 * - `pauseWriteProbes`: CLIENT PAUSE WRITE holds commands flagged WRITE or MAY_REPLICATE; a probe says
 *   when a command counts as a write for other reasons (EXEC with queued writes, EVAL of a script without
 *   `no-writes`).
 * - `unblock`: CLIENT UNBLOCK asks the blocking layer to end a client's wait (by timeout or with the
 *   UNBLOCKED error); it answers whether the client was blocked and could be unblocked.
 * - `modules`: HELLO's `modules` array; writes the reply and is absent while no module API exists.
 * - `users`: the user directory AUTH, HELLO AUTH and the USER filters use (the ACL subsystem replaces the
 *   default, which knows the `default` user and `requirepass`).
 * - `authFailed`: called after a failed authentication (the ACL log records it).
 *
 * @module
 */

import type { ReplyWriter } from "../../resp/writer.ts";
import type { Client, UserAccess } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";

/** Per-client counters owned by other subsystems, with the values of a client that never used them. */
export interface ClientCounters {
  /** Channels subscribed with SUBSCRIBE. */
  sub: number;
  /** Patterns subscribed with PSUBSCRIBE. */
  psub: number;
  /** Shard channels subscribed with SSUBSCRIBE. */
  ssub: number;
  /** Commands queued in MULTI; -1 when the client has no transaction state. */
  multi: number;
  /** Keys watched. */
  watch: number;
  /** Bytes of the queued commands' arguments. */
  multiMem: number;
  /** Client tracking redirection id; -1 when tracking is off. */
  redir: number;
  /** Bytes of the client's tracking prefixes, counted in its memory (tot-mem, maxmemory-clients). */
  trackingMem: number;
}

/** The user directory behind AUTH. */
export interface UserDirectory {
  /** Whether a user of that name exists (CLIENT LIST/KILL USER filter). */
  exists(name: Uint8Array): boolean;
  /** The user's access when it exists, is enabled, and accepts the password; null otherwise. */
  check(name: Uint8Array, password: Uint8Array): UserAccess | null;
  /** True when the default user needs no password (`AUTH <password>` alone is then an error). */
  defaultIsNopass(): boolean;
  /** The access of an enabled user, without a password (a module authenticating a client); else null. */
  access(name: Uint8Array): UserAccess | null;
}

export interface ConnectionHooks {
  readonly reset: ((client: Client) => void)[];
  readonly counters: ((client: Client, out: ClientCounters) => void)[];
  readonly pauseWriteProbes: ((call: CommandCall) => boolean)[];
  readonly authFailed: ((client: Client, username: Uint8Array) => void)[];
  unblock: ((client: Client, withError: boolean) => boolean) | undefined;
  /**
   * Modules' authentication callbacks (core/module_api), tried before the user directory: "ok" when one
   * authenticated the client, an error text (null: WRONGPASS) when one refused, undefined when none
   * handled the attempt.
   */
  moduleAuth:
    | ((
      client: Client,
      username: Uint8Array,
      password: Uint8Array,
    ) => "ok" | { error: string | null } | undefined)
    | undefined;
  modules: ((reply: ReplyWriter) => void) | undefined;
  users: UserDirectory | undefined;
}

const hooksByServer = new WeakMap<Server, ConnectionHooks>();

/** The server's connection hooks (created empty on first use). */
export function connectionHooks(server: Server): ConnectionHooks {
  let h = hooksByServer.get(server);
  if (h === undefined) {
    h = {
      reset: [],
      counters: [],
      pauseWriteProbes: [],
      authFailed: [],
      unblock: undefined,
      moduleAuth: undefined,
      modules: undefined,
      users: undefined,
    };
    hooksByServer.set(server, h);
  }
  return h;
}

/** The counters of one client: defaults, then what every registered subsystem reports. */
export function clientCounters(server: Server, client: Client): ClientCounters {
  const out: ClientCounters = {
    sub: 0,
    psub: 0,
    ssub: 0,
    multi: -1,
    watch: 0,
    multiMem: 0,
    redir: -1,
    trackingMem: 0,
  };
  const h = hooksByServer.get(server);
  if (h !== undefined) { for (const fn of h.counters) fn(client, out); }
  return out;
}
