/**
 * The server and whatever runs it, as Valkey does it:
 *
 * - `supervised upstart|systemd|auto|no`: under systemd (Type=notify units, such as Debian's for
 *   redis-server: `--supervised systemd`), the sd_notify protocol: one datagram per message to the unix
 *   socket named by NOTIFY_SOCKET, `STATUS=...` while loading, `READY=1` once clients are served,
 *   `STOPPING=1` at shutdown. Under upstart (`expect stop`), the process stops itself (SIGSTOP) at start
 *   and upstart continues it. `auto` picks upstart when UPSTART_JOB is set, else systemd when
 *   NOTIFY_SOCKET is. A supervisor that cannot be reached leaves the server unsupervised, with Valkey's
 *   warnings, and INFO's `process_supervised` says which one took.
 * - `daemonize yes` (not when supervised): the server starts a detached copy of itself (new session, stdio
 *   on /dev/null: with `logfile ""` nothing is logged, as in Valkey) and exits; the copy runs in the
 *   background. A JavaScript runtime cannot fork, so the copy reads the configuration again; the marker
 *   below tells it that it is the background one.
 * - `pidfile`: written with the pid at start when set, or in the background at Valkey's default path, and
 *   removed at shutdown.
 *
 * @module
 */

import process from "node:process";
import { unixDatagramSender } from "../net/epoll.ts";
import { removeFile, writeTextFile } from "../runtime/files.ts";
import { selfCommand, startDetached } from "../runtime/process.ts";
import { strerror } from "../config/directives.ts";
import type { Logger } from "./log.ts";

export type Supervisor = "no" | "upstart" | "systemd";

/** Environment variable set in the background copy of a daemonized server. */
export const DAEMON_CHILD_ENV = "VALKYR_DAEMONIZED";

/** Where a daemonized server without `pidfile` writes its pid (Valkey's CONFIG_DEFAULT_PID_FILE, named). */
export const DEFAULT_PID_FILE = "/var/run/valkyr.pid";

const encoder = new TextEncoder();

export class Supervision {
  /** Who supervises this process (INFO process_supervised). */
  mode: Supervisor = "no";
  /** This process is the background copy of a daemonized server. */
  readonly background = process.env[DAEMON_CHILD_ENV] === "1";
  /** The pid file written at start, removed at shutdown. */
  pidFile: string | null = null;
  #send: ((path: string, message: Uint8Array) => number) | null = null;

  constructor(readonly log: Logger) {
    if (this.background) delete process.env[DAEMON_CHILD_ENV];
  }

  /** Valkey's serverIsSupervised: before the first log line of the start. */
  async detect(configured: string): Promise<void> {
    let mode = configured;
    if (mode === "auto") {
      if (process.env.UPSTART_JOB !== undefined) {
        this.log.verbose("Upstart supervision detected.");
        mode = "upstart";
      } else if (process.env.NOTIFY_SOCKET !== undefined) {
        this.log.verbose("Systemd supervision detected.");
        mode = "systemd";
      }
    }
    if (mode === "upstart") {
      if (process.env.UPSTART_JOB === undefined) {
        this.log.warning("upstart supervision requested, but UPSTART_JOB not found!");
        return;
      }
      this.log.notice("supervised by upstart, will stop to signal readiness.");
      process.kill(process.pid, "SIGSTOP");
      delete process.env.UPSTART_JOB;
      this.mode = "upstart";
    } else if (mode === "systemd") {
      this.#send = await unixDatagramSender();
      if (this.#communicate("STATUS=Valkyr is loading...\n") <= 0) return;
      this.log.notice(
        "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and " +
          "TimeoutStopSec in your service unit.",
      );
      this.mode = "systemd";
    }
  }

  /** Sends an sd_notify message ("READY=1\n", "STATUS=...\n") when systemd supervises the server. */
  notify(message: string): void {
    if (this.mode === "systemd") this.#communicate(message);
  }

  /** sd_notify(0, message), with Valkey's warnings: > 0 sent, 0 no NOTIFY_SOCKET, < 0 -errno. */
  #communicate(message: string): number {
    const path = process.env.NOTIFY_SOCKET;
    if (path === undefined) {
      this.log.warning("systemd supervision error: NOTIFY_SOCKET not found!");
      return 0;
    }
    const r = path.length < 2 ? -22 : this.#send!(path, encoder.encode(message));
    if (r < 0) this.log.warning(`systemd supervision error: sd_notify: ${r}`);
    return r;
  }

  /**
   * `daemonize yes` and no supervisor: starts the background copy and resolves true (this process is to
   * exit), or false when this is the copy or it should not daemonize. Throws when the copy cannot start.
   */
  async daemonize(daemonize: boolean): Promise<boolean> {
    if (!daemonize || this.mode !== "no" || this.background) return false;
    const self = selfCommand();
    if (self === null) throw new Error("daemonize: cannot tell how this program was started");
    await startDetached(self[0], self[1], { [DAEMON_CHILD_ENV]: "1" });
    return true;
  }

  /** Valkey's createPidFile: when `pidfile` is set, or in the background (then at the default path). */
  writePidFile(configured: string | null): void {
    if (configured === null && !this.background) return;
    const file = configured ?? DEFAULT_PID_FILE;
    this.pidFile = file;
    try {
      writeTextFile(file, `${process.pid}\n`);
    } catch (e) {
      this.log.warning(`Failed to write PID file: ${strerror(e)}`);
    }
  }

  /** At shutdown: "Removing the pid file." and its unlink, when one was to be written. */
  removePidFile(): void {
    if (this.pidFile === null) return;
    this.log.notice("Removing the pid file.");
    try {
      removeFile(this.pidFile);
    } catch {
      // Valkey ignores unlink's result.
    }
    this.pidFile = null;
  }
}

/** Thrown by Server.start() in the process that started its background copy: it is to exit with 0. */
export class Daemonized extends Error {
  constructor() {
    super("the server went on in the background");
  }
}
