/**
 * The directive table: every configuration parameter Valkyr honours, with Valkey 8.1's names, aliases,
 * defaults, ranges, flags and CONFIG GET / CONFIG REWRITE formats, plus the value codecs they share.
 *
 * A directive is data ({@link DirectiveDef}); the {@link Config} store holds one value per directive and
 * runs the generic parse / format / rewrite of its type:
 *
 * | type      | value held            | accepts                                  | CONFIG GET prints         |
 * |-----------|-----------------------|------------------------------------------|---------------------------|
 * | `bool`    | boolean               | yes / no (any case)                      | yes / no                  |
 * | `int`     | bigint (C long long)  | string2ll integers; octal if `octal`     | decimal (octal if octal)  |
 * | `memory`  | bigint (C long long)  | memtoull sizes (`1gb`, `100k`), `N%`     | plain bytes, or `N%`      |
 * | `enum`    | number (or bit set)   | one of the names (any case)              | the canonical name        |
 * | `string`  | string, or null       | anything (a validation may refuse)       | the string ("" for null)  |
 * | `special` | what the def decides  | `save`, `bind`, `client-output-buffer-limit`, `dir`...          |
 *
 * Numbers are kept as the 64-bit pattern Valkey stores, so the corner cases print as Valkey prints them:
 * an `unsigned` directive is range-checked as unsigned (`maxclients -1` is "between 1 and 4294967295"),
 * `maxmemory 99999999999999999999` saturates to 18446744073709551615, and a percentage (`maxmemory-clients
 * 10%`) is held negated (-10), as Valkey does; `Config.getInt` returns that negative number.
 *
 * Flags (Valkey's): IMMUTABLE (file / command line only), SENSITIVE (the value is redacted from logs and
 * MONITOR), DEBUG (listed by debug dumps), MULTI_ARG (the value is a list of words: `save 3600 1 300 100`),
 * HIDDEN (only an exact CONFIG GET name shows it, never a pattern), PROTECTED (settable only when
 * `enable-protected-configs` allows the caller), DENY_LOADING (refused while the dataset loads), VOLATILE
 * (a set always counts as a change), MODULE (declared by a module).
 *
 * Decisions for this server:
 * - `daemonize yes` sends the server to the background only when started by the command line (an embedded
 *   server never does); `supervised` and `pidfile` as Valkey: core/server/supervision.ts.
 * - `dir` does not chdir the process (several servers may share one process in tests); it holds the
 *   resolved absolute path (as getcwd would print it) and the server resolves its files against it.
 * - Replication's directives (`repl-*`, `replica-*`, `primaryauth`...) are held, validated, shown and
 *   rewritten as Valkey does, so Valkey's and Redis's stock config files load. Valkyr has no replication
 *   (REPLICAOF is an unknown command), and a Valkey primary with no replica makes no use of them either,
 *   except `min-replicas-to-write` / `min-replicas-max-lag`, which refuse writes (NOREPLICAS) when fewer
 *   replicas than asked for are connected: with both set, every write is refused, as on such a Valkey.
 * - `busy-reply-threshold` (`lua-time-limit`) is held too: it bounds scripts and module commands that
 *   yield, which Valkyr does not have.
 * - `dynamic-hz` and the other directives Valkey 8.1 deprecated are accepted in files and ignored, exactly
 *   as Valkey does; they are not CONFIG GET-able.
 *
 * @module
 */

import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { parseDouble, parseI64, utf8 } from "../util/numbers.ts";

// ---------------------------------------------------------------------------------------------------------
// Definition types
// ---------------------------------------------------------------------------------------------------------

export type DirectiveFlag =
  | "IMMUTABLE"
  | "SENSITIVE"
  | "DEBUG"
  | "MULTI_ARG"
  | "HIDDEN"
  | "PROTECTED"
  | "DENY_LOADING"
  | "VOLATILE"
  | "MODULE";

interface DirectiveBase {
  /** Lower-case name; a module's directives are named `<module>.<name>`. */
  name: string;
  /** A second name accepted everywhere (`slowlog-max-len` for `commandlog-slow-execution-max-len`). */
  alias?: string;
  flags?: readonly DirectiveFlag[];
}

export interface BoolDirective extends DirectiveBase {
  type: "bool";
  default: boolean;
  /** Returns an error reason to refuse the value. */
  validate?: (value: boolean) => string | null;
}

interface NumericBase extends DirectiveBase {
  default: number | bigint;
  min: number | bigint;
  max: number | bigint;
  /** The C type is unsigned: the range check compares the 64-bit pattern as unsigned. */
  unsigned?: boolean;
  validate?: (value: bigint) => string | null;
  /** Out-of-range values are accepted but held clamped to this range (Valkey's `hz`). */
  clamp?: readonly [number, number];
}

export interface IntDirective extends NumericBase {
  type: "int";
  /** Parsed (base 8) and printed in octal (`unixsocketperm`). */
  octal?: boolean;
}

export interface MemoryDirective extends NumericBase {
  type: "memory";
  /** Also accepts `N%`, held as -N. */
  percent?: boolean;
}

/** An enum member: a name (its value is its index), or an explicit `[name, value]` (bit flags, synonyms). */
export type EnumMember = string | readonly [name: string, value: number];

export interface EnumDirective extends DirectiveBase {
  type: "enum";
  values: readonly EnumMember[];
  /** The default, as a value would be written (several names for a MULTI_ARG bit-flag enum). */
  default: string;
  validate?: (value: number) => string | null;
}

export interface StringDirective extends DirectiveBase {
  type: "string";
  default: string | null;
  /** An empty value is held as null (unset): CONFIG GET prints "", CONFIG REWRITE drops the line. */
  emptyIsNull?: boolean;
  validate?: (value: string) => string | null;
}

/** What a special directive's `set` learns about where the words come from. */
export interface SetContext {
  /** The words come from a config file (or the command line), not CONFIG SET. */
  fromFile: boolean;
  /** First time this directive is met while loading files (`save` lines accumulate after the first). */
  firstInLoad: boolean;
}

/** A refused value: the reason printed after "CONFIG SET failed (...) - " or in the fatal config error. */
export class Invalid {
  constructor(readonly reason: string) {}
}

