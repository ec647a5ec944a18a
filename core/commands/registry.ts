/**
 * The command table: every command (core and module) registered once from its spec, looked up by the
 * dispatcher with `CONTAINER|SUB` resolution. Implied ACL categories are derived from flags here (as
 * Valkey's setImplicitACLCategories does), never written twice in specs.
 *
 * @module
 */

import type { AclCategory, CommandSpec } from "./spec.ts";
import { errUnknownCommand, errUnknownSubcommand, errWrongArity } from "./errors.ts";
import { CommandExtensions } from "./extensions.ts";
import { wordHash, wordIs } from "../util/words.ts";

/**
 * A command as the dispatcher needs it, built once at registration so a lookup allocates nothing: the
 * spec, its full name, where its arguments start, its counters and the flags checked on every call.
 */
export interface ResolvedCommand {
  readonly spec: CommandSpec;
  /** `get` or `config|get`. */
  readonly fullName: string;
  /** Index of the first argument after the (sub)command name. */
  readonly argStart: number;
  readonly parent: CommandSpec | undefined;
  readonly stats: CommandStats;
  /** Flag NO_AUTH: runs before authentication. */
  readonly noAuth: boolean;
  /** Flag PROTECTED: allowed only as its enable-*-command config says. */
  readonly protected: boolean;
}

/** A failed lookup: the error to reply, and the command it resolved to when only the arity was wrong. */
export interface ResolveError {
  error: string;
  spec: CommandSpec | undefined;
}

/** Per-command counters for INFO commandstats. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

const latin1 = new TextDecoder("latin1");

/** Lower-cases an ASCII command word without building intermediate strings for the common short case. */
export function commandName(word: Uint8Array): string {
  const n = word.length;
  if (n <= 24) {
    let s = "";
    for (let i = 0; i < n; i++) {
      let c = word[i]!;
      if (c >= 65 && c <= 90) c += 32;
      s += String.fromCharCode(c);
    }
    return s;
  }
  return latin1.decode(word).toLowerCase();
}

const asciiEncoder = new TextEncoder();

export class CommandTable {
  /** Options modules add to core commands (SET IFEQ), see extensions.ts. */
  readonly extensions = new CommandExtensions();
  /** Top-level commands by their current name, lower-cased (`rename-command` changes it). */
  readonly #byName = new Map<string, CommandSpec>();
  /** Top-level commands by their declared name, lower-cased, renamed and removed ones included (ACL rules). */
  readonly #byOriginal = new Map<string, CommandSpec>();
  /** Top-level commands by the hash of their name's bytes, so a lookup builds no string. */
  readonly #byHash = new Map<number, { word: Uint8Array; spec: CommandSpec }[]>();
  readonly #resolved = new Map<CommandSpec, ResolvedCommand>();
  readonly #stats = new Map<CommandSpec, CommandStats>();
  readonly #fullNames = new Map<CommandSpec, string>();
  readonly #parents = new Map<CommandSpec, CommandSpec>();
  /** Bumped by register/unregister: the I/O Workers' copy of the table (core/io) is valid for one version. */
  version = 0;
  #hintArgv: readonly Uint8Array[] | null = null;
  #hint: ResolvedCommand | null = null;

  /**
   * Registers a command under its name as declared: core commands declare lower case, a module may
   * declare any case (valkey-bloom's `BF.ADD`), which COMMAND, errors and stats print as declared, as
   * Valkey keeps a module command's name verbatim. Lookups ignore case: the keys are lower-cased.
   */
  register(spec: CommandSpec): void {
    const key = spec.name.toLowerCase();
    if (this.#byName.has(key)) throw new Error(`command '${spec.name}' is already registered`);
    this.#byOriginal.set(key, spec);
    this.#add(key, spec);
    this.#fullNames.set(spec, spec.name);
    this.#resolved.set(spec, this.#makeResolved(spec, spec.name, 1, undefined));
    for (const sub of spec.subcommands ?? []) {
      const full = `${spec.name}|${sub.name}`;
      this.#fullNames.set(sub, full);
      this.#parents.set(sub, spec);
      this.#resolved.set(sub, this.#makeResolved(sub, full, 2, spec));
    }
  }

  #makeResolved(spec: CommandSpec, fullName: string, argStart: number, parent: CommandSpec | undefined) {
    return {
      spec,
      fullName,
      argStart,
      parent,
      stats: this.stats(spec),
      noAuth: spec.flags.includes("NO_AUTH"),
      protected: spec.flags.includes("PROTECTED"),
    };
  }

