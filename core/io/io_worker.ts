/**
 * An I/O Worker (io-threads > 1): owns the sockets its listeners accept (SO_REUSEPORT listeners on the
 * same address in every Worker; the kernel spreads connections), forwards what clients send to the main
 * thread through the "up" ring, and writes what the main thread sends back through the "down" ring. See
 * io_threads.ts for the protocol and the reasons.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { defaultAdapter } from "../net/mod.ts";
import type { Connection, ConnectionHandler, Listener } from "../net/types.ts";
import { Bell, Doorbell, Ring, RingWriter, WANT } from "./ring.ts";
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
  if (tickScheduled) return;
  tickScheduled = true;
  bell.busy();
  setImmediate(tick);
}

function publishFlushed(w: WConn): void {
  Atomics.store(flushed, w.slot, (w.written - w.conn.pendingBytes) | 0);
}

/**
 * Connections whose written bytes may not all be in the kernel yet. A socket reports 'drain' only after
 * a write that went over its buffer limit, but the main thread reads the flushed counter for every
 * client (CLIENT LIST omem, output-buffer limits), so the counters of recently written sockets are
 * published again each round and every millisecond until their queues are empty.
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
    if (w.conn.pendingBytes > 0) continue;
    unsettled.delete(w);
    if (w.mainPaused) sendUp(UP_DRAIN, w.slot, null, false);
  }
  if (unsettled.size > 0 && settleTimer === undefined && !stopping) {
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
      // The ring's bytes are reused: the socket gets its own copy.
      w.conn.write(payload.slice());
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

/** One round: what the main thread sent, then what the sockets produced goes up in one batch. */
function tick(): void {
  tickScheduled = false;
  bell.awake();
  // Room the main thread made in the up ring (it rang our doorbell for it).
  up.pump();
  activity += down.drain(onFrame);
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
  if (!stopping) bell.sleep();
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
    await new Promise((r) => setTimeout(r, 10));
  }
  for (const w of conns) if (w !== undefined && !w.closed) w.conn.destroy();
  scope.postMessage({ op: "stopped" });
}

scope.addEventListener("message", (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.op) {
    case "init":
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
      tick();
      (setInterval(idleCheck, 1000) as unknown as { unref?: () => void }).unref?.();
      scope.postMessage({ op: "ready" });
      return;
    case "commands":
      table = WorkerTable.from(m.table);
      return;
    case "listen":
      adapter.listen(
        { host: m.host, port: m.port, backlog: m.backlog, keepAlive: m.keepAlive, reusePort: true },
        (c) => accept(m.id, c),
      ).then(
        (l) => {
          listeners.set(m.id, l);
          scope.postMessage({ op: "listening", id: m.id, port: l.port });
        },
        (err) => {
          scope.postMessage({
            op: "listen-error",
            id: m.id,
            message: err instanceof Error ? err.message : String(err),
          });
        },
      );
      return;
    case "unlisten": {
      const l = listeners.get(m.id);
      listeners.delete(m.id);
      void (l?.close() ?? Promise.resolve()).then(() => scope.postMessage({ op: "unlistened", id: m.id }));
      return;
    }
    case "stop":
      void stop();
      return;
  }
});
