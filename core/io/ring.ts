/**
 * A single-producer single-consumer ring of framed messages in a SharedArrayBuffer: the one way bytes move
 * between the main thread and an I/O Worker (one ring per direction per Worker; see io_threads.ts for what
 * the frames carry), and the doorbell (Bell) that wakes its reader. A doorbell may serve several rings: the
 * main thread has one for the up rings of all Workers, so it wakes once for all of them.
 *
 * Layout (two SharedArrayBuffers, so the data area is 4-byte aligned and a power of two):
 *
 *     ctl  Int32Array(16):  [HEAD] bytes ever written (wraps at 2^32)   written by the producer only
 *                           [TAIL] bytes ever consumed (wraps at 2^32)  written by the consumer only
 *                           [WANT] set by a producer that found the ring full; the consumer clears it
 *                                  and rings the producer's doorbell after it made room
 *     data Uint8Array(cap)  frames, each 4-byte aligned:
 *                           [u32 payload length][u32 type][u32 conn] payload, padded to 4
 *                           type: the frame's type in the low byte; a producer may put an order stamp
 *                           in the upper 24 bits (see ORDER below), read back with peekOrder()
 *
 * Every frame is contiguous: a frame that does not fit before the end of the data area is preceded by a
 * WRAP frame (or, when fewer than 12 bytes are left there, by nothing: a reader skips such a tail), so a
 * reader hands payloads out as views into the ring without copying. A view is valid until the reader
 * advances TAIL past it. Frames are at most `cap / 4` bytes, so a ring with room always makes progress.
 *
 * Memory: `capacity` bytes of data per ring (frames.ts: RING_BYTES = 1 MiB), two rings per Worker, plus
 * 64 bytes of control each; pages are touched as the ring wraps, so an idle ring costs little RSS.
 *
 * A Bell is one more Int32Array(16) SharedArrayBuffer:
 *
 *                           [SEQ]   the producers add 1 after a batch, and notify when the consumer sleeps
 *                           [SLEEP] set by the consumer when it found nothing to do and waits (see
 *                                   Doorbell); a producer that sees it clears it and notifies
 *                           [ORDER] a counter the producers of a shared doorbell take stamps from
 *                                   (stamp()), so their consumer can take frames of several rings in
 *                                   the order they were produced
 *                           [POSTED] control messages posted to a Worker that waits in epoll_wait
 *                                   instead of its event loop (io_worker.ts): it goes back to its event
 *                                   loop until it has handled as many
 *
 * A consumer that waits in epoll_wait (an I/O Worker on Linux) cannot be woken by Atomics.notify: its
 * producer's Bell then has `wakeUp` (a write to the consumer's eventfd), called instead.
 *
 * Ordering: the producer writes a frame with plain stores, then publishes it with Atomics.store(HEAD); the
 * consumer reads HEAD with Atomics.load before reading frames (sequentially consistent atomics order the
 * plain accesses around them).
 *
 * @module
 */

export const HEAD = 0;
export const TAIL = 1;
export const WANT = 3;
/** Bell slots. */
export const SEQ = 0;
export const SLEEP = 1;
export const ORDER = 2;
export const POSTED = 3;

/** Frame type 0: skip to the start of the data area. */
export const F_WRAP = 0;
const HDR = 12;

export interface RingBuffers {
  ctl: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function newRingBuffers(capacity: number): RingBuffers {
  if ((capacity & (capacity - 1)) !== 0 || capacity < 4096) throw new Error("ring capacity: a power of two");
  return { ctl: new SharedArrayBuffer(64), data: new SharedArrayBuffer(capacity) };
}

export class Ring {
  readonly ctl: Int32Array;
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  readonly cap: number;
  readonly mask: number;
  /** The largest payload one frame may carry. */
  readonly maxPayload: number;

  constructor(readonly buffers: RingBuffers) {
    this.ctl = new Int32Array(buffers.ctl);
    this.bytes = new Uint8Array(buffers.data);
    this.words = new Int32Array(buffers.data);
    this.cap = this.bytes.length;
    this.mask = this.cap - 1;
    this.maxPayload = (this.cap >> 2) - HDR;
  }

  // ---- producer side ----

