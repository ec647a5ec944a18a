/**
 * AUTH, and the authentication step HELLO shares with it.
 *
 * Without the ACL subsystem (core/acl), the only user is `default`: it needs no password while
 * `requirepass` is empty (then any password authenticates it, as Valkey's `nopass` does) and accepts
 * exactly the `requirepass` bytes otherwise. Any other user name fails with WRONGPASS. The ACL subsystem
 * replaces the directory through {@link connectionHooks}`(server).users`.
 *
 * @module
 */

import { type Client, FULL_ACCESS, type UserAccess } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";
import { ERR_WRONGPASS } from "../errors.ts";
import type { CommandSpec } from "../spec.ts";
import { connectionHooks, type UserDirectory } from "./hooks.ts";
import { ERR_AUTH_NO_PASSWORD } from "./errors.ts";
import { bytesToAscii } from "../../util/numbers.ts";

const encoder = new TextEncoder();
const DEFAULT_USER = encoder.encode("default");

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // Every byte is compared whatever the outcome, so the time taken does not reveal where they differ.
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The `requirepass` value as bytes ("" when unset: the default user is then `nopass`). */
function requirepass(server: Server): Uint8Array {
  return encoder.encode(server.config.getStr("requirepass"));
}

/** The user directory for a server whose only user is `default` governed by `requirepass`. */
export function defaultUserDirectory(server: Server): UserDirectory {
  return {
    exists: (name) => sameBytes(name, DEFAULT_USER),
    check(name, password) {
      if (!sameBytes(name, DEFAULT_USER)) return null;
      const pw = requirepass(server);
      return pw.length === 0 || sameBytes(password, pw) ? FULL_ACCESS : null;
    },
    defaultIsNopass: () => requirepass(server).length === 0,
    access: (name) => sameBytes(name, DEFAULT_USER) ? FULL_ACCESS : null,
  };
}

/**
 * Makes `client` the user `name`, authenticated, without a password (a module's authentication callback:
 * Valkey's RM_AuthenticateClientWithACLUser). False when there is no such enabled user.
 */
export function authenticateAs(server: Server, client: Client, name: Uint8Array): boolean {
  const access = userDirectory(server).access(name);
  if (access === null) return false;
  becomeUser(client, name, access);
  return true;
}

function becomeUser(client: Client, name: Uint8Array, access: UserAccess): void {
  // Latin-1 text (one char per byte), so binary user names survive a round trip.
  client.user = bytesToAscii(name);
  client.access = access;
  client.setAuthenticated(true);
}

/** The server's user directory: the ACL subsystem's when installed, else the `requirepass` one. */
export function userDirectory(server: Server): UserDirectory {
  return connectionHooks(server).users ?? defaultUserDirectory(server);
}

/**
 * Checks a user/password pair — first with the modules' authentication callbacks, then the user directory
 * (Valkey's ACLAuthenticateUser); on success the client becomes that user, authenticated. Returns null on
 * success, else the error to reply (WRONGPASS, or a module's). On failure nothing about the client
 * changes (a client authenticated before stays so); the directory's failures run the failure hooks (a
 * refusing module logs what it wants itself).
 */
export function authenticate(
  server: Server,
  client: Client,
  username: Uint8Array,
  password: Uint8Array,
): string | null {
  const hooks = connectionHooks(server);
  const byModule = hooks.moduleAuth?.(client, username, password);
  if (byModule === "ok") return null;
  if (byModule !== undefined) return byModule.error ?? ERR_WRONGPASS;
  return authenticateWithPassword(server, client, username, password) ? null : ERR_WRONGPASS;
}

function authenticateWithPassword(
  server: Server,
  client: Client,
  username: Uint8Array,
  password: Uint8Array,
): boolean {
  const access = userDirectory(server).check(username, password);
  if (access !== null) {
    becomeUser(client, username, access);
    return true;
  }
  for (const fn of connectionHooks(server).authFailed) fn(client, username);
  return false;
}

function authCommand(call: CommandCall): void {
  const argv = call.argv;
  let username: Uint8Array;
  let password: Uint8Array;
  if (argv.length === 2) {
    // The old one-argument form fails loudly when no password is configured (a likely misconfiguration).
    if (userDirectory(call.server).defaultIsNopass()) return call.error(ERR_AUTH_NO_PASSWORD);
    username = DEFAULT_USER;
    password = argv[1]!;
  } else {
    username = argv[1]!;
    password = argv[2]!;
  }
  const err = authenticate(call.server, call.client, username, password);
  if (err === null) call.reply.ok();
  else call.error(err);
}

export const authSpec: CommandSpec = {
  name: "auth",
  summary: "Authenticates the connection.",
  since: "1.0.0",
  group: "connection",
  complexity: "O(N) where N is the number of passwords defined for the user",
  arity: -2,
  flags: ["NOSCRIPT", "LOADING", "STALE", "FAST", "NO_AUTH", "SENTINEL", "ALLOW_BUSY"],
  aclCategories: ["connection"],
  history: [["6.0.0", "Added ACL style (username and password)."]],
  arguments: [
    { name: "username", type: "string", optional: true, since: "6.0.0" },
    { name: "password", type: "string" },
  ],
  replySchema: { const: "OK" },
  // Only AUTH <password> and AUTH <username> <password> exist; more words are a syntax error, which the
  // generic parser reports before the handler runs.
  handler: (call) => authCommand(call),
};
