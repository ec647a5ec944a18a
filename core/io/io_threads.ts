/**
 * I/O threads (`io-threads N`, N > 1): N−1 Workers own the client sockets; the main thread keeps the
 * keyspace and executes every command, each client's in arrival order.
 *
 * Who does what
 * -------------
 * - Each Worker listens on every TCP bind address with SO_REUSEPORT (the kernel spreads connections over
 *   the Workers; `node:net` on Deno needs no unstable flag for it, `Bun.listen` neither). The unix socket,
 *   if any, stays on the main thread. Before the Workers bind a fixed port, the main thread checks that it
 *   is free with a plain (non-reusing) bind, so a second server on a busy port still fails at start.
 * - A Worker reads, parses each read into requests (argument offsets and lengths, the command looked up
 *   in its copy of the command table) and forwards the read with that index; it writes to the socket the
 *   reply bytes the main thread sends back, and reports how many of them the kernel took.
 * - On Linux a Worker drives its sockets itself through libc (core/net/epoll.ts): it waits in epoll_wait
 *   on its sockets and on an eventfd, reads into one buffer and writes replies straight from the down
 *   ring, and never returns to its event loop except to take a control message. Elsewhere (or with the
 *   internal switch VALKYR_IO_EPOLL=0) it uses the runtime's sockets (node:net, Bun.listen) and event
 *   loop. Figures below.
 * - The main thread executes from the index without parsing again (batch_parser.ts): only what depends
 *   on the client's state is decided there (see "Parsing in the Workers" below).
 * - The main thread sees each Worker-owned socket as a `Connection` (RemoteConnection below) like any other,
 *   so the client (CLIENT LIST/INFO/KILL, output-buffer limits, backpressure, blocking, pub/sub, MONITOR,
 *   COMMANDLOG, timeouts) behaves exactly as with io-threads 1: the same code runs on the same state.
 *
 * What crosses the boundary, and why
 * ----------------------------------
 * Two SPSC rings per Worker (ring.ts; SharedArrayBuffer, 1 MiB each way), carrying frames
 * `[len][type][slot] payload`:
 *
 *   up (Worker → main)   OPEN addresses+fd (JSON, once per connection) · REQS a read + its parsed
 *                        requests (worker_parse.ts) · DATA bytes read (nothing parsed in them) · DRAIN ·
 *                        CLOSED
 *   down (main → Worker) WRITE reply bytes · CLOSE · DESTROY · PAUSE · RESUME · RELEASE slot
 *
 * plus one shared Int32Array per Worker: for each connection slot, the bytes of its replies the kernel has
 * accepted. `pendingBytes` on the main thread is "bytes written − that counter", read without any message,
 * which is what the output-buffer limits, CLIENT LIST's omem and the backpressure pause need.
 *
 * - Bytes, not objects: structured cloning costs more CPU than the work it moves (see the figures).
 * - Batches: a Worker handles the sockets the poll found ready, then in one round (setImmediate: the
 *   event loop's check phase) sends their reads up and writes what came down; the main thread drains the
 *   up rings of all Workers in one round and its replies go down at the end of it (or in a microtask when
 *   a timer produced them). Under load one wake-up carries many reads or replies.
 * - Doorbells (ring.ts Bell/Doorbell): a round ends by ringing the other side (Atomics.add), and
 *   Atomics.notify is called only when that side sleeps. Waking a waiter costs several µs of CPU on the
 *   notifying thread; notifying after every round cost the main thread 10% of its time at pipeline 16.
 *   The main thread has one doorbell for all Workers, so it wakes once for all of them. A Worker in its
 *   epoll loop is woken by a write to its eventfd (Bell.wakeUp) instead of Atomics.notify, and control
 *   messages (listen, commands, stop: postMessage) are counted in its doorbell's POSTED slot: it goes
 *   back to its event loop to take them, then returns to epoll_wait.
 * - Nobody blocks: the main thread waits with Atomics.waitAsync (a promise), never Atomics.wait. A full
 *   ring is not waited for either: frames queue in order behind it (RingWriter), the writer sets the
 *   ring's WANT flag and the reader rings back once it made room. A Worker whose up ring is full stops
 *   reading the client that filled it until then (TCP backpressure instead of memory).
 * - Frames stay in order per ring, which gives each client's bytes in order, OPEN before DATA, and DATA
 *   before CLOSED: a client that disconnects mid-request is seen as with io-threads 1.
 * - Across Workers, each up frame carries an order stamp from a counter the Workers share (ring.ts
 *   ORDER), and the main thread takes the frames waiting in several rings by stamp: a request one Worker
 *   read before another Worker read a second client's runs first, as when one thread reads both. Draining
 *   Worker by Worker ran them in Worker order instead (Valkey's "MONITOR log blocked command only once",
 *   which sends BLPOP on one connection and then INFO on another, failed 2 runs in 4 with io-threads 4;
 *   with the stamps 1 in 8, when the second Worker read its request before the first one got the CPU).
 * - A slot is reused only after the main thread released it, so a late frame never reaches a newer client.
 * - DATA payloads are views into the ring handed to the client's parser, which copies them (no extra copy
 *   on the main thread); REQS arguments are views into the ring, used during the round and copied only
 *   for what the client did not reach in it; WRITE payloads are copied once into the ring and once out of
 *   it by the Worker (the socket keeps its bytes until sent).
 *
 * Parsing in the Workers
 * ----------------------
 * The parser's limits depend on state only the main thread has, and that commands change in the middle
 * of a pipeline (AUTH lifts the limits for unauthenticated clients, CONFIG SET proto-max-bulk-len and
 * client-query-buffer-limit, a blocked, paused or MULTI client, CLIENT REPLY, MODULE LOAD/UNLOAD changing
 * the command table). Nothing of that state crosses; instead:
 * - The Worker parses with the loosest limits, with the main thread's own RequestParser code (so both
 *   agree on every request boundary, inline quirk and protocol error), and the same bytes still cross.
 *   Its parse is a proposal the main thread may always decline by feeding the bytes to its parser.
 * - The main thread takes a parsed request only when its own parser is at a request boundary (no bytes
 *   buffered) and the client is authenticated and not our primary; it checks proto-max-bulk-len from the
 *   lengths in the frame. Otherwise, request by request, it feeds the request's bytes to its parser, so
 *   the error (and the close after it), texts and order are those of io-threads 1. The server's input
 *   loop is unchanged: it stops for a blocked, paused, closing client as before, and what the client did
 *   not reach is fed as bytes at the end of the round (qbuf, the query buffer limit, the client's memory
 *   count it as with io-threads 1 meanwhile).
 * - Requests that begin in an earlier read, inline requests with quoted arguments, reads that do not fit
 *   one frame: bytes, parsed on the main thread. A protocol error stops the Worker parsing that client
 *   (the main thread finds the same error); a request above 4 MiB in progress does too (the Worker does
 *   not keep a second copy of big values).
 * - The command lookup: the main thread sends the Workers the table (name, arity, subcommands → index)
 *   with its version at start and whenever MODULE LOAD/UNLOAD changed it; a frame carries the version
 *   its lookups used, and the main thread uses an index only at the same version (CommandTable.hint),
 *   else it looks the command up itself. Unknown commands and arity errors are always looked up (and
 *   their errors, commandstats and errorstats made) on the main thread.
 * - Sizes: COMMANDLOG's request size (bytes on the wire) and CLIENT LIST's tot-net-in, qbuf, argv-mem
 *   come from the same counts as with io-threads 1 (tests/unit/io_threads_test.ts compares a session,
 *   MONITOR included, with io-threads 1 and 4; core/io/worker_parse_test.ts fuzzes the two parsers).
 * - The internal switch VALKYR_IO_PARSE=0 turns it off (the Workers only move bytes), for comparisons.
 *
 * Figures (2 cores, redis-benchmark on the same machine, under other load: req/s swing by 2x between
 * runs, CPU per request is steadier; `deno task bench --io-threads 1,2,4` prints both)
 * -------
 * - Waking the other thread (20,000 ping-pongs main <-> Worker, process CPU per round trip):
 *   Deno Atomics.waitAsync+notify 20.7 µs, postMessage 24.9 µs; Bun 9.1 µs and 9.3 µs. A wake costs
 *   ~10 µs on Deno, so rounds batch and doorbells notify only sleepers (profile of the main thread at
 *   pipeline 16: Atomics.notify 10.4% of its time when every round notified, 2.4% after).
 * - The prototype in the notes (runtime_facts.md): postMessage of parsed objects lost 20-40% and cost 2-3x
 *   the CPU per request; SAB rings broke even at pipeline 16. Hence bytes through SAB rings here.
 * - Sockets cannot move between isolates on Deno or Bun, so "accept on the main thread, hand the socket
 *   to a Worker" is not possible; per-Worker SO_REUSEPORT listeners are the only way to spread them.
 * - Main-thread CPU per request, io-threads 2 vs 1 (same window, GET/SET, 50 clients):
 *     Deno pipeline 1: 4.3/4.4 µs vs 11.5/11.8 (0.37x); pipeline 16: 1.13/1.35 vs 2.13/2.12 (0.53-0.64x)
 *     Bun  pipeline 1: 3.2/3.8 µs vs 9.1/9.6 (0.35-0.40x); pipeline 16: 1.06/1.82 vs 2.18/2.88 (0.49-0.63x)
 *   The whole process: equal per request at pipeline 16 (Deno 2.05-2.4 µs both ways) and ~1.4x at
 *   pipeline 1 (the Worker spends 12-17 µs per request on node:net and wake-ups).
 * - Throughput, io-threads 2 / 1 on this machine: pipeline 16 gains (Deno GET 1.3-1.85x, best 505k vs
 *   357k req/s; 200 clients 0.95-1.5x; SET 1.05-1.4x); pipeline 1 loses (0.6-0.9x with 50 or 200
 *   clients: main, Worker and benchmark share 2 cores, and the Worker's wake-ups and node:net cost more
 *   than the main thread saves). io-threads 4 (3 Workers on 2 cores) is below io-threads 2.
 * - Parsing in the Workers, A/B in the same window (VALKYR_IO_PARSE=0 then 1, io-threads 2, 50 clients,
 *   redis-benchmark GET/SET, main-thread CPU per request from /proc schedstat, 4 pairs each, load 8-11):
 *     pipeline 16: Deno 0.69-1.10x (e.g. SET 1.34 -> 1.17 µs, GET 1.08 -> 1.03 µs), Bun 0.58-1.16x (most
 *     pairs 0.65-0.85x: GET 1.28 -> 0.74 µs, SET 1.39 -> 0.95 µs); pipeline 1 (one request per read,
 *     so the hand-over per read weighs as much as the parse it saves): Deno 0.85-1.02x, Bun 0.87-1.13x.
 *   The Worker's CPU grows by about what the main thread saves (whole process +0-15% per request).
 *   In one thread, parse + lookup of 16 pipelined GETs costs the main thread ~180-370 ns per request
 *   from bytes and ~70-130 ns from a Worker's frame (the Worker's scan: ~250-400 ns).
 *   `deno task bench --io-threads 1,2` before/after (single runs; req/s swing 2-3x with the machine's
 *   load): io-threads 2 / 1 req/s Deno pipeline 1 0.93-1.58x (before 0.95-2.67x), pipeline 16 0.95-1.11x
 *   (before 0.40-1.59x); Bun pipeline 1 0.64-1.83x (before 0.16-0.56x), pipeline 16 0.39-0.84x (before
 *   0.27-0.84x); main CPU per request io-threads 2 / 1: pipeline 16 0.72-0.81x Deno, 0.67-0.79x Bun.
 * - Pipeline 1 ideas measured (io-threads 2, 50 clients): a spin before sleeping (VALKYR_IO_SPIN_US for
 *   the Workers, VALKYR_IO_MAIN_SPIN_US for the main thread; off by default) of 20-50 µs gave no gain
 *   that held across runs on 2 shared cores (Worker spin: Bun 0.6-1.1x, Deno 0.7-1.7x req/s; main
 *   spin: its CPU per request doubled). Bun's Workers already listen with Bun.listen; Deno.listen with
 *   reusePort (to leave node:net) needs --unstable-net, without which Deno exits at the call.
 * - Since the main thread writes its own sockets at the end of each event-loop turn (server.ts: one burst
 *   of writes wakes the reader once; Deno pipeline 16 got ~1.5x faster with io-threads 1), the Workers no
 *   longer gain here. `deno task bench --io-threads 1,2,4 --runtimes deno,bun --requests 300000`, req/s
 *   io-threads N / 1: N = 2: Deno pipeline 1 0.79-1.00x, pipeline 16 0.79-1.09x; Bun 0.64-0.81x and
 *   0.68-0.90x. N = 4: Deno 0.59-0.80x and 0.85-1.01x; Bun 0.54-0.65x and 0.67-0.76x. Main-thread CPU per
 *   request, N = 2 / 1: 0.28-0.51x at pipeline 1, 0.55-0.74x at pipeline 16. Worker connections' replies
 *   are not held to the end of the turn: their write() only fills the ring, sent once per round.
 * - The same bench with the reference servers' own I/O threads, medians of 3 rounds (`--repeat 3`), req/s
 *   io-threads N / 1: N = 2: Valkyr Deno 0.75-0.94x (pipeline 1 0.75-0.90x), Bun 0.82-1.12x; redis-server
 *   7.0 (io-threads-do-reads yes) 0.48-0.67x, valkey-server 8.1.1 0.44-0.69x. N = 4: Valkyr 0.62-0.97x;
 *   redis 0.03-0.20x, Valkey 0.05-0.29x (their threads spin on 2 cores). Main-thread CPU per request
 *   N = 2 / 1: Valkyr 0.26-0.70x, Valkey 0.76-1.65x (bench/results/latest-io-threads.json).
 * - Tried: the main thread also accepting a share of the connections (its own SO_REUSEPORT listener beside
 *   the Workers', as Redis 6's main thread takes a share of the I/O): pipeline 16 went to 1.08-1.46x
 *   (Deno) and 0.93-1.24x (Bun), pipeline 1 stayed at 0.67-0.91x, and the main thread's CPU per request
 *   rose to 0.64-1.03x of io-threads 1 (single runs). Not kept. Waking through a unix socket pair instead of
 *   Atomics (a byte each way, read by the event loop): 28-52 µs of CPU per round trip on both runtimes (TCP
 *   38-72 µs), more than waitAsync/notify. A Worker blocking briefly (Atomics.wait, a futex, up to 50 or
 *   300 µs) for the replies to the requests it just sent up, instead of waiting in its event loop: no gain
 *   (io-threads 2, Deno, req/s with / without: pipeline 1 0.85-1.05x, pipeline 16 0.83-1.12x; 5 pairs).
 * - Where a Worker's time went (perf, Deno, io-threads 2, GET pipeline 1, 50 clients): on node:net 64% in
 *   the kernel (TCP, scheduling), 24% in Deno's runtime (its event loop, ops, the V8 task a waitAsync
 *   wake-up posts), 6% JavaScript; the CPU profile showed 20% of its busy time in write ops and ~15% in
 *   wake-ups. Hence the epoll loop (core/net/epoll.ts): no event loop, streams or promises per read and
 *   write; it blocks in epoll_wait and is woken through an eventfd. Its Worker: 79% kernel, 12% runtime
 *   (FFI calls, V8), 6% JavaScript. A/B in the same window (io-threads 2, 50 clients, redis-benchmark,
 *   3 interleaved rounds, process CPU per request): Deno pipeline 1 GET 16.3/17.3/19.1 µs on node:net vs
 *   14.9/16.3/13.4 with epoll (io-threads 1: 12.9/11.1/13.8), SET 19.6/18.5/18.5 vs 14.3/17.2/13.5;
 *   pipeline 16 GET 2.45/2.42/1.93 vs 1.83/1.98/1.93, req/s 444k/431k/532k vs 542k/502k/519k. On Bun,
 *   Bun.listen and epoll are even (pipeline 1 GET 12.1/12.9/13.9 vs 12.1/13.2/12.4 µs; pipeline 16 GET
 *   696k/666k/637k vs 592k/607k/632k req/s), so Bun keeps Bun.listen (VALKYR_IO_EPOLL=1 to compare).
 *   `deno task bench --io-threads 1,2,4 --runtimes deno,bun --requests 300000 --repeat 3` with it, req/s
 *   io-threads 2 / 1: Deno 0.86-1.30x (before 0.75-0.94x; pipeline 1 with 50 clients 0.92/0.87x), Bun
 *   (Bun.listen, unchanged) 0.73-1.00x; io-threads 4: Deno 0.69-1.12x, Bun 0.60-0.92x.
 *   What remains at pipeline 1 is the hand-over itself: each request crosses two threads that fall
 *   asleep between rounds, and switching them in and out took 17% of the Worker's time and 27% of the
 *   main thread's (finish_task_switch and the interrupt unlocks after it, in perf) on this VM.
 * - Replies to Worker connections are lent (Connection.writeBorrowed: a view of the client's reply buffer,
 *   copied into the down ring) instead of ReplyWriter.take()'s copy, which cost ~0.35 µs per reply on Deno
 *   (14% of the main thread's busy time at pipeline 1 in its CPU profile). A/B io-threads 2, Deno, 50
 *   clients, 3 interleaved rounds, main-thread CPU per request at pipeline 1: GET 3.25-4.08 µs vs
 *   3.75-5.00, SET 3.16-4.25 vs 4.00-4.25. Tried and not kept: the Worker polling epoll once more (timeout
 *   0, up to twice) before handing a round up, to batch more requests per wake-up of the main thread
 *   (pipeline 1 GET 69-74k vs 73-80k req/s, 3 pairs); the main thread as SCHED_BATCH through libc
 *   (sched_setscheduler: its wake-ups no longer preempt the Worker): pipeline 1 req/s +4-28% in 3 rounds,
 *   pipeline 16 mixed; not kept, as a server should not change how the OS schedules it unasked.
 *   `deno task bench --io-threads 1,2,4 --runtimes deno,bun --requests 300000 --repeat 3` after it (and
 *   after the 16 KiB read buffers of core/net/node_net.ts, which made io-threads 1 on Deno faster at
 *   pipeline 1), req/s io-threads 2 / 1: Deno 0.79-1.24x (pipeline 1 with 50 clients 0.83/0.79x), Bun
 *   0.76-0.95x; io-threads 4: Deno 0.61-1.12x, Bun 0.57-1.10x; redis-server 7.0 and valkey-server 8.1.1
 *   0.50-0.82x and 0.03-0.32x. Main-thread CPU per request, 2 / 1: Valkyr 0.24-0.79x, Valkey 1.01-1.42x.
 *   The Worker's CPU profile (Deno, pipeline 1): of its busy time 48% in send, 18% in read and 27% in
 *   Atomics.notify waking the main thread (V8 posts a task to the main isolate, Deno wakes its loop).
 *
 * @module
 */

