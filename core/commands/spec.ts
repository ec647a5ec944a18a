/**
 * The command spec: one typed declaration per command, with the fields of Valkey's command JSON files
 * (`src/commands/*.json` in Valkey, documented in its `src/commands/README.md`), written in camelCase.
 *
 * A spec is data. The dispatcher reads arity, flags and key specs from it before any handler runs, the
 * argument parser (`args.ts`) reads its argument tree, and COMMAND INFO / DOCS / GETKEYS / LIST answer from
 * it. Handlers never re-check what the spec already says.
 *
 * @module
 */

import type { Args } from "./args.ts";
import type { CommandCall } from "./call.ts";

/** Command flags, as Valkey's JSON spells them (COMMAND INFO prints them lower-cased). */
export type CommandFlag =
  | "WRITE"
  | "READONLY"
  | "DENYOOM"
  | "MODULE"
  | "ADMIN"
  | "PUBSUB"
  | "NOSCRIPT"
  | "BLOCKING"
  | "LOADING"
  | "STALE"
  | "SKIP_MONITOR"
  | "SKIP_COMMANDLOG"
  | "ASKING"
  | "FAST"
  | "NO_AUTH"
  | "MAY_REPLICATE"
  | "SENTINEL"
  | "ONLY_SENTINEL"
  | "NO_MANDATORY_KEYS"
  | "PROTECTED"
  | "ONLY_MULTI"
  | "NO_MULTI"
  | "NO_ASYNC_LOADING"
  | "ALLOW_BUSY"
  | "TOUCHES_ARBITRARY_KEYS";

/** ACL categories, without the leading `@`. */
export type AclCategory =
  | "keyspace"
  | "read"
  | "write"
  | "set"
  | "sortedset"
  | "list"
  | "hash"
  | "string"
  | "bitmap"
  | "hyperloglog"
  | "geo"
  | "stream"
  | "pubsub"
  | "admin"
  | "fast"
  | "slow"
  | "blocking"
  | "dangerous"
  | "connection"
  | "transaction"
  | "scripting"
  | (string & { readonly __moduleCategory?: never });

/** Key-spec flags (Valkey's key specs: access type and logical operation). */
export type KeySpecFlag =
  | "RO"
  | "RW"
  | "OW"
  | "RM"
  | "ACCESS"
  | "UPDATE"
  | "INSERT"
  | "DELETE"
  | "NOT_KEY"
  | "INCOMPLETE"
  | "VARIABLE_FLAGS";

export type BeginSearch =
  | { index: { pos: number } }
  | { keyword: { keyword: string; startFrom: number } }
  | { unknown: null };

export type FindKeys =
  | { range: { lastkey: number; step: number; limit: number } }
  | { keynum: { keynumidx: number; firstkey: number; step: number } }
  | { unknown: null };

export interface KeySpec {
  notes?: string;
  flags: KeySpecFlag[];
  beginSearch: BeginSearch;
  findKeys: FindKeys;
}

export type ArgType =
  | "key"
  | "string"
  | "integer"
  | "double"
  | "pattern"
  | "unix-time"
  | "pure-token"
  | "oneof"
  | "block";

/** One node of a command's argument tree (Valkey's `arguments` array). */
export interface ArgSpec {
  name: string;
  type: ArgType;
  /** A literal token that introduces the argument (`EX`, `MATCH`...); matched case-insensitively. */
  token?: string;
  displayText?: string;
  keySpecIndex?: number;
  optional?: boolean;
  multiple?: boolean;
  /** With `multiple`: the token is repeated before every value (`GET pattern [GET pattern ...]`). */
  multipleToken?: boolean;
  since?: string;
  deprecatedSince?: string;
  summary?: string;
  /** Children of a `oneof` or `block`. */
  arguments?: ArgSpec[];
}

export type ReplyShape = Record<string, unknown>;

export interface CommandSpec {
  /** Lower-case name; for a subcommand, the subcommand's own name (`get` of `config`). */
  name: string;
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  /** Valkey's arity: N = exactly N words including the name; -N = at least N. */
  arity: number;
  flags: CommandFlag[];
  aclCategories?: AclCategory[];
  keySpecs?: KeySpec[];
  arguments?: ArgSpec[];
  history?: [version: string, description: string][];
  docFlags?: ("DEPRECATED" | "SYSCMD")[];
  deprecatedSince?: string;
  replacedBy?: string;
  commandTips?: string[];
  replySchema?: ReplyShape;
  /** The module that declared it (COMMAND LIST FILTERBY MODULE, COMMAND DOCS module field). */
  module?: string;
  /** Subcommands of a container command (CONFIG, CLIENT, OBJECT...). */
  subcommands?: CommandSpec[];
  /**
   * The handler. When the spec has `arguments` and `parse` is not `"manual"`, the dispatcher runs the
   * spec-driven parser first and passes its result; a parse error is replied without calling the handler.
   */
  handler?: (call: CommandCall, args: Args) => void;
  /** `"manual"`: the handler reads `call.argv` itself (odd grammars); `args` is then empty. */
  parse?: "auto" | "manual";
  /** Returns the key positions when key specs cannot express them (movable keys). */
  getKeys?: (argv: Uint8Array[]) => number[];
  /**
   * Runs when the command was queued inside MULTI (after `+QUEUED`): the place to start slow work EXEC
   * will need done, such as MODULE LOAD reading its file (it may hold the client meanwhile).
   */
  onQueued?: (call: CommandCall) => void;
}
