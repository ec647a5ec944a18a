/**
 * The public types of the module API: what a module declares (its manifest) and what its code sees at run
 * time (command context, reply writer, persistence I/O). Modules import them through `mod.ts`.
 *
 * The shapes mirror Valkey's C module API as valkey-bloom and valkey-json use it (RedisModule_Init,
 * CreateDataType, CreateCommand, Register*Config, AddACLCategory, InfoAddSection, Replicate*...), expressed
 * as data: a module is a manifest the server registers in one step, so a failed load leaves nothing behind.
 *
 * @module
 */

import type { ArgSpec, CommandFlag, KeySpec } from "../commands/spec.ts";

export type { ArgSpec, CommandFlag, KeySpec, KeySpecFlag } from "../commands/spec.ts";
import type { RespReply } from "../resp/reply_parser.ts";

/**
 * A command's reply as `ctx.call()` returns it (Valkey's CallReply): `string` (bytes, simple or bulk),
 * `error` (its text), `integer` (bigint), `null`, `array`, `map` (pairs), `set`, `push`, `bool`,
 * `double`, `bignumber` (text), `verbatim` (format + bytes); every node has its RESP bytes in `proto` and
 * a RESP3 attribute, if any, in `attribute`.
 */
export type CallReply = RespReply;

/** The API version this server implements. A module asking for a higher one fails to load. */
export const MODULE_API_VERSION = 1;

/** Returned by key accessors when the key holds a value of another type (the caller replies WRONGTYPE). */
export const WRONG_TYPE: unique symbol = Symbol.for("valkyr.module_api.WRONGTYPE");
export type WrongType = typeof WRONG_TYPE;

/**
 * An error a module raises on purpose. In a command handler (or a condition of a command extension) its
 * message is replied verbatim (`new ModuleError("ERR bad")` → `-ERR bad`); in `onLoad`, `rdbLoad` or a
 * config validator it aborts the operation with that message in the log / CONFIG SET error.
 */
export class ModuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModuleError";
  }
}

/** A module: what MODULE LOAD registers, all or nothing. */
export interface ModuleManifest {
  /** MODULE LIST name ("bf", "json", "setifeq"...): `[A-Za-z0-9_-]`, unique among loaded modules. */
  name: string;
  /** MODULE LIST `ver`, e.g. 10000 for 1.0.0. */
  version: number;
  /** The module API version the module was written for; must be ≤ {@link MODULE_API_VERSION}. */
  apiVersion: number;
  /** Custom ACL categories (without `@`), e.g. ["bloom"]; commands may list them in `aclCategories`. */
  aclCategories?: string[];
  // deno-lint-ignore no-explicit-any
  dataTypes?: DataTypeSpec<any>[];
  commands: ModuleCommandSpec[];
  /** Configs, exposed as `<module name>.<config name>` in CONFIG GET/SET/REWRITE and the config file. */
  configs?: ModuleConfigSpec[];
  /**
   * Module arguments may set configs (valkeymodule-rs's `module_args_as_configuration`, as valkey-bloom
   * uses): when an argument equals a config's short name, the next argument is that config's default for
   * this load (`MODULE LOAD bf.ts bloom-capacity 1000`, `--loadmodule bf.ts bloom-capacity 1000`). A
   * value the config refuses fails the load. Values from the config file or LOADEX's CONFIG pairs still
   * win, and `onLoad` still gets every argument.
   */
  argsAsConfig?: boolean;
  /** Extensions of core commands (new options such as SET's IFEQ), see {@link CommandExtensionSpec}. */
  commandExtensions?: CommandExtensionSpec[];
  /**
   * Authentication callbacks (Valkey's RegisterAuthCallback): AUTH and HELLO AUTH try them, the most
   * recently loaded module's first, before the users' passwords. See {@link AuthCallback}.
   */
  authCallbacks?: AuthCallback[];
  /**
   * INFO sections. Call `info.section(name)` then `info.field(...)`; sections print as
   * `# <module>_<section>`, fields as `<module>_<field>:<value>`.
   */
  info?(info: InfoBuilder, forCrashReport: boolean): void;
  /**
   * Runs after everything above is registered and configs are applied, before the load completes. Throw
   * (preferably a {@link ModuleError}) to abort the load: the server then unregisters everything.
   */
  onLoad?(ctx: ModuleLoadContext, args: string[]): void;
  /** Runs on MODULE UNLOAD (and server stop), after the unload checks passed. */
  onUnload?(ctx: ModuleLoadContext): void;
}

