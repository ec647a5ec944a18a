/**
 * The server: listeners, clients, databases, the command table, the cron, and the input/output loop that
 * walks one request net → resp → dispatch → handler → keyspace → writer → net.
 *
 * Input loop: a chunk is fed to the client's parser and every complete request in it is executed; the
 * replies are written in one go (pipelines cost one write) once the runtime has delivered every chunk that
 * was ready — at the end of the event-loop turn, for all clients served in it, as Valkey's beforeSleep
 * (handleClientsWithPendingWrites) does. Writing a reply to a loopback socket runs the receiving side's TCP
 * input in the kernel and wakes the reader; writing to each client the moment its pipeline was executed made
 * every write pay that wake-up, while a burst of writes at the end of the turn finds the reader awake after
 * the first. Measured (Deno, redis-benchmark -c 50 -P 16 GET on 630k keys): kernel time per request
 * 0.81 → 0.45 µs. Output: a client whose queued output passes
 * `client-output-buffer-limit` (hard, or soft for longer than its seconds) is closed as Valkey does; below
 * that, a client that does not read its replies stops being read from once OUTPUT_PAUSE bytes are queued, so
 * memory stays bounded, and is resumed when the socket drains.
 *
 * @module
 */

import process from "node:process";
import { setImmediate } from "node:timers";
import { Config } from "../config/config.ts";
import { SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_SAVE } from "../config/directives.ts";
import { Db } from "../keyspace/db.ts";
import { defaultAdapter, runtimeName } from "../net/mod.ts";
import type { Connection, ConnectionHandler, Listener, NetAdapter } from "../net/types.ts";
import { ProtocolError } from "../resp/parser.ts";
import { Daemonized, Supervision } from "./supervision.ts";
import { ServerTls } from "./tls_listener.ts";
import { listenAll } from "./listen_all.ts";
import { installSyslog } from "./syslog.ts";
import { CommandTable, type ResolvedCommand } from "../commands/registry.ts";
import type { CommandSpec } from "../commands/spec.ts";
import { type CommandGate, dispatch } from "../commands/dispatch.ts";
import type { CommandCall, EventClass } from "../commands/call.ts";
import { ERR_MAX_CLIENTS } from "../commands/errors.ts";
import { Client, FULL_ACCESS, type UserAccess } from "./client.ts";
import { type LogFormat, LoggedError, Logger, type LogLevel, type LogTimestampFormat } from "./log.ts";
import { Stats } from "./stats.ts";
import { Blocking } from "./blocking.ts";
import { IoThreads } from "../io/io_threads.ts";
import { VALKEY_VERSION, VALKYR_VERSION } from "./version.ts";
import type { LfuClock } from "../eviction/lfu.ts";
import { Propagation } from "./propagate.ts";
import { ReplyBufferResizer } from "./reply_buffer.ts";
import { chmodPath, chownGroup, groupIdByName, readTextFile, writeExistingFile } from "../runtime/files.ts";
import { expandProcTitleTemplate, strerror } from "../config/directives.ts";
import { checkTransparentHugePages } from "./thp.ts";
import { applyOomScoreAdjAtStart, watchOomScoreAdj } from "./oom_score_adj.ts";
import { TrackingTable } from "./tracking.ts";

/**
 * Queued output above which a client's requests are no longer executed (and its socket no longer read
 * where the runtime can pause reading) until its socket drains.
 */
const OUTPUT_PAUSE = 8 * 1024 * 1024;
/** Pending reply bytes at which the writer is flushed in the middle of a pipeline. */
const FLUSH_EARLY = 1024 * 1024;

const PROTECTED_MODE_DENIED = "-DENIED Running in protected mode because protected mode is enabled and no " +
  "password is set for the default user. In this mode connections are only accepted from the loopback " +
  "interface. If you want to connect from external computers, you may adopt one of the following solutions: " +
  "1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback " +
  "interface by connecting from the same host the server is running, however MAKE SURE it's not publicly " +
  "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively " +
  "you can just disable the protected mode by editing the configuration file, and setting the protected mode " +
  "option to 'no', and then restarting the server. 3) If you started the server manually just for testing, " +
  "restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default " +
  "user. NOTE: You only need to do one of the above things in order for the server to start accepting " +
  "connections from the outside.\r\n";

/**
 * The server's clock. Commands see a cached unix time in ms (`current`, Valkey's cached mstime) so expiry
 * is consistent within a command. It is derived from the monotonic `performance.now()` the dispatcher
 * already reads to time each command (one clock read per command: on Deno `Date.now()` costs ~45 ns and
 * `performance.now()` ~90 ns), plus an offset to wall time that the cron re-reads every tick, so the two
 * cannot drift apart.
 *
 * `Date.now()` is the wall time truncated to the ms, so `Date.now() - performance.now()` is up to 1 ms
 * below the true offset, and a time derived from it would lag `Date.now()` by up to 1 ms (a blocking
 * timeout computed from it then fired early). The offset is taken at a tick of `Date.now()` at start
 * (from the tightest of a few, rounded up: never lagging), and each re-read moves it only when the wall
 * clock moved outside what a reading can tell (a clock step).
 */
export class Clock {
  #offset: number;
  current = Date.now();

  constructor() {
    // The offset is taken at a tick of Date.now(): then the wall clock is exactly the new value. The
    // tick lies between the reading that still saw the old value and the one that saw the new one, so
    // between a performance.now() read just before the first and one just after the second; a window
    // that a preemption widened (a loaded machine) is not trusted, and the tightest of a few is kept.
    let best = Infinity;
    this.#offset = Date.now() - performance.now();
    for (let attempt = 0; attempt < 5 && best > 0.05; attempt++) {
      const until = performance.now() + 2;
      let pPrev = performance.now();
      let dPrev = Date.now();
      for (;;) {
        const p = performance.now();
        const d = Date.now();
        const after = performance.now();
        if (d !== dPrev) {
          // The tick came after `pPrev`: `d - pPrev` is at or above the true offset (by less than the
          // window), so derived times never lag Date.now() (they may lead it by those microseconds).
          if (after - pPrev < best) {
            best = after - pPrev;
            this.#offset = d - pPrev;
          }
          break;
        }
        if (after > until) break;
        pPrev = p;
        dPrev = d;
      }
    }
  }

  /** Reads the wall clock now. */
  now(): number {
    return (this.current = Date.now());
  }