import * as net from "node:net";
import process from "node:process";
import { setImmediate } from "node:timers";
import { type ParserLimits, RequestParser } from "../resp/parser.ts";
import type { CommandTable } from "../commands/registry.ts";
import { BatchParser, copyTable, type TableSnapshot } from "./batch_parser.ts";
import type { Accept, Connection, ConnectionHandler, Listener, ListenOptions } from "../net/types.ts";
import { Bell, Doorbell, newRingBuffers, orderBefore, POSTED, Ring, RingWriter, WANT } from "./ring.ts";
import { EpollLoop, type Libc, openLibc } from "../net/epoll.ts";
import { runtimeName } from "../net/mod.ts";
import {
  DOWN_CLOSE,
  DOWN_DESTROY,
  DOWN_PAUSE,
  DOWN_RELEASE,
  DOWN_RESUME,
  DOWN_WRITE,
  type FromWorker,
  MAX_SLOTS,
  RING_BYTES,
  type ToWorker,
  UP_CLOSED,
  UP_DATA,
  UP_DRAIN,
  UP_OPEN,
  UP_REQS,
} from "./frames.ts";

/** Up frames handled per wake-up before yielding to timers and other I/O. */
const FRAMES_PER_WAKE = 4096;

const NOOP_HANDLER: ConnectionHandler = { data() {}, drain() {}, closed() {} };
const decoder = new TextDecoder();