/** The part of the CONFIG REWRITE state a directive writes into. */
export interface RewriteSink {
  /** Replaces the next line of `option` in the old file with `line`, or appends it when `force`. */
  rewriteLine(option: string, line: string, force: boolean): void;
  /** The option was handled: its left-over old lines are blanked. */
  markProcessed(option: string): void;
}

/** A directive with its own value type and codecs (`save`, `bind`, `client-output-buffer-limit`, ...). */
export interface SpecialDirective<T = unknown> extends DirectiveBase {
  type: "special";
  init(): T;
  /** Parses the words into a new value; `current` is the value held now (never mutate it). */
  set(args: readonly string[], current: T, ctx: SetContext): T | Invalid;
  /**
   * True when two values are the same, so that CONFIG SET of the held value runs no change hook (Valkey's
   * set function returning 2). Absent: every set counts as a change.
   */
  same?(a: T, b: T): boolean;
  /** The CONFIG GET text. */
  format(value: T): string;
  rewrite(value: T, name: string, out: RewriteSink): void;
}

export type DirectiveDef =
  | BoolDirective
  | IntDirective
  | MemoryDirective
  | EnumDirective
  | StringDirective
  | SpecialDirective;

// ---------------------------------------------------------------------------------------------------------
// C-compatible scalar codecs
// ---------------------------------------------------------------------------------------------------------

export const LLONG_MIN = -(1n << 63n);
export const LLONG_MAX = (1n << 63n) - 1n;
export const ULLONG_MAX = (1n << 64n) - 1n;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const UINT_MAX = 2 ** 32 - 1;
const LONG_MAX = LLONG_MAX;

/** ASCII-only lower-casing (C's tolower in the "C" locale). */
export function asciiLower(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i]!;
  }
  return out;
}

/** C's strcasecmp equality for ASCII. */
export function asciiEqualsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === asciiLower(b);
}

function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * C's strtoll: skips leading white space, takes an optional sign and the longest run of digits of `base`,
 * saturating at the long long range. `end` is where parsing stopped (0 when no digit was found, as endptr
 * is then the start), so "the whole string was a number" is `end === s.length`.
 */
export function cStrtoll(s: string, base: 8 | 10): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d >= base) break;
    v = v * b + BigInt(d);
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  if (neg) v = -v;
  if (v > LLONG_MAX) return { value: LLONG_MAX, end: i, overflow: true };
  if (v < LLONG_MIN) return { value: LLONG_MIN, end: i, overflow: true };
  return { value: v, end: i, overflow: false };
}

const MEMORY_UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Valkey's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case), as an unsigned 64-bit
 * number. No sign, no spaces, no fraction. Digits beyond 2^64-1 saturate and the unit multiplication wraps
 * modulo 2^64, as the C code does. An empty digit run counts as 0 (`""`, `"kb"`). Returns null on error.
 */
export function memtoull(s: string): bigint | null {
  if (s.charCodeAt(0) === 45) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const unit = asciiLower(s.slice(i));
  if (!Object.hasOwn(MEMORY_UNITS, unit)) return null;
  const mul = MEMORY_UNITS[unit]!;
  if (i >= 128) return null;
  let v = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return BigInt.asUintN(64, v * mul);
}

/** string2ll over a JS string (the strict integer syntax: no sign '+', no spaces, no leading zeros). */
export function string2ll(s: string): bigint | null {
  return parseI64(utf8(s));
}

/**
 * CONFIG REWRITE's byte format: the largest of gb / mb / kb that divides the value, else plain bytes
 * (`rewriteConfigFormatMemory`; the value is a signed long long there).
 */
export function formatMemoryForRewrite(bytes: bigint): string {
  const gb = 1024n * 1024n * 1024n;
  const mb = 1024n * 1024n;
  const kb = 1024n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return bytes.toString();
}

/**
 * Valkey's sdscatrepr: the UTF-8 bytes in double quotes, printable ASCII kept as is (including `"` and `\`,
 * which the C code never reaches its escape branch for), \n \r \t \a \b escaped, other bytes as \xHH.
 */
export function repr(s: string): string {
  let out = '"';
  for (const byte of utf8(s)) {
    if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else if (byte === 10) out += "\\n";
    else if (byte === 13) out += "\\r";
    else if (byte === 9) out += "\\t";
    else if (byte === 7) out += "\\a";
    else if (byte === 8) out += "\\b";
    else out += "\\x" + byte.toString(16).padStart(2, "0");
  }
  return out + '"';
}

const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  EIO: "Input/output error",
  EBADF: "Bad file descriptor",
  EACCES: "Permission denied",
  EBUSY: "Device or resource busy",
  EEXIST: "File exists",
  EXDEV: "Invalid cross-device link",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EINVAL: "Invalid argument",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  EFBIG: "File too large",
  ENOSPC: "No space left on device",
  EROFS: "Read-only file system",
  ENAMETOOLONG: "File name too long",
  ELOOP: "Too many levels of symbolic links",
  ENOTEMPTY: "Directory not empty",
  EDQUOT: "Disk quota exceeded",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
};

/** The C library's strerror text for a Node-style file or socket error (falls back to its message). */
export function strerror(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && Object.hasOwn(STRERROR, code)) return STRERROR[code]!;
  return e instanceof Error ? e.message : String(e);
}

/**
 * printf's "%f" (six decimals, exact binary value rounded half to even) with trailing zeros and a trailing
 * dot removed (Valkey's trimDoubleString): 50 → "50", 99.9 → "99.9", 1/128 → "0.007812".
 */
export function formatPercentile(d: number): string {
  const negative = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  let s = a.toFixed(6);
  if (a < 1e21) {
    // toFixed rounds an exact tie up; printf rounds it to even. A tie shows as "5" then only zeros.
    const exact = a.toFixed(100);
    const dot = exact.indexOf(".");
    if (/^50*$/.test(exact.slice(dot + 7))) {
      const truncated = exact.slice(0, dot + 7);
      if ((truncated.charCodeAt(truncated.length - 1) - 48) % 2 === 0) s = truncated;
    }
  }
  if (negative) s = "-" + s;
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// notify-keyspace-events
// ---------------------------------------------------------------------------------------------------------

/** Keyspace notification class bits, as Valkey numbers them. */
export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  LOADED: 1 << 12, // module-only
  MODULE: 1 << 13, // d
  NEW: 1 << 14, // n (not part of A)
} as const;

