/**
 * Sockets driven by the thread itself through libc (epoll, non-blocking sockets, an eventfd to be woken),
 * for the I/O Workers on Linux (io_worker.ts). A Worker has nothing else to do than moving bytes between
 * its sockets and the rings, so it does not need an event loop: it blocks in epoll_wait, reads into one
 * buffer, writes straight from the ring's bytes (a copy only of what the kernel did not take), and knows
 * exactly how many bytes each socket still holds. Through `node:net` or `Bun.listen`, each read and write
 * goes through the runtime's event loop and stream machinery, and a wake-up from the main thread through
 * a V8 task posted to the Worker's loop (figures in io_threads.ts).
 *
 * Calls go through the runtime's FFI (Deno.dlopen, bun:ffi; both are synchronous calls into libc), chosen
 * here so nothing else depends on the runtime. Only Linux on x86-64 and arm64 with glibc: `openLibc()`
 * answers null elsewhere, and the Workers use the runtime's sockets instead.
 *
 * Semantics, as `Connection` (types.ts) defines them:
 * - `write` sends at once while nothing is queued; what the kernel does not take is queued (copied when
 *   the caller said its bytes are borrowed) and sent when epoll reports the socket writable. `drain()` is
 *   called whenever the queue empties after having held bytes, `progress` (if set) when part of it went.
 * - `close()` stops reading, sends what is queued, then shuts the socket down for writing and closes it
 *   once the peer closed its side or at once if that takes longer than CLOSE_LINGER_MS (as `socket.end()`
 *   then the peer's FIN did with node:net); `destroy()` closes at once. A peer that closes its side has
 *   its queued bytes sent, then the socket closes (Valkey frees such a client). `closed()` is called once,
 *   after the fd is closed, at the end of the round (never from inside write/close).
 * - Reading stops while paused (EPOLLIN is taken out of the interest set).
 *
 * @module
 */

import type { Accept, Connection, ConnectionHandler, Listener, ListenOptions } from "./types.ts";

/** The libc calls used, with their C types in a runtime-neutral notation. */
const SYMBOLS = {
  socket: [["i32", "i32", "i32"], "i32"],
  setsockopt: [["i32", "i32", "i32", "buf", "u32"], "i32"],
  getsockopt: [["i32", "i32", "i32", "buf", "buf"], "i32"],
  bind: [["i32", "buf", "u32"], "i32"],
  connect: [["i32", "buf", "u32"], "i32"],
  listen: [["i32", "i32"], "i32"],
  accept4: [["i32", "buf", "buf", "i32"], "i32"],
  getsockname: [["i32", "buf", "buf"], "i32"],
  getpeername: [["i32", "buf", "buf"], "i32"],
  epoll_create1: [["i32"], "i32"],
  epoll_ctl: [["i32", "i32", "i32", "buf"], "i32"],
  epoll_wait: [["i32", "buf", "i32", "i32"], "i32"],
  eventfd: [["u32", "i32"], "i32"],
  read: [["i32", "buf", "u64"], "i32"],
  write: [["i32", "buf", "u64"], "i32"],
  send: [["i32", "buf", "u64", "i32"], "i32"],
  shutdown: [["i32", "i32"], "i32"],
  close: [["i32"], "i32"],
  prctl: [["i32", "u64", "u64", "u64", "u64"], "i32"],
  __errno_location: [[], "ptr"],
} as const;

type Fn = (...args: (number | Uint8Array | null)[]) => number;
export type Libc = { [K in Exclude<keyof typeof SYMBOLS, "__errno_location">]: Fn } & {
  /** errno of the calling thread (read right after a call that returned -1). */
  errno(): number;
  /** Bytes of one struct epoll_event (packed on x86-64). */
  readonly eventSize: number;
};

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0x800;
const SOCK_CLOEXEC = 0x80000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_KEEPALIVE = 9;
const SO_REUSEPORT = 15;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
const EPOLLIN = 0x1;
const EPOLLOUT = 0x4;
const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
const EPOLL_CTL_MOD = 3;
const MSG_NOSIGNAL = 0x4000;
const SHUT_WR = 1;
const EAGAIN = 11;
const EINTR = 4;
const EADDRINUSE = 98;
const EADDRNOTAVAIL = 99;
const EACCES = 13;