/** A client socket owned by a Worker, as the main thread sees it. */
class RemoteConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly unix: boolean;
  readonly fd: number;
  handler: ConnectionHandler = NOOP_HANDLER;
  /** write() appends to the down ring, which is flushed once per round (see IoThreads.scheduleFlush). */
  readonly writesBatched = true;
  /** Bytes given to write() (wraps at 2^32 like the Worker's counter). */
  sent = 0;
  closing = false;
  gone = false;
  /** The client's parser, when the server asked for one (Client's constructor, see newParser). */
  parser: BatchParser | undefined;

  constructor(readonly w: IoWorker, readonly slot: number, info: unknown[]) {
    this.remoteAddress = String(info[0]);
    this.remotePort = Number(info[1]);
    this.localAddress = String(info[2]);
    this.localPort = Number(info[3]);
    this.unix = info[4] === true;
    this.fd = Number(info[5]);
  }

  /**
   * The parser of the client on this connection (the server's Client asks for it): one that takes the
   * requests the Worker parsed (batch_parser.ts), or a plain one when Worker parsing is off.
   */
  newParser(limits: ParserLimits): RequestParser {
    const io = this.w.io;
    if (io.table === null) return new RequestParser(limits);
    this.parser = new BatchParser(limits, io.table, io.snapshot);
    return this.parser;
  }

  write(bytes: Uint8Array): void {
    this.#write(bytes, false);
  }

  /** The bytes are copied into the down ring at once (or, behind a full ring, into its queue). */
  writeBorrowed(bytes: Uint8Array): void {
    this.#write(bytes, true);
  }

  #write(bytes: Uint8Array, borrowed: boolean): void {
    if (this.closing || this.gone || bytes.length === 0) return;
    this.sent = (this.sent + bytes.length) | 0;
    this.w.io.counters.writes++;
    this.w.send(DOWN_WRITE, this.slot, bytes, borrowed);
  }

  get pendingBytes(): number {
    if (this.gone) return 0;
    const p = (this.sent - Atomics.load(this.w.flushed, this.slot)) | 0;
    return p > 0 ? p : 0;
  }

  pauseReading(): void {
    if (!this.gone) this.w.send(DOWN_PAUSE, this.slot, null);
  }

  resumeReading(): void {
    if (!this.gone) this.w.send(DOWN_RESUME, this.slot, null);
  }

  close(): void {
    if (this.closing || this.gone) return;
    this.closing = true;
    this.w.send(DOWN_CLOSE, this.slot, null);
  }

  destroy(): void {
    if (this.gone) return;
    this.closing = true;
    this.w.send(DOWN_DESTROY, this.slot, null);
  }
}

