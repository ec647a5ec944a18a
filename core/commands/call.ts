/**
 * What a handler sees of one command execution: the server, the calling client, its database, the words,
 * the reply writer, and the side-effect hooks every write goes through (dirty counter, modified-key signal,
 * keyspace events).
 *
 * @module
 */

import type { Db } from "../keyspace/db.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { CommandSpec } from "./spec.ts";
import { PREVENT } from "../server/propagate.ts";

/** Keyspace event classes, as the letters of `notify-keyspace-events`. */
export type EventClass = "g" | "$" | "l" | "s" | "h" | "z" | "x" | "e" | "t" | "m" | "d" | "n";

export class CommandCall {
  server!: Server;
  client!: Client;
  argv: Uint8Array[] = [];
  spec!: CommandSpec;
  /** Full name (`config|get` for a subcommand), as COMMAND and errors print it. */
  fullName = "";
  /** Unix ms, fixed for the whole command (Valkey's cached `mstime`), so expiry is consistent. */
  now = 0;
  /** Set when the handler replied an error. */
  failed = false;
  /**
   * Set while EXEC runs the queued commands (Valkey's CLIENT_MULTI during exec): blocking commands answer
   * at once, MONITOR and SUBSCRIBE reply in place, and commands refused inside a transaction refuse.
   */
  inExec = false;
  /**
   * What this execution propagates instead of its own words (see core/server/propagate.ts): set by
   * {@link CommandCall.propagateAs} / {@link CommandCall.preventPropagation}, read and reset by the
   * dispatcher.
   */
  propArgv: readonly Uint8Array[] | undefined = undefined;

  /** Points this (reused) call at a new execution of `spec` as `fullName`, the way the dispatcher does. */
  begin(
    server: Server,
    client: Client,
    argv: Uint8Array[],
    spec: CommandSpec,
    fullName: string,
    now: number,
  ): this {
    this.server = server;
    this.client = client;
    this.argv = argv;
    this.spec = spec;
    this.fullName = fullName;
    this.now = now;
    this.failed = false;
    return this;
  }

  get reply(): ReplyWriter {
    return this.client.writer;
  }

  get db(): Db {
    return this.server.dbs[this.client.db]!;
  }

  /** Replies an error and counts it (errorstats, failed_calls). */
  error(msg: string): void {
    const deferred = this.client.deferredErrors;
    if (deferred !== undefined) deferred.push(msg);
    else {
      this.failed = true;
      this.server.stats.countError(msg);
    }
    this.client.writer.error(msg);
  }

  /** Counts changes since the last save (`rdb_changes_since_last_save`). */
  dirty(n = 1): void {
    this.server.dirty += n;
  }

  /** A key's value changed: WATCH, client tracking and modules learn of it (Valkey's signalModifiedKey). */
  keyModified(db: Db, key: Uint8Array): void {
    this.server.keyModified(db, key, this.client);
  }

  /** True when propagated effects are recorded (an AOF is on): handlers may skip building rewrites. */
  get propagating(): boolean {
    return this.server.propagation.active;
  }

  /**
   * Propagates `argv` instead of the command's own words if the command changed the dataset (Valkey's
   * rewriteClientCommandVector): the deterministic forms, e.g. EXPIRE → PEXPIREAT, INCRBYFLOAT → SET.
   */
  propagateAs(argv: Uint8Array[]): void {
    this.propArgv = argv;
  }

  /** Propagates an extra effect in the current database, in order with the others (alsoPropagate). */
  alsoPropagate(argv: Uint8Array[], dbId: number = this.client.db): void {
    this.server.propagation.also(dbId, argv);
  }

  /** The command's own words are not propagated (its effects were propagated with alsoPropagate). */
  preventPropagation(): void {
    this.propArgv = PREVENT;
  }

  /** Emits a keyspace event (Valkey's notifyKeyspaceEvent). */
  notify(cls: EventClass, event: string, key: Uint8Array, dbId: number): void {
    this.server.notifyKeyspaceEvent(cls, event, key, dbId);
  }
}