/**
 * A module command. Same field names and meaning as core's CommandSpec (core/commands/spec.ts): `name` is
 * the full name in the case the module chooses ("BF.ADD"): COMMAND, error replies and INFO commandstats
 * print it as declared, as Valkey does, while requests match it in any case; two names differing only in
 * case are the same command. `group` defaults to "module"; `arity` is Valkey's (N exactly, -N at
 * least N, counting the name); `flags` are CommandFlag words; `aclCategories` may include the module's own
 * categories; `keySpecs`/`arguments` feed COMMAND INFO/DOCS/GETKEYS. Only the handler's signature differs.
 */
export interface ModuleCommandSpec {
  name: string;
  summary?: string;
  since?: string;
  group?: string;
  complexity?: string;
  arity: number;
  flags: CommandFlag[];
  aclCategories?: string[];
  keySpecs?: KeySpec[];
  arguments?: ArgSpec[];
  history?: [version: string, description: string][];
  docFlags?: ("DEPRECATED" | "SYSCMD")[];
  deprecatedSince?: string;
  replacedBy?: string;
  commandTips?: string[];
  /** Subcommands of a container (`MOD.CMD` with `SUB`...): each `name` is the subcommand's own name. */
  subcommands?: ModuleCommandSpec[];
  /** Movable keys: the key positions in argv, when key specs cannot express them. */
  getKeys?: (argv: Uint8Array[]) => number[];
  /** The handler; `ctx.argv` holds every word including the command (and subcommand) name. */
  handler?: (ctx: CommandContext) => void;
}