/** The main thread's end of one Worker. */
class IoWorker {
  readonly worker: Worker;
  readonly up: Ring;
  readonly down: RingWriter;
  readonly flushed: Int32Array;
  readonly conns: (RemoteConnection | undefined)[] = [];
  /** The accept callback of each listener id. */
  readonly accepts = new Map<number, Accept>();
  #replies = new Map<string, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>();
  stopped = false;
  readonly ready: Promise<void>;

  constructor(readonly io: IoThreads, readonly index: number) {
    const upBufs = newRingBuffers(RING_BYTES);
    const downBufs = newRingBuffers(RING_BYTES);
    const flushedBuf = new SharedArrayBuffer(MAX_SLOTS * 4);
    this.up = new Ring(upBufs);
    const downBell = new Bell();
    this.down = new RingWriter(new Ring(downBufs), downBell);
    this.flushed = new Int32Array(flushedBuf);
    this.worker = new Worker(workerUrl(), { type: "module" });
    this.ready = this.request("ready", {
      op: "init",
      index,
      up: upBufs,
      down: downBufs,
      flushed: flushedBuf,
      upBell: io.upBell.buffer,
      downBell: downBell.buffer,
      parse: io.table !== null,
      spinUs: envNumber("VALKYR_IO_SPIN_US"),
      epoll: io.libc !== null,
    }).then((m) => {
      const libc = io.libc;
      if (m.op !== "ready" || m.wakeFd < 0 || libc === null) return;
      const fd = m.wakeFd;
      downBell.wakeUp = () => EpollLoop.wake(libc, fd);
    });
    this.worker.addEventListener("message", (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      const key = "id" in m ? `${m.op === "listen-error" ? "listening" : m.op}:${m.id}` : m.op;
      const r = this.#replies.get(key);
      if (r !== undefined) {
        this.#replies.delete(key);
        r.resolve(m);
      }
    });
    this.worker.addEventListener("error", (e: Event) => {
      // Handled here: unhandled, a Worker's error would end the process.
      e.preventDefault();
      this.#fail(new Error(`I/O thread ${index} failed: ${(e as ErrorEvent).message ?? e}`));
    });
  }

