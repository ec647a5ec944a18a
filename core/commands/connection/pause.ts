/**
 * Pausing clients: CLIENT PAUSE / UNPAUSE (and, later, the pauses SHUTDOWN and failover take), as Valkey's
 * pauseActions / updatePausedActions / blockPostponeClient.
 *
 * State. Each pause purpose (client command, shutdown, failover) holds a set of paused actions and an end
 * time; the server's paused actions are the union of the purposes whose end is still ahead:
 *
 *     purposes  client_pause          { actions: ALL|EXPIRE|EVICT|REPLICA, end: 1700000012345 }
 *               shutdown_in_progress  { actions: 0, end: 0 }
 *               failover_in_progress  { actions: 0, end: 0 }
 *                        │ union of the unexpired ones
 *                        ▼
 *     actions   CLIENT_ALL | EXPIRE | EVICT | REPLICA        held: [client 7 "SET k v", client 9 "GET k"]
 *
 * A new pause of a purpose replaces its actions and keeps the later of the two end times; CLIENT PAUSE
 * WRITE does not weaken a pending CLIENT PAUSE ALL.
 *
 * Holding. A gate in front of every command ({@link pauseGate}) holds the command of any client but a
 * replica when ALL is paused, or when WRITE is paused and the command may change data or replicate (flag
 * WRITE or MAY_REPLICATE, or a registered write probe says so). A held client is blocked: its command is
 * kept (arguments copied), it reads no further input, and it shows flag `b`. Errors found before the gate
 * (unknown command, arity, authentication) are still replied at once.
 *
 * Release. Whenever the paused client actions become less restrictive (unpause, the end time passing,
 * ALL turning into WRITE) every held client is resumed, in the order it was held: its command is
 * dispatched again (and may be held again) and the rest of its input is processed. Resuming runs in a
 * microtask, after the command that caused it has replied, as Valkey reprocesses them before its next
 * event-loop sleep. A timer fires at the end time; the cron re-checks as a safety net.
 *
 * Invariants: a client is held at most once; every held client has `blocked === true` and flag `b`; a
 * closed client is dropped from the held list.
 *
 * @module
 */

import type { Client } from "../../server/client.ts";
import type { Server } from "../../server/server.ts";
import type { CommandCall } from "../call.ts";
import type { CommandGate } from "../dispatch.ts";
import { dispatch } from "../dispatch.ts";
import type { CommandSpec } from "../spec.ts";
import { ERR_UNBLOCKED } from "./errors.ts";
import { connectionHooks } from "./hooks.ts";

/** Paused actions (Valkey's PAUSE_ACTION_*); CLIENT_ALL must stay above CLIENT_WRITE. */
export const PauseAction = {
  CLIENT_WRITE: 1,
  CLIENT_ALL: 2,
  EXPIRE: 4,
  EVICT: 8,
  REPLICA: 16,
} as const;

/** What CLIENT PAUSE WRITE pauses: writes, plus expiry, eviction and replication so data stays put. */
export const PAUSE_WRITE_SET = PauseAction.CLIENT_WRITE | PauseAction.EXPIRE | PauseAction.EVICT |
  PauseAction.REPLICA;
/** What CLIENT PAUSE ALL pauses. */
export const PAUSE_ALL_SET = PauseAction.CLIENT_ALL | PauseAction.EXPIRE | PauseAction.EVICT |
  PauseAction.REPLICA;

/** Why the server is paused, as INFO's `paused_reason` names it (in Valkey's purpose order). */
export type PausePurpose = "client_pause" | "shutdown_in_progress" | "failover_in_progress";
const PURPOSES: readonly PausePurpose[] = ["client_pause", "shutdown_in_progress", "failover_in_progress"];

const CLIENT_MASK = PauseAction.CLIENT_WRITE | PauseAction.CLIENT_ALL;

interface Held {
  client: Client;
  /** The command's words, copied (the originals are views into the receive buffer). */
  argv: Uint8Array[];
  /** Its reply was to be dropped (CLIENT REPLY SKIP came before it). */
  skip: boolean;
  spec: CommandSpec;
  fullName: string;
}

/** What INFO's clients section prints about the pause. */
export interface PauseInfo {
  reason: PausePurpose | "none";
  actions: "none" | "write" | "all";
  timeoutMs: number;
}

const WRITE_FLAGS = new WeakMap<CommandSpec, boolean>();

function specMayReplicate(spec: CommandSpec): boolean {
  let v = WRITE_FLAGS.get(spec);
  if (v === undefined) {
    v = spec.flags.includes("WRITE") || spec.flags.includes("MAY_REPLICATE");
    WRITE_FLAGS.set(spec, v);
  }
  return v;
}