/** What a module command's handler sees (Valkey's RedisModuleCtx in a command callback). */
export interface CommandContext {
  readonly argv: Uint8Array[];
  /** The client's protocol (HELLO). */
  readonly resp: 2 | 3;
  /** The client's selected database. */
  readonly dbId: number;
  readonly clientId: number;
  /** Unix ms, fixed for the whole command. */
  readonly now: number;
  /** Writes the reply: exactly one top-level reply per call. */
  readonly reply: ModuleReply;
  /** Replies `ERR wrong number of arguments for '<cmd>' command`. */
  wrongArity(): void;
  /**
   * Runs a command and returns its reply (Valkey's ValkeyModule_Call; core/module_api/call.ts). `flags`
   * are Valkey's format flags: `!` propagate it (`A` not to the AOF, `R` not to replicas), `3` RESP3,
   * `0` the caller's protocol, `C` check the caller's ACL, `S` script mode, `W` no writes, `M` respect
   * OOM, `E` return failed checks as error replies, `D` dry run. A failed check returns null and sets
   * {@link callErrno}.
   */
  call(
    command: string | Uint8Array,
    args?: readonly (string | Uint8Array | number | bigint)[],
    flags?: string,
  ): CallReply | null;
  /**
   * Why the last `call()` returned null: "ENOENT" unknown command, "EINVAL" wrong arity, "ESPIPE" not in
   * script mode, "ENOSPC" OOM or a write under `W`, "EACCES" ACL, "ENOTSUP" flag `K`, "EBADF" an unknown
   * flag, "ENODATA" no reply; "" when it returned a reply.
   */
  readonly callErrno: string;
  /** The client's ACL user (Valkey's GetCurrentUserName). */
  currentUserName(): string;
  /**
   * May the ACL user `user` run `argv` (command, keys, channels)? Valkey's ACLCheckCommandPermissions: null
   * when allowed, else why and at which argument; "no-user" / "no-command" (position -1) when there is no
   * such user or command.
   */
  aclCheckCommand(user: string, argv: readonly (string | Uint8Array)[]): AclDenial | null;
  /**
   * May `user` access `key` for these operations (`access` reads; `insert`, `delete`, `update` write)?
   * Valkey's ACLCheckKeyPermissions. False for an unknown user.
   */
  aclCheckKey(
    user: string,
    key: string | Uint8Array,
    ops: readonly ("access" | "insert" | "delete" | "update")[],
  ): boolean;
  /** May `user` use `channel` (a pattern, compared literally, when `pattern`)? False for an unknown user. */
  aclCheckChannel(user: string, channel: string | Uint8Array, pattern?: boolean): boolean;
  /** Adds an ACL LOG entry in the `module` context for this client (Valkey's ACLAddLogEntry). */
  aclAddLogEntry(
    user: string,
    object: string | Uint8Array,
    reason: "command" | "key" | "channel" | "auth",
  ): void;
  /** Replies `WRONGTYPE Operation against a key holding the wrong kind of value`. */
  replyWrongType(): void;
  /** TYPE of a key: "none", "string", "list"..., or a module type's 9-character name. Expiry-aware. */
  keyType(key: Uint8Array): string;
  /** Whether the key exists (expiry-aware, no hit/miss accounting). */
  exists(key: Uint8Array): boolean;
  /**
   * The value of a key of the given module type: null when the key does not exist, {@link WRONG_TYPE} when
   * it holds another type. "read" counts keyspace hits/misses and touches the LRU like core reads.
   */
  getValue<T>(type: DataTypeHandle<T>, key: Uint8Array, mode: "read" | "write"): T | null | WrongType;
  /** Creates or replaces a key with a module value (as RM_ModuleTypeSetValue: an existing TTL is removed). */
  setValue<T>(type: DataTypeHandle<T>, key: Uint8Array, value: T): void;
  /** Deletes a key (any type); true when it existed. */
  deleteKey(key: Uint8Array): boolean;
  /** A plain string key's bytes (read lookup), null when missing, {@link WRONG_TYPE} for other types. */
  getString(key: Uint8Array): Uint8Array | null | WrongType;
  /**
   * A new cursor for {@link scan}, at the start of the keyspace (RM_ScanCursorCreate). Cursors are plain
   * positions: keep one across commands to walk a big keyspace in slices, as SCAN does.
   */
  createScanCursor(): ScanCursor;
  /**
   * One step of a walk over the keys of the selected database (RM_Scan): calls `fn` for each key of the
   * next bucket(s) of the keyspace table (usually 0-3 keys) and returns true while keys remain, false once
   * the walk is complete (then `cursor.done` is true). Walk everything with `while (ctx.scan(c, fn)) {}` —
   * which, as in Valkey, holds the server for the whole walk.
   *
   * Guarantees are SCAN's: a key present from the first step to the last is reported at least once, even
   * if the table grows or shrinks between steps (a resize in between may report a key twice); a key added
   * or deleted meanwhile may or may not be. Logically expired keys are skipped (and left for expiry to
   * delete). `fn` gets a copy of the key's name and a {@link ScanEntry} valid only during the call. It may
   * read any key, delete or overwrite the key it was given, and add keys (it runs after the step's table
   * walk, so a resize it causes is a resize between steps).
   */
  scan(cursor: ScanCursor, fn: (key: Uint8Array, entry: ScanEntry) => void): boolean;
  /** A key's remaining TTL in ms, -1 without expiry, -2 when the key does not exist. */
  ttl(key: Uint8Array): number;
  /** Sets a key's absolute expiry (unix ms); false when the key does not exist. */
  setExpire(key: Uint8Array, unixMs: number): boolean;
  /** After a write: WATCH, client tracking and other listeners learn the key changed. */
  signalModifiedKey(key: Uint8Array): void;
  /**
   * Emits a keyspace event. `cls` is a `notify-keyspace-events` letter: "g" generic, "$" string, "m"
   * keymiss, "n" new, "d" module... Modules normally use "g".
   */
  notifyKeyspaceEvent(cls: string, event: string, key: Uint8Array): void;
  /** Propagates the command as it came (and counts one dirty write). */
  replicateVerbatim(): void;
  /** Propagates another command instead of this one (and counts one dirty write). */
  replicate(cmd: string, args: (string | Uint8Array)[]): void;
  /** Counts changes since the last save. */
  addDirty(n?: number): void;
  /** True while loading the AOF or applying a primary's replication stream (never, for now). */
  isFromPrimaryOrAof(): boolean;
  /** This module's config by short name ("bloom-capacity"). */
  config(name: string): number | string | boolean;
  /** The server's used memory in bytes (INFO `used_memory`). */
  usedMemory(): number;
  /** The server's `maxmemory` (0 = no limit). */
  maxMemory(): number;
  /** Writes a line to the server log, prefixed with the module name. */
  log(level: LogLevel, msg: string): void;
}

/** A position in a keyspace walk ({@link CommandContext.scan}; Valkey's RedisModuleScanCursor). */
export interface ScanCursor {
  /** True once the walk has reported the whole keyspace; `scan` then returns false right away. */
  readonly done: boolean;
  /** Starts the walk over (RM_ScanCursorRestart). */
  restart(): void;
}