  /**
   * Posts a control message. A Worker in its epoll loop takes messages only in its event loop: the count
   * of posted messages tells it to go there (ring.ts POSTED), and the eventfd wakes it. Counted before
   * it is posted, so the Worker never has handled more than the count says (it would not start its loop
   * again until the count caught up, and nothing would tell it when).
   */
  post(m: ToWorker): void {
    Atomics.add(this.down.bell.ctl, POSTED, 1);
    this.worker.postMessage(m);
    this.#wakeLoop();
  }

  /** Wakes the Worker's epoll loop, if it has one (its doorbell's wakeUp writes the eventfd). */
  #wakeLoop(): void {
    this.down.bell.wakeUp?.();
  }

  /** Terminates the Worker (woken first: a Worker waiting in epoll_wait ends once it runs JavaScript). */
  #terminate(): void {
    this.worker.terminate();
    this.#wakeLoop();
  }

  /** The Worker died: its requests fail and its clients are gone (as if their sockets had closed). */
  #fail(err: Error): void {
    this.io.logWarning(err.message);
    this.stopped = true;
    for (const r of this.#replies.values()) r.reject(err);
    this.#replies.clear();
    this.#terminate();
    for (const [slot, conn] of this.conns.entries()) {
      if (conn === undefined) continue;
      this.conns[slot] = undefined;
      conn.gone = true;
      conn.handler.closed();
    }
  }

  /** Posts a control message and resolves with the Worker's answer (`key` = op[:id] of the answer). */
  request(key: string, m: ToWorker): Promise<FromWorker> {
    if (this.stopped) return Promise.reject(new Error(`I/O thread ${this.index} is not running`));
    return new Promise((resolve, reject) => {
      this.#replies.set(key, { resolve, reject });
      this.post(m);
    });
  }

  /** `copy`: the payload is only lent (copied if it has to wait behind a full ring). */
  send(type: number, slot: number, payload: Uint8Array | null, copy = false): void {
    this.down.send(type, slot, payload, copy);
    this.io.scheduleFlush();
  }

  onFrame = (type: number, slot: number, payload: Uint8Array): void => {
    if (type === UP_OPEN) {
      const [listenerId, ...info] = JSON.parse(decoder.decode(payload)) as unknown[];
      const conn = new RemoteConnection(this, slot, info);
      this.conns[slot] = conn;
      this.io.counters.accepts++;
      const accept = this.accepts.get(Number(listenerId));
      if (accept !== undefined) conn.handler = accept(conn);
      else conn.destroy();
      return;
    }
    const conn = this.conns[slot];
    if (conn === undefined) return;
    switch (type) {
      case UP_DATA:
        this.io.counters.reads++;
        conn.handler.data(payload);
        return;
      case UP_REQS: {
        this.io.counters.reads++;
        const words = this.up.words;
        const at = payload.byteOffset >> 2;
        const raw = payload.subarray(words[at + 4]! * 4);
        const p = conn.parser;
        if (p === undefined) {
          conn.handler.data(raw);
          return;
        }
        p.arm(raw, words, at);
        conn.handler.data(raw);
        p.settle();
        return;
      }
      case UP_DRAIN:
        conn.handler.drain();
        return;
      case UP_CLOSED:
        conn.gone = true;
        this.conns[slot] = undefined;
        this.down.send(DOWN_RELEASE, slot, null, false);
        this.io.scheduleFlush();
        conn.handler.closed();
        return;
    }
  };

  async stop(): Promise<void> {
    // Whatever still waits for ring space must reach the Worker before it closes its sockets.
    const deadline = Date.now() + 1000;
    while (this.down.queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    this.io.flushAll();
    if (this.stopped) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.request("stopped", { op: "stop" }).catch(() => {}),
      new Promise((r) => (timer = setTimeout(r, 3000))),
    ]);
    clearTimeout(timer);
    this.stopped = true;
    this.#terminate();
  }
}

