/**
 * Starting and stopping a server in-process (what `mod.ts` exports and the CLI uses).
 *
 * @module
 */

import { installMinReplicas } from "../commands/server/replication.ts";
import { Config } from "../config/config.ts";
import { coreCommands } from "../commands/all.ts";
import { trackServer } from "../commands/server/mod.ts";
import { connectionHooks, installClientPause, installTracking } from "../commands/connection/mod.ts";
import { execRejection, installTransactions } from "../commands/transaction/mod.ts";
import { installPubSub } from "../commands/pubsub/mod.ts";
import { installObservability } from "../commands/observability/mod.ts";
import { installEviction } from "../eviction/mod.ts";
import { installAcl, loadUsersAtStartup } from "../acl/acl.ts";
import { installPersistence } from "../persistence/persistence.ts";
import { installReplication } from "../replication/install.ts";
import { installAof } from "../persistence/aof.ts";
import { Server } from "./server.ts";
import type { Logger } from "./log.ts";
import { BUILTIN_MODULES_DIRECTIVE, loadStartupModules } from "../module_api/startup.ts";
import type { ModuleManifest } from "../module_api/types.ts";

export interface StartOptions {
  /** TCP port; 0 picks a free one. Default 6379. */
  port?: number;
  /** Addresses to bind. Default ["127.0.0.1", "-::1"] as Valkey's default `bind`. */
  bind?: string[];
  /** Config directives by name (`{ "maxmemory": "100mb" }`), applied after `configText`. */
  config?: Record<string, string>;
  /** Config file text (Valkey's syntax). */
  configText?: string;
  /** The config file's path, for CONFIG REWRITE and log lines. */
  configFile?: string;
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers that shut down cleanly (the CLI does). */
  handleSignals?: boolean;
  onShutdown?: (code: number) => void;
  /** The process title's `{title}` (see ServerOptions.procTitle); the CLI gives "valkyr". */
  procTitle?: string;
  /**
   * First-party modules compiled into the program (the CLI passes Bloom, JSON, conditional SET...). They
   * load at start, before `loadmodule` lines; the `builtin-modules` directive (`all`, `none`, or names)
   * chooses which.
   */
  modules?: ModuleManifest[];
  /** `daemonize yes` may send the server to the background (the CLI): see ServerOptions.mayDaemonize. */
  mayDaemonize?: boolean;
}

export interface EmbeddedServer {
  readonly host: string;
  readonly port: number;
  readonly server: Server;
  stop(): Promise<void>;
  /** Resolves when the server stopped (SHUTDOWN, a signal, or stop()). */
  readonly stopped: Promise<void>;
}

function quote(v: string): string {
  return `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Builds the config (file text, then options), starts listening, resolves when ready. */
export async function startServer(options: StartOptions = {}): Promise<EmbeddedServer> {
  const config = new Config([BUILTIN_MODULES_DIRECTIVE]);
  const commands = coreCommands();
  config.commandNames = new Set(commands.map((c) => c.name.toLowerCase()));
  if (options.configText !== undefined) config.loadText(options.configText, options.configFile ?? "(config)");
  if (options.configFile !== undefined) config.configFile = options.configFile;
  const lines: string[] = [];
  if (options.port !== undefined) lines.push(`port ${options.port}`);
  if (options.bind !== undefined) lines.push(`bind ${options.bind.map(quote).join(" ")}`);
  for (const [k, v] of Object.entries(options.config ?? {})) lines.push(`${k} ${v === "" ? '""' : quote(v)}`);
  if (lines.length > 0) config.loadText(lines.join("\n"), "(options)");
  const server = new Server({
    config,
    commands,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.onShutdown !== undefined ? { onShutdown: options.onShutdown } : {}),
    ...(options.procTitle !== undefined ? { procTitle: options.procTitle } : {}),
    ...(options.mayDaemonize !== undefined ? { mayDaemonize: options.mayDaemonize } : {}),
  });
  await server.superviseAndDaemonize();
  installEviction(server);
  // ACL: the default user follows `requirepass`; AUTH and the dispatcher's permission check use the users.
  installAcl(server);
  trackServer(server);
  installPubSub(server);
  installClientPause(server);
  installTransactions(server);
  installTracking(server);
  installMinReplicas(server);
  // RDB: save points, MISCONF gate, SHUTDOWN saving, and loading `dir`/`dbfilename` during start().
  const rdbLoadersFrom = server.startupLoaders.length;
  installPersistence(server);
  // AOF: propagation feed, appendfsync, rewrites; with `appendonly yes` it loads instead of the RDB.
  installAof(server, server.startupLoaders.splice(rdbLoadersFrom));
  // Replication as a primary: SYNC/PSYNC, the backlog, the stream to replicas (core/replication).
  installReplication(server);
  server.rejectFilters.push((client, spec, err) =>
    spec.name === "exec" ? execRejection(server, client, err) : err
  );
  // Last: its gate records where each command's reply starts, after every other gate had its say.
  installObservability(server);
  connectionHooks(server).unblock = (client, withError) => server.blocking.unblock(client, withError);
  // Modules: built-in ones, then `loadmodule` lines; a failure aborts the start (Valkey exits).
  await loadStartupModules(server, options.modules ?? []);
  // The config file's `user` lines, once modules declared their commands and categories.
  loadUsersAtStartup(server);
  await server.start();
  if (options.handleSignals) server.handleSignals();
  const host = server.listeners[0]?.host ?? "127.0.0.1";
  return {
    host,
    port: server.port,
    server,
    stop: () => server.stop(),
    stopped: server.stopped,
  };
}
