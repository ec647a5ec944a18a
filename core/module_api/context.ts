/**
 * The command context a module handler receives: a thin view over the core's {@link CommandCall} (the same
 * object core handlers get), so module commands go through the same lookups, accounting and effects as core
 * commands. One context object is reused per server; it is only valid during the handler call.
 *
 * @module
 */

import { type Db, NO_ENTRY } from "../keyspace/db.ts";
import type { CommandCall, EventClass } from "../commands/call.ts";
import { ERR_WRONGTYPE, errWrongArity } from "../commands/errors.ts";
import { isExpired } from "../commands/generic/common.ts";
import { keyCreated, lookupRead, lookupWrite, typeName } from "../commands/lookup.ts";
import { usedMemory } from "../commands/server/memory_stats.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { argBytes, DEFERRED_ERRORS, moduleCall } from "./call.ts";
import {
  moduleAclAddLog,
  moduleAclCheckChannel,
  moduleAclCheckCommand,
  moduleAclCheckKey,
} from "../acl/acl.ts";
import type { KeySpecFlag } from "../commands/spec.ts";
import { isResp3 } from "../resp/reply_parser.ts";
import {
  type AclDenial,
  type CallReply,
  type CommandContext,
  type DataTypeHandle,
  type LogLevel,
  ModuleError,
  type ModuleReply,
  type ScanCursor,
  type ScanEntry,
  WRONG_TYPE,
  type WrongType,
} from "./types.ts";
import { ModuleValue, type RegisteredType } from "./value.ts";

/** What the context needs from the module host. */
export interface ContextOwner {
  readonly name: string;
  /** The registered type behind a handle of this server. */
  typeOf(handle: DataTypeHandle<unknown>): RegisteredType;
  config(name: string): number | string | boolean;
}

/** The reply writer modules see: the client's writer, with errors counted as the dispatcher counts them. */
class Reply implements ModuleReply {
  call!: CommandCall;

  get #w(): ReplyWriter {
    return this.call.reply;
  }
  simple(s: string): void {
    this.#w.simple(s);
  }
  error(msg: string): void {
    // Verbatim: the module's text goes after '-' (newlines would break the protocol).
    this.call.error(msg.replace(/[\r\n]/g, " "));
  }
  ok(): void {
    this.#w.ok();
  }
  int(n: number | bigint): void {
    this.#w.int(n);
  }
  bulk(b: Uint8Array): void {
    this.#w.bulk(b);
  }
  bulkStr(s: string): void {
    this.#w.bulkStr(s);
  }
  nullBulk(): void {
    this.#w.nullBulk();
  }
  nullArray(): void {
    this.#w.nullArray();
  }
  null(): void {
    this.#w.nullBulk();
  }
  arrayHeader(n: number): void {
    this.#w.arrayHeader(n);
  }
  mapHeader(pairs: number): void {
    this.#w.mapHeader(pairs);
  }
  setHeader(n: number): void {
    this.#w.setHeader(n);
  }
  double(d: number): void {
    this.#w.double(d);
  }
  bool(b: boolean): void {
    this.#w.bool(b);
  }
  verbatim(s: string, format: string): void {
    this.#w.verbatim(s, format);
  }
  bigNumber(s: string): void {
    this.#w.bigNumber(s);
  }
  callReply(reply: CallReply): boolean {
    const call = this.call;
    if (call.client.resp === 2 && isResp3(reply)) return false;
    this.#w.raw(reply.proto);
    // The errors the reply carries count now, for this client's command (Valkey's deferredAfterErrorReply).
    for (const e of DEFERRED_ERRORS.get(reply) ?? []) {
      call.failed = true;
      call.server.stats.countError(e);
    }
    if (reply.type === "error" && !DEFERRED_ERRORS.has(reply)) {
      call.failed = true;
      call.server.stats.countError(reply.value);
    }
    return true;
  }
}

/** A keyspace walk's position: the keyspace table's SCAN cursor (0 = start), and whether it came back. */
class KeyScanCursor implements ScanCursor {
  pos = 0;
  done = false;
  restart(): void {
    this.pos = 0;
    this.done = false;
  }
}

/** The entry handed to a scan callback: one object per context, pointed at each key in turn. */
class Entry implements ScanEntry {
  db!: Db;
  ref = 0;
  constructor(readonly owner: ContextOwner) {}
  get type(): string {
    return typeName(this.db, this.ref);
  }
  get expireAt(): number {
    return this.db.getExpire(this.ref);
  }
  value<T>(type: DataTypeHandle<T>): T | WrongType {
    if (this.db.isString(this.ref)) return WRONG_TYPE;
    const obj = this.db.getObject(this.ref);
    const rt = this.owner.typeOf(type as DataTypeHandle<unknown>);
    if (!(obj instanceof ModuleValue) || obj.dt.spec.name !== rt.spec.name) return WRONG_TYPE;
    return obj.value as T;
  }
}

