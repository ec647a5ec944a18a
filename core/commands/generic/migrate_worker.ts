/**
 * The Worker that talks to MIGRATE's target instances (see migrate.ts): it owns the cached connections
 * (Valkey's migrate_cached_sockets: at most 64, keyed `host:port`, each remembering the database it last
 * SELECTed, closed after 10 s unused) and runs one transfer per request while the main thread waits on a
 * SharedArrayBuffer, as Valkey's main thread waits on its blocking socket calls.
 *
 * Request (postMessage): {sab, name, host, port, timeout, auth, dbid, restore, keys}
 *   `restore`: the RESTORE commands, already in RESP; `keys`: how many; `auth`: null, [password] or
 *   [username, password].
 * Result (written into `sab` as JSON after an 8-byte header, then i32[0] = 1 and a notify):
 *   {connect: true}                      the connection could not be made
 *   {acked: string, error: string|null}  `acked` has one character per key whose reply was read,
 *                                        "1" for +OK, "0" for an error reply; `error` is the reply for
 *                                        the client (null: OK)
 *
 * The protocol on the connection, the single retry and the error replies follow Valkey's migrateCommand:
 * a cached connection that turns out to be closed is reopened and the transfer sent again once, unless
 * the failure was a timeout or some reply was already read.
 *
 * The number of cached connections is kept in a shared cell for INFO (migrate_cached_sockets).
 *
 * It imports only node:net.
 *
 * @module
 */

import * as net from "node:net";

export interface MigrateRequest {
  sab: SharedArrayBuffer;
  name: string;
  host: string;
  port: number;
  timeout: number;
  auth: Uint8Array[] | null;
  dbid: number;
  restore: Uint8Array;
  keys: number;
}

export type MigrateResult = { connect: true } | { acked: string; error: string | null };

/** Other messages: the shared cell where the number of cached connections is kept; close them all. */
export type MigrateControl = { op: "init"; stats: SharedArrayBuffer } | { op: "close" };

interface WorkerScope {
  onmessage: ((e: MessageEvent<MigrateRequest | MigrateControl>) => void) | null;
}

const MAX_CACHED = 64;
const CACHE_TTL_MS = 10_000;
const WRITE_CHUNK = 64 * 1024;
const enc = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** A socket failure: `timeout` when a wait ran out (Valkey's ETIMEDOUT, which is never retried). */
class SockError extends Error {
  constructor(readonly timeout: boolean) {
    super(timeout ? "timeout" : "socket error");
  }
}

/** One cached connection with its input buffer. */
class Conn {
  lastDbid = -1;
  lastUse = Date.now();
  #data = new Uint8Array(0);
  #dead = false;
  #wake: (() => void) | null = null;

  constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on("data", (d: Uint8Array) => {
      const n = new Uint8Array(this.#data.length + d.length);
      n.set(this.#data, 0);
      n.set(d, this.#data.length);
      this.#data = n;
      this.#wake?.();
    });
    const die = () => {
      this.#dead = true;
      this.#wake?.();
    };
    sock.on("close", die);
    sock.on("error", die);
  }

  close(): void {
    this.#dead = true;
    this.sock.destroy();
  }

  /** Waits for a wake-up (data, close) or the timeout. */
  #wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve(false);
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve(true);
      };
    });
  }

  /** One reply line without its CR LF (syncReadLine); at most 1023 bytes are kept, as Valkey's buffers. */
  async readLine(timeout: number): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const nl = this.#data.indexOf(10);
      if (nl >= 0) {
        let end = nl;
        if (end > 0 && this.#data[end - 1] === 13) end--;
        const line = latin1.decode(this.#data.subarray(0, Math.min(end, 1023)));
        this.#data = this.#data.subarray(nl + 1);
        return line;
      }
      if (this.#dead) throw new SockError(false);
      const left = deadline - Date.now();
      if (left <= 0 || !(await this.#wait(left))) throw new SockError(true);
    }
  }

  /** Writes `buf` in 64 KB pieces, each within `timeout` (syncWrite). */
  async write(buf: Uint8Array, timeout: number): Promise<void> {
    for (let pos = 0; pos < buf.length; pos += WRITE_CHUNK) {
      if (this.#dead) throw new SockError(false);
      const piece = buf.subarray(pos, Math.min(buf.length, pos + WRITE_CHUNK));
      const ok = await new Promise<boolean | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), timeout);
        this.sock.write(piece, (err) => {
          clearTimeout(timer);
          resolve(err === undefined || err === null);
        });
      });
      if (ok === null) throw new SockError(true);
      if (!ok) throw new SockError(false);
    }
  }
}

const cache = new Map<string, Conn>();
/** INFO's migrate_cached_sockets, read by the main thread. */
let stats: Int32Array | null = null;

function counted(): void {
  if (stats !== null) Atomics.store(stats, 0, cache.size);
}

function drop(name: string): void {
  const c = cache.get(name);
  if (c === undefined) return;
  c.close();
  cache.delete(name);
  counted();
}

/**
 * connBlockingConnect: null when the address cannot be resolved or used, or when the connection is not
 * established within `timeout` ("IOERR error or timeout connecting"). A connection the peer refuses counts
 * as made, as with Valkey's non-blocking connect (the socket becomes writable with an error): the write
 * that follows fails, and the error is "writing".
 */
