/**
 * The ACL subsystem of one server: its users (the `default` user always exists), the `requirepass` and
 * `user` directives, AUTH through them, and the permission check the dispatcher runs for clients whose
 * user is not unrestricted (see {@link AclUser.unrestricted}: the default user with +@all ~* &* costs
 * nothing).
 *
 * The check is Valkey's ACLCheckAllUserCommandPerm: a command runs when any selector of the user allows
 * the command itself, every key it touches (found from the command's key specs, with the access their
 * flags declare) and every channel it publishes or subscribes to. When no selector does, the error
 * reported is the most relevant one: channel over key over command; between two selectors failing for the
 * same reason, the one at the later argument.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { CommandCall } from "../commands/call.ts";
import { clientInfoLine } from "../commands/connection/client_info.ts";
import type { PermissionLogAs, Server } from "../server/server.ts";
import { LoggedError } from "../server/log.ts";
import { resolve as resolvePath } from "node:path";
import type { CommandSpec, KeySpecFlag } from "../commands/spec.ts";
import { aclCategories, type ResolvedCommand } from "../commands/registry.ts";
import { ACL_CATEGORY_ORDER } from "../commands/server/command_reply.ts";
import { commandKeys, hasKeys, type KeyRef } from "../commands/server/keys_from_spec.ts";
import { connectionHooks, type UserDirectory } from "../commands/connection/hooks.ts";
import { type ClientSubs, pubsubState } from "../commands/pubsub/state.ts";
import { strerror } from "../config/directives.ts";
import { readLatin1File, writeLatin1FileAtomic } from "../runtime/files.ts";
import { existingModuleHost } from "../module_api/host.ts";
import { bytesToAscii } from "../util/numbers.ts";
import {
  AclUser,
  type CommandCatalog,
  hasSpaces,
  mergeSelectorArgs,
  newSelector,
  newUser,
  ruleErrorText,
  type Selector,
} from "./user.ts";

/** Why a command was refused (Valkey's ACL_DENIED_* values, ordered by relevance). */
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;

export interface Denial {
  reason: typeof DENIED_CMD | typeof DENIED_KEY | typeof DENIED_CHANNEL;
  /** The argument that failed: 0 for the command, else the key's or channel's position. */
  pos: number;
}

/** Where a denial happened (ACL LOG's `context`). */
export type LogContext = "toplevel" | "multi" | "module";

/** One ACL LOG entry (Valkey's ACLLogEntry). */
export interface LogEntry {
  count: number;
  reason: number;
  context: LogContext;
  /** The command's full name, the key or channel, or for a failed AUTH the command word as sent. */
  object: string;
  username: string;
  /** Unix ms of the last occurrence. */
  ctime: number;
  entryId: number;
  timestampCreated: number;
  /** The client's CLIENT LIST line at the last occurrence. */
  cinfo: string;
}

/** Entries with the same reason, context, object and user within this many ms are one entry. */
const LOG_GROUPING_MS = 60000;
/** How many of the newest entries a new one is compared with. */
const LOG_GROUPING_SCAN = 10;

/** Channel arguments of the commands that publish or subscribe (Valkey's commands_with_channels). */
const CHANNEL_COMMANDS: ReadonlyMap<string, { first: number; count: number; pattern: boolean }> = new Map([
  ["subscribe", { first: 1, count: -1, pattern: false }],
  ["ssubscribe", { first: 1, count: -1, pattern: false }],
  ["psubscribe", { first: 1, count: -1, pattern: true }],
  ["publish", { first: 1, count: 1, pattern: false }],
  ["spublish", { first: 1, count: 1, pattern: false }],
]);

/** The command table as the rules see it: lookups by name, categories (core and module ones). */
class Catalog implements CommandCatalog {
  readonly #cats = new WeakMap<CommandSpec, ReadonlySet<string>>();

  constructor(readonly server: Server) {}

  lookup(name: string): CommandSpec | undefined {
    const parts = name.split("|");
    if (parts.length > 2) return undefined;
    const table = this.server.commands;
    // Rules name commands as declared, whatever rename-command did (Valkey's orig_commands).
    const base = table.original(parts[0]!);
    if (base === undefined || parts.length === 1) return base;
    if (base.subcommands === undefined) return undefined;
    return table.subcommand(base, parts[1]!.toLowerCase());
  }