  /**
   * Appends one frame; false when the ring has no room (nothing is written then). `payload` may be
   * null (no payload) and must be at most maxPayload bytes.
   */
  tryWrite(type: number, conn: number, payload: Uint8Array | null): boolean {
    const len = payload === null ? 0 : payload.length;
    const size = HDR + ((len + 3) & ~3);
    const ctl = this.ctl;
    let head = Atomics.load(ctl, HEAD);
    const free = this.cap - ((head - Atomics.load(ctl, TAIL)) | 0);
    let off = head & this.mask;
    const toEnd = this.cap - off;
    if (size > toEnd) {
      if (toEnd + size > free) return false;
      if (toEnd >= HDR) {
        const w = off >> 2;
        this.words[w] = 0;
        this.words[w + 1] = F_WRAP;
        this.words[w + 2] = 0;
      }
      head = (head + toEnd) | 0;
      off = 0;
    } else if (size > free) return false;
    const w = off >> 2;
    this.words[w] = len;
    this.words[w + 1] = type;
    this.words[w + 2] = conn;
    if (len > 0) this.bytes.set(payload!, off + HDR);
    Atomics.store(ctl, HEAD, (head + size) | 0);
    return true;
  }

  // ---- consumer side ----

  /**
   * Calls `fn` for every frame published so far (and for frames published while it runs), advancing TAIL
   * after each. `payload` is a view into the ring, valid during the call only. Returns the frame count.
   */
  drain(fn: (type: number, conn: number, payload: Uint8Array) => void, limit = Infinity): number {
    const ctl = this.ctl;
    let tail = Atomics.load(ctl, TAIL);
    let n = 0;
    while (n < limit) {
      const head = Atomics.load(ctl, HEAD);
      if (head === tail) break;
      while (tail !== head && n < limit) {
        const off = tail & this.mask;
        const toEnd = this.cap - off;
        if (toEnd < HDR) {
          tail = (tail + toEnd) | 0;
          continue;
        }
        const w = off >> 2;
        const len = this.words[w]!;
        const type = this.words[w + 1]! & 0xff;
        if (type === F_WRAP) {
          tail = (tail + toEnd) | 0;
          continue;
        }
        const conn = this.words[w + 2]!;
        const start = off + HDR;
        fn(type, conn, this.bytes.subarray(start, start + len));
        tail = (tail + HDR + ((len + 3) & ~3)) | 0;
        Atomics.store(ctl, TAIL, tail);
        n++;
      }
      Atomics.store(ctl, TAIL, tail);
    }
    return n;
  }

  /** The order stamp (upper 24 bits of the type word) of the next published frame; -1 when there is none. */
  peekOrder(): number {
    const ctl = this.ctl;
    let tail = Atomics.load(ctl, TAIL);
    const head = Atomics.load(ctl, HEAD);
    while (tail !== head) {
      const off = tail & this.mask;
      const toEnd = this.cap - off;
      if (toEnd >= HDR) {
        const type = this.words[(off >> 2) + 1]!;
        if ((type & 0xff) !== F_WRAP) return type >>> 8;
      }
      tail = (tail + toEnd) | 0;
    }
    return -1;
  }

  /** True when published frames are waiting. */
  get pending(): boolean {
    return Atomics.load(this.ctl, HEAD) !== Atomics.load(this.ctl, TAIL);
  }
}

/** Whether order stamp `a` was taken before `b` (24-bit stamps, compared across a wrap). */
export function orderBefore(a: number, b: number): boolean {
  return ((a - b) << 8) >> 8 < 0;
}

/** A ring's doorbell (see the layout above); `ring()` is the producers' side, Doorbell the consumer's. */
export class Bell {
  readonly ctl: Int32Array;
  /** Wakes a consumer that does not wait with Atomics (see the head); unset: Atomics.notify. */
  wakeUp: (() => void) | undefined;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(64)) {
    this.ctl = new Int32Array(buffer);
  }

  /**
   * Rings (once per batch of frames). Atomics.notify is only called when the consumer sleeps: a notify
   * that wakes a waiter costs several µs of CPU (it posts a task to the other thread's event loop), and
   * notifying after every batch took 10% of the main thread's time at pipeline 16.
   */
  /** `type` with the next order stamp in its upper 24 bits (wraps at 2^24: compare with orderBefore). */
  stamp(type: number): number {
    return type | (Atomics.add(this.ctl, ORDER, 1) << 8);
  }

  ring(): void {
    Atomics.add(this.ctl, SEQ, 1);
    if (Atomics.load(this.ctl, SLEEP) === 1) {
      Atomics.store(this.ctl, SLEEP, 0);
      if (this.wakeUp !== undefined) this.wakeUp();
      else Atomics.notify(this.ctl, SEQ);
    }
  }
}

/** A frame waiting for ring space (the producer's overflow queue keeps the ring's order). */
export interface QueuedFrame {
  type: number;
  conn: number;
  payload: Uint8Array | null;
}

/**
 * The producer's side with an overflow queue: frames that do not fit wait, in order, until the consumer
 * made room; `send` never blocks and never reorders.
 */
