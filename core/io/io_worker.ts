/**
 * An I/O Worker (io-threads > 1): owns the sockets its listeners accept (SO_REUSEPORT listeners on the
 * same address in every Worker; the kernel spreads connections), forwards what clients send to the main
 * thread through the "up" ring, and writes what the main thread sends back through the "down" ring. See
 * io_threads.ts for the protocol and the reasons.
 *
 * Two ways to drive the sockets:
 * - On Linux (core/net/epoll.ts), the Worker waits in epoll_wait on its sockets and on an eventfd the
 *   main thread writes when it sent frames (Bell.wakeUp), and does each round right after: it never goes
 *   back to its event loop, except to take a control message (the main thread counts them in the down
 *   doorbell's POSTED slot and wakes it: the loop returns until this Worker has handled as many).
 * - Elsewhere, through the runtime's sockets (node:net, Bun.listen): socket events schedule a round in
 *   the event loop's check phase, and the main thread's frames wake it through Atomics.waitAsync.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { lookup } from "node:dns/promises";
import { defaultAdapter } from "../net/mod.ts";
import { EpollConnection, EpollLoop, openLibc, sockaddr } from "../net/epoll.ts";
import type { Connection, ConnectionHandler, Listener } from "../net/types.ts";
import { Bell, Doorbell, POSTED, Ring, RingWriter, SEQ, SLEEP, WANT } from "./ring.ts";
import {
  DOWN_CLOSE,
  DOWN_DESTROY,
  DOWN_PAUSE,
  DOWN_RELEASE,
  DOWN_RESUME,
  DOWN_WRITE,
  type FromWorker,
  MAX_SLOTS,
  type ToWorker,
  UP_CLOSED,
  UP_DATA,
  UP_DRAIN,
  UP_OPEN,
  UP_REQS,
} from "./frames.ts";
import { ConnParser, FrameBuilder, WorkerTable } from "./worker_parse.ts";

interface WorkerScope {
  postMessage(m: FromWorker): void;
  addEventListener(type: "message", fn: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

/** One accepted connection. */
class WConn {
  /** Bytes handed to conn.write (wraps at 2^32 like the shared counter). */
  written = 0;
  mainPaused = false;
  ringPaused = false;
  closed = false;
  /** Touched by the current batch of down frames (its flushed counter must be published). */
  touched = false;
  /** Parse state (null when the Worker only forwards bytes). */
  readonly parser: ConnParser | null = parse ? new ConnParser() : null;
  constructor(readonly slot: number, readonly conn: Connection) {}
}

/**
 * Sends a frame up with an order stamp from the counter all Workers share (the main thread's doorbell):
 * the main thread takes the frames of several Workers in the order they were made, so requests sent on
 * different connections run in the order the Workers read them.
 */
function sendUp(type: number, slot: number, payload: Uint8Array | null, copy: boolean): void {
  up.send(up.bell.stamp(type), slot, payload, copy);
}

const adapter = defaultAdapter();
const encoder = new TextEncoder();
let up!: RingWriter;
let down!: Ring;
let flushed!: Int32Array;
const conns: (WConn | undefined)[] = [];
const freeSlots: number[] = [];
let nextSlot = 0;
const listeners = new Map<number, Listener>();
const ringPaused: WConn[] = [];
const touched: WConn[] = [];
let tickScheduled = false;
let bell!: Doorbell;
/** The Linux epoll loop that drives the sockets (null: the runtime's sockets and event loop). */
let loop: EpollLoop | null = null;
/** The epoll loop is running (it returns to the event loop only for control messages). */
let running = false;
/** Control messages handled (compared with the doorbell's POSTED count). */
let handled = 0;
/** Control messages whose handling has not finished (an await inside). */
let handling = 0;
let stopping = false;
/** Frames handled since the idle check last looked. */
let activity = 0;
let busy = false;
/** Parse requests here (init's `parse`), with this copy of the command table. */
let parse = false;
let table: WorkerTable | null = null;
const frames = new FrameBuilder();