  parentOf(spec: CommandSpec): CommandSpec | undefined {
    return this.server.commands.parentOf(spec);
  }

  all(): Iterable<CommandSpec> {
    return this.server.commands.allOriginal();
  }

  fullName(spec: CommandSpec): string {
    return this.server.commands.fullName(spec);
  }

  category(name: string): string | undefined {
    const lc = name.toLowerCase();
    return this.categoryNames().includes(lc) ? lc : undefined;
  }

  /** Every category, core ones first, then the modules' in registration order (ACL CAT). */
  categoryNames(): string[] {
    return [...ACL_CATEGORY_ORDER, ...(existingModuleHost(this.server)?.aclCategories() ?? [])];
  }

  categoriesOf(spec: CommandSpec): ReadonlySet<string> {
    let s = this.#cats.get(spec);
    if (s === undefined) {
      s = new Set(aclCategories(spec));
      this.#cats.set(spec, s);
    }
    return s;
  }
}

/** The ACL state of one server. */
export class Acl {
  #users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  readonly catalog: Catalog;
  /** The command table version the users' allowed commands were computed for. */
  #tableVersion: number;
  /** ACL LOG, newest first. */
  log: LogEntry[] = [];
  /** Entries ever created (the next entry's id; ACL LOG RESET keeps counting). */
  #logCount = 0;
  /** INFO stats acl_access_denied_*: denials and failed authentications (CONFIG RESETSTAT keeps them). */
  readonly denied = { auth: 0, cmd: 0, key: 0, channel: 0 };

  constructor(readonly server: Server) {
    this.catalog = new Catalog(server);
    this.#tableVersion = server.commands.version;
    this.defaultUser = this.#freshDefault();
    this.#users.set("default", this.defaultUser);
  }

  /** `acl-pubsub-default` is `allchannels`. */
  get pubsubDefaultAll(): boolean {
    return this.server.config.getEnum("acl-pubsub-default") === "allchannels";
  }

