/**
 * The `node:net` socket adapter. Deno uses it, and so would Node.
 *
 * Reading: each accepted socket reads into one 64 KiB buffer of its own and calls the core straight from
 * the handle's read callback (Node's `onread` option, see readIntoOwnBuffer), instead of Deno allocating
 * a Buffer per read and pushing it through the Readable stream to a 'data' listener. Writes go through
 * `socket.write`, which keeps a reference to the buffer until it is flushed; the core hands over arrays it
 * owns no more, so they are wrapped, not copied. Reading is paused and resumed with `socket.pause()` /
 * `socket.resume()` (with `onread` they stop and restart the handle's reads).
 *
 * Measured on Deno 2.9.6 (2 shared cores, redis-benchmark -c 50 on the same machine; server main-thread
 * CPU per request, user + system, median of interleaved runs — the machine's load made req/s too noisy
 * to rank these):
 *
 *   Valkyr, SET / GET µs per request     pipeline 16     pipeline 1
 *   node:net, 'data' events              2.75 / 2.30     14.8 / 13.0
 *   node:net, onread (this adapter)      2.45 / 1.99     12.4 / 12.7
 *   Deno.listen, read loop + write chain 2.50 / 2.24     13.7 / 12.8
 *   (Bun.listen, for comparison          2.0  / 1.5      10.8 / 10.6)
 *
 * A server that only answers (no parsing or keyspace) isolates the socket cost at pipeline 16: 'data'
 * events 0.95, onread 0.78, Deno.listen 0.73, Bun.listen 0.55 µs per request. Deno.listen and onread are
 * within the noise of each other; node:net stays because it also gives SO_REUSEPORT without
 * `--unstable-net` (the I/O Workers need it) and exposes the fd (CLIENT LIST).
 *
 * @module
 */

import * as net from "node:net";
import * as tls from "node:tls";
import { Buffer } from "node:buffer";
import type {
  Accept,
  Connection,
  ConnectionHandler,
  Listener,
  ListenOptions,
  NetAdapter,
  OutboundConnection,
} from "./types.ts";
import { wrapAccepted } from "./tls.ts";

class NodeConnection implements Connection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly unix: boolean;
  readonly fd: number;
  handler: ConnectionHandler | undefined;
  /** pauseReading() was called last (sockets start paused: see listen). */
  readPaused = false;
  #closed = false;

  /** `raw`: the TCP socket under a TLS one (its addresses and fd are the connection's). */
  constructor(readonly socket: net.Socket, unixPath: string | undefined, raw: net.Socket = socket) {
    this.unix = unixPath !== undefined;
    this.remoteAddress = unixPath ?? normalizeAddress(raw.remoteAddress ?? "");
    this.remotePort = unixPath !== undefined ? 0 : raw.remotePort ?? 0;
    this.localAddress = unixPath ?? normalizeAddress(raw.localAddress ?? "");
    this.localPort = unixPath !== undefined ? 0 : raw.localPort ?? 0;
    // deno-lint-ignore no-explicit-any
    const h = (raw as any)._handle;
    this.fd = typeof h?.fd === "number" && h.fd >= 0 ? h.fd : -1;
  }

  write(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    this.socket.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  }

  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  pauseReading(): void {
    this.readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    this.readPaused = false;
    this.socket.resume();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.end();
  }

  destroy(): void {
    this.#closed = true;
    this.socket.destroy();
  }
}

/**
 * The buffer each connection reads into: 16 KiB (Valkey's PROTO_IOBUF_LEN), 64 KiB (Node's and Deno's
 * default read size) while the client sends more than 16 KiB at a time. Each connection holds its buffer
 * for as long as it is open (a read is always pending on it), so this is most of an idle client's memory:
 * 8000 idle clients took 800 MiB of RSS with 64 KiB for every connection (Valkey 8.1: 43 MiB); with 16 KiB
 * reads only, SET of 64 KiB values was ~12% slower.
 */