/** Valkey's event class letters a module may use. */
const EVENT_CLASSES = new Set(["g", "$", "l", "s", "h", "z", "x", "e", "t", "m", "d", "n"]);

export class ModuleCommandContext implements CommandContext {
  /** The command being executed (bound per call, see bind). */
  cc!: CommandCall;
  readonly reply: Reply = new Reply();

  constructor(readonly owner: ContextOwner) {}

  /** Points the context at a new call (the dispatcher reuses one context per module). */
  bind(call: CommandCall): this {
    this.cc = call;
    this.reply.call = call;
    return this;
  }

  get argv(): Uint8Array[] {
    return this.cc.argv;
  }
  get resp(): 2 | 3 {
    return this.cc.client.resp;
  }
  get dbId(): number {
    return this.cc.client.db;
  }
  get clientId(): number {
    return this.cc.client.id;
  }
  get now(): number {
    return this.cc.now;
  }

  wrongArity(): void {
    this.cc.error(errWrongArity(this.cc.fullName));
  }

  callErrno = "";

  currentUserName(): string {
    return this.cc.client.user;
  }

  aclCheckCommand(user: string, argv: readonly (string | Uint8Array)[]): AclDenial | null {
    const r = moduleAclCheckCommand(this.cc.server, user, argv.map(argBytes));
    if (r === null) return null;
    if (typeof r === "string") return { reason: r, position: -1 };
    return r;
  }

  aclCheckKey(
    user: string,
    key: string | Uint8Array,
    ops: readonly ("access" | "insert" | "delete" | "update")[],
  ): boolean {
    if (ops.length === 0) return false;
    const flags = ops.map((o) => o.toUpperCase() as KeySpecFlag);
    return moduleAclCheckKey(this.cc.server, user, argBytes(key), flags) === true;
  }

  aclCheckChannel(user: string, channel: string | Uint8Array, pattern = false): boolean {
    return moduleAclCheckChannel(this.cc.server, user, argBytes(channel), pattern) === true;
  }

  aclAddLogEntry(
    user: string,
    object: string | Uint8Array,
    reason: "command" | "key" | "channel" | "auth",
  ): void {
    moduleAclAddLog(this.cc, user, object, reason);
  }

  call(
    command: string | Uint8Array,
    args: readonly (string | Uint8Array | number | bigint)[] = [],
    flags = "",
  ): CallReply | null {
    // The context is shared: a command run here may be a module command that rebinds it.
    const outer = this.cc;
    try {
      const { reply, errno } = moduleCall(outer, command, args, flags);
      this.callErrno = errno;
      return reply;
    } finally {
      this.bind(outer);
    }
  }

  replyWrongType(): void {
    this.cc.error(ERR_WRONGTYPE);
  }

  keyType(key: Uint8Array): string {
    const db = this.cc.db;
    const ref = lookupWrite(this.cc, key, db);
    return ref === NO_ENTRY ? "none" : typeName(db, ref);
  }

  exists(key: Uint8Array): boolean {
    return this.cc.db.lookup(key) !== NO_ENTRY;
  }

  getValue<T>(type: DataTypeHandle<T>, key: Uint8Array, mode: "read" | "write"): T | null | WrongType {
    const call = this.cc;
    const db = call.db;
    const ref = mode === "read" ? lookupRead(call, key, db) : lookupWrite(call, key, db);
    if (ref === NO_ENTRY) return null;
    if (db.isString(ref)) return WRONG_TYPE;
    const obj = db.getObject(ref);
    const rt = this.owner.typeOf(type as DataTypeHandle<unknown>);
    // By name: a value loaded from an RDB file may carry another server's registration of the same type.
    if (!(obj instanceof ModuleValue) || obj.dt.spec.name !== rt.spec.name) return WRONG_TYPE;
    return obj.value as T;
  }

  setValue<T>(type: DataTypeHandle<T>, key: Uint8Array, value: T): void {
    const call = this.cc;
    const db = call.db;
    const rt = this.owner.typeOf(type as DataTypeHandle<unknown>);
    const existed = db.lookup(key) !== NO_ENTRY;
    const ref = db.setObject(key, new ModuleValue(rt, value), false);
    if (!existed) keyCreated(call, db, ref, key);
  }