  /** Recomputes the users' allowed commands when the command table changed (a module came or went). */
  fresh(): void {
    const v = this.server.commands.version;
    if (v === this.#tableVersion) return;
    this.#tableVersion = v;
    for (const u of this.#users.values()) u.recompute(this.catalog);
  }

  get(name: string): AclUser | undefined {
    return this.#users.get(name);
  }

  /** Users in name order (bytes), as Valkey's radix tree walks them. */
  users(): AclUser[] {
    return [...this.#users.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * ACL SETUSER: applies `rules` to a copy of the user (a new user when it does not exist) and, when all
   * were accepted, makes the copy the user. Returns the error text (without `ERR `) or null.
   */
  setUser(name: string, rules: readonly string[]): string | null {
    this.fresh();
    const merged = mergeSelectorArgs(rules);
    if (!Array.isArray(merged)) {
      return `Unmatched parenthesis in acl selector starting at '${cstr(rules[merged.unmatched]!)}'.`;
    }
    const existing = this.#users.get(name);
    const temp = existing !== undefined ? existing.clone() : newUser(name, this.pubsubDefaultAll);
    for (const op of merged) {
      const e = temp.apply(op, this.catalog, this.pubsubDefaultAll);
      if (e !== null) return `Error in ACL SETUSER modifier '${cstr(op)}': ${ruleErrorText(e)}`;
    }
    if (existing === undefined) {
      this.#users.set(name, temp);
      return null;
    }
    this.#killRevokedSubscribers(existing, temp);
    existing.copyFrom(temp);
    return null;
  }

  /**
   * Deletes a user; its clients go back to the default user, unauthenticated, and are closed (after this
   * reply, for the client running the command). Returns false when there was no such user.
   */
  deleteUser(name: string, current: Client | undefined): boolean {
    const u = this.#users.get(name);
    if (u === undefined) return false;
    this.#users.delete(name);
    u.live = false;
    for (const c of [...this.server.clients.values()]) {
      if (c.access !== u) continue;
      c.user = "default";
      c.access = this.defaultUser;
      c.setAuthenticated(false);
      if (c === current) c.closeAfterReply = true;
      else this.server.closeClient(c, false);
    }
    return true;
  }

  /** Removes every user but `default` and resets it (before loading a set of users). */
  #resetDefault(): void {
    this.defaultUser.apply("reset", this.catalog, this.pubsubDefaultAll);
  }

  /** The `requirepass` value became `pw` (null: unset): the default user's passwords follow it. */
  requirepassChanged(pw: string | null): void {
    const d = this.defaultUser;
    d.apply("resetpass", this.catalog, false);
    d.apply(pw === null ? "nopass" : ">" + pw, this.catalog, false);
  }

  /**
   * Creates the users of the config file's `user` lines (Valkey's ACLLoadConfiguredUsers): `default`
   * is reset first when declared. Returns the log line of the first failure, or null.
   */
  loadConfiguredUsers(lines: readonly string[][]): string | null {
    for (const [name, ...rules] of lines) {
      if (hasSpaces(name!)) return "Spaces not allowed in ACL usernames";
      let u = this.#users.get(name!);
      if (u === undefined) {
        u = newUser(name!, this.pubsubDefaultAll);
        this.#users.set(name!, u);
      } else if (u === this.defaultUser) this.#resetDefault();
      for (const r of rules) {
        const e = u.apply(r, this.catalog, this.pubsubDefaultAll);
        if (e !== null) {
          return `Error loading ACL rule '${cstr(r)}' for the user named '${cstr(name!)}': ${
            ruleErrorText(e)
          }`;
        }
      }
      if (!u.enabled) {
        this.server.logger.notice(
          `The user '${cstr(name!)}' is disabled (there is no 'on' modifier in the user description). ` +
            "Make sure this is not a configuration error.",
        );
      }
    }
    return null;
  }

  /**
   * Valkey's ACLCheckAllUserCommandPerm: null when `user` may run the request, else why not and at which
   * argument.
   */
  check(
    user: AclUser,
    spec: CommandSpec,
    parent: CommandSpec | undefined,
    argv: readonly Uint8Array[],
  ): Denial | null {
    this.fresh();
    let best: Denial = { reason: DENIED_CMD, pos: 0 };
    let keys: KeyRef[] | null = null;
    for (const s of user.selectors) {
      const r = checkSelector(s, spec, parent, argv, () => (keys ??= commandKeys(spec, argv)));
      if (r === null) return null;
      if (r.reason > best.reason || (r.reason === best.reason && r.pos > best.pos)) best = r;
    }
    return best;
  }

  /**
   * Closes the pub/sub clients of `original` whose subscriptions `updated` no longer allows (Valkey's
   * ACLKillPubsubClientsIfNeeded).
   */
  #killRevokedSubscribers(original: AclUser, updated: AclUser): void {
    const ps = pubsubState(this.server);
    for (const c of [...this.server.clients.values()]) {
      if (c.access !== original) continue;
      const subs = ps.subsOf(c);
      if (subs !== undefined && revokedChannels(original, updated, subs)) this.server.closeClient(c, true);
    }
  }

  /**
   * Records a denial or a failed authentication (Valkey's addACLLogEntry): counts it for INFO, then adds
   * it to ACL LOG, or bumps a recent entry with the same reason, context, object and user.
   */
  addLog(call: CommandCall, reason: number, context: LogContext, object: string, username: string): void {
    if (reason === DENIED_AUTH) this.denied.auth++;
    else if (reason === DENIED_CMD) this.denied.cmd++;
    else if (reason === DENIED_KEY) this.denied.key++;
    else this.denied.channel++;
    const max = this.server.config.getInt("acllog-max-len");
    if (max === 0) {
      this.log = [];
      return;
    }
    const now = call.now;
    const cinfo = clientInfoLine(this.server, call.client, call);
    const scan = Math.min(LOG_GROUPING_SCAN, this.log.length);
    for (let i = 0; i < scan; i++) {
      const e = this.log[i]!;
      if (
        e.reason === reason && e.context === context && Math.abs(e.ctime - now) <= LOG_GROUPING_MS &&
        e.object === object && e.username === username
      ) {
        this.log.splice(i, 1);
        this.log.unshift(e);
        e.cinfo = cinfo;
        e.ctime = now;
        e.count++;
        return;
      }
    }
    this.log.unshift({
      count: 1,
      reason,
      context,
      object,
      username,
      ctime: now,
      entryId: this.#logCount++,
      timestampCreated: now,
      cinfo,
    });
    if (this.log.length > max) this.log.length = max;
  }

  /**
   * ACL LOAD and start-up with `aclfile` (Valkey's ACLLoadFromFile): every user is replaced by the file's,
   * or, when any line has an error, nothing changes and the errors are returned. The default user keeps
   * its identity (its clients stay), and is created as at start-up when the file has none; clients of a
   * user the file no longer has are closed, and so are subscribers whose channels are gone.
   */
  loadFile(current: Client | undefined): string | null {
    this.fresh();
    const path = this.server.config.getStr("aclfile");
    let text: string;
    try {
      text = readLatin1File(this.#aclPath());
    } catch (e) {
      return `Error loading ACLs, opening file '${path}': ${strerror(e)}`;
    }
    const pubsubAll = this.pubsubDefaultAll;
    const users = new Map<string, AclUser>();
    let errors = "";
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const at = `${path}:${i + 1}`;
      const line = trimChars(lines[i]!, " \t\r\n");
      if (line === "") continue;
      const argv = line.split(" ");
      if (argv[0] !== "user" || argv.length < 2) {
        errors += `${at} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1]!;
      if (hasSpaces(name)) {
        errors += `'${at}: username '${cstr(name)}' contains invalid characters. `;
        continue;
      }
      if (users.has(name)) {
        errors += `WARNING: Duplicate user '${cstr(name)}' found on line ${i + 1}. `;
        continue;
      }
      const u = newUser(name, pubsubAll);
      users.set(name, u);
      const merged = mergeSelectorArgs(argv.slice(2));
      if (!Array.isArray(merged)) {
        errors += `${at}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      let syntaxError = false;
      for (const raw of merged) {
        const op = trimChars(raw, "\t\r\n");
        const e = u.apply(op, this.catalog, pubsubAll);
        if (e === null) continue;
        if (e === "ENOENT") {
          errors += `${at}: Error in applying operation '${cstr(op)}': ${ruleErrorText(e)}. `;
        } else if (!syntaxError) {
          errors += `${at}: ${ruleErrorText(e)}. `;
          syntaxError = true;
        }
      }
    }
    if (errors !== "") {
      return errors +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
    }
    const d = this.defaultUser;
    d.copyFrom(users.get("default") ?? this.#freshDefault());
    users.set("default", d);
    const ps = pubsubState(this.server);
    for (const c of [...this.server.clients.values()]) {
      const original = c.access as AclUser;
      if (original === d) continue;
      const updated = users.get(original.name);
      const revoked = updated !== undefined && ps.subsOf(c) !== undefined &&
        revokedChannels(original, updated, ps.subsOf(c)!);
      if (updated === undefined || revoked) {
        if (c === current) c.closeAfterReply = true;
        else this.server.closeClient(c, true);
        continue;
      }
      c.access = updated;
    }
    for (const u of this.#users.values()) if (!users.has(u.name) || users.get(u.name) !== u) u.live = false;
    this.#users = users;
    return null;
  }

  /** ACL SAVE: writes every user in the file format (Valkey's ACLSaveToFile). False when that failed. */
  saveFile(): boolean {
    this.fresh();
    const path = this.server.config.getStr("aclfile");
    let text = "";
    for (const u of this.users()) text += `user ${u.name} ${u.describe()}\n`;
    try {
      writeLatin1FileAtomic(this.#aclPath(), text);
      return true;
    } catch (e) {
      this.server.logger.warning(`Failed to write the ACL file ${path}: ${strerror(e)}`);
      return false;
    }
  }

  /** The ACL file: a relative `aclfile` is in `dir` (Valkey's working directory). */
  #aclPath(): string {
    return resolvePath(this.server.config.getStr("dir"), this.server.config.getStr("aclfile"));
  }

  /** A default user as at start-up: on, nopass, every command, key and channel. */
  #freshDefault(): AclUser {
    const d = newUser("default", false);
    for (const r of ["+@all", "~*", "&*", "on", "nopass"]) d.apply(r, this.catalog, false);
    return d;
  }

  /** The user directory AUTH and HELLO use. */
  directory(): UserDirectory {
    return {
      exists: (name) => this.#users.has(bytesToAscii(name)),
      check: (name, password) => {
        const u = this.#users.get(bytesToAscii(name));
        if (u === undefined || !u.checkPassword(bytesToAscii(password))) return null;
        return u;
      },
      access: (name) => {
        const u = this.#users.get(bytesToAscii(name));
        return u !== undefined && u.enabled ? u : null;
      },
      defaultIsNopass: () => this.defaultUser.nopass,
    };
  }
}

/**
 * Whether a subscriber of `original` loses a subscription under `updated`: never when the new channel
 * permissions cover all the old ones (some selector has every channel, or each old pattern is still
 * there); else each subscription is checked against all the new patterns (Valkey's
 * getUpcomingChannelList and ACLShouldKillPubsubClient).
 */
function revokedChannels(original: AclUser, updated: AclUser, subs: ClientSubs): boolean {
  if (updated.selectors.some((s) => s.allChannels)) return false;
  const upcoming = newSelector(false, false);
  for (const s of updated.selectors) {
    for (let i = 0; i < s.channels.length; i++) {
      if (upcoming.channels.includes(s.channels[i]!)) continue;
      upcoming.channels.push(s.channels[i]!);
      upcoming.channelBytes.push(s.channelBytes[i]!);
    }
  }
  const covered = original.selectors.every((s) =>
    !s.allChannels && s.channels.every((c) => upcoming.channels.includes(c))
  );
  if (covered) return false;
  for (const p of subs.patterns.values()) if (!upcoming.allowsChannel(p, true)) return true;
  for (const ch of subs.channels.values()) if (!upcoming.allowsChannel(ch, false)) return true;
  for (const ch of subs.shard.values()) if (!upcoming.allowsChannel(ch, false)) return true;
  return false;
}

/** Trims any of `chars` from both ends (sdstrim). */
function trimChars(s: string, chars: string): string {
  let a = 0;
  let z = s.length;
  while (a < z && chars.includes(s[a]!)) a++;
  while (z > a && chars.includes(s[z - 1]!)) z--;
  return s.slice(a, z);
}

/** Valkey's ACLSelectorCheckCmd. */
function checkSelector(
  s: Selector,
  spec: CommandSpec,
  parent: CommandSpec | undefined,
  argv: readonly Uint8Array[],
  keys: () => KeyRef[],
): Denial | null {
  if (!s.allowsCommand(spec, parent, argv)) return { reason: DENIED_CMD, pos: 0 };
  if (!s.allKeys && hasKeys(spec)) {
    for (const k of keys()) {
      if (!s.allowsKey(argv[k.pos]!, k.flags as KeySpecFlag[])) return { reason: DENIED_KEY, pos: k.pos };
    }
  }
  if (!s.allChannels && parent === undefined) {
    const ch = CHANNEL_COMMANDS.get(spec.name);
    if (ch !== undefined && spec.module === undefined) {
      const end = ch.count < 0 ? argv.length : Math.min(argv.length, ch.first + ch.count);
      for (let i = ch.first; i < end; i++) {
        if (!s.allowsChannel(argv[i]!, ch.pattern)) return { reason: DENIED_CHANNEL, pos: i };
      }
    }
  }
  return null;
}

/** C's `%s` of a Latin-1 string: up to its first NUL. */
export function cstr(s: string): string {
  const i = s.indexOf("\0");
  return i < 0 ? s : s.slice(0, i);
}

/** The NOPERM error the dispatcher replies (Valkey's getAclErrorMessage, not verbose). */
export function denialMessage(d: Denial, user: AclUser, fullName: string): string {
  switch (d.reason) {
    case DENIED_CMD:
      return `NOPERM User ${user.name} has no permissions to run the '${fullName}' command`;
    case DENIED_KEY:
      return "NOPERM No permissions to access a key";
    case DENIED_CHANNEL:
      return "NOPERM No permissions to access a channel";
  }
}

/** EXEC's reason for a queued command the ACL no longer allows (Valkey's execCommand). */
export function execDenialMessage(d: Denial): string {
  const reason = d.reason === DENIED_CMD
    ? "no permission to execute the command or subcommand"
    : d.reason === DENIED_KEY
    ? "no permission to touch the specified keys"
    : "no permission to access one of the channels used as arguments";
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " +
    `This command is no longer allowed for the following reason: ${reason}`;
}

const byServer = new WeakMap<Server, Acl>();

/** The ACL state of `server`, when installed. */
export function aclOf(server: Server): Acl | undefined {
  return byServer.get(server);
}

/**
 * Installs the ACL subsystem: the default user (following `requirepass`), AUTH's user directory, and the
 * dispatcher's permission check. The config file's users come later ({@link loadUsersAtStartup}).
 */
export function installAcl(server: Server): void {
  if (byServer.has(server)) return;
  const acl = new Acl(server);
  byServer.set(server, acl);
  const config = server.config;
  acl.requirepassChanged(config.getStr("requirepass") === "" ? null : config.getStr("requirepass"));
  config.onChange("requirepass", (v) => {
    acl.requirepassChanged(v === "" ? null : v);
    return null;
  });
  const d = acl.defaultUser;
  server.defaultUser = {
    access: d,
    open: () => d.nopass && d.enabled,
    nopass: () => d.nopass,
  };
  const hooks = connectionHooks(server);
  hooks.users = acl.directory();
  hooks.authFailed.push((client, username) => {
    const call = client.call;
    acl.addLog(call, DENIED_AUTH, logContext(client), bytesToAscii(call.argv[0]!), bytesToAscii(username));
  });
  server.permissionCheck = (call, resolved, logAs) => permissionError(acl, call, resolved, logAs);
  config.userLines = () => {
    // With an ACL file, CONFIG REWRITE drops the `user` lines (the users live in the file).
    if (config.getStr("aclfile") !== "") return [];
    acl.fresh();
    return acl.users().map((u) => `user ${u.name} ${u.describe()}`);
  };
  for (const c of server.clients.values()) c.access = d;
}

/**
 * Creates the users of the config file's `user` lines, once the modules are loaded (their commands and
 * categories may be named), as Valkey's ACLLoadUsersAtStartup. Throws a {@link LoggedError} (after
 * logging why) when the server must not start.
 */
export function loadUsersAtStartup(server: Server): void {
  const acl = byServer.get(server);
  if (acl === undefined) return;
  const config = server.config;
  const aclfile = config.getStr("aclfile");
  const fail = (...lines: string[]): never => {
    for (const l of lines) server.logger.warning(l);
    throw new LoggedError(lines[0]!);
  };
  if (aclfile !== "" && config.aclUsers.length > 0) {
    fail(
      "Configuring Valkey with users defined in valkey.conf and at the same setting an ACL file path is invalid. " +
        "This setup is very likely to lead to configuration errors and security holes, please define either an " +
        "ACL file or declare users directly in your valkey.conf, but not both.",
    );
  }
  const err = acl.loadConfiguredUsers(config.aclUsers);
  if (err !== null) fail(err, "Critical error while loading ACLs. Exiting.");
  if (aclfile !== "") {
    const errors = acl.loadFile(undefined);
    if (errors !== null) fail(`Aborting Valkey startup because of ACL errors: ${errors}`);
  }
}

function permissionError(
  acl: Acl,
  call: CommandCall,
  resolved: ResolvedCommand,
  logAs?: PermissionLogAs,
): string | null {
  const { client, argv } = call;
  const spec = resolved.spec;
  // Inside MULTI a NO_MULTI command is refused by the transaction's gate first, as in Valkey.
  if (client.flags.has("x") && spec.flags.includes("NO_MULTI")) return null;
  const user = client.access as AclUser;
  const d = acl.check(user, spec, resolved.parent, argv);
  if (d === null) return null;
  const object = denialObject(d, resolved.fullName, argv);
  if (logAs !== undefined) acl.addLog(logAs.call, d.reason, logAs.context, object, user.name);
  else acl.addLog(call, d.reason, logContext(client), object, user.name);
  return denialMessage(d, user, resolved.fullName);
}

/** The client is in MULTI: denials and failed AUTHs are logged in the `multi` context. */
function logContext(client: Client): LogContext {
  return client.flags.has("x") ? "multi" : "toplevel";
}

/** ACL LOG's object of a denial: the command's full name, or the key or channel. */
function denialObject(d: Denial, fullName: string, argv: readonly Uint8Array[]): string {
  return d.reason === DENIED_CMD ? fullName : bytesToAscii(argv[d.pos]!);
}

/**
 * EXEC's re-check of a queued command (the rules may have changed since it was queued): the error to
 * reply instead of running it, or null.
 */
export function execPermissionError(call: CommandCall, spec: CommandSpec): string | null {
  const { server, client, argv } = call;
  if (client.access.unrestricted) return null;
  const acl = byServer.get(server);
  if (acl === undefined) return null;
  const user = client.access as AclUser;
  const d = acl.check(user, spec, server.commands.parentOf(spec), argv);
  if (d === null) return null;
  // The client is still running EXEC: its CLIENT LIST line in the log says cmd=exec.
  const fullName = call.fullName;
  call.fullName = "exec";
  acl.addLog(call, d.reason, "multi", denialObject(d, server.commands.fullName(spec), argv), user.name);
  call.fullName = fullName;
  return execDenialMessage(d);
}

/**
 * Whether the client's user may run the command and read every key (Valkey's
 * ACLUserCheckCmdWithUnrestrictedKeyAccess with read access): SORT's BY and GET patterns need it.
 */
export function hasUnrestrictedReadAccess(call: CommandCall): boolean {
  const { server, client, spec, argv } = call;
  if (client.access.unrestricted) return true;
  const acl = byServer.get(server);
  if (acl === undefined) return true;
  acl.fresh();
  const parent = server.commands.parentOf(spec);
  let keys: KeyRef[] | null = null;
  for (const s of (client.access as AclUser).selectors) {
    const ok = checkSelector(s, spec, parent, argv, () => (keys ??= commandKeys(spec, argv))) === null;
    if (ok && s.unrestrictedKeys(["ACCESS"])) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// For the module API (core/module_api/context.ts): Valkey's RM_ACLCheck* and RM_ACLAddLogEntry
// ---------------------------------------------------------------------------------------------------------

/** Why a module's ACL check failed; "no-user" / "no-command" when there is nothing to check. */
export type ModuleAclResult =
  | null
  | { reason: "command" | "key" | "channel"; position: number }
  | "no-user"
  | "no-command";

const REASON_NAMES = { [DENIED_CMD]: "command", [DENIED_KEY]: "key", [DENIED_CHANNEL]: "channel" } as const;

/** The user named `name`, or undefined; every name is an unrestricted user when ACL is not installed. */
function moduleUser(server: Server, name: string): AclUser | null | undefined {
  const acl = byServer.get(server);
  if (acl === undefined) return null;
  return acl.get(name);
}

/** May `user` run `argv` (the command, its keys and channels)? Valkey's RM_ACLCheckCommandPermissions. */
export function moduleAclCheckCommand(
  server: Server,
  user: string,
  argv: readonly Uint8Array[],
): ModuleAclResult {
  const u = moduleUser(server, user);
  if (u === undefined) return "no-user";
  const resolved = server.commands.resolve(argv);
  if ("error" in resolved) return "no-command";
  if (u === null) return null;
  const d = byServer.get(server)!.check(u, resolved.spec, resolved.parent, argv);
  return d === null ? null : { reason: REASON_NAMES[d.reason], position: d.pos };
}

/**
 * May `user` access `key` for these key-spec operations (ACCESS reads; INSERT, DELETE, UPDATE write)?
 * Valkey's RM_ACLCheckKeyPermissions: any of the user's selectors may allow it. Undefined: no such user.
 */
export function moduleAclCheckKey(
  server: Server,
  user: string,
  key: Uint8Array,
  flags: readonly KeySpecFlag[],
): boolean | undefined {
  const u = moduleUser(server, user);
  if (u === undefined) return undefined;
  if (u === null) return true;
  return u.selectors.some((s) => s.allowsKey(key, flags));
}

/** May `user` use `channel` (a pattern compared literally when `pattern`)? RM_ACLCheckChannelPermissions. */
export function moduleAclCheckChannel(
  server: Server,
  user: string,
  channel: Uint8Array,
  pattern: boolean,
): boolean | undefined {
  const u = moduleUser(server, user);
  if (u === undefined) return undefined;
  if (u === null) return true;
  return u.selectors.some((s) => s.allowsChannel(channel, pattern));
}

/** Adds an ACL LOG entry in the `module` context (Valkey's RM_ACLAddLogEntry); false without ACL. */
export function moduleAclAddLog(
  call: CommandCall,
  user: string,
  object: string | Uint8Array,
  reason: "command" | "key" | "channel" | "auth",
): boolean {
  const acl = byServer.get(call.server);
  if (acl === undefined) return false;
  const code = reason === "command"
    ? DENIED_CMD
    : reason === "key"
    ? DENIED_KEY
    : reason === "channel"
    ? DENIED_CHANNEL
    : DENIED_AUTH;
  acl.addLog(call, code, "module", typeof object === "string" ? object : bytesToAscii(object), user);
  return true;
}
