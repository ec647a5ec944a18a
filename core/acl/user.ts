/**
 * ACL users and their rules, as Valkey 8.1 has them: what ACL SETUSER, the `user` config directive and the
 * ACL file apply, what ACL LIST / GETUSER print, and the permission check the dispatcher runs.
 *
 * ```
 * User
 *   flags       on|off, nopass, sanitize-payload|skip-sanitize-payload
 *   passwords   SHA-256 hex digests, in the order added (no duplicates)
 *   selectors   [root, (sel), (sel) ...]   a command is allowed when ANY selector allows it
 *
 * Selector
 *   future      set by +@all / allcommands, cleared by -@all / nocommands: the base the rules start from
 *               (and whether commands a module registers later are allowed)
 *   rules       the command rules after the base, in order ("+@read -get +config|get +select|0"):
 *               a new rule removes an older one for the same command or category first (and, for a whole
 *               command, its "cmd|sub" rules), so the list is exactly what ACL LIST prints
 *   allowed     the commands and subcommands the base plus the rules allow (recomputed from base + rules
 *               when the command table changes: a module loaded or unloaded)
 *   firstArgs   "+select|0": a first argument allowed for an otherwise denied, non-container command
 *   keys        ~pattern (read+write), %R~ / %W~ / %RW~; or allKeys
 *   channels    &pattern; or allChannels
 * ```
 *
 * Names, passwords and patterns are byte strings; they are held as Latin-1 strings (one char per byte) so
 * they print back byte for byte.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { CommandSpec, KeySpecFlag } from "../commands/spec.ts";
import { globMatch } from "../util/glob.ts";
import { asciiBytes } from "../util/numbers.ts";
import { splitArgsLatin1 } from "../resp/inline.ts";

/** Key permission bits of a key pattern. */
export const PERM_READ = 1;
export const PERM_WRITE = 2;
export const PERM_ALL = 3;

/** Why a rule was refused (Valkey's errno values of ACLSetUser), see {@link ruleErrorText}. */
export type RuleError =
  | "ENOENT"
  | "EINVAL"
  | "EEXIST"
  | "EISDIR"
  | "ENODEV"
  | "EBADMSG"
  | "ECHILD"
  | "EALREADY";

/** Valkey's ACLSetUserStringError texts. */
export function ruleErrorText(e: RuleError): string {
  switch (e) {
    case "ENOENT":
      return "Unknown command or category name in ACL";
    case "EINVAL":
      return "Syntax error";
    case "EEXIST":
      return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any " +
        "effect. Try 'resetkeys' to start with an empty list of patterns";
    case "EISDIR":
      return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have " +
        "any effect. Try 'resetchannels' to start with an empty list of channels";
    case "ENODEV":
      return "The password you are trying to remove from the user does not exist";
    case "EBADMSG":
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    case "EALREADY":
      return "Duplicate user found. A user can only be defined once in config files";
    case "ECHILD":
      return "Allowing first-arg of a subcommand is not supported";
  }
}

/** What the rules need to know about the command table (and the module ACL categories). */
export interface CommandCatalog {
  /** Valkey's lookupCommandBySdsLogic: `name` or `container|sub` (any case); undefined when unknown. */
  lookup(name: string): CommandSpec | undefined;
  /** The container of a subcommand. */
  parentOf(spec: CommandSpec): CommandSpec | undefined;
  /** Top-level commands. */
  all(): Iterable<CommandSpec>;
  /** `get`, `config|get`, `BF.ADD` as declared. */
  fullName(spec: CommandSpec): string;
  /** Whether an ACL category (without `@`, any case) exists; returns its canonical lower-case name. */
  category(name: string): string | undefined;
  /** The ACL categories of a command (declared and implied). */
  categoriesOf(spec: CommandSpec): ReadonlySet<string>;
}