/** How long a closing socket waits for the peer to close its side before it is closed anyway. */
const CLOSE_LINGER_MS = 2000;
/** Bytes read per read() call. */
const READ_BYTES = 64 * 1024;

let cached: Libc | null | undefined;

/** libc through the runtime's FFI, or null where this module does not apply (see the head). */
export async function openLibc(): Promise<Libc | null> {
  if (cached !== undefined) return cached;
  cached = null;
  const g = globalThis as {
    Deno?: { build: { os: string; arch: string } };
    process?: { platform: string; arch: string };
    Bun?: unknown;
  };
  const os = g.Deno?.build.os ?? g.process?.platform;
  const arch = g.Deno?.build.arch ?? g.process?.arch;
  if (os !== "linux") return null;
  const eventSize = arch === "x86_64" || arch === "x64"
    ? 12
    : arch === "aarch64" || arch === "arm64"
    ? 16
    : 0;
  if (eventSize === 0) return null;
  try {
    cached = g.Bun !== undefined ? await openBun(eventSize) : openDeno(eventSize);
  } catch {
    cached = null;
  }
  return cached;
}

/** SYMBOLS in a runtime's FFI notation: its name for each neutral type, and its shape of a definition. */
function definitions<D>(
  types: Record<"i32" | "u32" | "u64" | "buf" | "ptr", string>,
  define: (params: string[], result: string) => D,
): Record<string, D> {
  const defs: Record<string, D> = {};
  for (const [name, [params, result]] of Object.entries(SYMBOLS)) {
    defs[name] = define(params.map((t) => types[t]), types[result]);
  }
  return defs;
}

function openDeno(eventSize: number): Libc {
  const defs = definitions(
    { i32: "i32", u32: "u32", u64: "usize", buf: "buffer", ptr: "pointer" },
    (parameters, result) => ({ parameters, result }),
  );
  // deno-lint-ignore no-explicit-any
  const D = (globalThis as any).Deno;
  const lib = D.dlopen("libc.so.6", defs);
  const errnoView = new Int32Array(D.UnsafePointerView.getArrayBuffer(lib.symbols.__errno_location(), 4));
  return { ...lib.symbols, errno: () => errnoView[0]!, eventSize };
}

async function openBun(eventSize: number): Promise<Libc> {
  // A variable specifier: Deno never resolves it (this runs on Bun only).
  const spec = "bun:ffi";
  // deno-lint-ignore no-explicit-any
  const ffi: any = await import(spec);
  const defs = definitions(
    { i32: "i32", u32: "u32", u64: "u64", buf: "ptr", ptr: "ptr" },
    (args, returns) => ({ args, returns }),
  );
  const lib = ffi.dlopen("libc.so.6", defs);
  const errnoView = new Int32Array(ffi.toArrayBuffer(lib.symbols.__errno_location(), 0, 4));
  return { ...lib.symbols, errno: () => errnoView[0]!, eventSize };
}

const PR_SET_THP_DISABLE = 41;

/**
 * Turns transparent huge pages off for this process (prctl PR_SET_THP_DISABLE, as Valkey's `disable-thp`):
 * 0 on success, -1 when the call failed or libc is not reachable (see openLibc).
 */
export async function disableTransparentHugePages(): Promise<number> {
  const libc = await openLibc();
  if (libc === null) return -1;
  return libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) === 0 ? 0 : -1;
}

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const EINVAL = 22;
const ENOSYS = 38;
/** sun_path's size in struct sockaddr_un. */
const UNIX_PATH_MAX = 108;

/**
 * A function that sends one datagram to a unix datagram socket (systemd's NOTIFY_SOCKET), synchronously:
 * `path` absolute, or `@name` for an abstract socket. It returns the bytes sent, or a negative errno
 * (-EINVAL for a bad path, -ENOSYS where libc is not reachable), as sd_notify reports.
 */
export async function unixDatagramSender(): Promise<(path: string, message: Uint8Array) => number> {
  const libc = await openLibc();
  return (path, message) => {
    const addr = unixSockaddr(path);
    if (addr === null) return -EINVAL;
    if (libc === null) return -ENOSYS;
    const fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -libc.errno();
    try {
      if (libc.connect(fd, addr.sa, addr.len) < 0) return -libc.errno();
      const n = libc.send(fd, message, message.length, MSG_NOSIGNAL);
      return n < 0 ? -libc.errno() : n;
    } finally {
      libc.close(fd);
    }
  };
}

