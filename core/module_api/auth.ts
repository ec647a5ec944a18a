/**
 * Modules' authentication callbacks (Valkey's RegisterAuthCallback): AUTH and HELLO AUTH try them before
 * the users' passwords, the most recently registered first (a module's callbacks in its manifest count
 * as registered in order, so its last one is tried first), until one handles the attempt. Blocking
 * authentication (Valkey's BlockClientOnAuth) is not offered: a callback answers at once.
 *
 * @module
 */

import { authenticateAs } from "../commands/connection/auth.ts";
import { connectionHooks } from "../commands/connection/hooks.ts";
import { moduleAclAddLog } from "../acl/acl.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { AuthCallback, AuthContext, LogLevel } from "./types.ts";
import { moduleLog } from "./context.ts";

const encoder = new TextEncoder();

interface Entry {
  module: string;
  cb: AuthCallback;
}

class Attempt implements AuthContext {
  authenticated = false;

  constructor(readonly server: Server, readonly client: Client, readonly module: string) {}

  get clientId(): number {
    return this.client.id;
  }

  authenticateWithUser(name: string): boolean {
    if (!authenticateAs(this.server, this.client, encoder.encode(name))) return false;
    this.authenticated = true;
    return true;
  }

  aclAddLogEntry(
    user: string,
    object: string | Uint8Array,
    reason: "command" | "key" | "channel" | "auth",
  ): void {
    moduleAclAddLog(this.client.call, user, object, reason);
  }

  log(level: LogLevel, msg: string): void {
    moduleLog(this.server.logger, this.module, level, msg);
  }
}

const byServer = new WeakMap<Server, ModuleAuth>();

/** The server's module authentication callbacks. */
export function moduleAuthOf(server: Server): ModuleAuth {
  let a = byServer.get(server);
  if (a === undefined) {
    a = new ModuleAuth(server);
    byServer.set(server, a);
  }
  return a;
}

export class ModuleAuth {
  /** Most recently registered first. */
  #entries: Entry[] = [];

  constructor(readonly server: Server) {}

  add(module: string, callbacks: readonly AuthCallback[]): void {
    for (const cb of callbacks) this.#entries.unshift({ module, cb });
    this.#hook();
  }

  remove(module: string): void {
    this.#entries = this.#entries.filter((e) => e.module !== module);
    this.#hook();
  }

  /** AUTH goes through the callbacks only while there are some. */
  #hook(): void {
    connectionHooks(this.server).moduleAuth = this.#entries.length > 0
      ? (client, username, password) => this.#attempt(client, username, password)
      : undefined;
  }

  #attempt(
    client: Client,
    username: Uint8Array,
    password: Uint8Array,
  ): "ok" | { error: string | null } | undefined {
    for (const { module, cb } of this.#entries) {
      const ctx = new Attempt(this.server, client, module);
      let r: ReturnType<AuthCallback>;
      try {
        r = cb(ctx, username, password);
      } catch (e) {
        // A callback that throws refuses the attempt (fail closed) and the server keeps serving.
        this.server.logger.warning(
          `Module ${module}: authentication callback threw: ${e instanceof Error ? e.message : String(e)}`,
        );
        return { error: null };
      }
      if (r === "not-handled") continue;
      if (r === "handled") return ctx.authenticated ? "ok" : { error: null };
      const msg = r.deny;
      return { error: msg.startsWith("-") ? msg.slice(1) : `ERR ${msg}` };
    }
    return undefined;
  }
}
