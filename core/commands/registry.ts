/**
 * The command table: every command (core and module) registered once from its spec, looked up by the
 * dispatcher with `CONTAINER|SUB` resolution. Implied ACL categories are derived from flags here (as
 * Valkey's setImplicitACLCategories does), never written twice in specs.
 *
 * @module
 */

import type { AclCategory, CommandSpec } from "./spec.ts";
import { errUnknownCommand, errUnknownSubcommand, errWrongArity } from "./errors.ts";

export interface ResolvedCommand {
  spec: CommandSpec;
  /** `get` or `config|get`. */
  fullName: string;
  /** Index of the first argument after the (sub)command name. */
  argStart: number;
  parent: CommandSpec | undefined;
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

export class CommandTable {
  readonly #byName = new Map<string, CommandSpec>();
  readonly #stats = new Map<CommandSpec, CommandStats>();
  readonly #fullNames = new Map<CommandSpec, string>();
  readonly #parents = new Map<CommandSpec, CommandSpec>();

  register(spec: CommandSpec): void {
    if (this.#byName.has(spec.name)) throw new Error(`command '${spec.name}' is already registered`);
    this.#byName.set(spec.name, spec);
    this.#fullNames.set(spec, spec.name);
    for (const sub of spec.subcommands ?? []) {
      this.#fullNames.set(sub, `${spec.name}|${sub.name}`);
      this.#parents.set(sub, spec);
    }
  }

  unregister(name: string): boolean {
    const spec = this.#byName.get(name);
    if (spec === undefined) return false;
    this.#byName.delete(name);
    return true;
  }

  get(name: string): CommandSpec | undefined {
    return this.#byName.get(name);
  }

  /** Top-level commands in registration order. */
  all(): IterableIterator<CommandSpec> {
    return this.#byName.values();
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

  /** Finds a subcommand spec of a container by name. */
  subcommand(container: CommandSpec, name: string): CommandSpec | undefined {
    for (const s of container.subcommands ?? []) if (s.name === name) return s;
    return undefined;
  }

  /**
   * Resolves a request to a command, checking existence and arity as Valkey's processCommand does.
   * Returns the error text to reply when that fails.
   */
  resolve(argv: readonly Uint8Array[]): ResolvedCommand | ResolveError {
    const name = commandName(argv[0]!);
    const spec = this.#byName.get(name);
    if (spec === undefined) return { error: unknownCommand(argv), spec: undefined };
    if (spec.subcommands !== undefined && argv.length >= 2) {
      const subName = commandName(argv[1]!);
      const sub = this.subcommand(spec, subName);
      if (sub === undefined) {
        return { error: errUnknownSubcommand(text(argv[1]!), name).replace(/[\r\n]/g, " "), spec: undefined };
      }
      if (!arityOk(sub.arity, argv.length)) return { error: errWrongArity(`${name}|${sub.name}`), spec: sub };
      return { spec: sub, fullName: `${name}|${sub.name}`, argStart: 2, parent: spec };
    }
    if (!arityOk(spec.arity, argv.length)) return { error: errWrongArity(name), spec };
    return { spec, fullName: name, argStart: 1, parent: undefined };
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

  resetStats(): void {
    this.#stats.clear();
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