/** The key {@link CommandContext.scan} is reporting (the `key` handle of RM_Scan's callback). */
export interface ScanEntry {
  /** TYPE of the key: "string", "hash"..., or a module type's 9-character name. */
  readonly type: string;
  /** Absolute expiry in unix ms, -1 without one. */
  readonly expireAt: number;
  /**
   * The key's value when it holds the given module data type, {@link WRONG_TYPE} otherwise (no keyspace
   * hit/miss accounting, no LRU touch: a walk is not a read by a client).
   */
  value<T>(type: DataTypeHandle<T>): T | WrongType;
}

export type LogLevel = "debug" | "verbose" | "notice" | "warning";

/**
 * A module's say on an AUTH / HELLO AUTH attempt: "not-handled" lets the next callback (and finally the
 * users' passwords) decide; "handled" ends it — the client is authenticated when the callback called
 * `ctx.authenticateWithUser()`, else refused with WRONGPASS; `{ deny }` refuses with that error (a text
 * without a `-CODE` gets `ERR `). The callback may add ACL LOG entries itself.
 */
export type AuthCallback = (
  ctx: AuthContext,
  username: Uint8Array,
  password: Uint8Array,
) => "handled" | "not-handled" | { deny: string };

/** What an authentication callback may do. */
export interface AuthContext {
  /** The client trying to authenticate. */
  readonly clientId: number;
  /**
   * Authenticates the client as the ACL user `name` (Valkey's AuthenticateClientWithACLUser); false when
   * there is no such user or it is disabled.
   */
  authenticateWithUser(name: string): boolean;
  /** Adds an ACL LOG entry in the `module` context (a refused attempt: reason "auth"). */
  aclAddLogEntry(
    user: string,
    object: string | Uint8Array,
    reason: "command" | "key" | "channel" | "auth",
  ): void;
  log(level: LogLevel, msg: string): void;
}

/** Why {@link CommandContext.aclCheckCommand} refused a command, and at which argument (-1: none). */
export interface AclDenial {
  reason: "command" | "key" | "channel" | "no-user" | "no-command";
  position: number;
}

/**
 * The reply writer. Errors go out verbatim: `error("ERR x")` sends `-ERR x`; no prefix is added. Arrays,
 * maps and sets are headers followed by their elements (which may be errors).
 */
export interface ModuleReply {
  simple(s: string): void;
  error(msg: string): void;
  ok(): void;
  int(n: number | bigint): void;
  bulk(b: Uint8Array): void;
  bulkStr(s: string): void;
  /** RESP2 `$-1`, RESP3 `_`. */
  nullBulk(): void;
  /** RESP2 `*-1`, RESP3 `_`. */
  nullArray(): void;
  /** RESP3 `_`, RESP2 `$-1`. */
  null(): void;
  arrayHeader(n: number): void;
  /** RESP3 map, RESP2 flat array of 2n. */
  mapHeader(pairs: number): void;
  /** RESP3 set, RESP2 array. */
  setHeader(n: number): void;
  /** RESP3 double, RESP2 bulk string. */
  double(d: number): void;
  /** RESP3 boolean, RESP2 integer 1/0. */
  bool(b: boolean): void;
  /** RESP3 verbatim string (`format` is 3 letters, "txt"), RESP2 bulk string. */
  verbatim(s: string, format: string): void;
  /** RESP3 big number, RESP2 bulk string. */
  bigNumber(s: string): void;
  /**
   * Sends a `ctx.call()` reply (or part of one) as it came (Valkey's ReplyWithCallReply); the errors it
   * holds are counted now. False, and nothing sent, when it has RESP3 types and the client speaks RESP2.
   */
  callReply(reply: CallReply): boolean;
}