/** The pause state of one server. */
export class PauseState {
  /** Union of the unexpired purposes' actions, as of the last {@link update}. */
  actions = 0;
  readonly #purposes = new Map<PausePurpose, { actions: number; end: number }>(
    PURPOSES.map((p) => [p, { actions: 0, end: 0 }]),
  );
  #held: Held[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  #releasing = false;

  constructor(readonly server: Server) {}

  /** Pauses `actions` for `purpose` until `end` (unix ms); a later end already set is kept. */
  pause(purpose: PausePurpose, end: number, actions: number, now: number): void {
    const p = this.#purposes.get(purpose)!;
    p.actions = actions;
    if (p.end < end) p.end = end;
    this.update(now);
  }

  /** Ends `purpose`'s pause. */
  unpause(purpose: PausePurpose, now: number): void {
    const p = this.#purposes.get(purpose)!;
    p.actions = 0;
    p.end = 0;
    this.update(now);
  }

  /** The actions currently configured for a purpose (before expiry is applied). */
  purposeActions(purpose: PausePurpose): number {
    return this.#purposes.get(purpose)!.actions;
  }

  /**
   * Recomputes the paused actions at `now`, forgetting expired purposes; resumes the held clients when the
   * client actions became less restrictive, and re-arms the end timer.
   */
  update(now: number): void {
    const prev = this.actions;
    let actions = 0;
    for (const p of this.#purposes.values()) {
      if (p.end > now) actions |= p.actions;
      else {
        p.actions = 0;
        p.end = 0;
      }
    }
    this.actions = actions;
    if ((actions ^ prev) & (PauseAction.EXPIRE | PauseAction.EVICT)) {
      this.server.setPauseHolds((actions & PauseAction.EXPIRE) !== 0, (actions & PauseAction.EVICT) !== 0);
    }
    if ((actions & CLIENT_MASK) < (prev & CLIENT_MASK)) this.#scheduleRelease();
    this.#arm(now);
  }

  /** Whether any of `mask` is paused at `now`. */
  isPaused(mask: number, now: number): boolean {
    if ((this.actions & mask) === 0) return false;
    this.update(now);
    return (this.actions & mask) !== 0;
  }

  info(now: number): PauseInfo {
    this.update(now);
    let action: number;
    let actions: PauseInfo["actions"];
    if ((this.actions & PauseAction.CLIENT_ALL) !== 0) {
      action = PauseAction.CLIENT_ALL;
      actions = "all";
    } else if ((this.actions & PauseAction.CLIENT_WRITE) !== 0) {
      action = PauseAction.CLIENT_WRITE;
      actions = "write";
    } else {
      return { reason: "none", actions: "none", timeoutMs: 0 };
    }
    let timeoutMs = 0;
    let reason: PauseInfo["reason"] = "none";
    for (const [name, p] of this.#purposes) {
      if ((p.actions & action) !== 0 && p.end - now > timeoutMs) {
        timeoutMs = p.end - now;
        reason = name;
      }
    }
    return { reason, actions, timeoutMs };
  }

  /** Whether `call` must wait: see the module comment. */
  mustHold(call: CommandCall): boolean {
    if ((this.actions & CLIENT_MASK) === 0) return false;
    this.update(call.now);
    const actions = this.actions;
    if ((actions & CLIENT_MASK) === 0) return false;
    const flags = call.client.flags;
    // Replicas are never paused (MONITOR clients are replicas to Valkey, too).
    if (flags.has("S") || flags.has("O")) return false;
    if ((actions & PauseAction.CLIENT_ALL) !== 0) return true;
    if (specMayReplicate(call.spec)) return true;
    for (const probe of connectionHooks(this.server).pauseWriteProbes) if (probe(call)) return true;
    return false;
  }

  /** Holds the command of `call` and blocks its client. */
  hold(call: CommandCall): void {
    const c = call.client;
    this.#held.push({
      client: c,
      argv: call.argv.map((a) => a.slice()),
      skip: c.skipThis,
      spec: call.spec,
      fullName: call.fullName,
    });
    c.blocked = true;
    c.flags.add("b");
    // Valkey records the command as the client's last one when it looks it up, before pausing it.
    c.lastCommand = call.fullName;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  isHeld(c: Client): boolean {
    return this.#held.some((h) => h.client === c);
  }

  /** Bytes of the arguments a held client waits with (CLIENT LIST `argv-mem`); 0 when not held. */
  heldArgvBytes(c: Client): number {
    const h = this.#held.find((x) => x.client === c);
    if (h === undefined) return 0;
    let n = 0;
    for (const a of h.argv) n += a.length;
    return n;
  }

  /** Forgets a client that went away. */
  drop(c: Client): void {
    const i = this.#held.findIndex((h) => h.client === c);
    if (i >= 0) this.#held.splice(i, 1);
  }

  /**
   * CLIENT UNBLOCK ... ERROR on a held client: its command is dropped and answered with the UNBLOCKED
   * error, counted as a rejected call; the client then goes on with its input. False when not held.
   */
  rejectHeld(c: Client): boolean {
    const i = this.#held.findIndex((h) => h.client === c);
    if (i < 0) return false;
    const h = this.#held.splice(i, 1)[0]!;
    const server = this.server;
    const stats = server.commands.stats(h.spec);
    stats.calls++;
    stats.rejectedCalls++;
    server.stats.totalCommands++;
    c.totalCommands++;
    c.lastCommand = h.fullName;
    c.blocked = false;
    c.flags.delete("b");
    if (!c.replyOff && !h.skip) {
      server.stats.countError(ERR_UNBLOCKED);
      c.writer.error(ERR_UNBLOCKED);
    }
    queueMicrotask(() => {
      if (!c.closed && !c.blocked) server.processInput(c);
    });
    return true;
  }

  #scheduleRelease(): void {
    if (this.#held.length === 0 || this.#releasing) return;
    this.#releasing = true;
    queueMicrotask(() => {
      this.#releasing = false;
      const held = this.#held;
      this.#held = [];
      for (const h of held) this.#resume(h);
    });
  }

  #resume(h: Held): void {
    const c = h.client;
    if (c.closed) return;
    c.blocked = false;
    c.flags.delete("b");
    const server = this.server;
    const w = c.writer;
    const mark = w.length;
    c.skipThis = h.skip;
    dispatch(server, c, h.argv);
    if (c.replyOff || c.skipThis) {
      w.truncate(mark);
      c.skipThis = false;
    }
    if (c.blocked) server.flush(c);
    else server.processInput(c);
  }

  /** Keeps one timer armed for the earliest end ahead, so a pause ends on time without traffic. */
  #arm(now: number): void {
    let next = Infinity;
    for (const p of this.#purposes.values()) if (p.actions !== 0 && p.end > now && p.end < next) next = p.end;
    if (next === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = next;
    if (next === Infinity) return;
    // Timers never fire early by more than their clock's rounding; +1 ms makes `end > now` false then.
    const delay = Math.min(next - now + 1, 2 ** 31 - 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.update(this.server.clock.now());
    }, delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops the timer (server shutdown, tests). */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }
}