export class IoThreads {
  readonly workers: IoWorker[] = [];
  /** INFO's io_threaded_reads_processed / _writes_processed / _accept_processed (CONFIG RESETSTAT zeroes). */
  readonly counters = { reads: 0, writes: 0, accepts: 0 };
  /** One doorbell for the up rings of all Workers: the main thread wakes once for all of them. */
  readonly upBell = new Bell();
  readonly doorbell = new Doorbell(this.upBell, () => this.#pending(), () => this.#wake(), setImmediate);
  #flushScheduled = false;
  #nextListener = 1;
  /** The command table the Workers parse for (null: Workers only move bytes). */
  readonly table: CommandTable | null;
  #snapshot: TableSnapshot | null = null;
  /** The command table as last sent to the Workers (BatchParser checks its version). */
  readonly snapshot = (): TableSnapshot | null => this.#snapshot;
  /** libc for the Workers' epoll loops (null: they use the runtime's sockets; see epollEnabled). */
  libc: Libc | null = null;

  private constructor(readonly logWarning: (msg: string) => void, table: CommandTable | undefined) {
    this.table = table !== undefined && workerParseEnabled() ? table : null;
    this.doorbell.spinMs = envNumber("VALKYR_IO_MAIN_SPIN_US") / 1000;
  }

  /**
   * Starts `count` Workers (io-threads − 1). With `table`, the Workers parse requests and look commands
   * up in a copy of it (unless VALKYR_IO_PARSE=0, the internal switch to compare with byte forwarding).
   */
  static async start(
    count: number,
    logWarning: (msg: string) => void,
    table?: CommandTable,
  ): Promise<IoThreads> {
    const io = new IoThreads(logWarning, table);
    if (epollEnabled()) io.libc = await openLibc();
    for (let i = 0; i < count; i++) io.workers.push(new IoWorker(io, i));
    try {
      await Promise.all(io.workers.map((w) => w.ready));
      io.#syncTable();
      io.#wake();
    } catch (e) {
      await io.stop();
      throw e;
    }
    return io;
  }

  #pending(): boolean {
    for (const w of this.workers) {
      if (!w.stopped && (w.up.pending || Atomics.load(w.up.ctl, WANT) === 1)) return true;
    }
    return false;
  }