/** C's isspace, or a NUL byte: not allowed in user names, key and channel patterns. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 32 || (c >= 9 && c <= 13)) return true;
  }
  return false;
}

/** The SHA-256 hex digest of a Latin-1 (byte) string, as ACL passwords are stored. */
export function hashPassword(cleartext: string): string {
  return createHash("sha256").update(asciiBytes(cleartext)).digest("hex");
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** Case-insensitive ASCII comparison (C's strcasecmp on strings without NUL). */
function ieq(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

export interface KeyPattern {
  /** Latin-1 pattern text. */
  readonly pattern: string;
  readonly bytes: Uint8Array;
  flags: number;
}

export class Selector {
  allKeys = false;
  allChannels = false;
  /** Valkey's SELECTOR_FLAG_ALLCOMMANDS: set by +@all, cleared when any command is denied. */
  allCommands = false;
  /** Valkey's reserved "future commands" bit: +@all sets it, -@all clears it. */
  future = false;
  allowed = new Set<CommandSpec>();
  firstArgs: Map<CommandSpec, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];
  channelBytes: Uint8Array[] = [];
  /** Command rules after the +@all / -@all base, e.g. ["+@read", "-get"]. */
  rules: string[] = [];

  constructor(readonly root: boolean) {}

  clone(): Selector {
    const s = new Selector(this.root);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs !== null) {
      s.firstArgs = new Map();
      for (const [k, v] of this.firstArgs) s.firstArgs.set(k, [...v]);
    }
    s.keys = this.keys.map((k) => ({ pattern: k.pattern, bytes: k.bytes, flags: k.flags }));
    s.channels = [...this.channels];
    s.channelBytes = [...this.channelBytes];
    s.rules = [...this.rules];
    return s;
  }

  /** Applies one selector rule (keys, channels, commands). Returns null or why it was refused. */
  apply(op: string, cat: CommandCatalog): RuleError | null {
    if (ieq(op, "allkeys") || ieq(op, "~*")) {
      this.allKeys = true;
      this.keys = [];
    } else if (ieq(op, "resetkeys")) {
      this.allKeys = false;
      this.keys = [];
    } else if (ieq(op, "allchannels") || ieq(op, "&*")) {
      this.allChannels = true;
      this.channels = [];
      this.channelBytes = [];
    } else if (ieq(op, "resetchannels")) {
      this.allChannels = false;
      this.channels = [];
      this.channelBytes = [];
    } else if (ieq(op, "allcommands") || ieq(op, "+@all")) {
      this.#base(true, cat);
    } else if (ieq(op, "nocommands") || ieq(op, "-@all")) {
      this.#base(false, cat);
    } else if (op[0] === "~" || op[0] === "%") {
      return this.#addKeyPattern(op);
    } else if (op[0] === "&") {
      if (this.allChannels) return "EISDIR";
      const pat = op.slice(1);
      if (hasSpaces(pat)) return "EINVAL";
      if (!this.channels.includes(pat)) {
        this.channels.push(pat);
        this.channelBytes.push(asciiBytes(pat));
      }
      this.allChannels = false;
    } else if (op[0] === "+" && op[1] !== "@") {
      return this.#allowCommand(op.slice(1), cat);
    } else if (op[0] === "-" && op[1] !== "@") {
      const spec = cat.lookup(op.slice(1));
      if (spec === undefined) return "ENOENT";
      this.#changeCommand(spec, false);
      this.#updateRules(cat.fullName(spec), false);
    } else if ((op[0] === "+" || op[0] === "-") && op[1] === "@") {
      const name = cat.category(op.slice(2));
      if (name === undefined) return "ENOENT";
      const allow = op[0] === "+";
      this.#updateRules(op.slice(1), allow);
      this.#changeCategory(name, allow, cat);
    } else {
      return "EINVAL";
    }
    return null;
  }

  #base(all: boolean, cat: CommandCatalog): void {
    this.future = all;
    this.allCommands = all;
    this.rules = [];
    this.firstArgs = null;
    this.allowed = new Set();
    if (all) {
      for (const spec of cat.all()) {
        this.allowed.add(spec);
        for (const sub of spec.subcommands ?? []) this.allowed.add(sub);
      }
    }
  }

  #addKeyPattern(op: string): RuleError | null {
    if (this.allKeys) return "EEXIST";
    let flags = 0;
    let offset = 1;
    if (op[0] === "%") {
      let ok = true;
      for (; offset < op.length; offset++) {
        const c = op[offset]!.toUpperCase();
        if (c === "R" && !(flags & PERM_READ)) flags |= PERM_READ;
        else if (c === "W" && !(flags & PERM_WRITE)) flags |= PERM_WRITE;
        else if (op[offset] === "~") {
          offset++;
          break;
        } else {
          ok = false;
          break;
        }
      }
      if (flags === 0 || !ok) return "EINVAL";
    } else {
      flags = PERM_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) return "EINVAL";
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing === undefined) this.keys.push({ pattern, bytes: asciiBytes(pattern), flags });
    else existing.flags |= flags;
    this.allKeys = false;
    return null;
  }

  #allowCommand(name: string, cat: CommandCatalog): RuleError | null {
    const bar = name.lastIndexOf("|");
    if (bar < 0) {
      const spec = cat.lookup(name);
      if (spec === undefined) return "ENOENT";
      this.#changeCommand(spec, true);
      this.#updateRules(cat.fullName(spec), true);
      return null;
    }
    const base = cat.lookup(name.slice(0, bar));
    if (base === undefined) return "ENOENT";
    if (cat.parentOf(base) !== undefined) return "ECHILD";
    const sub = name.slice(bar + 1);
    if (sub.length === 0) return "EINVAL";
    if (base.subcommands !== undefined) {
      const spec = cat.lookup(name);
      if (spec === undefined) return "ENOENT";
      this.#changeCommand(spec, true);
    } else {
      // A first argument of a command without subcommands (SELECT 0): allowed through allowed first-args.
      this.firstArgs ??= new Map();
      const list = this.firstArgs.get(base) ?? [];
      const lower = sub.toLowerCase();
      if (!list.includes(lower)) list.push(lower);
      this.firstArgs.set(base, list);
    }
    this.#updateRules(name, true);
    return null;
  }

  /** Allows or denies a command (a container with all its subcommands) and forgets its first-args. */
  #changeCommand(spec: CommandSpec, allow: boolean): void {
    this.#setBit(spec, allow);
    this.firstArgs?.delete(spec);
    for (const sub of spec.subcommands ?? []) this.#setBit(sub, allow);
  }

  #setBit(spec: CommandSpec, allow: boolean): void {
    if (allow) this.allowed.add(spec);
    else {
      this.allowed.delete(spec);
      this.allCommands = false;
    }
  }

  #changeCategory(name: string, allow: boolean, cat: CommandCatalog): void {
    for (const spec of cat.all()) {
      if (cat.categoriesOf(spec).has(name)) this.#changeCommand(spec, allow);
      for (const sub of spec.subcommands ?? []) {
        if (cat.categoriesOf(sub).has(name)) this.#setBit(sub, allow);
      }
    }
  }

  /**
   * Records a command rule: an older rule for the same command or category goes first (with the rules of
   * its subcommands or first-args, for a whole command), then the new one is appended.
   */
  #updateRules(rule: string, allow: boolean): void {
    const r = rule.toLowerCase();
    this.rules = this.rules.filter((old) => {
      const body = old.slice(1);
      return !(body === r || (body.length > r.length && body.startsWith(r) && body[r.length] === "|"));
    });
    this.rules.push((allow ? "+" : "-") + r);
  }

  /** Recomputes the allowed commands from the base and the rules (the command table changed). */
  recompute(cat: CommandCatalog): void {
    const rules = this.rules;
    this.#base(this.future, cat);
    // A rule naming a command that is gone (its module was unloaded) is dropped.
    for (const r of rules) this.apply(r, cat);
  }

  /** The command rules as ACL LIST / GETUSER print them: "+@all" or "-@all", then the rules. */
  describeCommands(): string {
    return [this.future ? "+@all" : "-@all", ...this.rules].join(" ");
  }

  /** GETUSER's `keys`: "~*" or the patterns with their permissions, space-separated. */
  describeKeys(): string {
    if (this.allKeys) return "~*";
    return this.keys.map(keyPatternText).join(" ");
  }

  /** GETUSER's `channels`: "&*" or the patterns, space-separated. */
  describeChannels(): string {
    if (this.allChannels) return "&*";
    return this.channels.map((c) => "&" + c).join(" ");
  }

  /** The selector as ACL LIST prints it: keys, channels, commands. */
  describe(): string {
    let out = "";
    if (this.allKeys) out += "~* ";
    else for (const k of this.keys) out += keyPatternText(k) + " ";
    if (this.allChannels) out += "&* ";
    else {
      out += "resetchannels ";
      for (const c of this.channels) out += "&" + c + " ";
    }
    return out + this.describeCommands();
  }

  /** Whether the selector lets the command run, as far as the command itself goes. */
  allowsCommand(spec: CommandSpec, parent: CommandSpec | undefined, argv: readonly Uint8Array[]): boolean {
    if (this.allCommands || this.allowed.has(spec) || spec.flags.includes("NO_AUTH")) return true;
    const allowed = this.firstArgs?.get(spec);
    const idx = parent !== undefined ? 2 : 1;
    if (allowed === undefined || argv.length < 2 || idx >= argv.length) return false;
    const arg = latin1Lower(argv[idx]!);
    return allowed.includes(arg);
  }

  /** Whether a key may be accessed with the access its key spec declares. */
  allowsKey(key: Uint8Array, flags: readonly KeySpecFlag[]): boolean {
    if (this.allKeys) return true;
    const need = keyPerm(flags);
    for (const p of this.keys) {
      if ((p.flags & need) !== need) continue;
      if (globMatch(p.bytes, key)) return true;
    }
    return false;
  }

  /** Whether a channel (or, for PSUBSCRIBE, a pattern compared literally) may be used. */
  allowsChannel(channel: Uint8Array, isPattern: boolean): boolean {
    if (this.allChannels) return true;
    for (let i = 0; i < this.channelBytes.length; i++) {
      const p = this.channelBytes[i]!;
      if (isPattern ? sameBytes(p, channel) : globMatch(p, channel)) return true;
    }
    return false;
  }

  /** Whether every key may be accessed with these key-spec flags (a `*` pattern with the permissions). */
  unrestrictedKeys(flags: readonly KeySpecFlag[]): boolean {
    if (this.allKeys) return true;
    const need = keyPerm(flags);
    return this.keys.some((p) => (p.flags & need) === need && p.pattern === "*");
  }
}