/**
 * Socket events schedule a round in the same event-loop turn's check phase (after every socket the poll
 * found ready had its say), and tell the main thread not to notify meanwhile: the round will look.
 */
function scheduleTick(): void {
  // The epoll loop does a round after every wait anyway.
  if (tickScheduled || loop !== null) return;
  tickScheduled = true;
  bell.busy();
  setImmediate(tick);
}

function publishFlushed(w: WConn): void {
  Atomics.store(flushed, w.slot, (w.written - w.conn.pendingBytes) | 0);
}

/**
 * Connections whose written bytes may not all be in the kernel yet. A runtime's socket reports 'drain'
 * only after a write that went over its buffer limit, but the main thread reads the flushed counter for
 * every client (CLIENT LIST omem, output-buffer limits), so the counters of recently written sockets are
 * published again each round and every millisecond until their queues are empty. An epoll socket says
 * when the kernel took queued bytes (progress, drain), so its counter is published then instead: a client
 * that stops reading does not keep the Worker waking every millisecond.
 */
const unsettled = new Set<WConn>();
let settleTimer: ReturnType<typeof setTimeout> | undefined;

function settle(): void {
  for (const w of unsettled) {
    if (w.closed) {
      unsettled.delete(w);
      continue;
    }
    publishFlushed(w);
    if (w.conn.pendingBytes > 0) {
      if (loop !== null) unsettled.delete(w);
      continue;
    }
    unsettled.delete(w);
    if (w.mainPaused) sendUp(UP_DRAIN, w.slot, null, false);
  }
  if (unsettled.size > 0 && settleTimer === undefined && !stopping && loop === null) {
    settleTimer = setTimeout(() => {
      settleTimer = undefined;
      settle();
      up.flush();
    }, 1);
  }
}

function accept(listenerId: number, conn: Connection): ConnectionHandler {
  let slot = freeSlots.pop();
  if (slot === undefined) {
    if (nextSlot >= MAX_SLOTS) {
      conn.destroy();
      return { data() {}, drain() {}, closed() {} };
    }
    slot = nextSlot++;
  }
  const w = new WConn(slot, conn);
  conns[slot] = w;
  if (conn instanceof EpollConnection) conn.progress = () => publishFlushed(w);
  Atomics.store(flushed, slot, 0);
  const info = [
    listenerId,
    conn.remoteAddress,
    conn.remotePort,
    conn.localAddress,
    conn.localPort,
    conn.unix,
    conn.fd,
  ];
  sendUp(UP_OPEN, slot, encoder.encode(JSON.stringify(info)), false);
  scheduleTick();
  return {
    data(chunk) {
      if (w.closed) return;
      const reqs = w.parser?.scan(chunk, table, frames, up.ring.maxPayload) ?? null;
      if (reqs !== null) sendUp(UP_REQS, w.slot, reqs, true);
      else sendUp(UP_DATA, w.slot, chunk, true);
      if (up.queued > 0 && !w.ringPaused) {
        // The main thread is behind: stop reading this client until it made room.
        w.ringPaused = true;
        ringPaused.push(w);
        conn.pauseReading();
      }
      scheduleTick();
    },
    drain() {
      if (w.closed) return;
      publishFlushed(w);
      if (w.mainPaused) {
        sendUp(UP_DRAIN, w.slot, null, false);
        scheduleTick();
      }
    },
    closed() {
      if (w.closed) return;
      w.closed = true;
      sendUp(UP_CLOSED, w.slot, null, false);
      scheduleTick();
    },
  };
}