/** A module data type (RedisModule_CreateDataType). */
export interface DataTypeSpec<T> {
  /** Exactly 9 characters of `[A-Za-z0-9_-]`: TYPE's answer and (with encver) the RDB module id. */
  name: string;
  /** Encoding version written in RDB (0..1023). */
  encver: number;
  rdbSave(io: RdbOutput, value: T): void;
  /** Throws (ModuleError) on bad or unknown data, e.g. an encver newer than the module knows. */
  rdbLoad(io: RdbInput, encver: number): T;
  /** Emits commands that rebuild the value under `key` (AOF rewrite). */
  aofRewrite(emit: (cmd: string, ...args: (string | Uint8Array)[]) => void, key: Uint8Array, value: T): void;
  /** Bytes the value costs (MEMORY USAGE). */
  memUsage(value: T): number;
  free?(value: T): void;
  /** Work to free the value (lazy free decides sync/async from it). */
  freeEffort?(key: Uint8Array, value: T): number;
  /** COPY: a copy of the value for `toKey`; null = COPY not supported for this value. */
  copy?(fromKey: Uint8Array, toKey: Uint8Array, value: T): T | null;
  /**
   * DEBUG DIGEST / DIGEST-VALUE: feed the value's content to `d`, a {@link DigestBuilder} (Valkey's
   * digest callback). Add ordered
   * elements with `addStringBuffer` / `addLongLong` and close each group whose order must not matter with
   * `endSequence` (e.g. one sequence per member of a set). A type without it contributes only its type
   * and key, as in Valkey.
   */
  digest?(d: DigestOutput, value: T): void;
  /**
   * Active defrag (Valkey's defrag callback), called for each value of the type while active defrag runs
   * (`activedefrag yes` and the fragmentation thresholds met). A JavaScript module has no allocator to
   * move memory with; what it can do is compact: copy buffers that grew with spare capacity into
   * right-sized ones, merge many small chunks, drop caches. Report each buffer moved with `ctx.moved()`
   * (INFO `active_defrag_hits`; a value with none counts a miss). For a big value, work in slices: check
   * `ctx.shouldStop()`, keep your position in `ctx.cursor` and return 1; the server calls again with the
   * same cursor in a later cycle (unless the key was deleted or replaced), until it returns 0.
   */
  defrag?(key: Uint8Array, value: T, ctx: DefragContext): 0 | 1;
  /** OBJECT ENCODING's answer; default "raw" (as Valkey for module values). */
  encoding?(value: T): string;
  /** Element count (lazy free, INFO); default 1. */
  length?(value: T): number;
}

/** A registered data type, as modules refer to it in getValue/setValue. */
export interface DataTypeHandle<T> {
  readonly name: string;
  readonly encver: number;
  /** Valkey's 64-bit module type id: 9 chars × 6 bits, then 10 bits of encver. */
  readonly moduleId: bigint;
  /** Type marker only (never set). */
  readonly __value?: T;
}

/** What `onLoad`/`onUnload` see. */
export interface ModuleLoadContext {
  /** The handle of one of this module's data types (after registration). */
  dataType<T>(name: string): DataTypeHandle<T>;
  /** This module's config by short name. */
  config(name: string): number | string | boolean;
  log(level: LogLevel, msg: string): void;
}

/** RDB writer for module values (RedisModule_Save*); the persistence layer implements it. */
export interface RdbOutput {
  saveUnsigned(n: number | bigint): void;
  saveSigned(n: number | bigint): void;
  saveDouble(d: number): void;
  saveFloat(f: number): void;
  saveString(b: Uint8Array | string): void;
}

/** RDB reader for module values (RedisModule_Load*). Readers throw on truncated data. */
export interface RdbInput {
  loadUnsigned(): bigint;
  loadSigned(): bigint;
  loadDouble(): number;
  loadFloat(): number;
  loadString(): Uint8Array;
}

/**
 * What a data type's `digest` callback is declared with: the minimal builder (older name pair). The
 * object the server passes is always a full {@link DigestBuilder}; declare the callback as
 * `digest(d: DigestBuilder, value)` to use all of it.
 */
export interface DigestOutput {
  /** Same as {@link DigestBuilder.addStringBuffer}. */
  addString(b: Uint8Array | string): void;
  /** Same as {@link DigestBuilder.addLongLong}. */
  addInt(n: number | bigint): void;
  /** Closes the current sequence (DigestEndSequence). */
  endSequence(): void;
}

/**
 * The digest builder (Valkey's ValkeyModuleDigest). Elements added between two `endSequence` calls are
 * mixed in order (a b ≠ b a); the sequences themselves are combined without regard to order, so a type
 * whose elements have no order (a set) ends a sequence after each one. Same results as Valkey's
 * DigestAddStringBuffer / DigestAddLongLong / DigestEndSequence for the same calls.
 */