  /** Files a top-level command under a (lower-case) name for lookups. */
  #add(key: string, spec: CommandSpec): void {
    this.#byName.set(key, spec);
    this.version++;
    const word = asciiEncoder.encode(key);
    const h = wordHash(word);
    const bucket = this.#byHash.get(h);
    if (bucket === undefined) this.#byHash.set(h, [{ word, spec }]);
    else bucket.push({ word, spec });
  }

  /** Takes a top-level command's (lower-case) name out of the lookups; returns the command it named. */
  #remove(key: string): CommandSpec | undefined {
    const spec = this.#byName.get(key);
    if (spec === undefined) return undefined;
    this.#byName.delete(key);
    this.version++;
    const h = wordHash(asciiEncoder.encode(key));
    const bucket = this.#byHash.get(h)?.filter((e) => e.spec !== spec) ?? [];
    if (bucket.length === 0) this.#byHash.delete(h);
    else this.#byHash.set(h, bucket);
    return spec;
  }

  unregister(name: string): boolean {
    const spec = this.#remove(name.toLowerCase());
    if (spec === undefined) return false;
    this.#byOriginal.delete(spec.name.toLowerCase());
    this.#resolved.delete(spec);
    for (const sub of spec.subcommands ?? []) this.#resolved.delete(sub);
    return true;
  }

  /**
   * `rename-command old new`: the top-level command now called `old` (any case) is called `new`, or
   * nothing when `new` is empty (it can no longer be called). Its full name, which COMMAND, INFO
   * commandstats, ACL rules and error texts print, stays the declared one, as in Valkey. Returns Valkey's
   * config error, or null.
   */
  rename(oldName: string, newName: string): string | null {
    const spec = this.#byName.get(oldName.toLowerCase());
    if (spec === undefined) return "No such command in rename-command";
    const key = newName.toLowerCase();
    if (key !== "" && this.#byName.has(key)) return "Target command name already exists";
    this.#remove(oldName.toLowerCase());
    if (key !== "") this.#add(key, spec);
    return null;
  }

  /** The top-level command named by a request word (any case), without building a string. */
  lookupWord(word: Uint8Array): CommandSpec | undefined {
    const bucket = this.#byHash.get(wordHash(word));
    if (bucket === undefined) return undefined;
    for (const e of bucket) if (wordIs(word, e.word)) return e.spec;
    return undefined;
  }

  /** A top-level command by name, in any case. */
  get(name: string): CommandSpec | undefined {
    return this.#byName.get(name) ?? this.#byName.get(name.toLowerCase());
  }

  /** Top-level commands that can be called, in registration order (renamed ones last). */
  all(): IterableIterator<CommandSpec> {
    return this.#byName.values();
  }

  /** Top-level commands that can be called, by their current lower-case name. */
  named(): IterableIterator<[string, CommandSpec]> {
    return this.#byName.entries();
  }

  /** A top-level command by its declared name (any case), even when renamed or removed (ACL rules). */
  original(name: string): CommandSpec | undefined {
    return this.#byOriginal.get(name) ?? this.#byOriginal.get(name.toLowerCase());
  }

  /** Every top-level command under its declared name, renamed and removed ones included (ACL). */
  allOriginal(): IterableIterator<CommandSpec> {
    return this.#byOriginal.values();
  }

  get size(): number {
    return this.#byName.size;
  }

  fullName(spec: CommandSpec): string {
    return this.#fullNames.get(spec) ?? spec.name;
  }

  parentOf(spec: CommandSpec): CommandSpec | undefined {
    return this.#parents.get(spec);
  }

  /** Finds a subcommand spec of a container by its lower-case name (declared in any case). */
  subcommand(container: CommandSpec, name: string): CommandSpec | undefined {
    for (const s of container.subcommands ?? []) {
      if (s.name === name || s.name.toLowerCase() === name) return s;
    }
    return undefined;
  }

  /**
   * Resolves a request to a command, checking existence and arity as Valkey's processCommand does.
   * Returns the error text to reply when that fails.
   */
  resolve(argv: readonly Uint8Array[]): ResolvedCommand | ResolveError {
    if (argv === this.#hintArgv) {
      this.#hintArgv = null;
      return this.#hint!;
    }
    const spec = this.lookupWord(argv[0]!);
    if (spec === undefined) return { error: unknownCommand(argv), spec: undefined };
    const name = spec.name;
    if (spec.subcommands !== undefined && argv.length >= 2) {
      const subName = commandName(argv[1]!);
      const sub = this.subcommand(spec, subName);
      if (sub === undefined) {
        return { error: errUnknownSubcommand(text(argv[1]!), name).replace(/[\r\n]/g, " "), spec: undefined };
      }
      if (!arityOk(sub.arity, argv.length)) return { error: errWrongArity(`${name}|${sub.name}`), spec: sub };
      return this.#resolved.get(sub)!;
    }
    if (!arityOk(spec.arity, argv.length)) return { error: errWrongArity(name), spec };
    return this.#resolved.get(spec)!;
  }

  /**
   * The resolution of `argv` found ahead of time (io-threads: by the Worker that parsed the request, at
   * this table's version); the next resolve() of this very array returns it instead of looking again.
   */
  hint(argv: readonly Uint8Array[], resolved: ResolvedCommand): void {
    this.#hintArgv = argv;
    this.#hint = resolved;
  }

  /** The resolved form of a registered command or subcommand. */
  resolvedOf(spec: CommandSpec): ResolvedCommand | undefined {
    return this.#resolved.get(spec);
  }

  stats(spec: CommandSpec): CommandStats {
    let s = this.#stats.get(spec);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.#stats.set(spec, s);
    }
    return s;
  }

  /** Commands (and subcommands) that have stats, with their full names. */
  *statsEntries(): IterableIterator<[string, CommandStats]> {
    for (const [spec, s] of this.#stats) yield [this.fullName(spec), s];
  }

  /** Zeroes every counter (in place: resolved commands keep references to them). */
  resetStats(): void {
    for (const s of this.#stats.values()) {
      s.calls = 0;
      s.usec = 0;
      s.rejectedCalls = 0;
      s.failedCalls = 0;
    }
  }
}