function onFrame(type: number, slot: number, payload: Uint8Array): void {
  const w = conns[slot];
  if (w === undefined) return;
  switch (type) {
    case DOWN_WRITE:
      if (w.closed) return;
      // The ring's bytes are reused: the socket gets its own copy (the epoll socket copies only what
      // the kernel did not take at once).
      if (loop !== null) (w.conn as EpollConnection).writeBorrowed(payload);
      else w.conn.write(payload.slice());
      w.written = (w.written + payload.length) | 0;
      if (!w.touched) {
        w.touched = true;
        touched.push(w);
      }
      return;
    case DOWN_CLOSE:
      if (!w.closed) w.conn.close();
      return;
    case DOWN_DESTROY:
      if (!w.closed) w.conn.destroy();
      return;
    case DOWN_PAUSE:
      w.mainPaused = true;
      if (!w.closed) w.conn.pauseReading();
      if (!w.touched) {
        w.touched = true;
        touched.push(w);
      }
      return;
    case DOWN_RESUME:
      w.mainPaused = false;
      if (!w.closed && !w.ringPaused) w.conn.resumeReading();
      return;
    case DOWN_RELEASE:
      conns[slot] = undefined;
      freeSlots.push(slot);
      return;
  }
}

/** A round in the event loop (not with the epoll loop). */
function tick(): void {
  tickScheduled = false;
  bell.awake();
  round();
  if (!stopping) bell.sleep();
}

/** One round: what the main thread sent, then what the sockets produced goes up in one batch. */
function round(): void {
  // Room the main thread made in the up ring (it rang our doorbell for it).
  up.pump();
  activity += down.drain(onFrame);
  // Sockets closed by those frames report it now, so their CLOSED frames go up in this round.
  loop?.endRound();
  // The main thread waits for room in the down ring: we just made some.
  if (Atomics.load(down.ctl, WANT) === 1) {
    Atomics.store(down.ctl, WANT, 0);
    up.bell.ring();
  }
  for (const w of touched) {
    w.touched = false;
    if (!w.closed) unsettled.add(w);
  }
  touched.length = 0;
  settle();
  if (up.queued === 0 && ringPaused.length > 0) {
    for (const w of ringPaused) {
      w.ringPaused = false;
      if (!w.closed && !w.mainPaused) w.conn.resumeReading();
    }
    ringPaused.length = 0;
  }
  up.flush();
}

/**
 * The epoll loop: a round, then a wait on the sockets and the eventfd until something is ready (or the
 * next idle check while busy, or the next look at sockets waiting for their peer's FIN). SLEEP tells the main thread to write the eventfd; set before the last look at the
 * ring, as Doorbell.sleep does, so a frame is either seen here or followed by a wake-up. Returns to the
 * event loop when a control message was posted (POSTED) and not handled yet.
 */
function runLoop(): void {
  const ev = loop!;
  const ctl = bell.ctl;
  let nextIdle = Date.now() + 1000;
  for (;;) {
    Atomics.store(ctl, SLEEP, 0);
    const seen = Atomics.load(ctl, SEQ);
    round();
    if (stopping || Atomics.load(ctl, POSTED) !== handled) break;
    const now = Date.now();
    if (now >= nextIdle) {
      idleCheck();
      nextIdle = now + 1000;
    }
    let timeout = busy || activity > 0 ? nextIdle - now : -1;
    // (A closing socket waits up to 2 s for its peer's FIN: looked at every 50 ms.)
    if (ev.lingering.size > 0 && (timeout < 0 || timeout > 50)) timeout = 50;
    Atomics.store(ctl, SLEEP, 1);
    if (
      down.pending || Atomics.load(down.ctl, WANT) === 1 || Atomics.load(ctl, SEQ) !== seen ||
      Atomics.load(ctl, POSTED) !== handled
    ) {
      timeout = 0;
    }
    ev.poll(timeout);
  }
  Atomics.store(ctl, SLEEP, 0);
  running = false;
}

/** (Re)starts the epoll loop once every posted control message was handled. */
function maybeRun(): void {
  if (loop === null || running || stopping || handling > 0) return;
  if (Atomics.load(bell.ctl, POSTED) !== handled) return;
  running = true;
  setImmediate(runLoop);
}