/**
 * A unix socket's address (struct sockaddr_un: sa_family in host order, then the path) and its length:
 * `path` absolute, or `@name` for an abstract socket, whose name starts with a NUL byte and whose length
 * is exactly its bytes (no terminating NUL). Null for any other name or one too long for sun_path.
 */
export function unixSockaddr(path: string): { sa: Uint8Array; len: number } | null {
  const name = new TextEncoder().encode(path);
  if ((path[0] !== "/" && path[0] !== "@") || name.length >= UNIX_PATH_MAX) return null;
  const sa = new Uint8Array(2 + UNIX_PATH_MAX);
  new DataView(sa.buffer).setUint16(0, AF_UNIX, true);
  sa.set(name, 2);
  if (path[0] === "@") sa[2] = 0;
  return { sa, len: 2 + name.length + (path[0] === "@" ? 0 : 1) };
}

/** An IPv4 or IPv6 literal as a sockaddr, or null. */
export function sockaddr(host: string, port: number): Uint8Array | null {
  const v4 = parseIPv4(host);
  const v6 = v4 === null ? parseIPv6(host) : null;
  if (v4 === null && v6 === null) return null;
  // struct sockaddr_in (16 bytes, address at 4) or sockaddr_in6 (28 bytes, address at 8).
  const sa = new Uint8Array(v4 !== null ? 16 : 28);
  const dv = new DataView(sa.buffer);
  dv.setUint16(0, v4 !== null ? AF_INET : AF_INET6, true);
  dv.setUint16(2, port, false);
  if (v4 !== null) sa.set(v4, 4);
  else sa.set(v6!, 8);
  return sa;
}

function parseIPv4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

function parseIPv6(s: string): Uint8Array | null {
  if (s.includes("%") || !s.includes(":")) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  const v4 = parseIPv4(s.slice(lastColon + 1));
  if (v4 !== null) {
    tail = v4;
    s = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const group = (h: string) => (h === "" ? [] : h.split(":"));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return null;
  }
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 255;
  }
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** A sockaddr's address and port, as node:net reports them (IPv4-mapped IPv6 as plain IPv4). */
export function formatSockaddr(sa: Uint8Array): { address: string; port: number } {
  const dv = new DataView(sa.buffer, sa.byteOffset, sa.byteLength);
  const family = dv.getUint16(0, true);
  const port = dv.getUint16(2, false);
  if (family === AF_INET) return { address: sa.subarray(4, 8).join("."), port };
  if (family !== AF_INET6) return { address: "", port: 0 };
  const b = sa.subarray(8, 24);
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 255 && b[11] === 255;
  if (mapped) return { address: b.subarray(12, 16).join("."), port };
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  // RFC 5952: the longest run of two or more zero groups (the first of equal ones) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (best < 0) return { address: hex(groups), port };
  return { address: `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`, port };
}

/** Something registered with the loop's epoll set. */
interface Watched {
  ready(events: number): void;
}

/**
 * One thread's epoll set: listeners, connections and the eventfd another thread writes to wake it.
 * `poll(timeout)` waits for events and dispatches them; the owner calls it in its own loop.
 */
export class EpollLoop {
  readonly ep: number;
  /** Written (8 bytes) by another thread to wake poll(). */
  readonly wakeFd: number;
  readonly #watched: (Watched | undefined)[] = [];
  readonly #events: Uint8Array;
  readonly #ev: DataView;
  /** Offset of epoll_data in a struct epoll_event (packed on x86-64). */
  readonly #dataAt: number;
  readonly #ctl = new Uint8Array(16);
  readonly #ctlView = new DataView(this.#ctl.buffer);
  readonly #word = new Uint8Array(8);
  /** The buffer every read goes into (its bytes are valid during the data() call). */
  readonly readBuf = new Uint8Array(READ_BYTES);
  /** Connections to close or to report closed at the end of the current round. */
  readonly #ended: EpollConnection[] = [];
  /** Connections waiting for their peer's FIN after close(), with their deadlines. */
  readonly lingering = new Set<EpollConnection>();
  /** Set by the eventfd: somebody woke us. */
  woken = false;