  /** Sets `current` from a `performance.now()` reading taken by the caller. */
  fromPerf(perfNow: number): number {
    return (this.current = Math.floor(perfNow + this.#offset));
  }

  /**
   * Re-reads the offset between the monotonic and the wall clock (cron). A Date.now() read between two
   * performance.now() readings bounds the true offset: at or above `d - after`, below `d + 1 - before`;
   * the offset moves only when it lies outside those bounds (a clock step, or the slow drift of the two
   * clocks), and only as far as the nearest bound, so a preempted reading, whose bounds are wide, changes
   * nothing and derived times never lag Date.now(). (Moving a too-high offset to `d - before` could put
   * it up to 1 ms under the true one: under load, ~5% of readings then lagged.)
   */
  resync(): void {
    const before = performance.now();
    const d = Date.now();
    const after = performance.now();
    const low = d - after;
    const high = d + 1 - before;
    if (low > this.#offset) this.#offset = low;
    else if (high < this.#offset) this.#offset = high;
  }
}

export interface ServerOptions {
  config?: Config;
  adapter?: NetAdapter;
  logger?: Logger;
  /** Registers commands (core and first-party) before the server listens. */
  commands?: CommandSpec[];
  /** Called when SHUTDOWN or a signal finished shutting down (the CLI exits the process there). */
  onShutdown?: (code: number) => void;
  /**
   * The process's title (`{title}` of `proc-title-template`, Valkey's argv[0]): the CLI gives it and the
   * server sets the process title from the template (`set-proc-title`). Without it (embedded servers,
   * tests) the process title is left alone.
   */
  procTitle?: string;
  /**
   * `daemonize yes` may start the server in the background (the CLI allows it): start() then starts the
   * background copy and throws {@link Daemonized}. Embedded servers never daemonize.
   */
  mayDaemonize?: boolean;
}

/** Where a denial is logged when the command is not the client's own (a module's ctx.call). */
export interface PermissionLogAs {
  /** The call whose client ACL LOG names. */
  call: CommandCall;
  context: "module";
}

/** A key's value changed; `by` is the client whose command changed it (null: expiry, eviction...). */
export type KeyModifiedListener = (db: Db, key: Uint8Array, by: Client | null) => void;
export type KeyspaceEventListener = (cls: EventClass, event: string, key: Uint8Array, dbId: number) => void;

export class Server {
  readonly config: Config;
  readonly logger: Logger;
  readonly adapter: NetAdapter;
  readonly commands = new CommandTable();
  readonly stats = new Stats();
  /** systemd/upstart supervision, daemonizing and the pid file (supervision.ts). */
  readonly supervision: Supervision;
  /** The TLS port and context (tls_listener.ts). */
  readonly tls: ServerTls;
  /** The cron's reply-buffer resizing (DEBUG REPLYBUFFER; INFO reply_buffer_shrinks/expands). */
  readonly replyBuffers = new ReplyBufferResizer();
  readonly clock = new Clock();
  /** Clients blocked on keys (BLPOP & co.). */
  readonly blocking: Blocking;
  /** What write commands send to the AOF (and later replicas): see propagate.ts. */
  readonly propagation: Propagation = new Propagation(this);
  dbs: Db[] = [];
  readonly clients = new Map<number, Client>();
  readonly gates: CommandGate[] = [];
  /** Rewrite the error of a command the dispatcher rejects before running it (see dispatch.ts). */
  readonly rejectFilters: ((client: Client, spec: CommandSpec, err: string) => string)[] = [];
  readonly keyModifiedListeners: KeyModifiedListener[] = [];
  /**
   * True while FLUSHDB, FLUSHALL or SWAPDB signal every key of whole databases as modified (for WATCH and
   * blocked clients): listeners that learn of such changes as a whole (client tracking, through
   * {@link Server.signalFlushedDb}, or not at all for SWAPDB, as in Valkey) skip these signals.
   */
  bulkKeySignals = false;
  /** Called before databases are emptied as a whole (Valkey's signalFlushedDb); the id, or -1 for all. */
  readonly dbFlushedListeners: ((dbId: number) => void)[] = [];
  /** The client-side caching table (CLIENT TRACKING; wired by core/commands/connection/tracking.ts). */
  readonly tracking = new TrackingTable();
  /**
   * The client whose command's handler is running (Valkey's executing_client), null between commands:
   * set by the dispatcher around each handler (EXEC's queued commands included).
   */
  executingClient: Client | null = null;
  /**
   * The client whose command is being admitted, while eviction runs for it before the command executes
   * (Valkey's server.current_client then): client tracking's NOLOOP skips it (core/eviction sets it).
   */
  admittingClient: Client | null = null;
  readonly keyspaceEventListeners: KeyspaceEventListener[] = [];
  /** Hooks run after every executed command (observability: COMMANDLOG, latency, MONITOR...). */
  readonly afterCommandHooks: ((call: CommandCall, usec: number) => void)[] = [];
  readonly startTime = Date.now();
  readonly runId: string;
  dirty = 0;
  /**
   * The maxmemory check (core/eviction), run by the dispatcher before the gates as Valkey's
   * processCommand does: evicts if needed, true when the command must be rejected with -OOM. Null while
   * `maxmemory` is 0, so the check costs nothing then.
   */
  oomCheck: ((call: CommandCall) => boolean) | null = null;
  /**
   * The user new connections (and RESET) start as (core/acl replaces it): its access; `open()` when it lets
   * a client in without AUTH (no password needed and enabled: Valkey's authRequired is its negation);
   * `nopass()` when it has no password (protected mode applies).
   */
  defaultUser: { access: UserAccess; open(): boolean; nopass(): boolean } = {
    access: FULL_ACCESS,
    open: () => this.config.getStr("requirepass") === "",
    nopass: () => this.config.getStr("requirepass") === "",
  };
  /**
   * The ACL check (core/acl), run by the dispatcher after authentication for clients whose user is not
   * unrestricted: the error to reply (`NOPERM ...`) or null when the command may run.
   */
  permissionCheck:
    | ((call: CommandCall, resolved: ResolvedCommand, logAs?: PermissionLogAs) => string | null)
    | null = null;
  /**
   * Why writes are refused right now (too few replicas, a failed save, an AOF that cannot be written), for
   * commands that run without the dispatcher's gates: a module's ctx.call in script mode. Each subsystem
   * that refuses writes in a gate also registers its reason here.
   */
  readonly writeDenials: (() => string | null)[] = [];
  /** The OOM state before the command being executed (Valkey's pre_command_oom_state; core/eviction). */
  preCommandOom = false;
  /**
   * maxmemory-clients after a read left a request unfinished (core/eviction): may close the client, whose
   * query buffer grew. Null when no limit is set.
   */
  clientMemoryCheck: ((client: Client) => void) | null = null;
  /** The LFU clock under an LFU `maxmemory-policy` (key accesses bump it), else null (LRU clock). */
  lfu: LfuClock | null = null;
  /** Run by start() after "Server initialized": loading data from disk; throwing aborts the start. */
  readonly startupLoaders: (() => void)[] = [];
  /** Saves the dataset synchronously for SHUTDOWN (core/persistence); false on failure. */
  shutdownSave: (() => boolean) | null = null;
  /**
   * Set by the AOF: at shutdown it stops a rewrite and fsyncs the file; false (nothing done) when the
   * first rewrite after `appendonly yes` has not finished and not FORCE, as Valkey refuses to exit then.
   */
  shutdownAof: ((force: boolean) => boolean) | null = null;
  /** Stops a running BGSAVE at shutdown (core/persistence). */
  shutdownStopSave: (() => void) | null = null;
  /**
   * Asked before a client's replies are written to its socket: the AOF (core/persistence/aof.ts) returns
   * true when it has writes that must reach the file (and, with `appendfsync always`, the disk) first; it
   * then calls flush(client) again once they have — one write and fsync for every client served in the
   * same event-loop turn, as Valkey's beforeSleep.
   */
  holdReplies: ((client: Client) => boolean) | null = null;
  /** Run when the server stops (SHUTDOWN, signals, stop()): the AOF is flushed and fsynced. */
  readonly shutdownHooks: (() => void)[] = [];
  /** Run once the server listens, before its first cron tick (replication's `replicaof` at start). */
  readonly startedHooks: (() => void)[] = [];
  /** DEBUG SET-ACTIVE-EXPIRE: the cron's active expire cycle runs only while this is true. */
  activeExpireEnabled = true;
  /**
   * What holds expiry and eviction back, shared by every Db (its `expiry`, see ExpiryControl in
   * core/keyspace/db.ts): `import-mode` (expired keys wait for the import source's DEL; an import source
   * sees them; no eviction, writes over maxmemory get OOM) and CLIENT PAUSE WRITE/ALL (expiry and
   * eviction wait until the pause ends). {@link setPauseHolds} and the `import-mode` config keep it.
   */
  readonly expiry = {
    deferred: false,
    deferredWrites: false,
    visible: false,
    importMode: false,
    /** A replica: expired keys are reported missing and kept until the primary's DEL (setReplicaMode). */
    replicaMode: false,
    expirePaused: false,
    evictPaused: false,
  };
  lastSave = Math.floor(Date.now() / 1000);
  listeners: Listener[] = [];
  /** The TCP ones among {@link listeners} (CONFIG SET port/bind rebinds them). */
  #tcpListeners: Listener[] = [];
  /** Accepted connections whose socket has not reported closed yet (stop() waits for them). */
  readonly #openConns = new Set<Connection>();
  /** The I/O Workers (io-threads > 1), which own the TCP clients' sockets. */
  io: IoThreads | undefined;
  port = 0;
  #nextClientId = 1;
  #cron: ReturnType<typeof setInterval> | undefined;
  #cronLoops = 0;
  /** DEBUG PAUSE-CRON: while set, the cron does no work at all (Valkey's pause_cron). */
  cronPaused = false;
  /**
   * DEBUG CLIENT-ENFORCE-REPLY-LIST: replies skip Valkey's static reply buffer and go to its reply list,
   * so CLIENT LIST shows all pending output in `omem` and a client that never authenticated on a server
   * that asks for a password is over its allowance with any pending reply.
   */
  enforceReplyList = false;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files are loaded without their CRC. */
  skipChecksumValidation = false;
  #shuttingDown = false;
  /**
   * SIGINT or SIGTERM asked for a shutdown that the cron has not carried out yet (Valkey's shutdown_asap):
   * a handler only takes note, as Valkey's does, and the next cron tick shuts down.
   */
  #shutdownAsap = false;
  #lastSignal: "SIGINT" | "SIGTERM" | undefined;
  /**
   * A shutdown waiting for lagging replicas (Valkey's shutdown_mstime): its deadline (unix ms; 0: none),
   * its SHUTDOWN flags, and who waits for its outcome (null: the server stopped; else the error).
   */
  #shutdownDeadline = 0;
  #shutdownFlags = 0;
  #shutdownWaiters: ((err: string | null) => void)[] = [];
  /**
   * Replication's part of a shutdown (core/replication/install.ts): whether every replica acknowledged
   * the whole stream (isReadyToShutdown), starting the wait (GETACK to the replicas, writes paused),
   * ending it, and the log lines on the replicas' state when the shutdown goes on.
   */
  shutdownReplicas: {
    ready(): boolean;
    beginWait(): void;
    endWait(): void;
    report(): void;
  } | null = null;
  /**
   * True from the start of {@link Server.start} until the dataset is loaded: requests of clients that connect
   * meanwhile (an I/O Worker may accept them while the main thread still binds or loads) wait in their
   * buffers, and are never served if loading fails.
   */
  #holding = false;
  #onShutdown: ((code: number) => void) | undefined;
  #stopped: Promise<void>;
  #resolveStopped!: () => void;
  #signalHandlers: [string, () => void][] = [];
  #procTitle: string | undefined;
  #mayDaemonize: boolean;

  constructor(options: ServerOptions = {}) {
    this.config = options.config ?? new Config();
    this.logger = options.logger ?? new Logger();
    this.adapter = options.adapter ?? defaultAdapter();
    this.#onShutdown = options.onShutdown;
    this.#procTitle = options.procTitle;
    this.#mayDaemonize = options.mayDaemonize === true;
    this.supervision = new Supervision(this.logger);
    this.tls = new ServerTls(this.config, this.logger, this.adapter, (c) => this.#accept(c));
    this.runId = randomHex(40);
    this.blocking = new Blocking(this);
    for (const spec of options.commands ?? []) this.commands.register(spec);
    // The config's `rename-command` lines, before any module registers its commands (Valkey applies them
    // while reading the file, and loads modules after it).
    for (const [from, to] of this.config.renames) {
      const err = this.commands.rename(from, to);
      if (err !== null) throw new Error(`rename-command ${from} ${to}: ${err}`);
    }
    this.#stopped = new Promise((r) => (this.#resolveStopped = r));
    // The log settings apply from the first line on (a module that fails to load is logged with them).
    this.#applyLogConfig();
    this.config.warn = (m) => this.logger.warning(m);
    for (const name of ["loglevel", "logfile", "log-format", "log-timestamp-format"]) {
      this.config.onChange(name, () => (this.#applyLogConfig(), null));
    }
  }

  /** Resolves when the server has stopped (SHUTDOWN, a signal, or stop()). */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  get uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startTime) / 1000);
  }

  #applyLogConfig(): void {
    this.logger.level = this.config.getEnum("loglevel") as LogLevel;
    this.logger.file = this.config.getStr("logfile");
    this.logger.format = this.config.getEnum("log-format") as LogFormat;
    this.logger.timestampFormat = this.config.getEnum("log-timestamp-format") as LogTimestampFormat;
  }

  /**
   * As Valkey's main() once the config is read, before modules load: the supervisor (`supervised`) is
   * told, then the server may go to the background (`daemonize`; throws {@link Daemonized} in the
   * process that is to exit).
   */
  async superviseAndDaemonize(): Promise<void> {
    await installSyslog(this.config, this.logger);
    await this.supervision.detect(this.config.getEnum("supervised"));
    if (this.#mayDaemonize && await this.supervision.daemonize(this.config.getBool("daemonize"))) {
      throw new Daemonized();
    }
  }

  /** Creates the databases, binds the listeners and starts the cron. */
  async start(): Promise<void> {
    this.expiry.importMode = this.config.getBool("import-mode");
    this.#updateExpiry();
    this.config.onChange("import-mode", () => {
      this.expiry.importMode = this.config.getBool("import-mode");
      this.#updateExpiry();
      return null;
    });
    watchOomScoreAdj(this);
    this.config.onChange("client-output-buffer-limit", () => {
      this.#limitFloor = -1;
      return null;
    });
    const n = this.config.getInt("databases");
    for (let i = 0; i < n; i++) this.#newDb(i);
    const log = this.logger;
    log.notice("oO0OoO0OoO0Oo Valkyr is starting oO0OoO0OoO0Oo");
    log.notice(
      `Valkyr version=${VALKYR_VERSION} (Valkey ${VALKEY_VERSION} compatible), runtime=${runtimeName()}, ` +
        `bits=64, pid=${process.pid}, just started`,
    );
    log.notice(
      this.config.configFile === undefined
        ? "Warning: no config file specified, using the default config. In order to specify a config file use valkyr /path/to/valkyr.conf"
        : "Configuration loaded",
    );
    const port = this.config.getInt("port");
    const keepAlive = this.config.getInt("tcp-keepalive");
    const backlog = this.config.getInt("tcp-backlog");
    this.#holding = true;
    const ioThreads = this.config.getInt("io-threads");
    if (ioThreads > 1 && port !== 0) {
      // TCP clients are served by io-threads − 1 Workers (see core/io/io_threads.ts).
      try {
        this.io = await IoThreads.start(ioThreads - 1, (m) => log.warning(m), this.commands);
        log.notice(`Started ${ioThreads - 1} I/O threads (Workers) for the TCP clients.`);
      } catch (e) {
        log.warning(
          `Could not start the I/O threads (${(e as Error).message}): all I/O runs on the main thread.`,
        );
      }
    }
    if (port !== 0) {
      try {
        this.#tcpListeners = await this.#bindTcp(port, this.config.getBind(), backlog, keepAlive);
        this.listeners.push(...this.#tcpListeners);
      } catch {
        await this.#abortStart(new Error(`Failed listening on port ${port} (tcp), aborting.`));
      }
    }
    try {
      await this.tls.start();
    } catch (e) {
      await this.#abortStart(e);
    }
    const unixPath = this.config.getStr("unixsocket");
    if (unixPath !== "") {
      this.listeners.push(await this.adapter.listen({ path: unixPath }, (c) => this.#accept(c)));
      // Valkey's anetListen: the socket's mode (`unixsocketperm`, 0 = as created) and group
      // (`unixsocketgroup`, a name getgrnam knows); either failing stops the start.
      const failure = this.#unixSocketAccess(unixPath);
      if (failure !== null) {
        log.warning(`Failed opening Unix socket: ${failure}`);
        await this.#abortStart(new LoggedError(`Failed opening Unix socket: ${failure}`));
      }
    }
    if (this.config.getBool("always-show-logo")) log.raw("notice", startupLogo(this.port));
    else log.notice(`Running mode=standalone, port=${this.port}.`);
    this.supervision.writePidFile(this.config.getStr("pidfile") || null);
    this.#applyProcTitle();
    log.notice("Server initialized");
    if (!thpChecked) {
      // Once per process (the setting is the process's), as Valkey's linuxMemoryWarnings at start.
      thpChecked = true;
      await checkTransparentHugePages(this.config.getBool("disable-thp"), log);
    }
    // Loading the dataset (core/persistence): synchronous, so no client is served before it is complete.
    try {
      for (const fn of this.startupLoaders) fn();
    } catch (e) {
      await this.#abortStart(e);
    }
    this.#holding = false;
    for (const c of this.clients.values()) if (!c.closed) this.processInput(c);
    // One line per kind of listener, in Valkey's order of connection types.
    if (this.#tcpListeners.length > 0) log.notice("Ready to accept connections tcp");
    if (this.config.getStr("unixsocket") !== "") log.notice("Ready to accept connections unix");
    if (this.tls.port !== 0) log.notice("Ready to accept connections tls");
    this.supervision.notify("STATUS=Ready to accept connections\n");
    this.supervision.notify("READY=1\n");
    applyOomScoreAdjAtStart(this);
    for (const fn of this.startedHooks) fn();
    this.#startCron();
    this.config.onChange("hz", () => (this.#startCron(), null));
  }

  /**
   * Listens on `port` at each bind address (Valkey's wildcards `*` and `::*`; an address prefixed with `-`
   * is skipped when unavailable). On a failure the listeners made so far are closed and it throws.
   */
  async #bindTcp(
    port: number,
    binds: readonly string[],
    backlog: number,
    keepAlive: number,
  ): Promise<Listener[]> {
    const tcp = this.io ?? this.adapter;
    const made = await listenAll(
      binds,
      port,
      (host) => tcp.listen({ host, port, backlog, keepAlive }, (c) => this.#accept(c)),
      (line) => this.logger.warning(line),
    );
    if (made.length > 0) this.port = made.at(-1)!.port;
    return made;
  }

  /**
   * CONFIG SET port / bind (Valkey's changeListener): closes the TCP listeners (connected clients stay)
   * and listens again as the config now says; port 0 leaves none. False when that failed — nothing
   * listens then, and the caller restores the old values and calls it again.
   */
  async rebindTcp(): Promise<boolean> {
    const old = this.#tcpListeners;
    this.#tcpListeners = [];
    this.listeners = this.listeners.filter((l) => !old.includes(l));
    await Promise.all(old.map((l) => l.close()));
    const port = this.config.getInt("port");
    if (port === 0) {
      this.port = 0;
      return true;
    }
    try {
      const made = await this.#bindTcp(
        port,
        this.config.getBind(),
        this.config.getInt("tcp-backlog"),
        this.config.getInt("tcp-keepalive"),
      );
      this.#tcpListeners = made;
      this.listeners.push(...made);
      return true;
    } catch {
      return false;
    }
  }

  /** Called by the pause subsystem when the paused actions change (Valkey's PAUSE_ACTION_EXPIRE/EVICT). */
  setPauseHolds(expire: boolean, evict: boolean): void {
    this.expiry.expirePaused = expire;
    this.expiry.evictPaused = evict;
    this.#updateExpiry();
  }

  #updateExpiry(): void {
    const x = this.expiry;
    x.deferred = x.importMode || x.expirePaused || x.replicaMode;
    x.deferredWrites = x.expirePaused;
    if (!x.importMode && !x.replicaMode) x.visible = false;
  }

  /**
   * Replication's role (core/replication/replica.ts): on a replica keys do not expire by themselves (no
   * active cycle; lookups report them missing and keep them), the primary's DEL removes them; eviction
   * follows `replica-ignore-maxmemory`.
   */
  setReplicaMode(on: boolean): void {
    this.expiry.replicaMode = on;
    // Valkey's log lines carry the role: S on a replica, M on a primary.
    this.logger.role = on ? "S" : "M";
    this.#updateExpiry();
  }

  #newDb(id: number): Db {
    const db = new Db(id, () => this.clock.current);
    db.expiry = this.expiry;
    db.onExpire = (d, key) => {
      this.notifyKeyspaceEvent("x", "expired", key, d.id);
      this.keyModified(d, key);
      // Replicas and the AOF learn of it as an explicit DEL/UNLINK (Valkey's propagateDeletion).
      this.propagation.deletion(d.id, key, this.config.getBool("lazyfree-lazy-expire"));
    };
    this.dbs[id] = db;
    return db;
  }

  /**
   * Installs SIGINT and SIGTERM handlers (the CLI calls it; embedders may not want it), as Valkey's
   * sigShutdownHandler: the signal is noted and the next cron tick shuts down with the options of
   * `shutdown-on-sigint` / `shutdown-on-sigterm` (see {@link Server.shutdown}). When that shutdown fails
   * (a save that fails without `force`) the server keeps running, and a later signal tries again. A second
   * SIGINT before the shutdown went through exits at once with status 1 ("You insist..."); a second SIGTERM
   * is only noted again.
   */
  handleSignals(): void {
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      const fn = () => this.#onSignal(sig);
      process.on(sig, fn);
      this.#signalHandlers.push([sig, fn]);
    }
  }

  #onSignal(sig: "SIGINT" | "SIGTERM"): void {
    const log = this.logger;
    if (this.#shutdownAsap && sig === "SIGINT") {
      // Valkey also unlinks the temp file of a synchronous save this signal interrupted. Here JavaScript
      // runs a synchronous save to its end before any handler, so there is none to remove.
      log.fromHandler("warning", "You insist... exiting now.");
      if (this.#onShutdown !== undefined) this.#onShutdown(1);
      else process.exit(1);
      return;
    }
    log.fromHandler("warning", `Received ${sig} scheduling shutdown...`);
    this.#shutdownAsap = true;
    this.#lastSignal = sig;
  }

  /** The cron's part of a signal: shut down as the signal's directive says; on failure, keep running. */
  #shutdownOnSignal(): void {
    const sig = this.#lastSignal;
    const flags = sig === "SIGINT"
      ? this.config.getEnumValue("shutdown-on-sigint")
      : sig === "SIGTERM"
      ? this.config.getEnumValue("shutdown-on-sigterm")
      : 0;
    void this.shutdown(flags, undefined).then((err) => {
      if (err === null) return;
      this.#shutdownAsap = false;
      this.#lastSignal = undefined;
    });
  }

  #accept(conn: Connection): ConnectionHandler {
    const now = this.clock.now();
    const id = this.#nextClientId++;
    const maxclients = this.config.getInt("maxclients");
    const client = new Client(
      id,
      conn,
      this.config.getInt("proto-max-bulk-len"),
      !this.defaultUser.open(),
      now,
    );
    client.access = this.defaultUser.access;
    const open = this.#openConns;
    open.add(conn);
    const gone = () => open.delete(conn);
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      conn.write(new TextEncoder().encode(`-${ERR_MAX_CLIENTS}\r\n`));
      conn.close();
      return { data() {}, drain() {}, closed: gone };
    }
    // Protected mode (the default): with no password, only loopback clients are served.
    if (
      this.config.getBool("protected-mode") && this.defaultUser.nopass() && !isLocal(client)
    ) {
      this.stats.rejectedConnections++;
      conn.write(new TextEncoder().encode(PROTECTED_MODE_DENIED));
      conn.close();
      return { data() {}, drain() {}, closed: gone };
    }
    this.clients.set(id, client);
    this.stats.totalConnections++;
    this.logger.verbose(`Accepted ${client.addr}`);
    return this.#handlerOf(client, gone);
  }

  #handlerOf(client: Client, gone: () => void): ConnectionHandler {
    return {
      data: (chunk) => this.#onData(client, chunk),
      drain: () => this.#onDrain(client),
      closed: () => {
        gone();
        this.#onClosed(client);
      },
    };
  }

  /**
   * A client for a connection the server opened itself (a replica's link to its primary, which then
   * sends it commands): no maxclients or protected-mode check, authenticated, not counted as accepted.
   */
  adoptConnection(conn: Connection): { client: Client; handler: ConnectionHandler } {
    const client = new Client(
      this.#nextClientId++,
      conn,
      this.config.getInt("proto-max-bulk-len"),
      false,
      this.clock.now(),
    );
    this.#openConns.add(conn);
    this.clients.set(client.id, client);
    return { client, handler: this.#handlerOf(client, () => this.#openConns.delete(conn)) };
  }

  #onData(client: Client, chunk: Uint8Array): void {
    if (client.closed) return;
    // What our primary sends is replication traffic (Valkey's stat_net_repl_input_bytes).
    if (client.fromPrimary) this.stats.netReplInput += chunk.length;
    else this.stats.netInput += chunk.length;
    this.stats.totalReadsProcessed++;
    client.netIn += chunk.length;
    client.lastInteraction = this.clock.now();
    const parser = client.parser;
    client.qb.beforeRead(parser.unconsumedBytes, parser.pendingBulkLen);
    parser.feed(chunk);
    if (!this.#holding) this.processInput(client);
    if (client.closed) return;
    client.qb.afterRead(chunk.length, parser.unconsumedBytes, parser.pendingBulkLen);
    if (this.clientMemoryCheck !== null && parser.bufferedBytes > 0) this.clientMemoryCheck(client);
  }

  /** Executes every complete request buffered for `client`, then writes the replies. */
  processInput(client: Client): void {
    const parser = client.parser;
    const writer = client.writer;
    let t = performance.now();
    if (this.#cycleStart < 0) this.#beginCycle(t);
    while (!client.closed && !client.closeAfterReply && !client.blocked && !client.readPaused) {
      let argv: Uint8Array[] | null;
      try {
        argv = parser.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        const msg = `ERR ${e.message}`;
        this.stats.countError(msg);
        writer.error(msg);
        if (this.logger.enabled("verbose")) {
          const sample = this.config.getBool("hide-user-data-from-log")
            ? REDACTED
            : protocolSample(parser.unconsumed);
          this.logger.verbose(
            `Protocol error (${e.message.replace(/^Protocol error: /, "")}) from client: ${
              this.clientInfoShort(client)
            }. Query buffer: ${sample}`,
          );
        }
        client.closeAfterReply = true;
        break;
      }
      if (argv === null) break;
      const mark = writer.length;
      client.skipThis = client.skipNext;
      client.skipNext = false;
      t = dispatch(this, client, argv, t);
      if (client.replyOff || client.skipThis || client.fromPrimary) {
        writer.truncate(mark);
        client.skipThis = false;
        if (client.fromPrimary) client.primaryCommandDone?.(argv);
      } else if (writer.length > mark && this.replicaReplied !== null && client.flags.has("S")) {
        // Replicas get no replies: one that made the server answer is dropped (Valkey's
        // _addReplyToBufferOrList). Its reply never leaves.
        writer.truncate(mark);
        this.replicaReplied(client, argv);
        break;
      }
      this.blocking.serveReady();
      if (this.#outputOverLimit(client)) break;
      // Big replies go out as they are made, so the pause below applies within one pipeline too.
      if (writer.length >= FLUSH_EARLY) this.flush(client);
    }
    const qlimit = this.config.getInt("client-query-buffer-limit");
    // The primary's link is exempt (Valkey): a replica must take whatever its primary took.
    if (!client.closed && parser.bufferedBytes > qlimit && !client.fromPrimary) {
      this.logger.warning(
        `Closing client that reached max query buffer length: ${this.clientInfoShort(client)}`,
      );
      this.stats.clientQueryBufferLimitDisconnections++;
      client.closeAfterReply = true;
    }
    if (client.conn.writesBatched === true) this.flush(client);
    else this.queueFlush(client);
  }

  /** Clients whose replies are written at the end of this event-loop turn (see the head of this file). */
  #pendingWrites: Client[] = [];
  #writesScheduled = false;

  /** Writes `client`'s replies at the end of this event-loop turn, with those of every client served in it. */
  queueFlush(client: Client): void {
    if (client.flushQueued) return;
    client.flushQueued = true;
    this.#pendingWrites.push(client);
    if (!this.#writesScheduled) {
      this.#writesScheduled = true;
      setImmediate(this.#writePending);
    }
  }

  readonly #writePending = (): void => {
    this.#writesScheduled = false;
    const list = this.#pendingWrites;
    this.#pendingWrites = [];
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      c.flushQueued = false;
      this.flush(c);
    }
    if (this.#cycleStart >= 0) {
      const st = this.stats;
      const us = Math.round((performance.now() - this.#cycleStart) * 1000);
      st.elCycles++;
      st.elDurationUs += us;
      if (us > st.elMaxUs) st.elMaxUs = us;
      if (this.#cycleCommands > st.elCmdsPerCycleMax) st.elCmdsPerCycleMax = this.#cycleCommands;
      this.#cycleStart = -1;
      this.#cycleCommands = 0;
    }
  };

  /**
   * When the current event-loop cycle began (performance.now()), or -1 between cycles. INFO's eventloop_*
   * metrics count a cycle per event-loop turn in which the server worked (clients' input, a cron tick),
   * from its first event to the end of the turn's writes (Valkey's aeProcessEvents + beforeSleep).
   */
  #cycleStart = -1;
  /** Commands executed in the current cycle (INFO debug's eventloop_cmd_per_cycle_max). */
  #cycleCommands = 0;

  #beginCycle(t: number): void {
    this.#cycleStart = t;
    if (!this.#writesScheduled) {
      this.#writesScheduled = true;
      setImmediate(this.#writePending);
    }
  }

  /** Writes a client's pending replies to its socket and enforces the output-buffer limits. */
  flush(client: Client): void {
    if (client.closed) return;
    const writer = client.writer;
    // Valkey counts a client's output before it reaches the socket (its reply buffers): a reply that
    // crosses the hard limit is never sent, the client is closed.
    if (this.#outputOverLimit(client)) return;
    if (writer.length > 0) {
      // The AOF is written (and with appendfsync always, fsynced) before any reply leaves.
      if (this.holdReplies !== null && this.holdReplies(client)) return;
      const n = writer.length;
      this.stats.netOutput += n;
      this.stats.totalWritesProcessed++;
      client.netOut += n;
      const conn = client.conn;
      if (conn.writeBorrowed !== undefined) {
        conn.writeBorrowed(writer.peek());
        writer.clear();
      } else conn.write(writer.take());
    }
    if (client.closeAfterReply) {
      this.closeClient(client, false);
      return;
    }
    const pending = client.conn.pendingBytes;
    if (pending > OUTPUT_PAUSE && !client.readPaused) {
      client.readPaused = true;
      client.conn.pauseReading();
    }
  }

  /**
   * The output-buffer limits on everything `client` has not handed to the kernel yet (its reply writer
   * and its socket's queue), checked after each command and before each write as Valkey checks its reply
   * buffers as they grow: over them, the client is closed and its pending replies dropped. Cheap while
   * the output is below the lowest limit configured.
   */
  #outputOverLimit(client: Client): boolean {
    const total = client.writer.length + client.heldBytes + client.conn.pendingBytes;
    if (total < this.#outputLimitFloor() && client.softLimitSince === 0 && client.everAuthenticated) {
      return false;
    }
    if (!this.#overOutputLimit(client, total)) return false;
    client.writer.clear();
    return true;
  }

  /**
   * The output-buffer limits checked in the middle of a command that writes a reply of unbounded size
   * (core/commands/sampling.ts): true when they closed the client, whose pending replies are dropped.
   */
  outputLimitReached(client: Client): boolean {
    return this.#outputOverLimit(client);
  }

  /** The hard output limit of `client`'s class, in bytes (0: none). */
  outputHardLimit(client: Client): number {
    return this.#outputLimits(client).hard;
  }

  /** The output-buffer limits of `client`'s class (replica, pub/sub or normal). */
  #outputLimits(client: Client): { hard: number; soft: number; softSeconds: number } {
    const f = client.flags;
    return this.config.getClientOutputBufferLimit(f.has("S") ? "replica" : f.has("P") ? "pubsub" : "normal");
  }

  #limitFloor = -1;

  /** Applies `unixsocketperm` and `unixsocketgroup` to the unix socket; the reason on failure, else null. */
  #unixSocketAccess(path: string): string | null {
    const perm = this.config.getInt("unixsocketperm");
    try {
      if (perm !== 0) chmodPath(path, perm);
    } catch {
      // Valkey does not check chmod's result either.
    }
    const group = this.config.getStr("unixsocketgroup");
    if (group === "") return null;
    const gid = groupIdByName(group);
    // getgrnam finding no such group leaves errno at 0: Valkey prints strerror(0).
    if (gid === null) return `getgrnam error for group '${group}': Success`;
    try {
      chownGroup(path, gid);
    } catch (e) {
      return `chown error for group '${group}': ${strerror(e)}`;
    }
    return null;
  }

  /** The lowest hard or soft output limit of the client classes (Infinity without any). */
  #outputLimitFloor(): number {
    if (this.#limitFloor >= 0) return this.#limitFloor;
    let floor = Infinity;
    for (const cls of ["normal", "pubsub", "replica"] as const) {
      const lim = this.config.getClientOutputBufferLimit(cls);
      if (lim.hard > 0) floor = Math.min(floor, lim.hard);
      if (lim.soft > 0) floor = Math.min(floor, lim.soft);
    }
    this.#limitFloor = floor;
    return floor;
  }

  #overOutputLimit(client: Client, pending: number): boolean {
    const lim = this.#outputLimits(client);
    // A client that never authenticated on a server that asks for a password may hold no more than 1 KiB
    // in Valkey's reply list (REPLY_BUFFER_SIZE_UNAUTHENTICATED_CLIENT), whose blocks are at least 16 KiB:
    // it is over as soon as its output overflows the reply buffer (any output, with
    // DEBUG CLIENT-ENFORCE-REPLY-LIST 1).
    const unauthOverflow = this.enforceReplyList ? pending > 0 : pending > client.writer.size;
    let over = (!client.everAuthenticated && !client.authenticated && unauthOverflow &&
      !this.defaultUser.open()) ||
      (lim.hard > 0 && pending >= lim.hard);
    if (!over && lim.soft > 0 && pending >= lim.soft) {
      // Valkey stamps the soft limit's start in whole seconds and needs more than soft-seconds after it.
      const sec = Math.floor(this.clock.current / 1000);
      if (client.softLimitSince === 0) client.softLimitSince = sec;
      else if (sec - client.softLimitSince > lim.softSeconds) over = true;
    } else if (lim.soft > 0) client.softLimitSince = 0;
    if (!over) return false;
    this.logger.warning(
      `Client ${
        this.clientInfoShort(client)
      } scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    this.stats.clientOutputBufferLimitDisconnections++;
    this.closeClient(client, true);
    return true;
  }

  /** Drops a replica whose command produced a reply (core/replication/primary.ts), null before install. */
  replicaReplied: ((client: Client, argv: Uint8Array[]) => void) | null = null;
  /** Hooks run when a client's socket drained (a replica's image goes on). */
  readonly drainHooks: ((client: Client) => void)[] = [];

  #onDrain(client: Client): void {
    for (const fn of this.drainHooks) fn(client);
    if (client.readPaused && client.conn.pendingBytes < OUTPUT_PAUSE / 2) {
      client.readPaused = false;
      client.conn.resumeReading();
      this.processInput(client);
    }
    if (client.softLimitSince !== 0 && client.conn.pendingBytes === 0) client.softLimitSince = 0;
  }

  #onClosed(client: Client): void {
    if (!this.clients.has(client.id)) return;
    this.clients.delete(client.id);
    client.closed = true;
    for (const fn of this.clientClosedHooks) fn(client);
    this.logger.verbose(`Client closed connection ${this.clientInfoShort(client)}`);
  }

  /** Hooks run when a client goes away (blocked-client lists, pub/sub, WATCH...). */
  readonly clientClosedHooks: ((client: Client) => void)[] = [];

  /** Closes a client: after its queued replies (`now` false) or at once. */
  closeClient(client: Client, now: boolean): void {
    if (client.closed) return;
    client.closed = true;
    if (now) client.conn.destroy();
    else client.conn.close();
    if (this.clients.delete(client.id)) { for (const fn of this.clientClosedHooks) fn(client); }
  }

  /** `id=… addr=… laddr=… fd=… name=…` as Valkey's catClientInfoShortString (for log lines). */
  clientInfoShort(c: Client): string {
    // hide-user-data-from-log redacts what the user chose (name, user), as Valkey's log lines do.
    const hide = this.config.getBool("hide-user-data-from-log");
    return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${c.conn.fd} name=${
      hide ? REDACTED : c.name
    } user=${hide ? REDACTED : c.user}`;
  }

  /**
   * Sets the process title from `proc-title-template` (at start when `set-proc-title`; at every change of
   * the template, as Valkey does). Runtimes that cannot retitle a process (Bun) keep theirs.
   */
  #applyProcTitle(): void {
    const title = this.#procTitle;
    this.config.onChange("proc-title-template", (template) => {
      const res = expandProcTitleTemplate(template, (n) => this.#procTitleVar(n, ""));
      if (res === null || res === "") return "template format is invalid or contains unknown variables";
      if (title !== undefined) this.#setTitle(template, title);
      return null;
    });
    if (title !== undefined && this.config.getBool("set-proc-title")) {
      this.#setTitle(this.config.getStr("proc-title-template"), title);
    }
  }

  #setTitle(template: string, title: string): void {
    const res = expandProcTitleTemplate(template, (n) => this.#procTitleVar(n, title));
    if (res === null || res === "") return;
    // Valkey's setproctitle rewrites the command line only; Deno's process.title also renames the thread
    // (/proc/<pid>/comm, what `ps -o comm`, top and pidof show), which is put back.
    let comm: string | null = null;
    try {
      comm = readTextFile("/proc/self/comm").trimEnd();
    } catch { /* not Linux */ }
    try {
      process.title = res;
    } catch {
      // A runtime without a settable title: nothing to do, as Valkey built without setproctitle.
    }
    if (comm !== null && comm !== "") {
      try {
        writeExistingFile("/proc/self/comm", comm);
      } catch { /* left as the runtime set it */ }
    }
  }

  /** The values of proc-title-template's variables (Valkey's serverProcTitleGetVariable). */
  #procTitleVar(name: string, title: string): string {
    const port = this.config.getInt("port");
    switch (name) {
      case "title":
        return title;
      case "listen-addr":
        return port !== 0
          ? `${this.config.getBind()[0] ?? "*"}:${port}`
          : `unixsocket:${this.config.getStr("unixsocket")}`;
      case "server-mode":
        return ""; // "[cluster]" / "[sentinel]" in those modes, which Valkyr does not have
      case "config-file":
        return this.config.configFile ?? "-";
      case "port":
        return String(port);
      case "tls-port":
        return "0";
      default: // unixsocket
        return this.config.getStr("unixsocket");
    }
  }

  /** Called by the dispatcher after every executed command. */
  afterCommand(call: CommandCall, usec: number): void {
    this.stats.elCmdUs += usec;
    this.#cycleCommands++;
    for (const h of this.afterCommandHooks) h(call, usec);
  }

  /** The error for a PROTECTED command (DEBUG, MODULE) that its `enable-*-command` config forbids, or null. */
  protectedCommandError(client: Client, fullName: string): string | null {
    const top = fullName.split("|")[0]!;
    const option = top === "debug"
      ? "enable-debug-command"
      : top === "module"
      ? "enable-module-command"
      : null;
    if (option === null) return null;
    const v = this.config.getEnum(option);
    if (v === "yes") return null;
    if (v === "local" && isLocal(client)) return null;
    return `ERR ${top.toUpperCase()} command not allowed. If the ${option} option is set to "local", ` +
      "you can run it from a local connection, otherwise you need to set this option in the configuration " +
      "file, and then restart the server.";
  }

  keyModified(db: Db, key: Uint8Array, by: Client | null = null): void {
    for (const fn of this.keyModifiedListeners) fn(db, key, by);
  }

  /** Databases are about to be emptied as a whole: database `dbId`, or all of them for -1. */
  signalFlushedDb(dbId: number): void {
    for (const fn of this.dbFlushedListeners) fn(dbId);
  }

  notifyKeyspaceEvent(cls: EventClass, event: string, key: Uint8Array, dbId: number): void {
    for (const fn of this.keyspaceEventListeners) fn(cls, event, key, dbId);
  }

  resetStats(): void {
    this.stats.reset();
    this.commands.resetStats();
    this.replyBuffers.resetStats();
    for (const db of this.dbs) db.expiredKeys = 0;
    if (this.io !== undefined) Object.assign(this.io.counters, { reads: 0, writes: 0, accepts: 0 });
    for (const fn of this.resetStatsHooks) fn();
  }

  /** Hooks run by CONFIG RESETSTAT (other subsystems' counters). */
  readonly resetStatsHooks: (() => void)[] = [];

  /** Keys expired so far, over all databases. */
  get expiredKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.expiredKeys;
    return n;
  }

  /** SWAPDB: exchanges two databases' contents (clients keep their selected numbers). */
  swapDbs(a: number, b: number): void {
    const da = this.dbs[a]!;
    const dbb = this.dbs[b]!;
    this.dbs[a] = dbb;
    this.dbs[b] = da;
    // The Db objects keep their own id for events; re-label them for their new places.
    (dbb as { id: number }).id = a;
    (da as { id: number }).id = b;
  }

  #startCron(): void {
    if (this.#cron !== undefined) clearInterval(this.#cron);
    const hz = Math.max(1, Math.min(500, this.config.getInt("hz")));
    const period = Math.floor(1000 / hz);
    this.#cron = setInterval(() => this.#cronTick(period), period);
    (this.#cron as { unref?: () => void }).unref?.();
  }

  #cronTick(periodMs: number): void {
    if (this.cronPaused) return;
    const tCron = performance.now();
    if (this.#cycleStart < 0) this.#beginCycle(tCron);
    try {
      this.#cronWork(periodMs);
    } finally {
      // INFO debug's eventloop_duration_cron_sum.
      this.stats.elCronUs += Math.round((performance.now() - tCron) * 1000);
    }
  }

  #cronWork(periodMs: number): void {
    if (this.#shutdownAsap && !this.#shuttingDown && this.#shutdownDeadline === 0) {
      this.#shutdownOnSignal();
      if (this.#shuttingDown) return;
    } else if (this.#shutdownDeadline !== 0 && !this.#shuttingDown) {
      // Waiting for replicas: go on once they all caught up or the time is over.
      if (Date.now() >= this.#shutdownDeadline || this.shutdownReplicas?.ready() !== false) {
        void this.finishShutdown(this.#shutdownFlags);
        if (this.#shuttingDown) return;
      }
    }
    this.clock.resync();
    const now = this.clock.now();
    this.#cronLoops++;
    // Active expiry: Valkey's slow cycle may use 25% of each cron period; the budget is spread over the
    // databases that have volatile keys. The effort config raises both samples and time a little.
    const effort = this.config.getInt("active-expire-effort") - 1;
    const samples = 20 + Math.floor((20 / 4) * effort);
    const budgetUs = periodMs * 1000 * (25 + 2 * effort) / 100;
    const t0 = performance.now();
    let sampled = 0;
    let expired = 0;
    for (const db of this.activeExpireEnabled && !this.expiry.deferred ? this.dbs : []) {
      if (db.volatileCount === 0) continue;
      const spent = (performance.now() - t0) * 1000;
      if (spent >= budgetUs) {
        this.stats.expiredTimeCapReached++;
        break;
      }
      const r = db.activeExpireCycle(samples, budgetUs - spent);
      sampled += r.sampled;
      expired += r.expired;
    }
    const elapsed = performance.now() - t0;
    this.stats.expireCycleCpuMs += elapsed;
    if (sampled > 0) {
      const perc = expired / sampled;
      this.stats.expiredStalePerc = perc * 0.05 + this.stats.expiredStalePerc * 0.95;
    }
    // Incremental rehashing: 1 ms per cron run, as Valkey's activerehashing (tables also rehash a step
    // at each access, so with `activerehashing no` a table nobody touches stays half-moved, as in Valkey).
    if (this.config.getBool("activerehashing")) { for (const db of this.dbs) db.rehashStep(1000); }
    // Instantaneous metrics every 100 ms.
    if (this.#cronLoops % Math.max(1, Math.round(100 / periodMs)) === 0) this.stats.sample(now);
    this.#clientsCron(now);
  }

  #clientsCron(now: number): void {
    const timeout = this.config.getInt("timeout") * 1000;
    for (const c of this.clients.values()) {
      // Replicas and the primary's link have their own timeout (repl-timeout), as in Valkey.
      if (
        timeout > 0 && !c.blocked && !c.flags.has("P") && !c.flags.has("S") && !c.fromPrimary &&
        now - c.lastInteraction > timeout
      ) {
        this.logger.verbose("Closing idle client");
        this.closeClient(c, true);
        continue;
      }
      if (this.#outputOverLimit(c)) continue;
      // Valkey's clientsCronResizeQueryBuffer: the query buffer of a client idle for over 2 s that wastes
      // more than 4 KiB goes (Valkyr: back to the parser's initial 1 KiB).
      const parser = c.parser;
      if (now - c.lastInteraction > 2000 && parser.bufferCapacity - parser.bufferedBytes > 4096) {
        parser.release();
      }
      // CLIENT LIST's model of Valkey's buffer, resized by the same rule (idle time in whole seconds).
      const idleSec = Math.floor(now / 1000) - Math.floor(c.lastInteraction / 1000);
      c.qb.cron(idleSec, parser.unconsumedBytes, parser.pendingBulkLen, c.flags.has("M"));
      this.replyBuffers.visit(c, now);
    }
    for (const fn of this.cronHooks) fn(now);
  }

  /** Hooks run on every cron tick (blocked-client timeouts, pause expiry...). */
  readonly cronHooks: ((now: number) => void)[] = [];

  /**
   * SHUTDOWN and signals (Valkey's prepareForShutdown), with SHUTDOWN's options as the bits
   * SHUTDOWN_SAVE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW and SHUTDOWN_FORCE (core/config/directives.ts). Unless
   * NOW (or `shutdown-timeout 0`), a server whose replicas have not acknowledged the whole stream first
   * waits for them, up to `shutdown-timeout` seconds, with writes paused: the cron goes on once they
   * caught up or the time is over ({@link Server.finishShutdown}); SHUTDOWN ABORT cancels the wait
   * ({@link Server.abortShutdown}). A SHUTDOWN during the wait waits for the same outcome. Resolves with
   * null once stopped, or with the error SHUTDOWN replies.
   */
  shutdown(flags: number, requester: Client | undefined): Promise<string | null> {
    if (this.#shuttingDown) return Promise.resolve("ERR Errors trying to SHUTDOWN. Check logs.");
    if (this.#shutdownDeadline !== 0) return new Promise((resolve) => this.#shutdownWaiters.push(resolve));
    const log = this.logger;
    if (requester !== undefined) {
      log.notice(`User requested shutdown... (user request from '${this.clientInfoShort(requester)}')`);
    } else log.notice("User requested shutdown...");
    this.supervision.notify("STOPPING=1\n");
    const repl = this.shutdownReplicas;
    const timeout = this.config.getInt("shutdown-timeout");
    if ((flags & SHUTDOWN_NOW) === 0 && timeout !== 0 && repl !== null && !repl.ready()) {
      this.#shutdownDeadline = Date.now() + timeout * 1000;
      this.#shutdownFlags = flags;
      repl.beginWait();
      log.notice("Waiting for replicas before shutting down.");
      return new Promise((resolve) => this.#shutdownWaiters.push(resolve));
    }
    return this.finishShutdown(flags);
  }

  /** INFO's shutdown_in_milliseconds: the time left to wait for replicas, or null when not waiting. */
  shutdownInMs(now: number): number | null {
    return this.#shutdownDeadline === 0 ? null : this.#shutdownDeadline - now;
  }

  /**
   * SHUTDOWN ABORT (abortShutdown): cancels a shutdown waiting for replicas (its SHUTDOWN callers get
   * "Errors trying to SHUTDOWN") or one a signal asked for that the cron has not begun. False when there
   * is none.
   */
  abortShutdown(): boolean {
    if (this.#shutdownDeadline !== 0) this.#cancelShutdown();
    else if (this.#shutdownAsap) this.#shutdownAsap = false;
    else return false;
    this.logger.notice("Shutdown manually aborted.");
    return true;
  }

  /** cancelShutdown: the wait ends, writes resume, the callers get the error. */
  #cancelShutdown(): void {
    this.#shutdownDeadline = 0;
    this.#shutdownFlags = 0;
    this.#shutdownAsap = false;
    this.#lastSignal = undefined;
    this.shutdownReplicas?.endWait();
    this.#settleShutdown("ERR Errors trying to SHUTDOWN. Check logs.");
  }

  #settleShutdown(err: string | null): void {
    const waiters = this.#shutdownWaiters;
    this.#shutdownWaiters = [];
    for (const w of waiters) w(err);
  }

  /**
   * finishShutdown: logs the replicas that still lag, stops a running BGSAVE, saves synchronously
   * through {@link Server.shutdownSave} with SAVE, or without NOSAVE when save points are configured (a
   * failed save keeps the server running unless FORCE), then stops.
   */
  finishShutdown(flags: number): Promise<string | null> {
    const save = (flags & SHUTDOWN_SAVE) !== 0 ||
      ((flags & SHUTDOWN_NOSAVE) === 0 && this.config.getSave().length > 0);
    const force = (flags & SHUTDOWN_FORCE) !== 0;
    const log = this.logger;
    this.shutdownReplicas?.report();
    this.shutdownStopSave?.();
    if (this.shutdownAof !== null && !this.shutdownAof(force)) return this.#shutdownFailed();
    if (save) {
      this.supervision.notify("STATUS=Saving the final RDB snapshot\n");
      log.notice("Saving the final RDB snapshot before exiting.");
      if (this.shutdownSave === null || !this.shutdownSave()) {
        if (!force) {
          this.supervision.notify("STATUS=Error trying to save the DB, can't exit.\n");
          log.warning("Error trying to save the DB, can't exit.");
          return this.#shutdownFailed();
        }
        log.warning("Error trying to save the DB. Exit anyway.");
      }
    }
    this.#shuttingDown = true;
    this.#shutdownDeadline = 0;
    this.supervision.removePidFile();
    log.warning("Valkyr is now ready to exit, bye bye...");
    return this.stop().then(() => {
      this.#settleShutdown(null);
      this.#onShutdown?.(0);
      return null;
    });
  }

  /** finishShutdown's error path: logged, the wait (if any) cancelled, the server goes on. */
  #shutdownFailed(): Promise<string> {
    this.logger.warning("Errors trying to shut down the server. Check the logs for more information.");
    if (this.#shutdownDeadline !== 0) this.#cancelShutdown();
    return Promise.resolve("ERR Errors trying to SHUTDOWN. Check logs.");
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops listening, closes every client, stops the cron. */
  async stop(): Promise<void> {
    this.#shuttingDown = true;
    if (this.#cron !== undefined) clearInterval(this.#cron);
    this.#cron = undefined;
    for (const [sig, fn] of this.#signalHandlers) process.off(sig, fn);
    this.#signalHandlers = [];
    for (const fn of this.shutdownHooks) fn();
    for (const c of [...this.clients.values()]) {
      this.flush(c);
      this.closeClient(c, false);
    }
    await this.#closeListeners();
    // A closed connection first sends what is queued; one whose peer never closes its side would keep
    // the process alive, where Valkey simply exits: after a grace period it is cut.
    const end = performance.now() + STOP_GRACE_MS;
    while (this.#openConns.size > 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
    for (const conn of this.#openConns) conn.destroy();
    this.#openConns.clear();
    await this.#stopIo();
    this.#resolveStopped();
  }

  async #stopIo(): Promise<void> {
    const io = this.io;
    this.io = undefined;
    await io?.stop();
  }

  /** A start that cannot go on: what it bound is closed, the I/O Workers stopped, and `e` thrown. */
  async #abortStart(e: unknown): Promise<never> {
    await this.#closeListeners();
    await this.#stopIo();
    throw e;
  }

  async #closeListeners(): Promise<void> {
    const ls = this.listeners;
    this.listeners = [];
    await Promise.all([...ls.map((l) => l.close()), this.tls.close()]);
  }
}

/** How long a stopping server lets closed connections send what they have queued before cutting them. */
const STOP_GRACE_MS = 1000;

function isLocal(c: Client): boolean {
  const a = c.conn.remoteAddress;
  return c.conn.unix || a === "127.0.0.1" || a === "::1" || a.startsWith("127.");
}

function randomHex(n: number): string {
  const bytes = new Uint8Array(n / 2);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** The transparent-huge-pages check ran in this process (thp.ts). */
let thpChecked = false;

/** What log lines print instead of user data under `hide-user-data-from-log`. */
const REDACTED = "*redacted*";

/** Bytes of the query buffer a protocol error's log line shows (Valkey's PROTO_DUMP_LEN). */
const PROTO_DUMP_LEN = 128;

/**
 * The sample of a client's unprocessed bytes in a protocol error's log line, as Valkey prints it: all of
 * them quoted when fewer than 128, else the first and last 64 around a count; as C strings (up to a NUL),
 * non-printable characters as dots.
 */
export function protocolSample(q: Uint8Array): string {
  const cstr = (b: Uint8Array): string => {
    let out = "";
    for (let i = 0; i < b.length && b[i] !== 0; i++) {
      const c = b[i]!;
      out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    }
    return out;
  };
  if (q.length < PROTO_DUMP_LEN) return `'${cstr(q)}'`;
  const half = PROTO_DUMP_LEN / 2;
  return `'${cstr(q.subarray(0, half))}' (... more ${q.length - PROTO_DUMP_LEN} bytes ...) '${
    cstr(q.subarray(q.length - half))
  }'`;
}

/**
 * The banner `always-show-logo yes` prints instead of the "Running mode" line (Valkyr's own, with the
 * facts Valkey's logo carries: version, mode, port, PID).
 */
function startupLogo(port: number): string {
  return [
    "",
    "          __     __    _ _               ",
    "          \\ \\   / /_ _| | | ___   _ _ __ ",
    `           \\ \\ / / _\` | | |/ / | | | '__|    Valkyr ${VALKYR_VERSION} (Valkey ${VALKEY_VERSION} compatible) 64 bit`,
    `            \\ V / (_| | |   <| |_| | |       Running in standalone mode on ${runtimeName()}`,
    `             \\_/ \\__,_|_|_|\\_\\\\__, |_|       Port: ${port}`,
    `                               |___/          PID: ${process.pid}`,
    "",
    "",
  ].join("\n");
}