const states = new WeakMap<Server, PauseState>();
const installed = new WeakSet<Server>();

/** The server's pause state (created on first use). */
export function pauseState(server: Server): PauseState {
  let s = states.get(server);
  if (s === undefined) {
    s = new PauseState(server);
    states.set(server, s);
  }
  return s;
}

/** The gate that holds commands while clients are paused. */
export function pauseGate(server: Server): CommandGate {
  const state = pauseState(server);
  return (call) => {
    if (!state.mustHold(call)) return false;
    state.hold(call);
    return true;
  };
}

/**
 * Installs CLIENT PAUSE's command gate, its cleanup of closed clients and its cron check. Call it once at
 * startup, after the gates that reject commands (OOM, pub/sub context, loading...) and before the one that
 * queues commands inside MULTI, which is where Valkey checks the pause. Calling it again does nothing.
 */
export function installClientPause(server: Server): void {
  if (installed.has(server)) return;
  installed.add(server);
  const state = pauseState(server);
  server.gates.push(pauseGate(server));
  server.clientClosedHooks.push((c) => state.drop(c));
  server.cronHooks.push((now) => {
    if (state.actions !== 0) state.update(now);
  });
}

/** Whether `installClientPause` ran for this server. */
export function clientPauseInstalled(server: Server): boolean {
  return installed.has(server);
}

/** INFO clients: `paused_reason`, `paused_actions`, `paused_timeout_milliseconds`. */
export function pauseInfo(server: Server, now: number): PauseInfo {
  return pauseState(server).info(now);
}

/**
 * Whether an action (EXPIRE, EVICT, REPLICA...) is paused now: expiry must not delete keys (they read as
 * missing but stay), eviction must not run, replicas must not apply their stream.
 */
export function isPausedAction(server: Server, mask: number, now: number): boolean {
  const s = states.get(server);
  return s !== undefined && s.isPaused(mask, now);
}

/** CLIENT LIST `argv-mem` of a held client. */
export function heldArgvBytes(server: Server, c: Client): number {
  const s = states.get(server);
  return s === undefined ? 0 : s.heldArgvBytes(c);
}
