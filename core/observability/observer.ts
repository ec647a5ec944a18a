/**
 * The per-server observability state and the hooks that feed it after every executed command: the command
 * log, the latency monitor's "command" / "fast-command" / "expire-cycle" events, the per-command latency
 * histograms (`latency-tracking`) and the MONITOR stream — in that order, as Valkey's call() does.
 *
 * How one command is measured:
 * - execution time: the `usec` the dispatcher passes to `afterCommandHooks`;
 * - request size: `client.parser.lastRequestBytes`, the wire size of the request being executed (inside
 *   EXEC the EXEC request's, as in Valkey where queued commands keep the EXEC's input count);
 * - reply size: the growth of the client's writer since a gate recorded its length just before the
 *   handler. Inside EXEC the gate ran for EXEC only, so an inner command's size counts from the EXEC's
 *   start, as Valkey's per-command output counter (reset per request, not per queued command) does.
 *
 * Blocking commands (Valkey: "handled when unblocked"): the execution that blocks is not logged; its time
 * is kept, each re-execution adds its own, and the command is logged once when a re-execution serves it —
 * or, when it times out or CLIENT UNBLOCK ends the wait, right then with the size of the timeout / error
 * reply (the blocking layer's `endedHooks`), even if the client disconnects just after.
 *
 * @module
 */

import type { CommandCall } from "../commands/call.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { connectionHooks } from "../commands/connection/hooks.ts";
import { asciiBytes } from "../util/numbers.ts";
import {
  captureArgs,
  CommandLog,
  LARGE_REPLY,
  LARGE_REQUEST,
  type LogType,
  redactedPositions,
  SLOW,
} from "./commandlog.ts";
import { LatencyHistogram } from "./histogram.ts";
import { LatencyMonitor } from "./latency.ts";
import { monitorLine } from "./monitor.ts";

const F_SKIP_COMMANDLOG = 1;
const F_NO_MONITOR = 2;
const F_FAST = 4;

const flagCache = new WeakMap<CommandSpec, number>();

/** How many recent commands' histograms #record keeps at hand (a power of two). */
const RECENT = 4;

function specBits(spec: CommandSpec): number {
  let b = flagCache.get(spec);
  if (b === undefined) {
    b = 0;
    if (spec.flags.includes("SKIP_COMMANDLOG")) b |= F_SKIP_COMMANDLOG;
    if (spec.flags.includes("SKIP_MONITOR") || spec.flags.includes("ADMIN")) b |= F_NO_MONITOR;
    if (spec.flags.includes("FAST")) b |= F_FAST;
    flagCache.set(spec, b);
  }
  return b;
}

/** A blocking command waiting to be logged once its client is unblocked. */
interface PendingBlocked {
  spec: CommandSpec;
  /** Execution time so far, µs (the blocking run plus every re-execution). */
  usec: number;
  requestBytes: number;
  argv: Uint8Array[];
}

export class Observability {
  readonly commandLog = new CommandLog();
  readonly latency = new LatencyMonitor();
  readonly histograms = new Map<CommandSpec, LatencyHistogram>();
  /** MONITOR clients, in the order they started monitoring. */
  readonly monitors = new Set<Client>();
  latencyThreshold = 0;
  latencyTracking = true;
  readonly #pending = new Map<Client, PendingBlocked>();
  #gateClient: Client | null = null;
  #replyStart = 0;
  #lastExpireMs = 0;
  #flushScheduled = false;
  /** The last RECENT commands' histograms, replaced round-robin (see #record). */
  readonly #recentSpecs: (CommandSpec | null)[] = [null, null, null, null];
  readonly #recentHistograms: (LatencyHistogram | null)[] = [null, null, null, null];
  #recentNext = 0;

  constructor(readonly server: Server) {}

  /** Reads the configs this state caches (at install and whenever one of them changes). */
  readConfig(): void {
    const cfg = this.server.config;
    const [slow, req, rep] = this.commandLog.logs;
    slow.threshold = cfg.getInt("commandlog-execution-slower-than");
    slow.maxLen = cfg.getInt("commandlog-slow-execution-max-len");
    req.threshold = cfg.getInt("commandlog-request-larger-than");
    req.maxLen = cfg.getInt("commandlog-large-request-max-len");
    rep.threshold = cfg.getInt("commandlog-reply-larger-than");
    rep.maxLen = cfg.getInt("commandlog-large-reply-max-len");
    this.latencyThreshold = cfg.getInt("latency-monitor-threshold");
    this.latencyTracking = cfg.getBool("latency-tracking");
  }

