/**
 * The server's TLS port (`tls-port`) and its context, as Valkey's TLS connection type:
 *
 * - At start, when `tls-port`, `tls-replication` or `tls-cluster` is set, the context is built from the
 *   `tls-*` directives (core/net/tls.ts); a failure stops the start with "Failed to configure TLS. Check
 *   logs for more info." after the reason's line. Then the port is bound at every `bind` address.
 * - CONFIG SET of any directive that shapes the context rebuilds it (Valkey's applyTlsCfg) when TLS is in
 *   use; a failure refuses the CONFIG SET with "Unable to update TLS configuration. Check server logs."
 *   and keeps the old context. New connections take the context, and `tls-auth-clients`, current at
 *   their accept; connected clients keep theirs.
 * - CONFIG SET `tls-port` builds the context if there was none, then the port is bound anew (core/
 *   commands/server/config_cmd.ts waits for the bind, as for `port`); `tls-port 0` stops listening.
 * - TLS clients are served on the main thread, also with `io-threads` > 1 (the I/O Workers own plain
 *   TCP sockets only).
 *
 * @module
 */

import type { Config } from "../config/config.ts";
import type { Accept, Listener, NetAdapter } from "../net/types.ts";
import { configureTls, type TlsAccept, type TlsContext, type TlsSettings } from "../net/tls.ts";
import { LoggedError, type Logger } from "./log.ts";
import { listenAll } from "./listen_all.ts";

/** Directives whose change rebuilds the context (Valkey's applyTlsCfg). */
const CONTEXT_DIRECTIVES = [
  "tls-session-cache-size",
  "tls-session-cache-timeout",
  "tls-cluster",
  "tls-replication",
  "tls-prefer-server-ciphers",
  "tls-session-caching",
  "tls-cert-file",
  "tls-key-file",
  "tls-key-file-pass",
  "tls-client-cert-file",
  "tls-client-key-file",
  "tls-client-key-file-pass",
  "tls-dh-params-file",
  "tls-ca-cert-file",
  "tls-ca-cert-dir",
  "tls-protocols",
  "tls-ciphers",
  "tls-ciphersuites",
];

const UPDATE_FAILED = "Unable to update TLS configuration. Check server logs.";

export class ServerTls {
  /** The context new TLS connections are accepted with; null until TLS is first configured. */
  context: TlsContext | null = null;
  listeners: Listener[] = [];
  /** The TLS port listened on, 0 for none. */
  port = 0;
  /** A TLS port was listened on once: INFO keeps its `listener2` line after `tls-port 0`, as Valkey. */
  bound = false;

  constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly adapter: NetAdapter,
    readonly accept: Accept,
  ) {
    for (const name of CONTEXT_DIRECTIVES) {
      config.onChange(name, () => (this.#inUse() && !this.configure(true) ? UPDATE_FAILED : null));
    }
    config.onChange("tls-port", () => (this.configure(false) ? null : UPDATE_FAILED));
  }

  #inUse(): boolean {
    const c = this.config;
    return c.getInt("tls-port") !== 0 || c.getBool("tls-replication") || c.getBool("tls-cluster");
  }

  #settings(): TlsSettings {
    const c = this.config;
    const str = (name: string) => c.getStr(name) || null;
    return {
      certFile: str("tls-cert-file"),
      keyFile: str("tls-key-file"),
      keyFilePass: str("tls-key-file-pass"),
      clientCertFile: str("tls-client-cert-file"),
      clientKeyFile: str("tls-client-key-file"),
      clientKeyFilePass: str("tls-client-key-file-pass"),
      caCertFile: str("tls-ca-cert-file"),
      caCertDir: str("tls-ca-cert-dir"),
      protocols: str("tls-protocols"),
      ciphers: str("tls-ciphers"),
      ciphersuites: str("tls-ciphersuites"),
      preferServerCiphers: c.getBool("tls-prefer-server-ciphers"),
      dhParamsFile: str("tls-dh-params-file"),
      sessionCaching: c.getBool("tls-session-caching"),
      sessionCacheTimeout: c.getInt("tls-session-cache-timeout"),
      needsCa: c.getEnum("tls-auth-clients") !== "no" || c.getBool("tls-replication") ||
        c.getBool("tls-cluster"),
    };
  }

  /**
   * Builds the context from the directives (always when `reconfigure`, else only if there is none yet);
   * false after logging why it failed, the old context kept.
   */
  configure(reconfigure: boolean): boolean {
    if (!reconfigure && this.context !== null) return true;
    const ctx = configureTls(this.#settings(), (line) => this.logger.warning(line));
    if (ctx === null) return false;
    this.context = ctx;
    return true;
  }

  /** At start: configures when TLS is in use and binds `tls-port`. Throws (logged) when either fails. */
  async start(): Promise<void> {
    if (!this.#inUse()) return;
    if (!this.configure(true)) {
      this.logger.warning("Failed to configure TLS. Check logs for more info.");
      throw new LoggedError("Failed to configure TLS. Check logs for more info.");
    }
    const port = this.config.getInt("tls-port");
    if (port !== 0) this.listeners = await this.#bind(port);
  }

  /** How a connection accepted now is wrapped. */
  #acceptOptions = (): TlsAccept => ({
    context: this.context!,
    auth: this.config.getEnum("tls-auth-clients") as TlsAccept["auth"],
    failed: (reason, who) => this.logger.verbose(`Error accepting a client connection: ${reason} (${who})`),
  });

  async #bind(port: number): Promise<Listener[]> {
    const backlog = this.config.getInt("tcp-backlog");
    const keepAlive = this.config.getInt("tcp-keepalive");
    let made: Listener[];
    try {
      made = await listenAll(
        this.config.getBind(),
        port,
        (host) =>
          this.adapter.listen({ host, port, backlog, keepAlive, tls: this.#acceptOptions }, this.accept),
        (line) => this.logger.warning(line),
      );
    } catch {
      throw new Error(`Failed listening on port ${port} (tls), aborting.`);
    }
    this.port = port;
    this.bound = true;
    return made;
  }

  /**
   * CONFIG SET tls-port / bind: closes the TLS listeners and binds `tls-port` again (none for 0). False
   * when that failed: nothing listens for TLS then, and the caller restores the old values and retries.
   */
  async rebind(): Promise<boolean> {
    await this.close();
    const port = this.config.getInt("tls-port");
    if (port === 0) return true;
    try {
      this.listeners = await this.#bind(port);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const old = this.listeners;
    this.listeners = [];
    this.port = 0;
    await Promise.all(old.map((l) => l.close()));
  }
}