const READ_BUFFER = 16 * 1024;
const BIG_READ_BUFFER = 64 * 1024;
/** Reads of less than READ_BUFFER in a row after which a connection goes back to the small buffer. */
const SMALL_READS_TO_SHRINK = 16;

/**
 * Node's `onread` for an accepted socket: the handle reads into one buffer per connection and calls
 * `handler.data` directly, instead of allocating a Buffer per read and pushing it through the Readable
 * stream and a 'data' event. `net.Socket` takes `onread` only in its constructor, which the server side
 * never sees, so this sets the same internal fields (`kBuffer`, `kBufferCb`, found by their symbol names)
 * and `useUserBuffer` on the handle before reading starts, as the constructor does. Returns false (the
 * caller listens for 'data') when the runtime's sockets lack them.
 */
function readIntoOwnBuffer(socket: net.Socket, handler: ConnectionHandler): boolean {
  // deno-lint-ignore no-explicit-any
  const s = socket as any;
  const handle = s._handle;
  if (handle === null || typeof handle?.useUserBuffer !== "function") return false;
  let kBuffer: symbol | undefined;
  let kBufferCb: symbol | undefined;
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    if (sym.description === "kBuffer") kBuffer = sym;
    else if (sym.description === "kBufferCb") kBufferCb = sym;
  }
  if (kBuffer === undefined || kBufferCb === undefined) return false;
  const use = (size: number) => {
    const buf = new Uint8Array(size);
    s[kBuffer] = buf;
    handle.useUserBuffer(buf);
  };
  // Reads that fill the small buffer switch the connection to the big one; a run of small reads switches
  // it back (the read loop takes kBuffer anew for every read).
  let smallReads = 0;
  s[kBufferCb] = (n: number, b: Uint8Array) => {
    handler.data(b.subarray(0, n));
    if (b.length === READ_BUFFER) {
      if (n === READ_BUFFER) use(BIG_READ_BUFFER);
    } else if (n >= READ_BUFFER) smallReads = 0;
    else if (++smallReads >= SMALL_READS_TO_SHRINK) {
      smallReads = 0;
      use(READ_BUFFER);
    }
  };
  use(READ_BUFFER);
  return true;
}

function normalizeAddress(a: string): string {
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

export const nodeNetAdapter: NetAdapter = {
  runtime: "node",
  listen(options: ListenOptions, accept: Accept): Promise<Listener> {
    const server = net.createServer({ noDelay: true, pauseOnConnect: !options.tls }, (raw) => {
      if (options.keepAlive) raw.setKeepAlive(true, options.keepAlive * 1000);
      raw.setNoDelay(true);
      let socket: net.Socket = raw;
      let conn: NodeConnection;
      if (options.tls !== undefined) {
        // TLS: the client is made now, its bytes flow once the handshake is done (see tls.ts).
        const addr = `addr=${normalizeAddress(raw.remoteAddress ?? "")}:${raw.remotePort} laddr=${
          normalizeAddress(raw.localAddress ?? "")
        }:${raw.localPort}`;
        const how = options.tls();
        socket = wrapAccepted(raw, how, addr);
        conn = new NodeConnection(socket, undefined, raw);
        let handshaken = false;
        socket.once("secure", () => (handshaken = true));
        socket.once("error", (e: Error) => {
          if (handshaken) return;
          how.failed(e.message, addr);
          // As a failed accept in Valkey, the peer sees its connection reset where the runtime still lets
          // us (Bun; on Deno the TLS layer has closed the socket by now: the peer gets an alert and EOF).
          (raw as net.Socket & { resetAndDestroy?: () => void }).resetAndDestroy?.();
        });
      } else conn = new NodeConnection(socket, options.path);
      const handler = accept(conn);
      conn.handler = handler;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        handler.closed();
      };
      // A TLS socket's reads are its decrypted records: they come through 'data'.
      if (options.tls !== undefined || !readIntoOwnBuffer(socket, handler)) {
        socket.on("data", (chunk: Uint8Array) => handler.data(chunk));
      }
      socket.on("drain", () => handler.drain());
      socket.on("error", () => {
        socket.destroy();
        finish();
      });
      socket.on("close", finish);
      socket.on("end", () => {
        // The peer closed its side; Valkey closes the connection too.
        socket.end();
      });
      // Accepted paused (pauseOnConnect), so that reading starts only now, into the right buffer.
      if (!conn.readPaused) socket.resume();
    });
    server.maxConnections = Number.MAX_SAFE_INTEGER;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      const onListening = () => {
        server.off("error", reject);
        server.on("error", () => {});
        const addr = server.address();
        const port = typeof addr === "object" && addr !== null ? addr.port : 0;
        resolve({
          host: options.path ?? options.host ?? "0.0.0.0",
          port,
          // Stops listening; open connections are not waited for (the server closes its clients itself).
          // The listening socket's fd is closed inside server.close(), so the address is free at once.
          close: () =>
            new Promise<void>((res) => {
              server.close();
              setImmediate(res);
            }),
        });
      };
      if (options.path !== undefined) {
        server.listen({ path: options.path, backlog: options.backlog }, onListening);
      } else {
        // `reusePort` is in Node >= 22.12 and Deno's node:net (needs no --unstable-net there).
        const opts = {
          host: options.host,
          port: options.port,
          backlog: options.backlog,
          reusePort: options.reusePort,
        };
        server.listen(opts as net.ListenOptions, onListening);
      }
    });
  },
};

