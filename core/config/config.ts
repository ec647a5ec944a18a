/**
 * The configuration store: one value per directive, read by every subsystem, changed by config files, the
 * command line and CONFIG SET, written back by CONFIG REWRITE (Valkey's config.c behaviour).
 *
 * Layout:
 *
 *     #entries  "maxmemory"          ─┐
 *               "slowlog-max-len"    ─┼─▶ Entry { name, alias?, slot } ─▶ Slot { def, value, flags, hooks }
 *               "commandlog-slow-…"  ─┘        (one Entry per name,        (one Slot per directive,
 *                                               aliases included)           shared by its names)
 *
 * Names are looked up without regard to ASCII case. An alias has its own Entry, as in Valkey: CONFIG GET
 * with a pattern lists both names, and `CONFIG SET slowlog-max-len 1 commandlog-slow-execution-max-len 2` is
 * not a duplicate (the last one wins).
 *
 * CONFIG SET is atomic (Valkey's configSetCommand): every name is checked first (unknown, immutable,
 * protected, loading, duplicate), then every value is parsed and stored, a parse error restoring the values
 * already stored; then the change hooks ({@link Config.onChange}) of the directives whose value changed run,
 * each hook once even when several directives share it, in the order of the first directive that triggered
 * it. A hook returning an error logs Valkey's "Failed applying new configuration" warning ({@link
 * Config.warn}), restores every value, runs the hooks again on the restored values, and the whole command
 * fails with that error. A special directive's value counts as changed unless its `same` says otherwise.
 *
 * Loading a file never runs hooks: the server reads the values when it starts.
 *
 * @module
 */

import { appendTextFile, readTextFile, writeTextFileAtomic } from "../runtime/files.ts";
import { globMatch } from "../util/glob.ts";
import {
  asciiLower,
  type ClientClass,
  CORE_DIRECTIVES,
  cStrtoll,
  DEPRECATED_DIRECTIVES,
  type DirectiveDef,
  type DirectiveFlag,
  formatMemoryForRewrite,
  Invalid,
  memtoull,
  type OomScoreAdjValues,
  type OutputBufferLimits,
  repr,
  type RewriteSink,
  type SaveRule,
  type SetContext,
  strerror,
  string2ll,
} from "./directives.ts";
import {
  ConfigError,
  type ConfigFileTarget,
  ConfigRewriteError,
  FILE_ONLY_DIRECTIVES,
  loadConfigText,
  RewriteState,
  splitArgsText,
} from "./config_file.ts";

import { checkUserDirective } from "../acl/user.ts";

export type { DirectiveDef } from "./directives.ts";
export { ConfigError, ConfigRewriteError } from "./config_file.ts";

/**
 * Runs after a CONFIG SET changed a directive; gets its new value as CONFIG GET prints it. Returns null, or
 * an error reason that rolls the whole CONFIG SET back.
 */
export type ChangeHook = (value: string) => string | null;

export interface SetOptions {
  /** The caller is on a local connection (loopback address or unix socket). */
  isLocal?: boolean;
  /** The dataset is being loaded: DENY_LOADING directives are refused with -LOADING. */
  loading?: boolean;
}

/** A directive that only exists in config files (`loadmodule`, later `rename-command`, `user`...). */
export interface FileDirective {
  /** Least number of words after the name; fewer is "Bad directive or wrong number of arguments". */
  minArgs: number;
  maxArgs?: number;
  /** Applies the words after the name; returns null or the fatal error reason. */
  apply(args: string[]): string | null;
  /** CONFIG REWRITE: the lines that replace this directive's lines (all of them). Absent: lines are kept. */
  rewrite?(): string[];
}

/** A `loadmodule` line: the module's path and its arguments. */
export interface ModuleLoad {
  path: string;
  args: string[];
}

const FLAG_BITS: Record<DirectiveFlag, number> = {
  IMMUTABLE: 1,
  SENSITIVE: 2,
  DEBUG: 4,
  MULTI_ARG: 8,
  HIDDEN: 16,
  PROTECTED: 32,
  DENY_LOADING: 64,
  VOLATILE: 128,
  MODULE: 256,
};

/** The -LOADING error; "Redis" instead of "Valkey" under `extended-redis-compatibility`. */
function loadingError(redisCompat: boolean): string {
  return `LOADING ${redisCompat ? "Redis" : "Valkey"} is loading the dataset in memory`;
}
const ENUM_ERROR_MAX = 255; // Valkey formats the enum error into a 256-byte buffer.