  /**
   * Sends the command table to the Workers when it changed (at start, MODULE LOAD/UNLOAD). Until a
   * Worker has it, its frames carry the old version and the main thread looks commands up itself.
   */
  #syncTable(): void {
    const table = this.table;
    if (table === null || this.#snapshot?.version === table.version) return;
    const { snapshot, copy } = copyTable(table);
    this.#snapshot = snapshot;
    for (const w of this.workers) if (!w.stopped) w.post({ op: "commands", table: copy });
  }

  /** One round on the main thread: every Worker's reads, then every reply written meanwhile goes down. */
  #wake(): void {
    if (this.#stopping) return;
    this.doorbell.awake();
    if (this.table !== null && this.table.version !== this.#snapshot?.version) this.#syncTable();
    // A Worker rang because it made room in its down ring: send what waited for it.
    for (const w of this.workers) if (!w.stopped) w.down.pump();
    const more = this.#drainInOrder() >= FRAMES_PER_WAKE;
    for (const w of this.workers) {
      if (!w.stopped && Atomics.load(w.up.ctl, WANT) === 1) {
        Atomics.store(w.up.ctl, WANT, 0);
        w.down.bell.ring();
      }
    }
    this.flushAll();
    // More is waiting: let timers and other sockets run first, then come back without sleeping.
    if (more) setImmediate(() => this.#wake());
    else this.doorbell.sleep();
  }

  /**
   * Handles up to FRAMES_PER_WAKE frames of all Workers, always the one stamped first (ring.ts ORDER): a
   * request read by one Worker before another Worker read a second client's request runs first, as with
   * one thread reading both (draining Worker by Worker ran them in Worker order).
   */
  #drainInOrder(): number {
    const workers = this.workers;
    let n = 0;
    while (n < FRAMES_PER_WAKE) {
      let first: IoWorker | undefined;
      let firstOrder = 0;
      let second = -1;
      for (const w of workers) {
        if (w.stopped) continue;
        const order = w.up.peekOrder();
        if (order < 0) continue;
        if (first === undefined || orderBefore(order, firstOrder)) {
          if (first !== undefined) second = firstOrder;
          first = w;
          firstOrder = order;
        } else if (second < 0 || orderBefore(order, second)) second = order;
      }
      if (first === undefined) break;
      if (second < 0) {
        // Only this Worker has frames waiting.
        n += first.up.drain(first.onFrame, FRAMES_PER_WAKE - n);
        continue;
      }
      // Its frames stamped before any other Worker's next one.
      while (n < FRAMES_PER_WAKE) {
        n += first.up.drain(first.onFrame, 1);
        const order = first.up.peekOrder();
        if (order < 0 || !orderBefore(order, second)) break;
      }
    }
    return n;
  }

  #stopping = false;

  scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.flushAll());
  }

  /** Rings the doorbell of every Worker that has new down frames. */
  flushAll(): void {
    this.#flushScheduled = false;
    for (const w of this.workers) w.down.flush();
  }

  /** Listens on a TCP address in every Worker; the Listener closes all of them. */
  async listen(options: ListenOptions, accept: Accept): Promise<Listener> {
    const host = options.host ?? "0.0.0.0";
    let port = options.port ?? 0;
    if (port !== 0) await probeFree(host, port);
    const id = this.#nextListener++;
    const bound: IoWorker[] = [];
    try {
      for (const w of this.workers) {
        w.accepts.set(id, accept);
        const m = await w.request(`listening:${id}`, {
          op: "listen",
          id,
          host,
          port,
          backlog: options.backlog ?? 511,
          keepAlive: options.keepAlive ?? 0,
        });
        if (m.op === "listen-error") throw new Error(m.message);
        bound.push(w);
        if (m.op === "listening") port = m.port;
      }
    } catch (e) {
      await Promise.all(bound.map((w) => w.request(`unlistened:${id}`, { op: "unlisten", id })));
      throw e;
    }
    return {
      host,
      port,
      close: async () => {
        await Promise.all(this.workers.map((w) => w.request(`unlistened:${id}`, { op: "unlisten", id })));
      },
    };
  }

  /** Closes every Worker's sockets (after what is queued for them) and terminates the Workers. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    this.#stopping = true;
    // Wakes the pending waitAsync so it does not keep the event loop alive.
    this.doorbell.release();
  }
}

/**
 * The Worker file. In an executable built by `bun build --compile` (cli/compile.ts lists the Worker as an
 * extra entry point) modules live under `/$bunfs/root/` by their path from the build's root folder, while
 * this module is bundled into the main entry at that root, so the path is spelled out; elsewhere (Deno,
 * Bun, `deno compile --include core/`) it is next to this file.
 */