function keyPatternText(k: KeyPattern): string {
  const prefix = k.flags === PERM_ALL ? "~" : k.flags === PERM_READ ? "%R~" : "%W~";
  return prefix + k.pattern;
}

/** The permissions a key needs, from its key spec's logical-operation flags. */
export function keyPerm(flags: readonly KeySpecFlag[]): number {
  let need = 0;
  for (const f of flags) {
    if (f === "ACCESS") need |= PERM_READ;
    else if (f === "INSERT" || f === "DELETE" || f === "UPDATE") need |= PERM_WRITE;
  }
  return need;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  // C's strcmp: both end at their first NUL.
  const an = a.indexOf(0) < 0 ? a.length : a.indexOf(0);
  const bn = b.indexOf(0) < 0 ? b.length : b.indexOf(0);
  if (an !== bn) return false;
  for (let i = 0; i < an; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1Lower(b: Uint8Array): string {
  let s = "";
  const n = b.indexOf(0) < 0 ? b.length : b.indexOf(0);
  for (let i = 0; i < n; i++) {
    let c = b[i]!;
    if (c >= 65 && c <= 90) c += 32;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The user flags in the order ACL LIST and GETUSER print them. */
const FLAG_ORDER = ["on", "off", "nopass", "skip-sanitize-payload", "sanitize-payload"] as const;

export class AclUser {
  enabled = false;
  nopass = false;
  skipSanitizePayload = false;
  passwords: string[] = [];
  selectors: Selector[] = [new Selector(true)];
  /**
   * True when the user may run everything on every key and channel: the dispatcher then skips the check
   * (kept by {@link refresh} after every change).
   */
  unrestricted = false;
  /** True while the user is in the server's user table (a deleted user's clients are closed). */
  live = true;

  constructor(readonly name: string) {}

  get root(): Selector {
    return this.selectors[0]!;
  }

  /** A copy with the same rules (ACL SETUSER applies its rules to a copy first). */
  clone(name = this.name): AclUser {
    const u = new AclUser(name);
    u.enabled = this.enabled;
    u.nopass = this.nopass;
    u.skipSanitizePayload = this.skipSanitizePayload;
    u.passwords = [...this.passwords];
    u.selectors = this.selectors.map((s) => s.clone());
    return u;
  }

  /** Takes over the rules of `src` (its name stays). */
  copyFrom(src: AclUser): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.skipSanitizePayload = src.skipSanitizePayload;
    this.passwords = src.passwords;
    this.selectors = src.selectors;
    this.refresh();
  }

  /** Recomputes {@link unrestricted}. */
  refresh(): void {
    const r = this.root;
    this.unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  flagNames(): string[] {
    const on: Record<(typeof FLAG_ORDER)[number], boolean> = {
      on: this.enabled,
      off: !this.enabled,
      nopass: this.nopass,
      "skip-sanitize-payload": this.skipSanitizePayload,
      "sanitize-payload": !this.skipSanitizePayload,
    };
    return FLAG_ORDER.filter((f) => on[f]);
  }

  /** The rules after `user <name>` in ACL LIST and ACL SAVE. */
  describe(): string {
    let out = "";
    for (const f of this.flagNames()) out += f + " ";
    for (const p of this.passwords) out += "#" + p + " ";
    out += this.root.describe();
    for (let i = 1; i < this.selectors.length; i++) out += ` (${this.selectors[i]!.describe()})`;
    return out;
  }

  /**
   * Applies one rule (Valkey's ACLSetUser). `resetChannelsAllows` is `acl-pubsub-default` being
   * `allchannels` (new selectors and `reset` then start with every channel).
   */
  apply(op: string, cat: CommandCatalog, pubsubDefaultAll: boolean): RuleError | null {
    const r = this.#apply(op, cat, pubsubDefaultAll);
    this.refresh();
    return r;
  }

  #apply(op: string, cat: CommandCatalog, pubsubDefaultAll: boolean): RuleError | null {
    if (op.length === 0) return null;
    if (ieq(op, "on")) this.enabled = true;
    else if (ieq(op, "off")) this.enabled = false;
    else if (ieq(op, "skip-sanitize-payload")) this.skipSanitizePayload = true;
    else if (ieq(op, "sanitize-payload")) this.skipSanitizePayload = false;
    else if (ieq(op, "nopass")) {
      this.nopass = true;
      this.passwords = [];
    } else if (ieq(op, "resetpass")) {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === ">" || op[0] === "#") {
      let pass: string;
      if (op[0] === ">") pass = hashPassword(op.slice(1));
      else {
        pass = op.slice(1);
        if (!validHash(pass)) return "EBADMSG";
      }
      if (!this.passwords.includes(pass)) this.passwords.push(pass);
      this.nopass = false;
    } else if (op[0] === "<" || op[0] === "!") {
      let pass: string;
      if (op[0] === "<") pass = hashPassword(op.slice(1));
      else {
        pass = op.slice(1);
        if (!validHash(pass)) return "EBADMSG";
      }
      const i = this.passwords.indexOf(pass);
      if (i < 0) return "ENODEV";
      this.passwords.splice(i, 1);
    } else if (op[0] === "(" && op[op.length - 1] === ")") {
      const sel = newSelector(false, pubsubDefaultAll);
      const inner = splitRules(op.slice(1, -1));
      for (const o of inner) {
        const e = sel.apply(o, cat);
        if (e !== null) return e;
      }
      this.selectors.push(sel);
    } else if (ieq(op, "clearselectors")) {
      this.selectors.length = 1;
    } else if (ieq(op, "reset")) {
      this.nopass = false;
      this.passwords = [];
      this.root.apply("resetkeys", cat);
      this.root.apply("resetchannels", cat);
      if (pubsubDefaultAll) this.root.apply("allchannels", cat);
      this.enabled = false;
      this.skipSanitizePayload = false;
      this.selectors.length = 1;
      this.root.apply("-@all", cat);
    } else {
      return this.root.apply(op, cat);
    }
    return null;
  }

  /** Whether `password` (cleartext bytes as Latin-1) is accepted (the user must also be enabled). */
  checkPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    const h = hashPassword(password);
    let ok = false;
    // Every stored hash is compared in full, so the time taken does not depend on which one matched.
    for (const p of this.passwords) {
      let diff = 0;
      for (let i = 0; i < 64; i++) diff |= p.charCodeAt(i) ^ h.charCodeAt(i);
      if (diff === 0) ok = true;
    }
    return ok;
  }

  /** Recomputes every selector's allowed commands (the command table changed). */
  recompute(cat: CommandCatalog): void {
    for (const s of this.selectors) s.recompute(cat);
    this.refresh();
  }
}

/** A new selector: no commands, no keys, channels as `acl-pubsub-default` says. */
export function newSelector(root: boolean, pubsubDefaultAll: boolean): Selector {
  const s = new Selector(root);
  s.allChannels = pubsubDefaultAll;
  return s;
}

/** A new user as ACL SETUSER creates it: off, no passwords, no commands, keys or channels. */
export function newUser(name: string, pubsubDefaultAll: boolean): AclUser {
  const u = new AclUser(name);
  u.selectors = [newSelector(true, pubsubDefaultAll)];
  u.refresh();
  return u;
}

/**
 * Splits the inside of a selector `(...)` into rules as Valkey's sdssplitargs does (spaces separate,
 * "double" and 'single' quotes group); unbalanced quotes yield no rules.
 */
export function splitRules(text: string): string[] {
  return splitArgsLatin1(text) ?? [];
}

/**
 * Valkey's ACLMergeSelectorArguments: joins the words of a selector written over several arguments
 * ("(+get" "~key)" → "(+get ~key)"). Returns the index of the unclosed opening word instead on failure.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | { unmatched: number } {
  const out: string[] = [];
  let open = -1;
  let sel = "";
  for (let j = 0; j < args.length; j++) {
    const op = args[j]!;
    if (open === -1 && op[0] === "(" && op[op.length - 1] !== ")") {
      sel = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      sel += " " + op;
      if (op[op.length - 1] === ")") {
        open = -1;
        out.push(sel);
      }
      continue;
    }
    out.push(op);
  }
  if (open !== -1) return { unmatched: open };
  return out;
}

/** A catalog that knows no command and no category (config files are read before the table exists). */
const EMPTY_CATALOG: CommandCatalog = {
  lookup: () => undefined,
  parentOf: () => undefined,
  all: () => [],
  fullName: (s) => s.name,
  category: () => undefined,
  categoriesOf: () => new Set(),
};

/**
 * Checks a `user <name> <rules...>` config line (the words after `user`) as Valkey's config loading does:
 * selectors are merged, the rules are tried on a scratch user (an unknown command or category is left for
 * when the users are created: a module may declare it), a user may be declared once. Returns the line to
 * keep (name, merged rules) or the error (which names the word of the line at the failing rule's index,
 * counting `user` as word 0, as Valkey prints it).
 */
export function checkUserDirective(
  args: readonly string[],
  declared: readonly string[][],
): string[] | string {
  const words = ["user", ...args];
  const name = args[0]!;
  if (declared.some((d) => d[0] === name)) {
    return `Error in user declaration '${words[1]}': ${ruleErrorText("EALREADY")}`;
  }
  const merged = mergeSelectorArgs(args.slice(1));
  if (!Array.isArray(merged)) {
    return `Error in user declaration '${words[merged.unmatched]}': ${ruleErrorText("EINVAL")}`;
  }
  const scratch = newUser("__fakeuser__", false);
  for (let j = 0; j < merged.length; j++) {
    const e = scratch.apply(merged[j]!, EMPTY_CATALOG, false);
    if (e !== null && e !== "ENOENT") {
      return `Error in user declaration '${words[j] ?? ""}': ${ruleErrorText(e)}`;
    }
  }
  return [name, ...merged];
}