function arityOk(arity: number, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

const utf8 = new TextDecoder();

function text(b: Uint8Array): string {
  // C's %s stops at the first NUL byte.
  const nul = b.indexOf(0);
  return utf8.decode(nul >= 0 ? b.subarray(0, nul) : b);
}

function unknownCommand(argv: readonly Uint8Array[]): string {
  const args: string[] = [];
  for (let i = 1; i < argv.length && i < 130; i++) args.push(text(argv[i]!));
  return errUnknownCommand(text(argv[0]!), args).replace(/[\r\n]/g, " ");
}

/** ACL categories of a command: its declared ones plus those its flags imply (Valkey's rules). */
export function aclCategories(spec: CommandSpec): AclCategory[] {
  // A module command has exactly the categories its module declares: Valkey derives no implicit ones
  // for module commands (they never pass through populateCommandStructure).
  if (spec.module !== undefined) return [...(spec.aclCategories ?? [])];
  const cats = new Set<AclCategory>(spec.aclCategories ?? []);
  const f = new Set(spec.flags);
  if (f.has("WRITE")) cats.add("write");
  if (f.has("READONLY") && !cats.has("scripting")) cats.add("read");
  if (f.has("ADMIN")) {
    cats.add("admin");
    cats.add("dangerous");
  }
  if (f.has("PUBSUB")) cats.add("pubsub");
  if (f.has("FAST")) cats.add("fast");
  if (f.has("BLOCKING")) cats.add("blocking");
  if (!f.has("FAST")) cats.add("slow");
  return [...cats];
}