function connect(host: string, port: number, timeout: number): Promise<Conn | null> {
  return new Promise((resolve) => {
    let sock: net.Socket;
    try {
      sock = net.connect({ host, port });
    } catch {
      return resolve(null);
    }
    const fail = (e?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      const code = (e as { code?: string } | undefined)?.code ?? "";
      if (e === undefined || code === "ENOTFOUND" || code.startsWith("EAI_")) return resolve(null);
      const dead = new Conn(sock);
      dead.close();
      resolve(dead);
    };
    const timer = setTimeout(fail, timeout);
    sock.once("error", fail);
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.off("error", fail);
      resolve(new Conn(sock));
    });
  });
}

/** migrateGetSocket: the cached connection, or a new one (dropping one at random when 64 are cached). */
async function getConn(req: MigrateRequest): Promise<Conn | null> {
  const cached = cache.get(req.name);
  if (cached !== undefined) {
    cached.lastUse = Date.now();
    return cached;
  }
  if (cache.size >= MAX_CACHED) {
    const names = [...cache.keys()];
    drop(names[Math.floor(Math.random() * names.length)]!);
  }
  const c = await connect(req.host, req.port, req.timeout);
  if (c === null) return null;
  cache.set(req.name, c);
  counted();
  return c;
}

function bulk(parts: Uint8Array[], words: (string | Uint8Array)[]): void {
  parts.push(enc.encode(`*${words.length}\r\n`));
  for (const w of words) {
    const b = typeof w === "string" ? enc.encode(w) : w;
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
}

async function migrate(req: MigrateRequest): Promise<MigrateResult> {
  let mayRetry = true;
  for (;;) {
    const c = await getConn(req);
    if (c === null) return { connect: true };
    const parts: Uint8Array[] = [];
    if (req.auth !== null) bulk(parts, ["AUTH", ...req.auth]);
    const select = c.lastDbid !== req.dbid;
    if (select) bulk(parts, ["SELECT", String(req.dbid)]);
    parts.push(req.restore);
    const size = parts.reduce((n, p) => n + p.length, 0);
    const buf = new Uint8Array(size);
    let off = 0;
    for (const p of parts) (buf.set(p, off), off += p.length);

    let writing = false;
    let failure: SockError;
    try {
      writing = true;
      await c.write(buf, req.timeout);
      writing = false;
      const authLine = req.auth !== null ? await c.readLine(req.timeout) : "";
      const selectLine = select ? await c.readLine(req.timeout) : "";
      const early = authLine.startsWith("-") ? authLine : selectLine.startsWith("-") ? selectLine : null;
      let acked = "";
      let fromTarget: string | null = null;
      let socketError: SockError | null = null;
      for (let j = 0; j < req.keys; j++) {
        let line: string;
        try {
          line = await c.readLine(req.timeout);
        } catch (e) {
          if (!(e instanceof SockError)) throw e;
          socketError = e;
          break;
        }
        if (early !== null || line.startsWith("-")) {
          if (fromTarget === null) {
            // The target may have changed database: SELECT again next time.
            c.lastDbid = -1;
            fromTarget = (early ?? line).slice(1);
          }
          acked += "0";
        } else acked += "1";
      }
      if (
        fromTarget === null && socketError !== null && acked.length === 0 && mayRetry && !socketError.timeout
      ) {
        throw socketError; // nothing was read: reconnect and send again
      }
      if (socketError !== null) drop(req.name);
      if (fromTarget === null && socketError !== null) {
        return { acked, error: "IOERR error or timeout reading to target instance" };
      }
      if (fromTarget !== null) {
        return {
          acked,
          error: `ERR Target instance replied with error: ${fromTarget.replace(/[\r\n]/g, " ")}`,
        };
      }
      c.lastDbid = req.dbid;
      return { acked, error: null };
    } catch (e) {
      if (!(e instanceof SockError)) throw e;
      failure = e;
    }
    drop(req.name);
    if (!failure.timeout && mayRetry) {
      mayRetry = false;
      continue;
    }
    return {
      acked: "",
      error: `IOERR error or timeout ${writing ? "writing" : "reading"} to target instance`,
    };
  }
}

function answer(sab: SharedArrayBuffer, r: MigrateResult): void {
  const i32 = new Int32Array(sab, 0, 2);
  const bytes = enc.encode(JSON.stringify(r));
  new Uint8Array(sab, 8, bytes.length).set(bytes);
  i32[1] = bytes.length;
  Atomics.store(i32, 0, 1);
  Atomics.notify(i32, 0);
}

// migrateCloseTimedoutSockets, from the Worker's own timer (Valkey runs it in serverCron).
setInterval(() => {
  const now = Date.now();
  for (const [name, c] of cache) if (now - c.lastUse > CACHE_TTL_MS) drop(name);
}, 1000);

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  const m = e.data;
  if ("op" in m) {
    if (m.op === "init") stats = new Int32Array(m.stats, 0, 1);
    else for (const name of [...cache.keys()]) drop(name);
    return;
  }
  migrate(m).then(
    (r) => answer(m.sab, r),
    () => answer(m.sab, { acked: "", error: "IOERR error or timeout reading to target instance" }),
  );
};