export class RingWriter {
  readonly queue: QueuedFrame[] = [];
  #qhead = 0;
  /** A batch was written and the doorbell not rung yet. */
  dirty = false;

  constructor(readonly ring: Ring, readonly bell: Bell) {}

  /** Sends a frame; a payload longer than maxPayload is split into frames of the same type. */
  send(type: number, conn: number, payload: Uint8Array | null, copy: boolean): void {
    const max = this.ring.maxPayload;
    if (payload !== null && payload.length > max) {
      for (let i = 0; i < payload.length; i += max) {
        this.send(type, conn, payload.subarray(i, Math.min(payload.length, i + max)), copy);
      }
      return;
    }
    if (this.#qhead === this.queue.length && this.ring.tryWrite(type, conn, payload)) {
      this.dirty = true;
      return;
    }
    this.queue.push({ type, conn, payload: payload !== null && copy ? payload.slice() : payload });
    this.pump();
  }

  /** Frames waiting in the overflow queue. */
  get queued(): number {
    return this.queue.length - this.#qhead;
  }

  /** Moves queued frames into the ring while they fit. */
  pump(): void {
    const q = this.queue;
    while (this.#qhead < q.length) {
      const f = q[this.#qhead]!;
      if (!this.ring.tryWrite(f.type, f.conn, f.payload)) {
        // Ask the consumer for a wake-up once it made room, then try once more: it may have drained the
        // ring between the failed attempt and the flag (it looks at the flag only after draining).
        Atomics.store(this.ring.ctl, WANT, 1);
        if (!this.ring.tryWrite(f.type, f.conn, f.payload)) break;
      }
      this.dirty = true;
      this.#qhead++;
    }
    if (this.#qhead === q.length) {
      q.length = 0;
      this.#qhead = 0;
    } else if (this.#qhead > 1024 && this.#qhead * 2 > q.length) {
      q.splice(0, this.#qhead);
      this.#qhead = 0;
    }
  }

  /** Rings the doorbell if frames were written since the last call. */
  flush(): void {
    if (this.dirty) {
      this.dirty = false;
      this.bell.ring();
    }
  }
}

/**
 * The consumer's side of a ring's doorbell. `awake()` when a round of work starts (producers stop
 * notifying; the doorbell's count is noted), `busy()` when work is coming anyway (a socket event: a round
 * is scheduled), `sleep()` when the round is done. sleep() sets SLEEP, then looks once more: at the ring
 * (a frame published before the producer could see SLEEP) and at the doorbell's count (a producer that
 * rang without notifying, e.g. to say it made room in the other ring); if either moved it runs another
 * round instead, else it waits with Atomics.waitAsync (never a blocking wait) unless a wait is pending.
 * With sequentially consistent atomics, either the producer sees SLEEP = 1 and notifies, or the consumer
 * sees what it published.
 */
export class Doorbell {
  #armed = false;
  #seen = 0;
  readonly ctl: Int32Array;
  /**
   * Milliseconds to keep looking before going to sleep (0: sleep at once). A consumer that spins needs
   * no notify (the producer sees SLEEP = 0) and no wake-up; see io_threads.ts for what it measured.
   */
  spinMs = 0;

  /** `pending()`: whether any ring of this doorbell has frames, or a producer waits for room. */
  constructor(
    readonly bell: Bell,
    readonly pending: () => boolean,
    readonly wake: () => void,
    readonly later: (fn: () => void) => void,
  ) {
    this.ctl = bell.ctl;
  }

  awake(): void {
    Atomics.store(this.ctl, SLEEP, 0);
    this.#seen = Atomics.load(this.ctl, SEQ);
  }

  busy(): void {
    Atomics.store(this.ctl, SLEEP, 0);
  }

  sleep(): void {
    const ctl = this.ctl;
    if (this.spinMs > 0 && !this.#armed) {
      const until = performance.now() + this.spinMs;
      do {
        if (this.pending() || Atomics.load(ctl, SEQ) !== this.#seen) {
          this.later(this.wake);
          return;
        }
      } while (performance.now() < until);
    }
    Atomics.store(ctl, SLEEP, 1);
    if (this.pending() || Atomics.load(ctl, SEQ) !== this.#seen) {
      Atomics.store(ctl, SLEEP, 0);
      this.later(this.wake);
      return;
    }
    if (this.#armed) return;
    const r = Atomics.waitAsync(ctl, SEQ, this.#seen);
    if (r.async) {
      this.#armed = true;
      void r.value.then(() => {
        this.#armed = false;
        this.wake();
      });
    } else this.later(this.wake);
  }

  /** Wakes a pending wait (at shutdown, so it does not keep the event loop alive). */
  release(): void {
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
  }
}