const encoder = new TextEncoder();

/**
 * One directive's value and what is needed to parse and print it. Derived forms (the number, the printed
 * text, getter results) are cached until the value is next stored, so the getters the server calls on hot
 * paths cost a map lookup.
 */
class Slot {
  #value: unknown;
  #number: number | undefined;
  #text: string | undefined;
  #memo: unknown;
  readonly flags: number;
  readonly hooks: ChangeHook[] = [];
  /** The default, in the value representation (for CONFIG REWRITE's "is it the default" test). */
  readonly initial: unknown;
  readonly min: bigint;
  readonly max: bigint;
  readonly members: readonly (readonly [string, number])[];

  constructor(readonly def: DirectiveDef) {
    let flags = 0;
    for (const f of def.flags ?? []) flags |= FLAG_BITS[f];
    this.flags = flags;
    this.min = 0n;
    this.max = 0n;
    this.members = [];
    switch (def.type) {
      case "bool":
        this.initial = def.default;
        break;
      case "int":
      case "memory":
        this.min = BigInt(def.min);
        this.max = BigInt(def.max);
        this.initial = BigInt.asIntN(64, BigInt(def.default));
        break;
      case "enum": {
        this.members = def.values.map((m, i) => (typeof m === "string" ? [m, i] as const : m));
        const words = (flags & FLAG_BITS.MULTI_ARG) !== 0 ? def.default.split(" ").filter((w) => w !== "") : [
          def.default,
        ];
        const v = enumValue(this, words);
        if (v instanceof Invalid) throw new Error(`config '${def.name}': bad default '${def.default}'`);
        this.initial = v;
        break;
      }
      case "string":
        this.initial = def.emptyIsNull === true && def.default === "" ? null : def.default;
        break;
      case "special":
        this.initial = def.init();
        break;
    }
    this.#value = this.initial;
  }

  get value(): unknown {
    return this.#value;
  }

  set value(v: unknown) {
    this.#value = v;
    this.#number = undefined;
    this.#text = undefined;
    this.#memo = undefined;
  }

  /** The value as CONFIG GET prints it. */
  get text(): string {
    return this.#text ??= formatValue(this);
  }

  /** A numeric directive as a JS number (unsigned ones read unsigned). */
  get number(): number {
    return this.#number ??= Number(numericValue(this));
  }