  constructor(readonly libc: Libc, readonly maxEvents = 256) {
    this.ep = libc.epoll_create1(SOCK_CLOEXEC);
    if (this.ep < 0) throw new Error(`epoll_create1: errno ${libc.errno()}`);
    this.wakeFd = libc.eventfd(0, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (this.wakeFd < 0) throw new Error(`eventfd: errno ${libc.errno()}`);
    this.#events = new Uint8Array(libc.eventSize * maxEvents);
    this.#dataAt = libc.eventSize === 12 ? 4 : 8;
    this.#ev = new DataView(this.#events.buffer);
    this.watch(this.wakeFd, EPOLLIN, {
      ready: () => {
        this.woken = true;
        this.libc.read(this.wakeFd, this.#word, 8);
      },
    });
  }

  watch(fd: number, events: number, w: Watched | undefined, op = EPOLL_CTL_ADD): void {
    const v = this.#ctlView;
    v.setUint32(0, events, true);
    // epoll_data is a union: the fd in its low 32 bits.
    v.setUint32(this.#dataAt, fd, true);
    v.setUint32(this.#dataAt + 4, 0, true);
    this.libc.epoll_ctl(this.ep, op, fd, this.#ctl);
    if (op === EPOLL_CTL_ADD) this.#watched[fd] = w;
  }

  interest(fd: number, events: number): void {
    this.watch(fd, events, undefined, EPOLL_CTL_MOD);
  }

  unwatch(fd: number): void {
    this.libc.epoll_ctl(this.ep, EPOLL_CTL_DEL, fd, this.#ctl);
    this.#watched[fd] = undefined;
  }

  /** Waits up to `timeoutMs` (-1: no limit) and dispatches what is ready; returns the events handled. */
  poll(timeoutMs: number): number {
    const n = this.libc.epoll_wait(this.ep, this.#events, this.maxEvents, timeoutMs);
    const size = this.libc.eventSize;
    const dataAt = this.#dataAt;
    const ev = this.#ev;
    for (let i = 0; i < n; i++) {
      const events = ev.getUint32(i * size, true);
      const fd = ev.getUint32(i * size + dataAt, true);
      this.#watched[fd]?.ready(events);
    }
    this.endRound();
    if (this.lingering.size > 0) {
      const now = Date.now();
      for (const c of this.lingering) if (now >= c.lingerUntil) c.finish();
      this.endRound();
    }
    return n < 0 ? 0 : n;
  }

  /** Wakes another thread's loop through its eventfd (callable from any thread). */
  static wake(libc: Libc, fd: number): void {
    libc.write(fd, ONE, 8);
  }

  ended(c: EpollConnection): void {
    this.#ended.push(c);
  }

  /** Reports the connections closed during the round (after the round, never from inside a call). */
  endRound(): void {
    const list = this.#ended;
    for (let i = 0; i < list.length; i++) list[i]!.report();
    list.length = 0;
  }

  /** Listens on a TCP address (an IP literal; the caller resolves names) with SO_REUSEPORT if asked. */
  listen(options: ListenOptions, accept: Accept): Listener {
    const host = options.host ?? "0.0.0.0";
    const sa = sockaddr(host, options.port ?? 0);
    if (sa === null) throw new Error(`not an IP address: ${host}`);
    const L = this.libc;
    const v6 = sa.length === 28;
    const fd = L.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new Error(`socket: errno ${L.errno()}`);
    const fail = (what: string) => {
      const e = L.errno();
      L.close(fd);
      const code = e === EADDRINUSE
        ? "EADDRINUSE"
        : e === EADDRNOTAVAIL
        ? "EADDRNOTAVAIL"
        : e === EACCES
        ? "EACCES"
        : `errno ${e}`;
      return Object.assign(new Error(`${what} ${host}:${options.port ?? 0}: ${code}`), { code });
    };
    setInt(L, fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (options.reusePort) setInt(L, fd, SOL_SOCKET, SO_REUSEPORT, 1);
    // As node:net and libuv: "::" accepts IPv4 too (dual stack); other IPv6 addresses are IPv6 only anyway.
    if (v6) setInt(L, fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    if (L.bind(fd, sa, sa.length) !== 0) throw fail("bind");
    if (L.listen(fd, options.backlog ?? 511) !== 0) throw fail("listen");
    const local = new Uint8Array(28);
    const len = new Uint32Array([28]);
    L.getsockname(fd, local, new Uint8Array(len.buffer));
    const port = formatSockaddr(local).port;
    const keepAlive = options.keepAlive ?? 0;
    let open = true;
    this.watch(fd, EPOLLIN, {
      ready: () => {
        for (;;) {
          const peer = new Uint8Array(28);
          const plen = new Uint32Array([28]);
          const c = L.accept4(fd, peer, new Uint8Array(plen.buffer), SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) return; // EAGAIN, or an error of that one connection (ECONNABORTED, EMFILE...)
          setInt(L, c, IPPROTO_TCP, TCP_NODELAY, 1);
          if (keepAlive > 0) {
            // As Valkey's anetKeepAlive: first probe after `keepAlive` s, then every third of it, 3 probes.
            setInt(L, c, SOL_SOCKET, SO_KEEPALIVE, 1);
            setInt(L, c, IPPROTO_TCP, TCP_KEEPIDLE, keepAlive);
            setInt(L, c, IPPROTO_TCP, TCP_KEEPINTVL, Math.max(1, Math.floor(keepAlive / 3)));
            setInt(L, c, IPPROTO_TCP, TCP_KEEPCNT, 3);
          }
          const me = new Uint8Array(28);
          const mlen = new Uint32Array([28]);
          L.getsockname(c, me, new Uint8Array(mlen.buffer));
          const conn = new EpollConnection(this, c, formatSockaddr(peer), formatSockaddr(me));
          conn.handler = accept(conn);
          conn.start();
        }
      },
    });
    return {
      host,
      port,
      close: () => {
        if (open) {
          open = false;
          this.unwatch(fd);
          L.close(fd);
        }
        return Promise.resolve();
      },
    };
  }
}

const ONE = new Uint8Array(new BigUint64Array([1n]).buffer);

function setInt(L: Libc, fd: number, level: number, name: number, value: number): void {
  L.setsockopt(fd, level, name, new Uint8Array(new Int32Array([value]).buffer), 4);
}

const NOOP: ConnectionHandler = { data() {}, drain() {}, closed() {} };

/** An accepted TCP connection of an EpollLoop. */
export class EpollConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly unix = false;
  handler: ConnectionHandler = NOOP;
  /** Called when the kernel took some of the queued bytes and more wait (pendingBytes went down). */
  progress: (() => void) | undefined;
  /** Bytes the kernel did not take yet, in order (the first possibly partly sent: see #offset). */
  readonly #queue: Uint8Array[] = [];
  #offset = 0;
  #pending = 0;
  #paused = false;
  #interest = 0;
  /** close() was called: no more reading, close once the queue is sent. */
  #closing = false;
  /** The fd is closed (closed() is reported at the end of the round). */
  #done = false;
  #reported = false;
  lingerUntil = 0;

  constructor(
    readonly loop: EpollLoop,
    readonly fd: number,
    remote: { address: string; port: number },
    local: { address: string; port: number },
  ) {
    this.remoteAddress = remote.address;
    this.remotePort = remote.port;
    this.localAddress = local.address;
    this.localPort = local.port;
  }

  start(): void {
    if (this.#done) return;
    this.#interest = this.#wanted();
    this.loop.watch(this.fd, this.#interest, this);
  }

  get pendingBytes(): number {
    return this.#pending;
  }

  /** Takes ownership of `bytes` (queued as they are if the kernel does not take them all). */
  write(bytes: Uint8Array): void {
    this.#write(bytes, false);
  }

  /** Like write, for bytes valid only during the call: what is not sent at once is copied. */
  writeBorrowed(bytes: Uint8Array): void {
    this.#write(bytes, true);
  }

  #write(bytes: Uint8Array, borrowed: boolean): void {
    if (this.#done || this.#closing || bytes.length === 0) return;
    let sent = 0;
    if (this.#queue.length === 0) {
      const n = this.loop.libc.send(this.fd, bytes, bytes.length, MSG_NOSIGNAL);
      if (n < 0) {
        const e = this.loop.libc.errno();
        if (e !== EAGAIN && e !== EINTR) {
          this.#end();
          return;
        }
      } else sent = n;
      if (sent === bytes.length) return;
    }
    const rest = sent > 0 || borrowed ? bytes.slice(sent) : bytes;
    this.#queue.push(rest);
    this.#pending += rest.length;
    this.#update();
  }

  pauseReading(): void {
    this.#paused = true;
    this.#update();
  }

  resumeReading(): void {
    this.#paused = false;
    this.#update();
  }

  close(): void {
    if (this.#done || this.#closing) return;
    this.#closing = true;
    if (this.#queue.length === 0) this.#shutdown();
    else this.#update();
  }

  destroy(): void {
    this.#end();
  }

  #wanted(): number {
    if (this.#done) return 0;
    let ev = 0;
    if (!this.#paused && !this.#closing) ev |= EPOLLIN;
    if (this.#queue.length > 0) ev |= EPOLLOUT;
    // A closing socket with nothing queued reads (and drops) until the peer's FIN.
    if (this.#closing && this.#queue.length === 0) ev |= EPOLLIN;
    return ev;
  }

  #update(): void {
    if (this.#done) return;
    const ev = this.#wanted();
    if (ev !== this.#interest) {
      this.#interest = ev;
      this.loop.interest(this.fd, ev);
    }
  }

  ready(events: number): void {
    if (this.#done) return;
    const hangup = (events & ~(EPOLLIN | EPOLLOUT)) !== 0;
    if (this.#queue.length > 0 && ((events & EPOLLOUT) !== 0 || hangup)) {
      this.#flush();
      if (this.#done) return;
    }
    if ((events & EPOLLIN) !== 0) this.#read();
    else if (hangup) {
      // EPOLLHUP/EPOLLERR (reported even while reading is paused): the connection is gone either way.
      this.#end();
    }
  }

  #read(): void {
    const L = this.loop.libc;
    const buf = this.loop.readBuf;
    const n = L.read(this.fd, buf, buf.length);
    if (n > 0) {
      if (!this.#closing) this.handler.data(buf.subarray(0, n));
      return;
    }
    if (n < 0) {
      const e = L.errno();
      if (e === EAGAIN || e === EINTR) return;
      this.#end();
      return;
    }
    // The peer closed its side: send what is queued, then close (Valkey frees the client).
    if (this.#closing || this.#queue.length === 0) {
      this.#end();
      return;
    }
    this.#closing = true;
    this.#update();
  }

  #flush(): void {
    const L = this.loop.libc;
    const q = this.#queue;
    while (q.length > 0) {
      const head = q[0]!;
      const part = this.#offset === 0 ? head : head.subarray(this.#offset);
      const n = L.send(this.fd, part, part.length, MSG_NOSIGNAL);
      if (n < 0) {
        const e = L.errno();
        if (e === EAGAIN || e === EINTR) break;
        this.#end();
        return;
      }
      this.#pending -= n;
      if (n < part.length) {
        this.#offset += n;
        break;
      }
      q.shift();
      this.#offset = 0;
    }
    if (q.length === 0) {
      if (this.#closing) this.#shutdown();
      else this.handler.drain();
    } else if (this.progress !== undefined) this.progress();
    this.#update();
  }

  /** Everything is sent after close(): FIN, then wait (bounded) for the peer's. */
  #shutdown(): void {
    this.loop.libc.shutdown(this.fd, SHUT_WR);
    this.lingerUntil = Date.now() + CLOSE_LINGER_MS;
    this.loop.lingering.add(this);
    this.#update();
  }

  /** Ends a lingering close. */
  finish(): void {
    this.#end();
  }

  #end(): void {
    if (this.#done) return;
    this.#done = true;
    this.loop.lingering.delete(this);
    this.loop.unwatch(this.fd);
    this.loop.libc.close(this.fd);
    this.#queue.length = 0;
    this.#pending = 0;
    this.loop.ended(this);
  }

  /** Called by the loop at the end of the round in which the fd was closed. */
  report(): void {
    if (this.#reported) return;
    this.#reported = true;
    this.handler.closed();
  }
}