/** `A`: every class except key-miss and new-key. */
export const NOTIFY_ALL = NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH |
  NOTIFY.ZSET | NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

const NOTIFY_LETTERS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

/** The class letters to a bit set, or null for a letter outside `Ag$lshzxeKEtmdn`. */
export function parseKeyspaceEvents(classes: string): number | null {
  let flags = 0;
  for (const ch of classes) {
    const bit = Object.hasOwn(NOTIFY_LETTERS, ch) ? NOTIFY_LETTERS[ch] : undefined;
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/** The bit set in Valkey's normalised letter order (`A` when all of A's classes are set, then K E m). */
export function formatKeyspaceEvents(flags: number): string {
  let s = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    s += "A";
  } else {
    const order: [string, number][] = [
      ["g", NOTIFY.GENERIC],
      ["$", NOTIFY.STRING],
      ["l", NOTIFY.LIST],
      ["s", NOTIFY.SET],
      ["h", NOTIFY.HASH],
      ["z", NOTIFY.ZSET],
      ["x", NOTIFY.EXPIRED],
      ["e", NOTIFY.EVICTED],
      ["t", NOTIFY.STREAM],
      ["d", NOTIFY.MODULE],
      ["n", NOTIFY.NEW],
    ];
    for (const [letter, bit] of order) if (flags & bit) s += letter;
  }
  if (flags & NOTIFY.KEYSPACE) s += "K";
  if (flags & NOTIFY.KEYEVENT) s += "E";
  if (flags & NOTIFY.KEY_MISS) s += "m";
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Special directives
// ---------------------------------------------------------------------------------------------------------

/** One `save` rule: snapshot after `seconds` if at least `changes` writes happened. */
export type SaveRule = readonly [seconds: bigint, changes: number];

const INVALID_SAVE = "Invalid save parameters";

const saveDirective: SpecialDirective<readonly SaveRule[]> = {
  name: "save",
  type: "special",
  flags: ["MULTI_ARG"],
  init: () => [[3600n, 1], [300n, 100], [60n, 10000]],
  set(args, current, ctx) {
    // A single empty word means "no rules", and always clears what was there.
    const clear = args.length === 1 && args[0] === "";
    const words = clear ? [] : args;
    if (words.length % 2 !== 0) return new Invalid(INVALID_SAVE);
    const rules: SaveRule[] = [];
    for (let j = 0; j < words.length; j += 2) {
      const secs = cStrtoll(words[j]!, 10);
      const changes = cStrtoll(words[j + 1]!, 10);
      if (secs.end !== words[j]!.length || secs.value < 1) return new Invalid(INVALID_SAVE);
      if (changes.end !== words[j + 1]!.length || changes.value < 0) return new Invalid(INVALID_SAVE);
      // The changes count is a C int: larger values wrap, as in Valkey.
      rules.push([secs.value, Number(BigInt.asIntN(32, changes.value))]);
    }
    // In files, the first `save` line replaces the defaults and later ones add rules.
    const keep = ctx.fromFile && !ctx.firstInLoad && !clear;
    return keep ? [...current, ...rules] : rules;
  },
  format: (rules) => rules.map(([s, c]) => `${s} ${c}`).join(" "),
  rewrite(rules, name, out) {
    const line = rules.length === 0
      ? `${name} ""`
      : `${name} ${rules.map(([s, c]) => `${s} ${c}`).join(" ")}`;
    out.rewriteLine(name, line, true);
    out.markProcessed(name);
  },
};

const DEFAULT_BIND: readonly string[] = ["*", "-::*"];
const BIND_MAX = 16;

const bindDirective: SpecialDirective<readonly string[]> = {
  name: "bind",
  type: "special",
  flags: ["MULTI_ARG"],
  init: () => DEFAULT_BIND,
  set(args) {
    if (args.length > BIND_MAX) return new Invalid("Too many bind addresses specified.");
    if (args.length === 1 && args[0] === "") return [];
    return [...args];
  },
  format: (addrs) => addrs.join(" "),
  rewrite(addrs, name, out) {
    const isDefault = addrs.length === DEFAULT_BIND.length && addrs.every((a, i) => a === DEFAULT_BIND[i]);
    if (isDefault) {
      out.markProcessed(name);
      return;
    }
    out.rewriteLine(name, `${name} ${addrs.length > 0 ? addrs.join(" ") : '""'}`, true);
  },
};

/** The limits of one client class. Bytes are unsigned 64-bit; 0 means no limit. */
export interface OutputBufferLimit {
  hard: bigint;
  soft: bigint;
  softSeconds: number;
}

export type ClientClass = "normal" | "replica" | "pubsub";
export type OutputBufferLimits = Readonly<Record<ClientClass, OutputBufferLimit>>;

const CLASS_ORDER: readonly ClientClass[] = ["normal", "replica", "pubsub"];

const DEFAULT_OBUF_LIMITS: OutputBufferLimits = {
  normal: { hard: 0n, soft: 0n, softSeconds: 0 },
  replica: { hard: 256n * 1024n * 1024n, soft: 64n * 1024n * 1024n, softSeconds: 60 },
  pubsub: { hard: 32n * 1024n * 1024n, soft: 8n * 1024n * 1024n, softSeconds: 60 },
};

function clientClassByName(name: string): ClientClass | "primary" | null {
  switch (asciiLower(name)) {
    case "normal":
      return "normal";
    case "slave":
    case "replica":
      return "replica";
    case "pubsub":
      return "pubsub";
    case "master":
    case "primary":
      return "primary";
    default:
      return null;
  }
}

const outputBufferLimitDirective: SpecialDirective<OutputBufferLimits> = {
  name: "client-output-buffer-limit",
  type: "special",
  flags: ["MULTI_ARG"],
  init: () => DEFAULT_OBUF_LIMITS,
  set(args, current) {
    if (args.length % 4 !== 0) return new Invalid("Wrong number of arguments in buffer limit configuration.");
    const next: Record<ClientClass, OutputBufferLimit> = { ...current };
    // Every group is checked before anything is taken: the value is accepted or refused as a whole.
    for (let j = 0; j < args.length; j += 4) {
      const cls = clientClassByName(args[j]!);
      if (cls === null || cls === "primary") {
        return new Invalid("Invalid client class specified in buffer limit configuration.");
      }
      const hard = memtoull(args[j + 1]!);
      const soft = memtoull(args[j + 2]!);
      const secs = cStrtoll(args[j + 3]!, 10);
      // soft_seconds is a C int: the parsed long long is truncated before the sign check.
      const seconds = Number(BigInt.asIntN(32, secs.value));
      if (hard === null || soft === null || seconds < 0 || secs.end !== args[j + 3]!.length) {
        return new Invalid("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      next[cls] = { hard, soft, softSeconds: seconds };
    }
    return next;
  },
  format: (limits) =>
    CLASS_ORDER.map((c) => {
      const l = limits[c];
      return `${c === "replica" ? "slave" : c} ${l.hard} ${l.soft} ${l.softSeconds}`;
    }).join(" "),
  rewrite(limits, name, out) {
    for (const c of CLASS_ORDER) {
      const l = limits[c];
      const d = DEFAULT_OBUF_LIMITS[c];
      const force = l.hard !== d.hard || l.soft !== d.soft || l.softSeconds !== d.softSeconds;
      const hard = formatMemoryForRewrite(BigInt.asIntN(64, l.hard));
      const soft = formatMemoryForRewrite(BigInt.asIntN(64, l.soft));
      out.rewriteLine(name, `${name} ${c} ${hard} ${soft} ${l.softSeconds}`, force);
    }
  },
};

/** `oom-score-adj-values`: the oom_score_adj of a primary, a replica and a background child, in that order. */
export type OomScoreAdjValues = readonly [primary: number, replica: number, bgchild: number];

export const OOM_SCORE_ADJ_DEFAULTS: OomScoreAdjValues = [0, 200, 800];

const oomScoreAdjValuesDirective: SpecialDirective<OomScoreAdjValues> = {
  name: "oom-score-adj-values",
  type: "special",
  flags: ["MULTI_ARG"],
  init: () => OOM_SCORE_ADJ_DEFAULTS,
  set(args) {
    if (args.length !== 3) return new Invalid("wrong number of arguments");
    const values: number[] = [];
    for (const a of args) {
      // strtoll with the whole word consumed: leading blanks and a '+' pass, and an empty word is 0.
      const r = cStrtoll(a, 10);
      if (r.end !== a.length || r.value < -2000n || r.value > 2000n) {
        return new Invalid("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
      }
      values.push(Number(r.value));
    }
    return [values[0]!, values[1]!, values[2]!];
  },
  same: (a, b) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2],
  format: (values) => values.join(" "),
  rewrite(values, name, out) {
    const isDefault = values.every((v, i) => v === OOM_SCORE_ADJ_DEFAULTS[i]);
    out.rewriteLine(name, `${name} ${values.join(" ")}`, !isDefault);
  },
};

const notifyDirective: SpecialDirective<number> = {
  name: "notify-keyspace-events",
  type: "special",
  init: () => 0,
  set(args) {
    if (args.length !== 1) return new Invalid("wrong number of arguments");
    const flags = parseKeyspaceEvents(args[0]!);
    if (flags === null) return new Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    return flags;
  },
  format: formatKeyspaceEvents,
  rewrite(flags, name, out) {
    out.rewriteLine(name, `${name} ${repr(formatKeyspaceEvents(flags))}`, flags !== 0);
  },
};

const percentilesDirective: SpecialDirective<readonly number[]> = {
  name: "latency-tracking-info-percentiles",
  type: "special",
  flags: ["MULTI_ARG"],
  init: () => [50, 99, 99.9],
  set(args) {
    if (args.length === 1 && args[0] === "") return [];
    const out: number[] = [];
    for (const a of args) {
      const d = parseDouble(utf8(a));
      if (d === null) return new Invalid("Invalid latency-tracking-info-percentiles parameters");
      if (d > 100 || d < 0) {
        return new Invalid("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      out.push(d);
    }
    return out;
  },
  format: (ps) => ps.map(formatPercentile).join(" "),
  rewrite(ps, name, out) {
    const line = ps.length === 0 ? `${name} ""` : `${name} ${ps.map(formatPercentile).join(" ")}`;
    out.rewriteLine(name, line, true);
  },
};

/** The physical absolute path of a directory, as getcwd prints it after a chdir there. */
function resolveDirectory(dir: string, base: string): string | Invalid {
  try {
    const resolved = fs.realpathSync(path.resolve(base, dir));
    if (!fs.statSync(resolved).isDirectory()) return new Invalid(strerror({ code: "ENOTDIR" }));
    fs.accessSync(resolved, fs.constants.X_OK);
    return resolved;
  } catch (e) {
    return new Invalid(strerror(e));
  }
}

const dirDirective: SpecialDirective<string> = {
  name: "dir",
  type: "special",
  flags: ["PROTECTED", "DENY_LOADING"],
  init() {
    const cwd = process.cwd();
    const r = resolveDirectory(".", cwd);
    return r instanceof Invalid ? cwd : r;
  },
  set(args, current) {
    if (args.length !== 1) return new Invalid("wrong number of arguments");
    if (args[0] === "") return new Invalid("dir can't be empty");
    // A relative directory is relative to the working directory, which `dir` itself is.
    return resolveDirectory(args[0]!, current);
  },
  format: (dir) => dir,
  rewrite(dir, name, out) {
    out.rewriteLine(name, `${name} ${repr(dir)}`, true);
  },
};

// ---------------------------------------------------------------------------------------------------------
// The core table
// ---------------------------------------------------------------------------------------------------------

function isBaseName(p: string): boolean {
  return !p.includes("/") && !p.includes("\\");
}

function fileNameCheck(option: string, what: string): (v: string) => string | null {
  return (v) => {
    if (v === "") return `${option} can't be empty`;
    if (!isBaseName(v)) return `${option} can't be a path, just a ${what}`;
    return null;
  };
}

/** Valkey's default `proc-title-template`. */
export const DEFAULT_PROC_TITLE_TEMPLATE = "{title} {listen-addr} {server-mode}";

/** The variables a process title template may name (Valkey's serverProcTitleGetVariable). */
export const PROC_TITLE_VARIABLES: ReadonlySet<string> = new Set([
  "title",
  "listen-addr",
  "server-mode",
  "config-file",
  "port",
  "tls-port",
  "unixsocket",
]);

/**
 * Expands a process title template as Valkey's sdstemplate: `{name}` is replaced by `vars(name)`, `{{` is a
 * literal `{`; an unknown name, or a `{` without its `}`, makes the template invalid (null). The result is
 * trimmed of spaces at both ends.
 */
export function expandProcTitleTemplate(template: string, vars: (name: string) => string): string | null {
  let out = "";
  let p = 0;
  while (p < template.length) {
    const sv = template.indexOf("{", p);
    if (sv === -1) {
      out += template.slice(p);
      break;
    }
    out += template.slice(p, sv);
    if (sv + 1 >= template.length) return null;
    if (template[sv + 1] === "{") {
      out += "{";
      p = sv + 2;
      continue;
    }
    const ev = template.indexOf("}", sv + 1);
    if (ev === -1) return null;
    const name = template.slice(sv + 1, ev);
    if (!PROC_TITLE_VARIABLES.has(name)) return null;
    out += vars(name);
    p = ev + 1;
  }
  let a = 0;
  let b = out.length;
  while (a < b && out[a] === " ") a++;
  while (b > a && out[b - 1] === " ") b--;
  return out.slice(a, b);
}

/**
 * Valkey's template check: it expands (with an empty title) to something non-empty. The values that can
 * be empty are the title, `{server-mode}` (always, in standalone mode) and `{unixsocket}` (without one);
 * the server checks again with its own values when the template changes.
 */
function validProcTitleTemplate(template: string): boolean {
  const res = expandProcTitleTemplate(template, (n) => (n === "title" || n === "server-mode" ? "" : "x"));
  return res !== null && res !== "";
}

/**
 * The `locale-collate` values Valkyr can honour. Valkey hands the name to setlocale(LC_COLLATE) and SORT
 * ALPHA compares with strcoll; Valkyr compares bytes, which is strcoll in these locales (the ones Debian
 * installs by default, where every other name is "Invalid locale name" for Valkey too). "" (the default)
 * means the environment's locale for Valkey; Valkyr keeps byte order for it.
 */
const BYTE_ORDER_LOCALES: ReadonlySet<string> = new Set(["", "C", "POSIX", "C.UTF-8", "C.utf8"]);

const PROTECTED_ACTION: readonly EnumMember[] = ["no", "yes", "local"];

/**
 * The bits of SHUTDOWN's options (Valkey's SHUTDOWN_* flags), as `shutdown-on-sigint` and
 * `shutdown-on-sigterm` hold them; `default` is none of them (save only when save points are configured).
 */
export const SHUTDOWN_SAVE = 1;
export const SHUTDOWN_NOSAVE = 2;
export const SHUTDOWN_NOW = 4;
export const SHUTDOWN_FORCE = 8;

const SHUTDOWN_ON_SIG: readonly EnumMember[] = [
  ["default", 0],
  ["save", SHUTDOWN_SAVE],
  ["nosave", SHUTDOWN_NOSAVE],
  ["now", SHUTDOWN_NOW],
  ["force", SHUTDOWN_FORCE],
];

function shutdownOnSigCheck(v: number): string | null {
  return (v & SHUTDOWN_SAVE) !== 0 && (v & SHUTDOWN_NOSAVE) !== 0
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;
}
const MB = 1024 * 1024;

/** Valkey 8.1's directives that Valkyr honours, in Valkey's declaration order. */
export const CORE_DIRECTIVES: readonly DirectiveDef[] = [
  // Bool
  { name: "daemonize", type: "bool", flags: ["IMMUTABLE"], default: false },
  { name: "syslog-enabled", type: "bool", flags: ["IMMUTABLE"], default: false },
  { name: "protected-mode", type: "bool", default: true },
  { name: "extended-redis-compatibility", type: "bool", default: false },
  { name: "lazyfree-lazy-eviction", type: "bool", flags: ["DEBUG"], default: true },
  { name: "lazyfree-lazy-expire", type: "bool", flags: ["DEBUG"], default: true },
  { name: "import-mode", type: "bool", flags: ["DEBUG"], default: false },
  { name: "lazyfree-lazy-server-del", type: "bool", flags: ["DEBUG"], default: true },
  { name: "lazyfree-lazy-user-del", type: "bool", flags: ["DEBUG"], default: true },
  { name: "lazyfree-lazy-user-flush", type: "bool", flags: ["DEBUG"], default: true },
  { name: "activedefrag", type: "bool", flags: ["DEBUG"], default: false },
  { name: "rdbchecksum", type: "bool", flags: ["IMMUTABLE"], default: true },
  { name: "rdbcompression", type: "bool", default: true },
  // Valkey 8.1: `relaxed` lets RESTORE and RDB loading try payloads of a newer RDB version.
  { name: "rdb-version-check", type: "enum", values: ["strict", "relaxed"], default: "strict" },
  // Valkyr checks every RESTORE payload and RDB file whole (as Valkey's `yes`), whatever this says; it
  // decides what INFO dump_payload_sanitizations counts (RESTOREs unless `no`, files only with `yes`).
  {
    name: "sanitize-dump-payload",
    type: "enum",
    flags: ["DEBUG"],
    values: ["no", "yes", "clients"],
    default: "no",
  },
  // Valkey's crash report and memory test after a fatal signal, and exit() instead of abort() on a
  // panic (tests): Valkyr has no signal handler to report from and never aborts; held.
  { name: "crash-log-enabled", type: "bool", default: true },
  { name: "crash-memcheck-enabled", type: "bool", default: true },
  { name: "use-exit-on-panic", type: "bool", flags: ["HIDDEN"], default: false },
  { name: "stop-writes-on-bgsave-error", type: "bool", default: true },
  { name: "appendonly", type: "bool", flags: ["DENY_LOADING"], default: false },
  { name: "aof-use-rdb-preamble", type: "bool", default: true },
  { name: "aof-load-truncated", type: "bool", default: true },
  { name: "aof-timestamp-enabled", type: "bool", default: false },
  { name: "aof-rewrite-incremental-fsync", type: "bool", default: true },
  { name: "rdb-save-incremental-fsync", type: "bool", default: true },
  { name: "no-appendfsync-on-rewrite", type: "bool", default: false },
  { name: "latency-tracking", type: "bool", default: true },
  { name: "always-show-logo", type: "bool", flags: ["IMMUTABLE"], default: false },
  { name: "activerehashing", type: "bool", default: true },
  { name: "set-proc-title", type: "bool", flags: ["IMMUTABLE"], default: true },
  { name: "hide-user-data-from-log", type: "bool", default: true },
  // Replication: see the head of this file.
  { name: "rdb-del-sync-files", type: "bool", default: false },
  { name: "repl-disable-tcp-nodelay", type: "bool", default: false },
  { name: "repl-diskless-sync", type: "bool", flags: ["DEBUG"], default: true },
  { name: "dual-channel-replication-enabled", type: "bool", flags: ["DEBUG"], default: false },
  { name: "replica-lazy-flush", alias: "slave-lazy-flush", type: "bool", default: true },
  { name: "replica-serve-stale-data", alias: "slave-serve-stale-data", type: "bool", default: true },
  { name: "replica-read-only", alias: "slave-read-only", type: "bool", flags: ["DEBUG"], default: true },
  { name: "replica-ignore-maxmemory", alias: "slave-ignore-maxmemory", type: "bool", default: true },
  { name: "replica-announced", type: "bool", default: true },
  { name: "replica-ignore-disk-write-errors", type: "bool", default: false },
  // Tuning of jemalloc (absent here: a JavaScript heap), held and shown, as Valkey built without jemalloc.
  { name: "jemalloc-bg-thread", type: "bool", default: true },
  // Valkey's extra internal assertions for its test suite (hidden); Valkyr has none to switch on.
  { name: "enable-debug-assert", type: "bool", flags: ["IMMUTABLE", "HIDDEN"], default: false },
  // Transparent huge pages off for the process at start when the kernel forces them (core/server/thp.ts).
  { name: "disable-thp", type: "bool", flags: ["IMMUTABLE"], default: true },
  // String
  { name: "unixsocket", type: "string", flags: ["IMMUTABLE"], emptyIsNull: true, default: null },
  { name: "unixsocketgroup", type: "string", flags: ["IMMUTABLE"], emptyIsNull: true, default: null },
  { name: "pidfile", type: "string", flags: ["IMMUTABLE"], emptyIsNull: true, default: null },
  // Valkey's default ident is its name; kept, so CONFIG GET and existing syslog filters see the same.
  { name: "syslog-ident", type: "string", flags: ["IMMUTABLE"], default: "valkey" },
  {
    name: "dbfilename",
    type: "string",
    flags: ["PROTECTED"],
    default: "dump.rdb",
    validate: fileNameCheck("dbfilename", "filename"),
  },
  {
    name: "appendfilename",
    type: "string",
    flags: ["IMMUTABLE"],
    default: "appendonly.aof",
    validate: fileNameCheck("appendfilename", "filename"),
  },
  {
    name: "appenddirname",
    type: "string",
    flags: ["IMMUTABLE"],
    default: "appendonlydir",
    validate: fileNameCheck("appenddirname", "dirname"),
  },
  { name: "logfile", type: "string", flags: ["IMMUTABLE"], default: "" },
  { name: "requirepass", type: "string", flags: ["SENSITIVE"], emptyIsNull: true, default: null },
  // The ACL file ACL LOAD / ACL SAVE read and write, loaded at start (exclusive with `user` lines).
  { name: "aclfile", type: "string", flags: ["IMMUTABLE"], default: "" },
  { name: "availability-zone", type: "string", default: "" },
  {
    name: "replica-announce-ip",
    alias: "slave-announce-ip",
    type: "string",
    emptyIsNull: true,
    default: null,
  },
  {
    name: "primaryuser",
    alias: "masteruser",
    type: "string",
    flags: ["SENSITIVE"],
    emptyIsNull: true,
    default: null,
  },
  {
    name: "primaryauth",
    alias: "masterauth",
    type: "string",
    flags: ["SENSITIVE"],
    emptyIsNull: true,
    default: null,
  },
  // Names of start-up warnings to silence; Valkyr emits none of the ones Valkey knows (ARM64-COW-BUG).
  { name: "ignore-warnings", type: "string", default: "" },
  {
    name: "proc-title-template",
    type: "string",
    default: DEFAULT_PROC_TITLE_TEMPLATE,
    validate: (v) =>
      validProcTitleTemplate(v) ? null : "template format is invalid or contains unknown variables",
  },
  {
    name: "locale-collate",
    type: "string",
    default: "",
    validate: (v) => (BYTE_ORDER_LOCALES.has(v) ? null : "Invalid locale name"),
  },
  // Enum
  // New selectors and users' `reset` start with every channel (allchannels) or none (Valkey 7+'s default).
  {
    name: "acl-pubsub-default",
    type: "enum",
    values: ["allchannels", "resetchannels"],
    default: "resetchannels",
  },
  // The system logger (core/server/syslog.ts).
  {
    name: "syslog-facility",
    type: "enum",
    flags: ["IMMUTABLE"],
    values: ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"],
    default: "local0",
  },
  // systemd's sd_notify or upstart's SIGSTOP (core/server/supervision.ts).
  {
    name: "supervised",
    type: "enum",
    flags: ["IMMUTABLE"],
    values: ["upstart", "systemd", "auto", "no"],
    default: "no",
  },
  {
    name: "loglevel",
    type: "enum",
    values: ["debug", "verbose", "notice", "warning", "nothing"],
    default: "notice",
  },
  {
    name: "maxmemory-policy",
    type: "enum",
    values: [
      "volatile-lru",
      "volatile-lfu",
      "volatile-random",
      "volatile-ttl",
      "allkeys-lru",
      "allkeys-lfu",
      "allkeys-random",
      "noeviction",
    ],
    default: "noeviction",
  },
  { name: "appendfsync", type: "enum", values: ["everysec", "always", "no"], default: "everysec" },
  // Linux's /proc/self/oom_score_adj, managed or not (core/server/oom_score_adj.ts); `yes` is `relative`.
  {
    name: "oom-score-adj",
    type: "enum",
    values: [["no", 0], ["yes", 1], ["relative", 1], ["absolute", 2]],
    default: "no",
  },
  {
    name: "repl-diskless-load",
    type: "enum",
    flags: ["DEBUG", "DENY_LOADING"],
    values: ["disabled", "on-empty-db", "swapdb", "flush-before-load"],
    default: "disabled",
  },
  {
    name: "propagation-error-behavior",
    type: "enum",
    values: ["ignore", "panic", "panic-on-replicas"],
    default: "ignore",
  },
  {
    name: "enable-protected-configs",
    type: "enum",
    flags: ["IMMUTABLE"],
    values: PROTECTED_ACTION,
    default: "no",
  },
  {
    name: "enable-debug-command",
    type: "enum",
    flags: ["IMMUTABLE"],
    values: PROTECTED_ACTION,
    default: "no",
  },
  {
    name: "enable-module-command",
    type: "enum",
    flags: ["IMMUTABLE"],
    values: PROTECTED_ACTION,
    default: "no",
  },
  // What SIGINT / SIGTERM do: SHUTDOWN's options, `default` being a plain SHUTDOWN.
  {
    name: "shutdown-on-sigint",
    type: "enum",
    flags: ["MULTI_ARG"],
    values: SHUTDOWN_ON_SIG,
    default: "default",
    validate: shutdownOnSigCheck,
  },
  {
    name: "shutdown-on-sigterm",
    type: "enum",
    flags: ["MULTI_ARG"],
    values: SHUTDOWN_ON_SIG,
    default: "default",
    validate: shutdownOnSigCheck,
  },
  // Valkey 8.1: the shape of log lines and of their timestamps (core/server/log.ts).
  { name: "log-format", type: "enum", values: ["legacy", "logfmt"], default: "legacy" },
  {
    name: "log-timestamp-format",
    type: "enum",
    values: ["legacy", "iso8601", "milliseconds"],
    default: "legacy",
  },
  // int
  { name: "databases", type: "int", flags: ["IMMUTABLE"], min: 1, max: INT_MAX, default: 16 },
  { name: "port", type: "int", min: 0, max: 65535, default: 6379 },
  { name: "io-threads", type: "int", flags: ["DEBUG", "IMMUTABLE"], min: 1, max: 256, default: 1 },
  {
    name: "list-max-listpack-size",
    alias: "list-max-ziplist-size",
    type: "int",
    min: INT_MIN,
    max: INT_MAX,
    default: -2,
  },
  { name: "tcp-keepalive", type: "int", min: 0, max: INT_MAX, default: 300 },
  { name: "lfu-log-factor", type: "int", min: 0, max: INT_MAX, default: 10 },
  { name: "lfu-decay-time", type: "int", min: 0, max: INT_MAX, default: 1 },
  { name: "maxmemory-samples", type: "int", min: 1, max: 64, default: 5 },
  // Keys of the client-side caching table (CLIENT TRACKING) before the oldest are dropped; 0: no limit.
  { name: "tracking-table-max-keys", type: "int", min: 0, max: LONG_MAX, default: 1000000 },
  { name: "maxmemory-eviction-tenacity", type: "int", min: 0, max: 100, default: 10 },
  { name: "active-defrag-cycle-min", type: "int", min: 1, max: 99, default: 1 },
  { name: "active-defrag-cycle-max", type: "int", min: 1, max: 99, default: 25 },
  { name: "active-defrag-threshold-lower", type: "int", min: 0, max: 1000, default: 10 },
  { name: "active-defrag-threshold-upper", type: "int", min: 0, max: 1000, default: 100 },
  { name: "active-defrag-cycle-us", type: "int", min: 0, max: 100000, default: 500 },
  { name: "active-defrag-max-scan-fields", type: "int", min: 1, max: LLONG_MAX, default: 1000 },
  { name: "active-defrag-ignore-bytes", type: "memory", min: 1, max: LLONG_MAX, default: 100 * MB },
  { name: "timeout", type: "int", min: 0, max: INT_MAX, default: 0 },
  { name: "rdb-key-save-delay", type: "int", flags: ["HIDDEN"], min: INT_MIN, max: INT_MAX, default: 0 },
  { name: "key-load-delay", type: "int", flags: ["HIDDEN"], min: INT_MIN, max: INT_MAX, default: 0 },
  { name: "auto-aof-rewrite-percentage", type: "int", min: 0, max: INT_MAX, default: 100 },
  { name: "auto-aof-rewrite-min-size", type: "memory", min: 0, max: LLONG_MAX, default: 64 * MB },
  { name: "tcp-backlog", type: "int", flags: ["IMMUTABLE"], min: 0, max: INT_MAX, default: 511 },
  { name: "list-compress-depth", type: "int", flags: ["DEBUG"], min: 0, max: INT_MAX, default: 0 },
  { name: "active-expire-effort", type: "int", min: 1, max: 10, default: 1 },
  { name: "hz", type: "int", min: 0, max: INT_MAX, default: 10, clamp: [1, 500] },
  { name: "replica-priority", alias: "slave-priority", type: "int", min: 0, max: INT_MAX, default: 100 },
  { name: "repl-diskless-sync-delay", type: "int", min: 0, max: INT_MAX, default: 5 },
  {
    name: "replica-announce-port",
    alias: "slave-announce-port",
    type: "int",
    min: 0,
    max: 65535,
    default: 0,
  },
  { name: "repl-timeout", type: "int", min: 1, max: INT_MAX, default: 60 },
  // The source address of the connections a replica or a cluster node opens (Valkey's MIGRATE does not
  // use it): held like replication's other directives.
  { name: "bind-source-addr", type: "string", emptyIsNull: true, default: null },
  // How long a script, function or module command may run before other clients get BUSY replies (ms).
  // Nothing in Valkyr runs that long (no scripting; module commands cannot yield): held, as on a Valkey
  // that runs no script.
  {
    name: "busy-reply-threshold",
    alias: "lua-time-limit",
    type: "int",
    min: 0,
    max: LONG_MAX,
    default: 5000,
  },
  {
    name: "repl-ping-replica-period",
    alias: "repl-ping-slave-period",
    type: "int",
    min: 1,
    max: INT_MAX,
    default: 10,
  },
  {
    name: "min-replicas-to-write",
    alias: "min-slaves-to-write",
    type: "int",
    min: 0,
    max: INT_MAX,
    default: 0,
  },
  {
    name: "min-replicas-max-lag",
    alias: "min-slaves-max-lag",
    type: "int",
    min: 0,
    max: INT_MAX,
    default: 10,
  },
  { name: "repl-diskless-sync-max-replicas", type: "int", min: 0, max: INT_MAX, default: 0 },
  // Seconds a shutdown waits for lagging replicas. Valkyr has no replication, so a shutdown never has
  // anything to wait for: the value is held, checked and printed, and has no other effect.
  { name: "shutdown-timeout", type: "int", min: 0, max: INT_MAX, default: 10 },
  // unsigned int
  { name: "maxclients", type: "int", unsigned: true, min: 1, max: UINT_MAX, default: 10000 },
  {
    name: "unixsocketperm",
    type: "int",
    flags: ["IMMUTABLE"],
    unsigned: true,
    octal: true,
    min: 0,
    max: 0o777,
    default: 0,
  },
  // unsigned long
  // ACL LOG's length.
  { name: "acllog-max-len", type: "int", unsigned: true, min: 0, max: LONG_MAX, default: 128 },
  {
    name: "commandlog-slow-execution-max-len",
    alias: "slowlog-max-len",
    type: "int",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 128,
  },
  {
    name: "commandlog-large-request-max-len",
    type: "int",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 128,
  },
  {
    name: "commandlog-large-reply-max-len",
    type: "int",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 128,
  },
  // long long
  {
    name: "commandlog-execution-slower-than",
    alias: "slowlog-log-slower-than",
    type: "int",
    min: -1,
    max: LLONG_MAX,
    default: 10000,
  },
  { name: "commandlog-request-larger-than", type: "int", min: -1, max: LLONG_MAX, default: MB },
  { name: "commandlog-reply-larger-than", type: "int", min: -1, max: LLONG_MAX, default: MB },
  { name: "latency-monitor-threshold", type: "int", min: 0, max: LLONG_MAX, default: 0 },
  { name: "proto-max-bulk-len", type: "memory", flags: ["DEBUG"], min: MB, max: LONG_MAX, default: 512 * MB },
  { name: "stream-node-max-entries", type: "int", min: 0, max: LLONG_MAX, default: 100 },
  { name: "repl-backlog-size", type: "memory", min: 1, max: LLONG_MAX, default: 10 * MB },
  // unsigned long long
  { name: "maxmemory", type: "memory", unsigned: true, min: 0, max: ULLONG_MAX, default: 0 },
  // size_t
  {
    name: "hash-max-listpack-entries",
    alias: "hash-max-ziplist-entries",
    type: "int",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 512,
  },
  { name: "set-max-intset-entries", type: "int", unsigned: true, min: 0, max: LONG_MAX, default: 512 },
  { name: "hll-sparse-max-bytes", type: "memory", unsigned: true, min: 0, max: LONG_MAX, default: 3000 },
  { name: "set-max-listpack-entries", type: "int", unsigned: true, min: 0, max: LONG_MAX, default: 128 },
  { name: "set-max-listpack-value", type: "int", unsigned: true, min: 0, max: LONG_MAX, default: 64 },
  {
    name: "zset-max-listpack-entries",
    alias: "zset-max-ziplist-entries",
    type: "int",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 128,
  },
  {
    name: "hash-max-listpack-value",
    alias: "hash-max-ziplist-value",
    type: "memory",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 64,
  },
  { name: "stream-node-max-bytes", type: "memory", unsigned: true, min: 0, max: LONG_MAX, default: 4096 },
  {
    name: "zset-max-listpack-value",
    alias: "zset-max-ziplist-value",
    type: "memory",
    unsigned: true,
    min: 0,
    max: LONG_MAX,
    default: 64,
  },
  {
    name: "client-query-buffer-limit",
    type: "memory",
    flags: ["DEBUG"],
    unsigned: true,
    min: MB,
    max: LONG_MAX,
    default: 1024 * MB,
  },
  // ssize_t
  { name: "maxmemory-clients", type: "memory", percent: true, min: -100, max: LLONG_MAX, default: 0 },
  // time_t
  { name: "repl-backlog-ttl", type: "int", min: 0, max: LONG_MAX, default: 3600 },
  // TLS (core/net/tls.ts; the server applies changes, see core/server/tls_listener.ts)
  { name: "tls-port", type: "int", min: 0, max: 65535, default: 0 },
  { name: "tls-session-cache-size", type: "int", min: 0, max: INT_MAX, default: 20 * 1024 },
  { name: "tls-session-cache-timeout", type: "int", min: 0, max: INT_MAX, default: 300 },
  { name: "tls-cluster", type: "bool", default: false },
  { name: "tls-replication", type: "bool", default: false },
  { name: "tls-auth-clients", type: "enum", values: ["no", "yes", "optional"], default: "yes" },
  { name: "tls-prefer-server-ciphers", type: "bool", default: false },
  { name: "tls-session-caching", type: "bool", default: true },
  { name: "tls-cert-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-key-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-key-file-pass", type: "string", flags: ["SENSITIVE"], emptyIsNull: true, default: null },
  { name: "tls-client-cert-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-client-key-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  {
    name: "tls-client-key-file-pass",
    type: "string",
    flags: ["SENSITIVE"],
    emptyIsNull: true,
    default: null,
  },
  { name: "tls-dh-params-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-ca-cert-file", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-ca-cert-dir", type: "string", flags: ["VOLATILE"], emptyIsNull: true, default: null },
  { name: "tls-protocols", type: "string", emptyIsNull: true, default: null },
  { name: "tls-ciphers", type: "string", emptyIsNull: true, default: null },
  { name: "tls-ciphersuites", type: "string", emptyIsNull: true, default: null },
  // Special
  dirDirective as SpecialDirective,
  saveDirective as SpecialDirective,
  outputBufferLimitDirective as SpecialDirective,
  oomScoreAdjValuesDirective as SpecialDirective,
  notifyDirective as SpecialDirective,
  bindDirective as SpecialDirective,
  percentilesDirective as SpecialDirective,
];

/**
 * Directives Valkey 8.1 no longer has but still accepts (and ignores) in config files, with exactly one
 * argument.
 */
export const DEPRECATED_DIRECTIVES: ReadonlySet<string> = new Set([
  "list-max-ziplist-entries",
  "list-max-ziplist-value",
  "lua-replicate-commands",
  "io-threads-do-reads",
  "dynamic-hz",
]);