  /** A getter's result derived from the value, computed once per stored value. */
  memo<T>(compute: () => T): T {
    return (this.#memo ??= compute()) as T;
  }

  has(flag: DirectiveFlag): boolean {
    return (this.flags & FLAG_BITS[flag]) !== 0;
  }
}

function numericValue(slot: Slot): bigint {
  const def = slot.def;
  if (def.type !== "int" && def.type !== "memory") throw new Error(`config '${def.name}' is not a number`);
  const v = slot.value as bigint;
  return def.unsigned === true ? BigInt.asUintN(64, v) : v;
}

interface Entry {
  /** The name as registered (the directive's name, or its alias). */
  readonly name: string;
  readonly nameBytes: Uint8Array;
  readonly isAlias: boolean;
  readonly slot: Slot;
}

// ---------------------------------------------------------------------------------------------------------
// Per-type parse / format / rewrite
// ---------------------------------------------------------------------------------------------------------

function enumValue(slot: Slot, words: readonly string[]): number | Invalid {
  const bitflags = slot.has("MULTI_ARG");
  if (words.length === 0 || (!bitflags && words.length !== 1)) return enumError(slot);
  let value = 0;
  for (const w of words) {
    let matched = false;
    const lw = asciiLower(w);
    for (const [name, v] of slot.members) {
      if (asciiLower(name) === lw) {
        value |= v;
        matched = true;
      }
    }
    if (!matched) return enumError(slot);
  }
  return value;
}

function enumError(slot: Slot): Invalid {
  const msg = "argument(s) must be one of the following: " + slot.members.map(([n]) => n).join(", ");
  return new Invalid(msg.slice(0, ENUM_ERROR_MAX));
}

/** The name(s) of an enum value; "unknown" when it has none (Valkey's configEnumGetName). */
function enumName(slot: Slot, value: number): string {
  const bitflags = slot.has("MULTI_ARG");
  let names = "";
  let any = false;
  let unmatched = value;
  for (const [name, v] of slot.members) {
    if (v === value) return name;
    if (bitflags && v !== 0 && (unmatched & v) === v) {
      names += any ? ` ${name}` : name;
      any = true;
      unmatched &= ~v;
    }
  }
  return !any || unmatched !== 0 ? "unknown" : names;
}

function parseNumber(def: DirectiveDef & { type: "int" | "memory" }, s: string): bigint | Invalid {
  const memory = def.type === "memory";
  const percent = def.type === "memory" && def.percent === true;
  const octal = def.type === "int" && def.octal === true;
  if (memory) {
    const m = memtoull(s);
    if (m !== null) return BigInt.asIntN(64, m);
  }
  if (percent && s.length > 1 && s.endsWith("%")) {
    const n = string2ll(s.slice(0, -1));
    if (n !== null && n >= 0n) return -n;
  }
  if (octal) {
    const r = cStrtoll(s, 8);
    if (!r.overflow && r.end === s.length) return r.value;
  }
  if (!memory && !octal) {
    const n = string2ll(s);
    if (n !== null) return n;
  }
  if (memory && percent) return new Invalid("argument must be a memory or percent value");
  if (memory) return new Invalid("argument must be a memory value");
  if (octal) return new Invalid("argument couldn't be parsed as an octal number");
  return new Invalid("argument couldn't be parsed into an integer");
}

function checkBounds(slot: Slot, v: bigint): Invalid | null {
  const def = slot.def as DirectiveDef & { type: "int" | "memory" };
  if (def.unsigned === true) {
    const u = BigInt.asUintN(64, v);
    const lo = BigInt.asUintN(64, slot.min);
    const hi = BigInt.asUintN(64, slot.max);
    if (u > hi || u < lo) {
      const octal = def.type === "int" && def.octal === true;
      const f = (x: bigint) => (octal ? x.toString(8) : x.toString());
      return new Invalid(`argument must be between ${f(lo)} and ${f(hi)} inclusive`);
    }
    return null;
  }
  if (def.type === "memory" && def.percent === true && v < 0n) {
    return v < slot.min ? new Invalid(`percentage argument must be less or equal to ${-slot.min}`) : null;
  }
  if (v > slot.max || v < slot.min) {
    return new Invalid(`argument must be between ${slot.min} and ${slot.max} inclusive`);
  }
  return null;
}

interface Parsed {
  value: unknown;
  /** The value differs from the one held (or the directive is VOLATILE): its change hooks run. */
  changed: boolean;
}

function parseValue(slot: Slot, args: readonly string[], ctx: SetContext): Parsed | Invalid {
  const def = slot.def;
  const volatile = slot.has("VOLATILE");
  switch (def.type) {
    case "bool": {
      const w = asciiLower(args[0] ?? "");
      if (w !== "yes" && w !== "no") return new Invalid("argument must be 'yes' or 'no'");
      const v = w === "yes";
      const err = def.validate?.(v) ?? null;
      if (err !== null) return new Invalid(err);
      return { value: v, changed: v !== slot.value || volatile };
    }
    case "int":
    case "memory": {
      const v = parseNumber(def, args[0] ?? "");
      if (v instanceof Invalid) return v;
      const bad = checkBounds(slot, v);
      if (bad !== null) return bad;
      const err = def.validate?.(v) ?? null;
      if (err !== null) return new Invalid(err);
      let held = v;
      if (def.clamp !== undefined) {
        const [lo, hi] = def.clamp;
        if (held < BigInt(lo)) held = BigInt(lo);
        if (held > BigInt(hi)) held = BigInt(hi);
      }
      return { value: held, changed: v !== slot.value || volatile };
    }
    case "enum": {
      const v = enumValue(slot, args);
      if (v instanceof Invalid) return v;
      const err = def.validate?.(v) ?? null;
      if (err !== null) return new Invalid(err);
      return { value: v, changed: v !== slot.value || volatile };
    }
    case "string": {
      const s = args[0] ?? "";
      const err = def.validate?.(s) ?? null;
      if (err !== null) return new Invalid(err);
      const v = def.emptyIsNull === true && s === "" ? null : s;
      return { value: v, changed: v !== slot.value || volatile };
    }
    case "special": {
      const v = def.set(args, slot.value, ctx);
      if (v instanceof Invalid) return v;
      return { value: v, changed: volatile || def.same?.(v, slot.value) !== true };
    }
  }
}

function formatValue(slot: Slot): string {
  const def = slot.def;
  const value = slot.value;
  switch (def.type) {
    case "bool":
      return value ? "yes" : "no";
    case "int":
    case "memory": {
      const v = value as bigint;
      if (def.type === "memory" && def.percent === true && v < 0n) return `${-v}%`;
      if (def.type === "memory") return BigInt.asUintN(64, v).toString();
      if (def.octal === true) return BigInt.asUintN(64, v).toString(8);
      return v.toString();
    }
    case "enum":
      return enumName(slot, value as number);
    case "string":
      return (value as string | null) ?? "";
    case "special":
      return def.format(value);
  }
}

function rewriteSlot(slot: Slot, out: RewriteSink): void {
  const def = slot.def;
  const name = def.name;
  const value = slot.value;
  switch (def.type) {
    case "bool":
      out.rewriteLine(name, `${name} ${value ? "yes" : "no"}`, value !== slot.initial);
      return;
    case "int":
    case "memory": {
      const v = value as bigint;
      const initial = slot.initial as bigint;
      if (def.type === "memory" && def.percent === true && v < 0n) {
        out.rewriteLine(name, `${name} ${-v}%`, -v !== initial);
      } else if (def.type === "memory") {
        out.rewriteLine(name, `${name} ${formatMemoryForRewrite(v)}`, v !== initial);
      } else if (def.octal === true) {
        out.rewriteLine(name, `${name} ${BigInt.asUintN(64, v).toString(8)}`, v !== initial);
      } else {
        out.rewriteLine(name, `${name} ${v}`, v !== initial);
      }
      return;
    }
    case "enum":
      out.rewriteLine(name, `${name} ${enumName(slot, value as number)}`, value !== slot.initial);
      return;
    case "string": {
      const v = value as string | null;
      // An unset string must not appear in the file, so that it is unset again after a restart.
      if (v === null) {
        out.markProcessed(name);
        return;
      }
      const isDefault = slot.initial !== null && v === slot.initial;
      out.rewriteLine(name, `${name} ${repr(v)}`, !isDefault);
      return;
    }
    case "special":
      def.rewrite(value, name, out);
      return;
  }
}

/** CONFIG SET's word split of a MULTI_ARG value: at every single space; "" is no words. */
function splitOnSpaces(value: string): string[] {
  return value === "" ? [] : value.split(" ");
}

function hasGlobChars(p: string): boolean {
  return p.includes("[") || p.includes("*") || p.includes("?");
}

// ---------------------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------------------

export class Config implements ConfigFileTarget {
  /** The config file the server was started with (absolute), where CONFIG REWRITE writes. */
  configFile: string | undefined = undefined;
  /** `loadmodule` lines, in order. The server keeps it in step with MODULE LOAD / UNLOAD for REWRITE. */
  readonly loadModules: ModuleLoad[] = [];
  /** `user` lines (name, then its rules with selectors merged), in order; core/acl creates the users. */
  readonly aclUsers: string[][] = [];
  /**
   * CONFIG REWRITE's `user` lines: core/acl replaces it with every user's current rules (Valkey's
   * rewriteConfigUserOption); until then the lines read.
   */
  userLines: () => string[] = () => this.aclUsers.map((u) => ["user", ...u].join(" "));
  /**
   * `<module>.<name> value` lines met before the module defined that directive (lower-case name → value
   * words joined by spaces). {@link define} consumes them; what is left after all modules loaded is an error
   * for the server to report.
   */
  readonly moduleConfigQueue: Map<string, string> = new Map();
  /**
   * `rename-command` lines, in order (old name, new name or "" to remove). The server applies them to its
   * command table before any module loads, so, as in Valkey, only core commands can be renamed.
   */
  readonly renames: [string, string][] = [];
  /**
   * The core commands' lower-case names, which `rename-command` lines are checked against as they are
   * read (so a bad line stops the start with its line number). Unset: the lines are only recorded.
   */
  commandNames: Set<string> | undefined = undefined;
  /** `replicaof host port` (or `slaveof`): the primary to replicate from at start; null for `no one`. */
  replicaOf: { host: string; port: number } | null = null;
  /** CONFIG REWRITE's `replicaof` line: core/replication keeps it in step with REPLICAOF. */
  replicaOfLines: () => string[] = () =>
    this.replicaOf === null ? [] : [`replicaof ${this.replicaOf.host} ${this.replicaOf.port}`];
  /** Where warnings go (the server's log, once it starts): the line of a failed CONFIG SET apply. */
  warn: ((message: string) => void) | undefined = undefined;