export interface DigestBuilder extends DigestOutput {
  /** The key whose value is being digested (RedisModule_GetKeyNameFromDigest). */
  readonly key: Uint8Array;
  /** Its database (RedisModule_GetDbIdFromDigest). */
  readonly dbId: number;
  /** Mixes bytes (a string is taken as UTF-8) into the current sequence (DigestAddStringBuffer). */
  addStringBuffer(b: Uint8Array | string): void;
  /** Mixes an integer, as its decimal text, into the current sequence (DigestAddLongLong). */
  addLongLong(n: number | bigint): void;
}

/** What a data type's `defrag` callback gets besides the key and value. */
export interface DefragContext {
  /** The value's database. */
  readonly dbId: number;
  /** Where a sliced defrag resumes: 0 on the first call for a value, then what the callback stored. */
  cursor: number;
  /** True when the time slice of this defrag cycle is used up: store `cursor` and return 1. */
  shouldStop(): boolean;
  /** Reports `n` buffers moved / compacted (INFO active_defrag_hits). */
  moved(n?: number): void;
}

export type ModuleConfigValue = boolean | number | string;

/** A module config (RedisModule_Register{Bool,Numeric,String,Enum}Config). */
export interface ModuleConfigSpec {
  /** Without the module prefix: "bloom-capacity" is `bf.bloom-capacity`. */
  name: string;
  type: "bool" | "numeric" | "string" | "enum";
  default: ModuleConfigValue;
  /** numeric: inclusive bounds (default the int64 range). */
  min?: number;
  max?: number;
  /**
   * enum: the accepted names (case-insensitive), each a name (its value is its index) or `[name, value]`.
   * With the `bitflags` flag the values are bits: `CONFIG SET m.x "a b"` sets a|b, CONFIG GET prints
   * the names whose bits are set (a name covering several bits first, as listed), and the module sees
   * the number (`ctx.config()`, `validate`, `onChange`); the default may be a number or names.
   */
  enumValues?: (string | [name: string, value: number])[];
  /**
   * `bitflags` (enum only, Valkey's REDISMODULE_CONFIG_BITFLAGS): see {@link enumValues}. `memory`
   * (numeric only): accepts `10mb` and the like.
   */
  flags?: ("immutable" | "sensitive" | "hidden" | "protected" | "memory" | "bitflags")[];
  /** Extra validation: an error message (without "ERR"), or undefined when the value is accepted. */
  validate?(value: ModuleConfigValue): string | undefined;
  /** Called after a value was applied (startup, CONFIG SET). */
  onChange?(value: ModuleConfigValue): void;
}

export interface InfoBuilder {
  /** Starts a section `<module>_<name>` (an empty name is the section `<module>`). */
  section(name: string): void;
  /** A field `<module>_<name>:<value>` in the current section. */
  field(name: string, value: string | number): void;
}

/**
 * An extension of a core command: a new option word the core command offers a place for. The core command
 * declares its extension points; a module adds options to them without copying or patching the command.
 *
 * Points offered by the core:
 * - `set` / `condition`: one more member of SET's `NX | XX` choice, a token followed by one operand
 *   (`SET key value IFEQ v`). The option is mutually exclusive with NX, XX and other conditions (else
 *   `ERR syntax error`). Before writing, SET asks {@link CommandExtensionSpec.condition} with the key's
 *   current value; false aborts the write (reply nil, or the old value with GET). With GET, SET replies
 *   WRONGTYPE for a non-string key before asking.
 *
 * While the module is loaded, COMMAND DOCS of the command shows `argument` inside the point's argument and
 * `history` appended to the command's history. Without it, the token is a syntax error as before.
 */
export interface CommandExtensionSpec {
  /** The core command, lower-case ("set"). */
  command: string;
  /** The command's extension point ("condition"). */
  point: string;
  /** The option word (matched case-insensitively), e.g. "IFEQ". */
  token: string;
  /** COMMAND DOCS entry for the option (Valkey's argument shape: name, type, token, since, summary). */
  argument: ArgSpec;
  /** Lines appended to the command's COMMAND DOCS history. */
  history?: [version: string, description: string][];
  /**
   * Decides whether the write proceeds. `current` is the key's value: bytes for a string, null when the key
   * does not exist, WRONG_TYPE for another type. `operand` is the word after the token. Throw a ModuleError
   * to reply an error instead (e.g. WRONGTYPE).
   */
  condition(current: Uint8Array | null | WrongType, operand: Uint8Array): boolean;
}