function workerUrl(): string {
  const bunfs = import.meta.url.match(/^(.*\$bunfs\/root\/)/);
  if (bunfs !== null) return `${bunfs[1]}core/io/io_worker.js`;
  return new URL("./io_worker.ts", import.meta.url).href;
}

/** The internal switch: VALKYR_IO_PARSE=0 keeps parsing on the main thread (the Workers move bytes). */
function workerParseEnabled(): boolean {
  try {
    return process.env.VALKYR_IO_PARSE !== "0";
  } catch {
    return true;
  }
}

/**
 * Whether the Workers drive their sockets through libc's epoll (core/net/epoll.ts, Linux only): by
 * default on Deno, where it takes 10-25% of the process CPU per request off (the figures above); Bun's
 * own sockets (Bun.listen) do as well there. The internal switch VALKYR_IO_EPOLL=0/1 chooses, for
 * comparisons.
 */
function epollEnabled(): boolean {
  let v: string | undefined;
  try {
    v = process.env.VALKYR_IO_EPOLL;
  } catch {
    v = undefined;
  }
  return v === undefined || v === "" ? runtimeName() === "deno" : v !== "0";
}

/** An internal tuning knob from the environment (0 when unset or unreadable). */
function envNumber(name: string): number {
  try {
    const v = Number(process.env[name] ?? 0);
    return Number.isFinite(v) && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

/** Fails as a plain bind would when host:port is taken (SO_REUSEPORT listeners would share it). */
function probeFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve()));
  });
}