/**
 * An outgoing TCP connection (a replica's link to its primary), through node:net on every runtime (Bun's
 * node:net too): one connection per server, where the accepted ones' read tricks would not pay. Resolves
 * once connected (with `secureContext`, once the TLS handshake is done); rejects with the runtime's error
 * (its message, e.g. "connect ECONNREFUSED ...") or on `timeoutMs`. Nothing is delivered until
 * {@link OutboundConnection.attach}.
 */
export function connectTcp(
  host: string,
  port: number,
  timeoutMs: number,
  localAddress?: string,
  secureContext?: tls.SecureContext,
): Promise<OutboundConnection> {
  return new Promise((resolve, reject) => {
    const local = localAddress ? { localAddress } : {};
    // Over TLS (replication with `tls-replication yes`) the server's certificate must verify against our
    // authorities; like Valkey, its name is not checked against the host.
    const socket: net.Socket = secureContext === undefined
      ? net.connect({ host, port, noDelay: true, ...local })
      : tls.connect({
        host,
        port,
        secureContext,
        rejectUnauthorized: true,
        checkServerIdentity: () => undefined,
        ...local,
      });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("Timeout connecting"));
    }, timeoutMs);
    const failed = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    socket.once("error", failed);
    socket.once(secureContext === undefined ? "connect" : "secureConnect", () => {
      clearTimeout(timer);
      // Only our listener goes (a runtime's TLS socket may keep listeners of its own): until attach(),
      // an error (a TLS alert after the handshake) is noted, and the close reports it.
      socket.off("error", failed);
      socket.on("error", () => socket.destroy());
      socket.setNoDelay(true);
      socket.pause();
      resolve(new NodeOutbound(socket));
    });
  });
}

class NodeOutbound extends NodeConnection implements OutboundConnection {
  #attached = false;

  constructor(socket: net.Socket) {
    super(socket, undefined);
  }

  attach(handler: ConnectionHandler): void {
    this.handler = handler;
    const socket = this.socket;
    if (this.#attached) return;
    this.#attached = true;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.handler?.closed();
    };
    socket.on("data", (chunk: Uint8Array) => this.handler?.data(chunk));
    socket.on("drain", () => this.handler?.drain());
    socket.on("error", () => {
      socket.destroy();
      finish();
    });
    socket.on("close", finish);
    socket.on("end", () => socket.end());
    if (!this.readPaused) socket.resume();
  }
}