  /** The gate: remembers where the command's reply starts. Never takes the command over. */
  gate(call: CommandCall): boolean {
    const client = call.client;
    this.#gateClient = client;
    this.#replyStart = client.writer.length;
    if (this.#pending.size > 0) this.sweepBlocked();
    return false;
  }

  /** The after-command hook. */
  afterCommand(call: CommandCall, usec: number): void {
    const client = call.client;
    const spec = call.spec;
    const bits = specBits(spec);
    const server = this.server;
    const ms = Math.floor(usec / 1000);
    if (this.latencyThreshold > 0 && ms >= this.latencyThreshold) {
      this.latency.add((bits & F_FAST) !== 0 ? "fast-command" : "command", ms, nowSec());
    }
    if (this.#pending.size > 0 && server.blocking.isBlocked(client) && !client.blocked) {
      // A re-execution of a blocked command: it served the client when it wrote a reply.
      const p = this.#pending.get(client);
      if (p !== undefined) {
        p.usec += usec;
        if (this.#replyBytes(client) > 0) {
          this.#pending.delete(client);
          this.#finish(call, spec, bits, p.usec, p.requestBytes, this.#replyBytes(client), call.argv);
        }
        return;
      }
    }
    if (client.blocked) {
      // Blocked: logged when unblocked; MONITOR sees the first execution only.
      this.#pending.set(client, {
        spec,
        usec,
        requestBytes: client.parser.lastRequestBytes,
        argv: captureArgs(call.argv, this.#redacted(call)),
      });
      if (this.monitors.size > 0 && (bits & F_NO_MONITOR) === 0) this.#feedMonitors(call);
      return;
    }
    this.#finish(call, spec, bits, usec, client.parser.lastRequestBytes, this.#replyBytes(client), call.argv);
    if (this.monitors.size > 0 && (bits & F_NO_MONITOR) === 0) this.#feedMonitors(call);
  }

  #replyBytes(client: Client): number {
    if (client !== this.#gateClient || client.replyOff || client.skipThis) return 0;
    const n = client.writer.length - this.#replyStart;
    return n > 0 ? n : 0;
  }

  #redacted(call: CommandCall): number[] | null {
    const cfg = this.server.config;
    return redactedPositions(call.fullName, call.argv, (n) => cfg.isSensitive(n));
  }

  /** Command log and latency histogram of a finished command. */
  #finish(
    call: CommandCall,
    spec: CommandSpec,
    bits: number,
    usec: number,
    requestBytes: number,
    replyBytes: number,
    argv: readonly Uint8Array[],
  ): void {
    if ((bits & F_SKIP_COMMANDLOG) === 0) {
      // Inlined commandLog.add() for the three logs: no closure or entry is built unless one is logged.
      const logs = this.commandLog.logs;
      let captured: Uint8Array[] | null = null;
      for (let t = 0; t < 3; t++) {
        const l = logs[t as LogType];
        if (l.threshold < 0 || l.maxLen === 0) continue;
        const value = t === SLOW ? usec : t === LARGE_REQUEST ? requestBytes : replyBytes;
        if (value >= l.threshold) {
          captured ??= captureArgs(argv, this.#redacted(call));
          const client = call.client;
          l.push({
            id: l.nextId++,
            value,
            time: nowSec(),
            argv: captured,
            peer: client.addr,
            name: client.name,
          });
        }
        if (l.length > l.maxLen) l.trim();
      }
    }
    if (this.latencyTracking) this.#record(spec, usec);
  }

  #record(spec: CommandSpec, usec: number): void {
    // The histograms of the last RECENT commands are kept at hand: a scan of 4 references is cheaper
    // than a Map lookup per command (bench/tracking.ts, in-process SET/GET taking turns: tracking cost
    // ~4.8% of the bare dispatch with the lookup, ~2.5% with this).
    const specs = this.#recentSpecs;
    let h: LatencyHistogram | undefined;
    for (let i = 0; i < RECENT; i++) {
      if (specs[i] === spec) {
        h = this.#recentHistograms[i]!;
        break;
      }
    }
    if (h === undefined) {
      h = this.histograms.get(spec);
      if (h === undefined) this.histograms.set(spec, h = new LatencyHistogram());
      const slot = this.#recentNext;
      this.#recentNext = (slot + 1) & (RECENT - 1);
      specs[slot] = spec;
      this.#recentHistograms[slot] = h;
    }
    h.record(usec * 1000);
  }

  /** CONFIG RESETSTAT: drops every histogram (commands that have not run since are not listed). */
  resetHistograms(): void {
    this.histograms.clear();
    this.#recentSpecs.fill(null);
    this.#recentHistograms.fill(null);
  }

  /**
   * The blocking layer's hook for a wait that ended without a re-execution (timeout, CLIENT UNBLOCK): logs
   * the command at once, with the size of the reply the unblock wrote (Valkey's updateStatsOnUnblock), and
   * counts CLIENT UNBLOCK ... ERROR in the command's rejected_calls as Valkey does.
   */
  blockEnded(client: Client, replyBytes: number, rejected: boolean): void {
    const p = this.#pending.get(client);
    if (p === undefined) return;
    this.#pending.delete(client);
    // The wait ended without a re-execution: the blocked run becomes the call (Valkey's updateStatsOnUnblock).
    const stats = this.server.commands.stats(p.spec);
    stats.calls++;
    stats.usec += p.usec;
    if (rejected) stats.rejectedCalls++;
    this.#logEnded(client, p, replyBytes);
  }

  #logEnded(client: Client, p: PendingBlocked, replyBytes: number): void {
    if ((specBits(p.spec) & F_SKIP_COMMANDLOG) === 0) {
      const entry = () => ({ time: nowSec(), argv: p.argv, peer: client.addr, name: client.name });
      this.commandLog.add(SLOW, p.usec, entry);
      this.commandLog.add(LARGE_REQUEST, p.requestBytes, entry);
      this.commandLog.add(LARGE_REPLY, replyBytes, entry);
    }
    if (this.latencyTracking) this.#record(p.spec, p.usec);
  }

  /** Logs blocked commands whose wait ended unseen by {@link blockEnded} (a fallback: no reply size). */
  sweepBlocked(): void {
    for (const [client, p] of this.#pending) {
      if (client.closed) {
        this.#pending.delete(client);
        continue;
      }
      if (this.server.blocking.isBlocked(client)) continue;
      this.#pending.delete(client);
      this.#logEnded(client, p, 0);
    }
  }

  /** The cron: unblocked-by-timeout commands, and the "expire-cycle" latency event. */
  cron(): void {
    if (this.#pending.size > 0) this.sweepBlocked();
    const spent = this.server.stats.expireCycleCpuMs;
    let delta = spent - this.#lastExpireMs;
    if (delta < 0) delta = spent; // CONFIG RESETSTAT zeroed the counter
    this.#lastExpireMs = spent;
    const ms = Math.floor(delta);
    if (this.latencyThreshold > 0 && ms >= this.latencyThreshold) {
      this.latency.add("expire-cycle", ms, nowSec());
    }
  }

  #feedMonitors(call: CommandCall): void {
    const client = call.client;
    const where = client.conn.unix ? `unix:${this.server.config.getStr("unixsocket")}` : client.addr;
    const line = asciiBytes(monitorLine(nowUsec(), client.db, where, call.argv, this.#redacted(call)));
    for (const m of this.monitors) {
      if (!m.closed) m.writer.raw(line);
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        for (const m of this.monitors) this.server.flush(m);
      });
    }
  }

  /** MONITOR: starts streaming to `client`. */
  addMonitor(client: Client): void {
    this.monitors.add(client);
    client.flags.add("O");
  }

  removeMonitor(client: Client): void {
    if (this.monitors.delete(client)) client.flags.delete("O");
  }

  /** The histogram of a command, if it ran since the last reset. */
  histogram(spec: CommandSpec): LatencyHistogram | undefined {
    return this.histograms.get(spec);
  }

  /** Whether `type`'s log would accept `value` (tests and tools). */
  wouldLog(type: LogType, value: number): boolean {
    return this.commandLog.wants(type, value);
  }
}

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** Wall-clock time in microseconds. */
export function nowUsec(): number {
  const hr = performance.timeOrigin + performance.now();
  const ms = Date.now();
  return Math.floor((Math.abs(hr - ms) > 1000 ? ms : hr) * 1000);
}