  deleteKey(key: Uint8Array): boolean {
    const db = this.cc.db;
    const ref = db.lookup(key);
    if (ref === NO_ENTRY) return false;
    db.deleteRef(ref);
    return true;
  }

  getString(key: Uint8Array): Uint8Array | null | WrongType {
    const db = this.cc.db;
    const ref = lookupRead(this.cc, key, db);
    if (ref === NO_ENTRY) return null;
    if (!db.isString(ref)) return WRONG_TYPE;
    return db.getString(ref).slice();
  }

  createScanCursor(): ScanCursor {
    return new KeyScanCursor();
  }

  scan(cursor: ScanCursor, fn: (key: Uint8Array, entry: ScanEntry) => void): boolean {
    if (!(cursor instanceof KeyScanCursor)) throw new ModuleError("ERR not a scan cursor of this server");
    if (cursor.done) return false;
    const db = this.cc.db;
    const now = this.cc.now;
    // The step's refs are collected first and `fn` runs after the table walk, so a callback that deletes,
    // overwrites or adds keys cannot disturb the chain being walked; keys are looked up again in case an
    // earlier callback of the same step deleted or replaced them.
    const refs: number[] = [];
    cursor.pos = db.scan(cursor.pos, (ref) => {
      if (!isExpired(db, ref, now)) refs.push(ref);
    });
    if (cursor.pos === 0) cursor.done = true;
    if (refs.length > 0) {
      const keys = refs.map((r) => db.getKey(r).slice());
      const entry = new Entry(this.owner);
      entry.db = db;
      for (let i = 0; i < refs.length; i++) {
        const key = keys[i]!;
        // An earlier callback of this step may have deleted or replaced this key: look it up again.
        const ref = i === 0 ? refs[0]! : db.find(key);
        if (ref === NO_ENTRY || isExpired(db, ref, now)) continue;
        entry.ref = ref;
        fn(key, entry);
      }
    }
    return !cursor.done;
  }

  ttl(key: Uint8Array): number {
    const db = this.cc.db;
    const ref = db.lookup(key);
    if (ref === NO_ENTRY) return -2;
    const when = db.getExpire(ref);
    return when === -1 ? -1 : Math.max(0, when - this.cc.now);
  }

  setExpire(key: Uint8Array, unixMs: number): boolean {
    const db = this.cc.db;
    const ref = db.lookup(key);
    if (ref === NO_ENTRY) return false;
    db.setExpire(ref, unixMs);
    return true;
  }

  signalModifiedKey(key: Uint8Array): void {
    this.cc.keyModified(this.cc.db, key);
  }

  notifyKeyspaceEvent(cls: string, event: string, key: Uint8Array): void {
    const c = EVENT_CLASSES.has(cls) ? cls as EventClass : "g";
    this.cc.notify(c, event, key, this.cc.client.db);
  }

  replicateVerbatim(): void {
    // The command's words as they came go to the AOF (and replicas) after this command, in order.
    const call = this.cc;
    if (call.propagating) call.alsoPropagate(call.argv.map((a) => a.slice()));
    call.dirty();
  }

  replicate(cmd: string, args: (string | Uint8Array)[]): void {
    const call = this.cc;
    if (call.propagating) {
      const te = new TextEncoder();
      call.alsoPropagate([
        te.encode(cmd),
        ...args.map((a) => typeof a === "string" ? te.encode(a) : a.slice()),
      ]);
    }
    call.dirty();
  }

  addDirty(n = 1): void {
    this.cc.dirty(n);
  }

  isFromPrimaryOrAof(): boolean {
    // True while the AOF is being loaded (no replication yet).
    return this.cc.server.propagation.replaying;
  }

  config(name: string): number | string | boolean {
    return this.owner.config(name);
  }

  usedMemory(): number {
    return usedMemory(this.cc.server);
  }

  maxMemory(): number {
    return this.cc.server.config.getInt("maxmemory");
  }

  log(level: LogLevel, msg: string): void {
    moduleLog(this.cc.server.logger, this.owner.name, level, msg);
  }
}

/** A module's log line: `<module> <message>`, as Valkey's RM_Log prefixes `<module name>`. */
export function moduleLog(
  logger: {
    debug(m: string): void;
    verbose(m: string): void;
    notice(m: string): void;
    warning(m: string): void;
  },
  module: string,
  level: LogLevel,
  msg: string,
): void {
  const line = `<${module}> ${msg}`;
  if (level === "debug") logger.debug(line);
  else if (level === "verbose") logger.verbose(line);
  else if (level === "warning") logger.warning(line);
  else logger.notice(line);
}