/**
 * After a burst of traffic, once the Worker has been idle for a second, a full GC (Bun.gc, or `gc` where
 * Deno exposes it, as `deno task start` does) returns the garbage the burst left (read chunks, reply copies)
 * to the OS: the main thread's MEMORY PURGE cannot reach this heap.
 */
function idleCheck(): void {
  if (activity > 0) busy = true;
  else if (busy) {
    busy = false;
    const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
    if (g.gc !== undefined) g.gc();
    else g.Bun?.gc(true);
  }
  activity = 0;
}

async function stop(): Promise<void> {
  stopping = true;
  // The main thread's last frames (the CLOSEs of its shutdown) are in the ring before it sent "stop".
  down.drain(onFrame);
  await Promise.all([...listeners.values()].map((l) => l.close()));
  listeners.clear();
  for (const w of conns) if (w !== undefined && !w.closed) w.conn.close();
  // Let queued replies reach the kernel (bounded: a client that does not read must not hold us).
  const deadline = Date.now() + 1000;
  while (
    Date.now() < deadline && conns.some((w) => w !== undefined && !w.closed && w.conn.pendingBytes > 0)
  ) {
    if (loop !== null) loop.poll(10);
    else await new Promise((r) => setTimeout(r, 10));
  }
  for (const w of conns) if (w !== undefined && !w.closed) w.conn.destroy();
  loop?.endRound();
  scope.postMessage({ op: "stopped" });
}

scope.addEventListener("message", (e: MessageEvent<ToWorker>) => {
  handled++;
  handling++;
  void onMessage(e.data).finally(() => {
    handling--;
    maybeRun();
  });
});

async function onMessage(m: ToWorker): Promise<void> {
  switch (m.op) {
    case "init": {
      up = new RingWriter(new Ring(m.up), new Bell(m.upBell));
      down = new Ring(m.down);
      flushed = new Int32Array(m.flushed);
      parse = m.parse;
      bell = new Doorbell(
        new Bell(m.downBell),
        () => down.pending || Atomics.load(down.ctl, WANT) === 1,
        tick,
        setImmediate,
      );
      bell.spinMs = m.spinUs / 1000;
      const libc = m.epoll ? await openLibc() : null;
      try {
        if (libc !== null) loop = new EpollLoop(libc);
      } catch {
        // (epoll_create1 or eventfd refused: the runtime's sockets then.)
      }
      if (loop === null) {
        tick();
        (setInterval(idleCheck, 1000) as unknown as { unref?: () => void }).unref?.();
      }
      scope.postMessage({ op: "ready", wakeFd: loop?.wakeFd ?? -1 });
      return;
    }
    case "commands":
      table = WorkerTable.from(m.table);
      return;
    case "listen": {
      const options = {
        host: m.host,
        port: m.port,
        backlog: m.backlog,
        keepAlive: m.keepAlive,
        reusePort: true,
      };
      try {
        let l: Listener;
        if (loop !== null) {
          // epoll binds IP literals: a name is resolved first, as node:net does.
          if (sockaddr(m.host, 0) === null) options.host = (await lookup(m.host)).address;
          l = loop.listen(options, (c) => accept(m.id, c));
        } else l = await adapter.listen(options, (c) => accept(m.id, c));
        listeners.set(m.id, l);
        scope.postMessage({ op: "listening", id: m.id, port: l.port });
      } catch (err) {
        scope.postMessage({
          op: "listen-error",
          id: m.id,
          message: err instanceof Error ? err.message : String(err),
        });
      }
      return;
    }
    case "unlisten": {
      const l = listeners.get(m.id);
      listeners.delete(m.id);
      await l?.close();
      scope.postMessage({ op: "unlistened", id: m.id });
      return;
    }
    case "stop":
      await stop();
      return;
  }
}