const states = new WeakMap<Server, Observability>();

/** The observability state of a server (created on first use; hooks only by {@link installObservability}). */
export function observability(server: Server): Observability {
  let o = states.get(server);
  if (o === undefined) {
    o = new Observability(server);
    o.readConfig();
    states.set(server, o);
  }
  return o;
}

const installed = new WeakSet<Server>();

/**
 * Installs the hooks on a server (idempotent): the reply-size gate (call it after every other gate is
 * installed), the after-command hook, the cron, config change hooks, CONFIG RESETSTAT (histograms), client
 * close and RESET (MONITOR list).
 */
export function installObservability(server: Server): Observability {
  const o = observability(server);
  if (installed.has(server)) return o;
  installed.add(server);
  const reread = () => (o.readConfig(), null);
  for (
    const name of [
      "commandlog-execution-slower-than",
      "commandlog-slow-execution-max-len",
      "commandlog-request-larger-than",
      "commandlog-large-request-max-len",
      "commandlog-reply-larger-than",
      "commandlog-large-reply-max-len",
      "latency-monitor-threshold",
      "latency-tracking",
    ]
  ) server.config.onChange(name, reread);
  // Valkey's "expire-del" event: every Db times the removal of an expired key while the monitor is on.
  const expireDel = {
    on: () => o.latencyThreshold > 0,
    sample: (ms: number) => {
      if (ms >= o.latencyThreshold) o.latency.add("expire-del", ms, nowSec());
    },
  };
  for (const db of server.dbs) db.expireLatency = expireDel;
  server.gates.push((call) => o.gate(call));
  server.afterCommandHooks.push((call, usec) => o.afterCommand(call, usec));
  server.cronHooks.push(() => o.cron());
  server.blocking.endedHooks.push((c, bytes, rejected) => o.blockEnded(c, bytes, rejected));
  server.resetStatsHooks.push(() => o.resetHistograms());
  server.clientClosedHooks.push((c) => o.monitors.delete(c));
  connectionHooks(server).reset.push((c) => o.removeMonitor(c));
  return o;
}