  readonly #entries = new Map<string, Entry>();
  /** Entries in definition order (a directive's alias right after it): CONFIG GET pattern order. */
  readonly #order: Entry[] = [];
  readonly #slots: Slot[] = [];
  readonly #fileDirectives = new Map<string, FileDirective>();
  /** Directives already met while loading files (`save` lines accumulate after the first). */
  readonly #loaded = new Set<Slot>();

  constructor(extra: readonly DirectiveDef[] = []) {
    for (const def of CORE_DIRECTIVES) this.define(def);
    for (const def of extra) this.define(def);
    this.defineFileDirective("loadmodule", {
      minArgs: 1,
      apply: (args) => {
        this.loadModules.push({ path: args[0]!, args: args.slice(1) });
        return null;
      },
      rewrite: () => this.loadModules.map((m) => ["loadmodule", m.path, ...m.args].join(" ")),
    });
    this.defineFileDirective("user", {
      minArgs: 1,
      apply: (args) => {
        const r = checkUserDirective(args, this.aclUsers);
        if (typeof r === "string") return r;
        this.aclUsers.push(r);
        return null;
      },
      rewrite: () => this.userLines(),
    });
    for (const name of ["replicaof", "slaveof"]) {
      this.defineFileDirective(name, {
        minArgs: 2,
        maxArgs: 2,
        apply: ([host, port]) => {
          if (asciiLower(host!) === "no" && asciiLower(port!) === "one") {
            this.replicaOf = null;
            return null;
          }
          const p = /^-?[0-9]+$/.test(port!) ? Number(port) : NaN;
          if (!(p >= 0 && p <= 65535)) return "Invalid master port";
          this.replicaOf = { host: host!, port: p };
          return null;
        },
        rewrite: () => name === "replicaof" ? this.replicaOfLines() : [],
      });
    }
    // No rewrite hook: CONFIG REWRITE keeps these lines as they are, like Valkey.
    this.defineFileDirective("rename-command", {
      minArgs: 2,
      maxArgs: 2,
      apply: ([from, to]) => {
        const names = this.commandNames;
        if (names !== undefined) {
          const old = asciiLower(from!);
          if (!names.has(old)) return "No such command in rename-command";
          names.delete(old);
          if (to !== "") {
            if (names.has(asciiLower(to!))) return "Target command name already exists";
            names.add(asciiLower(to!));
          }
        }
        this.renames.push([from!, to!]);
        return null;
      },
    });
  }

  /**
   * Adds a directive (features and modules; a module's are named `<module>.<name>`). A value queued for it
   * by a config file is applied now; throws {@link ConfigError} (and leaves it undefined) when that value is
   * refused, as Valkey fails the module load.
   */
  define(def: DirectiveDef): void {
    const names = def.alias === undefined ? [def.name] : [def.name, def.alias];
    for (const n of names) {
      if (this.#entries.has(asciiLower(n)) || this.#fileDirectives.has(asciiLower(n))) {
        throw new Error(`config '${n}' is already defined`);
      }
    }
    const slot = new Slot(def);
    this.#slots.push(slot);
    for (const n of names) {
      const entry: Entry = { name: n, nameBytes: encoder.encode(n), isAlias: n !== def.name, slot };
      this.#entries.set(asciiLower(n), entry);
      this.#order.push(entry);
    }
    const key = asciiLower(def.name);
    const queued = this.moduleConfigQueue.get(key);
    if (queued === undefined) return;
    this.moduleConfigQueue.delete(key);
    const args = slot.has("MULTI_ARG") ? splitOnSpaces(queued) : [queued];
    const r = parseValue(slot, args, { fromFile: true, firstInLoad: true });
    if (r instanceof Invalid) {
      this.remove(def.name);
      throw new ConfigError(
        `Issue during loading of configuration ${def.name} : ${r.reason}`,
        undefined,
        true,
      );
    }
    slot.value = r.value;
  }

  /** Removes a directive and its alias (a module being unloaded). Returns false when it did not exist. */
  remove(name: string): boolean {
    const entry = this.#lookup(name);
    if (entry === undefined) return false;
    const slot = entry.slot;
    for (const [k, e] of this.#entries) if (e.slot === slot) this.#entries.delete(k);
    for (let i = this.#order.length - 1; i >= 0; i--) {
      if (this.#order[i]!.slot === slot) this.#order.splice(i, 1);
    }
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    return true;
  }

  /** Adds a file-only directive (`rename-command`, `user`...). */
  defineFileDirective(name: string, directive: FileDirective): void {
    const key = asciiLower(name);
    if (this.#entries.has(key) || this.#fileDirectives.has(key)) {
      throw new Error(`config '${name}' is already defined`);
    }
    this.#fileDirectives.set(key, directive);
  }

  has(name: string): boolean {
    return this.#lookup(name) !== undefined;
  }

  /** True for SENSITIVE directives, whose CONFIG SET values must be redacted from logs and MONITOR. */
  isSensitive(name: string): boolean {
    return this.#lookup(name)?.slot.has("SENSITIVE") ?? false;
  }

  /** Registers a change hook (see {@link ChangeHook}); hooks run in registration order. */
  onChange(name: string, fn: ChangeHook): void {
    this.#slot(name).hooks.push(fn);
  }

  // ---- typed getters -----------------------------------------------------------------------------------

  /** An `int` or `memory` directive as a number (unsigned ones read unsigned; a percentage is negative). */
  getInt(name: string): number {
    return this.#slot(name).number;
  }

  /** An `int` or `memory` directive, exactly. */
  getBigInt(name: string): bigint {
    return numericValue(this.#slot(name));
  }

  /** A `string` directive ("" when unset), or any special directive's printed value (`dir`). */
  getStr(name: string): string {
    const slot = this.#slot(name);
    if (slot.def.type === "string") return (slot.value as string | null) ?? "";
    if (slot.def.type === "special") return slot.text;
    throw new Error(`config '${name}' is not a string`);
  }

  getBool(name: string): boolean {
    const slot = this.#slot(name);
    if (slot.def.type !== "bool") throw new Error(`config '${name}' is not a bool`);
    return slot.value as boolean;
  }

  /** An `enum` directive's name (several, space-separated, for a bit-flag enum). */
  getEnum(name: string): string {
    const slot = this.#slot(name);
    if (slot.def.type !== "enum") throw new Error(`config '${name}' is not an enum`);
    return slot.text;
  }

  /** An `enum` directive's value: its member's number, or the bit set of a bit-flag enum. */
  getEnumValue(name: string): number {
    const slot = this.#slot(name);
    if (slot.def.type !== "enum") throw new Error(`config '${name}' is not an enum`);
    return slot.value as number;
  }

  /** The value as CONFIG GET prints it. */
  get(name: string): string {
    return this.#slot(name).text;
  }

  getSave(): [seconds: number, changes: number][] {
    return (this.#slot("save").value as readonly SaveRule[]).map(([s, c]) => [Number(s), c]);
  }

  getBind(): string[] {
    return [...(this.#slot("bind").value as readonly string[])];
  }

  getClientOutputBufferLimit(cls: "normal" | "replica" | "pubsub"): {
    hard: number;
    soft: number;
    softSeconds: number;
  } {
    const slot = this.#slot("client-output-buffer-limit");
    return slot.memo(() => {
      const limits = slot.value as OutputBufferLimits;
      const out = {} as Record<ClientClass, { hard: number; soft: number; softSeconds: number }>;
      for (const c of ["normal", "replica", "pubsub"] as const) {
        const l = limits[c];
        out[c] = Object.freeze({ hard: Number(l.hard), soft: Number(l.soft), softSeconds: l.softSeconds });
      }
      return out;
    })[cls];
  }

  /** `notify-keyspace-events` as the bit set of {@link NOTIFY} classes. */
  getNotifyKeyspaceEvents(): number {
    return this.#slot("notify-keyspace-events").value as number;
  }

  /** `oom-score-adj-values`: primary, replica, background child. */
  getOomScoreAdjValues(): OomScoreAdjValues {
    return this.#slot("oom-score-adj-values").value as OomScoreAdjValues;
  }

  getLatencyPercentiles(): number[] {
    return [...(this.#slot("latency-tracking-info-percentiles").value as readonly number[])];
  }

  // ---- CONFIG SET / GET ---------------------------------------------------------------------------------

  /**
   * CONFIG SET: sets every pair or none. Returns null, or the error reply text (without the leading "-").
   */
  set(pairs: readonly (readonly [name: string, value: string])[], opts: SetOptions = {}): string | null {
    const entries: Entry[] = [];
    let unknownName: string | undefined;
    let errName = "";
    let errReason: string | undefined;
    let invalid = false;
    let denyLoading = false;
    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i]![0];
      const entry = this.#lookup(name);
      if (entry === undefined) {
        if (!invalid) unknownName = name;
        invalid = true;
        continue;
      }
      if (invalid) continue;
      const slot = entry.slot;
      if (
        slot.has("IMMUTABLE") || (slot.has("PROTECTED") && !this.#protectedAllowed(opts.isLocal === true))
      ) {
        errReason = slot.has("IMMUTABLE") ? "can't set immutable config" : "can't set protected config";
        errName = name;
        invalid = true;
        continue;
      }
      if (opts.loading === true && slot.has("DENY_LOADING")) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      for (let j = 0; j < i; j++) {
        if (entries[j] === entry) {
          errReason = "duplicate parameter";
          errName = name;
          invalid = true;
          break;
        }
      }
      entries[i] = entry;
    }
    if (denyLoading) {
      return loadingError(
        this.has("extended-redis-compatibility") && this.getBool("extended-redis-compatibility"),
      );
    }
    if (unknownName !== undefined) {
      return `ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`;
    }
    if (invalid) return setFailed(errName, errReason);

    const old = entries.map((e) => e.slot.value);
    const restore = () => entries.forEach((e, i) => (e.slot.value = old[i]));
    const hooks: { fn: ChangeHook; index: number }[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const value = pairs[i]![1];
      const args = entry.slot.has("MULTI_ARG") ? splitOnSpaces(value) : [value];
      const r = parseValue(entry.slot, args, { fromFile: false, firstInLoad: false });
      if (r instanceof Invalid) {
        for (let j = 0; j <= i; j++) entries[j]!.slot.value = old[j];
        return setFailed(entry.name, r.reason);
      }
      entry.slot.value = r.value;
      if (!r.changed) continue;
      for (const fn of entry.slot.hooks) if (!hooks.some((h) => h.fn === fn)) hooks.push({ fn, index: i });
    }
    for (const h of hooks) {
      let err: string | null;
      try {
        err = h.fn(entries[h.index]!.slot.text);
      } catch (e) {
        restore();
        this.#rerunHooks(hooks, entries);
        throw e;
      }
      if (err !== null) {
        this.warn?.(applyFailedWarning(entries[h.index]!.slot.def.name));
        restore();
        this.#rerunHooks(hooks, entries);
        return setFailed(entries[h.index]!.name, err);
      }
    }
    return null;
  }

  /** CONFIG GET with one pattern. */
  match(pattern: string): [name: string, value: string][] {
    return this.matchAll([pattern]);
  }

  /**
   * CONFIG GET: every directive a pattern names. A pattern without `[*?` is an exact name (HIDDEN ones
   * included) and is replied under the name as given; a glob matches registered names and aliases without
   * regard to case, HIDDEN ones excepted. A name is listed once.
   */
  matchAll(patterns: readonly string[]): [name: string, value: string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const p of patterns) {
      if (!hasGlobChars(p)) {
        const key = asciiLower(p);
        if (seen.has(key)) continue;
        const entry = this.#entries.get(key);
        if (entry === undefined) continue;
        seen.add(key);
        out.push([p, entry.slot.text]);
        continue;
      }
      const pat = encoder.encode(p);
      for (const entry of this.#order) {
        if (entry.slot.has("HIDDEN")) continue;
        const key = asciiLower(entry.name);
        if (seen.has(key)) continue;
        if (!globMatch(pat, entry.nameBytes, true)) continue;
        seen.add(key);
        out.push([entry.name, entry.slot.text]);
      }
    }
    return out;
  }

  // ---- files ------------------------------------------------------------------------------------------

  /**
   * Loads config file text (see config_file.ts). Throws {@link ConfigError} with Valkey's fatal message.
   * `sourceName` names the text in the error (`source`), e.g. the file path or "(command line)".
   */
  loadText(text: string, sourceName: string): void {
    loadConfigText(this, text, sourceName);
  }

  /** @internal The loader's entry point for one directive line (see {@link ConfigFileTarget}). */
  applyDirective(argv: string[]): string | null {
    const name = asciiLower(argv[0]!);
    const entry = this.#entries.get(name);
    if (entry !== undefined) {
      const slot = entry.slot;
      const multi = slot.has("MULTI_ARG");
      if (!multi && argv.length !== 2) return "wrong number of arguments";
      // A multi-word directive given as one quoted word is split again: `save "3600 1 300 100"`.
      const args = multi && argv.length === 2 && argv[1] !== ""
        ? splitArgsText(argv[1]!) ?? []
        : argv.slice(1);
      const first = !this.#loaded.has(slot);
      this.#loaded.add(slot);
      const r = parseValue(slot, args, { fromFile: true, firstInLoad: first });
      if (r instanceof Invalid) return r.reason;
      slot.value = r.value;
      return null;
    }
    if (DEPRECATED_DIRECTIVES.has(name) && argv.length === 2) return null;
    const fd = this.#fileDirectives.get(name);
    const n = argv.length - 1;
    if (fd !== undefined && n >= fd.minArgs && (fd.maxArgs === undefined || n <= fd.maxArgs)) {
      return fd.apply(argv.slice(1));
    }
    if (name.includes(".")) {
      if (argv.length < 2) return "Module config specified without value";
      this.moduleConfigQueue.set(name, argv.slice(1).join(" "));
      return null;
    }
    return "Bad directive or wrong number of arguments";
  }

  /** @internal Checks after a text was loaded: the log file must be openable for appending. */
  finishLoad(): string | null {
    const logfile = this.getStr("logfile");
    if (logfile === "") return null;
    try {
      appendTextFile(logfile, "");
    } catch (e) {
      return `Can't open the log file: ${strerror(e)}`;
    }
    return null;
  }

  /**
   * CONFIG REWRITE: rewrites the file at `path` with the current values, keeping its comments, its order and
   * the lines it does not understand. Throws {@link ConfigRewriteError} (message: the strerror text).
   */
  rewrite(path: string): void {
    let old: string | null = null;
    try {
      old = readTextFile(path);
    } catch (e) {
      if ((e as { code?: string }).code !== "ENOENT") throw new ConfigRewriteError(strerror(e));
    }
    const state = RewriteState.parse(old, (name) => this.#rewriteOption(name));
    this.#rewriteInto(state);
    try {
      writeTextFileAtomic(path, state.content());
    } catch (e) {
      throw new ConfigRewriteError(strerror(e));
    }
  }

  // ---- internals --------------------------------------------------------------------------------------

  #rewriteInto(state: RewriteState): void {
    for (const slot of this.#slots) rewriteSlot(slot, state);
    for (const [name, fd] of this.#fileDirectives) {
      if (fd.rewrite === undefined) continue;
      for (const line of fd.rewrite()) state.rewriteLine(name, line, true);
      state.markProcessed(name);
    }
    state.removeOrphaned();
  }

  #rewriteOption(name: string): string | null {
    const entry = this.#lookup(name);
    if (entry !== undefined) return asciiLower(entry.slot.def.name);
    const lower = asciiLower(name);
    return FILE_ONLY_DIRECTIVES.has(lower) || this.#fileDirectives.has(lower) ? lower : null;
  }

  #protectedAllowed(isLocal: boolean): boolean {
    const v = this.getEnum("enable-protected-configs");
    return v === "yes" || (v === "local" && isLocal);
  }

  #rerunHooks(hooks: readonly { fn: ChangeHook; index: number }[], entries: readonly Entry[]): void {
    for (const h of hooks) {
      try {
        h.fn(entries[h.index]!.slot.text);
      } catch {
        // Valkey only logs a failure to re-apply the restored values.
      }
    }
  }

  #lookup(name: string): Entry | undefined {
    return this.#entries.get(name) ?? this.#entries.get(asciiLower(name));
  }

  #slot(name: string): Slot {
    const entry = this.#lookup(name);
    if (entry === undefined) throw new Error(`unknown config '${name}'`);
    return entry.slot;
  }
}

/** Valkey's warning when a directive's new value could not be applied and the old ones come back. */
export function applyFailedWarning(name: string): string {
  return `Failed applying new configuration. Possibly related to new ${name} setting. Restoring previous settings.`;
}

/** CONFIG SET's error for a refused value of `name` (with the reason, when there is one). */
export function setFailed(name: string, reason: string | undefined): string {
  return reason === undefined
    ? `ERR CONFIG SET failed (possibly related to argument '${name}')`
    : `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
}
